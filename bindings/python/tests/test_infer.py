"""The default secondary-structure model and generic ONNX runs."""
import numpy as np
import pytest

import panalyzer as pa

from conftest import need


@pytest.fixture(autouse=True)
def _infer():
    need("pa_predict_ss", "pa_model_load_default")


def test_predict_ss_default_model():
    seqs = ["MKVLAAGIVGLLLAEEAAKRLG", "GSHM", "ACDEFGHIKLMNPQRSTVWYXB"]
    out = pa.predict_ss(seqs)
    assert [len(s) for s in out] == [len(s) for s in seqs]
    assert all(set(s) <= set("HEC") for s in out)
    assert pa.predict_ss(seqs[0]) == out[0]


def test_predict_ss_probabilities_and_executor():
    need("pa_executor_new")
    seqs = ["MKVLAAGIVGLLLAEEAAKRLG" * 3, "PPGPPGPPG"] * 4
    ss, p = pa.predict_ss(seqs[0], probs=True)
    assert p.shape == (len(seqs[0]), 3) and np.allclose(p.sum(axis=1), 1, atol=1e-4)
    assert ss == "".join("HEC"[k] for k in p.argmax(axis=1))
    with pa.Executor(threads=2) as ex:
        par = pa.predict_ss(seqs, executor=ex, batch=2)
    assert par == pa.predict_ss(seqs)


def test_model_object_runs():
    m = pa.Model.default()
    assert m.inputs[0]["name"] == "ids" and m.inputs[0]["dtype"] is np.int64
    ids = np.array([[1, 2, 3, 4, 5, 0]], dtype=np.int64)
    (y,) = m.run(ids)[:1]
    assert y.shape == (1, 6, 3) and y.dtype == np.float32
    again = pa.Model.from_bytes(pa.Model.default_bytes(), name="copy")
    np.testing.assert_allclose(again.run(ids)[0], y)
    assert pa.predict_ss(["ACDE"], model=m) == pa.predict_ss(["ACDE"])


def test_bad_model_bytes():
    with pytest.raises(pa.Error) as ei:
        pa.Model.from_bytes(b"\x08\x07garbage-not-onnx", name="bad.onnx")
    assert ei.value.code in (pa.lib.PA_EFORMAT, pa.lib.PA_ETRUNCATED, pa.lib.PA_EUNSUPPORTED)


def test_run_memory_budget():
    ids = np.ones((4, 200), dtype=np.int64)
    tight = pa.Model.from_bytes(pa.Model.default_bytes(), max_run_bytes=1 << 16)
    with pytest.raises(MemoryError) as ei:
        tight.run(ids)
    assert "max_run_bytes" in str(ei.value)
    roomy = pa.Model.from_bytes(pa.Model.default_bytes(), max_run_bytes=64 << 20)
    np.testing.assert_array_equal(roomy.run(ids)[0], pa.Model.default().run(ids)[0])
