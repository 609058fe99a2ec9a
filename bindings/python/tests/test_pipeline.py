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
    assert not res[-1].ok and isinstance(res[-1].error, pa.InputOutputError)
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


# ---- optional stages: secondary structure and references ----------------------------------

UBQ = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG"


def example(name):
    from conftest import ROOT
    import os
    return os.path.join(ROOT, "examples", "data", name)


def test_predict_ss_matches_predict_ss():
    need("pa_result_chain_ss")
    paths = [data("1crn.pdb"), example("1ubq.cif")]
    res = pa.run_all(paths, threads=2, predict_ss=True)
    seen = 0
    for r in res:
        assert r.ok
        for c in r.chains:
            if c.polymer_type != "protein":
                assert c.ss3 is None
                continue
            assert c.ss3 == pa.predict_ss(c.sequence) and len(c.ss3) == len(c.sequence)
            assert c["ss3"] == c.ss3 and c.reference is None
            seen += 1
    assert seen >= 2
    # off by default
    assert all(c.ss3 is None for c in pa.run_all(paths[:1])[0].chains)


def test_predict_ss_with_a_model_and_cache(tmp_path):
    need("pa_result_chain_ss")
    m = pa.Model.default()
    a = pa.run_all([data("1crn.pdb")], predict_ss=True, model=m, cache_dir=tmp_path)
    assert a[0].chains[0].ss3 == pa.predict_ss(CRN)
    b = pa.run_all([data("1crn.pdb")], predict_ss=True, cache_dir=tmp_path)
    c = pa.run_all([data("1crn.pdb")], predict_ss=True, cache_dir=tmp_path)
    assert c[0].cached and c[0].chains[0].ss3 == b[0].chains[0].ss3 == a[0].chains[0].ss3


@pytest.mark.parametrize("form", ["pairs", "dict", "fasta"])
def test_references_pick_the_right_one(form, tmp_path):
    need("pa_result_chain_reference")
    refs = [("decoy", "GGGGSSSSGGGGWWWW"), ("ubq", UBQ), ("crn", CRN + "KK")]
    if form == "dict":
        refs = dict(refs)
    elif form == "fasta":
        p = tmp_path / "refs.fa"
        p.write_text("".join(">%s some description\n%s\n" % r for r in refs))
        refs = str(p)
    res = pa.run_all([data("1crn.pdb"), example("1ubq.cif")], references=refs)
    crn = res[0].chains[0].reference
    assert isinstance(crn, pa.Reference)
    assert (crn.id, crn.index, crn.mapped, crn.identity) == ("crn", 2, len(CRN), 1.0)
    assert crn.score > 0 and crn.coverage == pytest.approx(len(CRN) / (len(CRN) + 2))
    ubq = [c for c in res[1].chains if c.polymer_type == "protein"][0].reference
    assert (ubq.id, ubq.index, ubq.identity, ubq.coverage) == ("ubq", 1, 1.0, 1.0)
    assert res[0].chains[0].ss3 is None
    # picklable, as dask needs
    back = pickle.loads(pickle.dumps(res[0]))
    assert back.chains[0].reference == crn and back.chains[0]["sequence"] == CRN


def test_references_none_scoring_and_bad_input():
    need("pa_result_chain_reference")
    r = pa.run_all([data("1crn.pdb")], references=[("unknowns", "XXXX")])[0]
    assert r.ok and r.chains[0].reference is None
    with pytest.raises(ValueError):
        pa.run_all([data("1crn.pdb")], references=[("x",)])
    with pytest.raises(pa.InputOutputError):
        pa.run_all([data("1crn.pdb")], references=data("no-such.fa"))
