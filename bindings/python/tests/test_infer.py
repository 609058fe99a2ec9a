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


def test_precision_option_and_kernel():
    need("pa_model_load_default_opts", "pa_model_kernel")
    seq = "MKVLAAGIVGLLLAEEAAKRLGSHMPEPTIDEKVLLAGG"
    _, ref = pa.predict_ss(seq, probs=True)
    for prec in ("fp32", "bf16", "int8"):
        m = pa.Model.default(precision=prec)
        assert m.precision in (prec, "fp32")  # fp32 where this CPU has no faster path
        assert m.kernel.startswith(m.precision + "-")
        _, p = pa.predict_ss(seq, model=m, probs=True)
        assert np.abs(p - ref).max() < 0.05
    with pytest.raises(ValueError):
        pa.Model.default(precision="fp16")
    data = pa.Model.default_bytes()
    assert pa.Model.from_bytes(data, precision="int8").precision in ("int8", "fp32")


def test_predict_ss8():
    need("pa_model_load_default_opts")
    seqs = ["MKVLAAGIVGLLLAEEAAKRLG", "GSHM"]
    out = pa.predict_ss8(seqs)
    assert [len(s) for s in out] == [len(s) for s in seqs]
    assert all(set(s) <= set("HGIEBTSC") for s in out)
    s8, p8 = pa.predict_ss8(seqs[0], probs=True)
    assert p8.shape == (len(seqs[0]), 8) and np.allclose(p8.sum(axis=1), 1, atol=1e-3)
    assert s8 == "".join("HGIEBTSC"[k] for k in p8.argmax(axis=1))


def test_pipeline_ss_precision(tmp_path):
    need("pa_pipeline_run", "pa_model_load_default_opts")
    import os
    files = [os.path.join(os.path.dirname(__file__), "data", f) for f in ("1crn.pdb", "1CRN.cif")]
    for prec in ("fp32", "int8"):
        res = list(pa.run(files, predict_ss=True, ss_precision=prec, threads=1))
        assert all(r.ok for r in res)
        assert all(c.ss3 and set(c.ss3) <= set("HEC") for r in res for c in r.chains)
    with pytest.raises(ValueError):
        list(pa.run(files, predict_ss=True, ss_precision="fp8"))
