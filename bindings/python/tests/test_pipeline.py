"""pa.run(): the C pipeline over many files, results streamed to Python."""
import pickle

import pytest

import panalyzer as pa

from conftest import data, need

CRN = "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN"


@pytest.fixture(autouse=True)
def _pipe():
    need("pa_pipeline_run", "pa_result_chain")


def files():
    good = [data("1crn.pdb"), data("1CRN.cif"), data("1crn.pdb.gz")]
    return good * 4 + [data("empty.pdb"), data("missing.pdb")]


def test_ordered_results_with_failures():
    paths = files()
    res = list(pa.run(paths, threads=2, chunk=2))
    assert [r.index for r in res] == list(range(len(paths)))
    assert [r.path for r in res] == paths
    for r in res[:-2]:
        assert r.ok and r.atoms == 327 and r.chains[0]["sequence"] == CRN
        assert r.chains[0]["polymer_type"] == "protein"
    assert not res[-1].ok and isinstance(res[-1].error, pa.IOError)
    assert not res[-2].ok and res[-2].error.code < 0 and res[-2].diagnostics


def test_unordered_and_executor_and_metrics():
    paths = files()
    m = pa.Metrics()
    with pa.Executor(threads=2) as ex:
        res = pa.run_all(paths, executor=ex, chunk=3, ordered=False, metrics=m)
    assert sorted(r.index for r in res) == list(range(len(paths)))
    assert m.stats("file")["count"] == len(paths)


def test_leaving_early_stops_the_run():
    paths = [data("1crn.pdb")] * 200
    got = 0
    for r in pa.run(paths, threads=2, batch=4, max_queue=1):
        got += 1
        if got == 3:
            break
    assert got == 3
    # the library is usable afterwards
    assert len(pa.run_all(paths[:2])) == 2


def test_cancel_token():
    tok = pa.CancelToken()
    tok.cancel()
    with pytest.raises(pa.Canceled):
        pa.run_all([data("1crn.pdb")] * 50, threads=2, cancel=tok)


def test_cache(tmp_path):
    paths = [data("1crn.pdb"), data("1CRN.cif")]
    first = pa.run_all(paths, cache_dir=tmp_path / "cache")
    second = pa.run_all(paths, cache_dir=tmp_path / "cache")
    assert not any(r.cached for r in first) and all(r.cached for r in second)
    assert [r.chains[0]["sequence"] for r in second] == [CRN, CRN]


def test_results_pickle():
    (r,) = pa.run_all([data("1crn.pdb")])
    r2 = pickle.loads(pickle.dumps(r))
    assert r2.chains == r.chains and r2.ok
