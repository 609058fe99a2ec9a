"""pa.RefIndex / pa.build_index: reference index, search with E-values, pipeline use."""
import random

import pytest

import panalyzer as pa

from conftest import data, need

CRN = "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN"


@pytest.fixture(autouse=True)
def _ix():
    need("pa_refindex_search")


def refs(n=60, seed=7):
    rnd = random.Random(seed)
    aa = "ACDEFGHIKLMNPQRSTVWY"
    return [("r%02d" % i, "".join(rnd.choice(aa) for _ in range(rnd.randint(120, 300))))
            for i in range(n)] + [("crambin", CRN)]


def test_build_write_open_search(tmp_path):
    rs = refs()
    path = tmp_path / "r.pai"
    ix = pa.build_index(rs, path)
    assert len(ix) == len(rs) and ix.k == 5 and ix.residues == sum(len(s) for _, s in rs)
    again = pa.RefIndex(path)
    assert again[3] == rs[3] and len(again) == len(rs)
    q = [("q1", rs[5][1][10:100]), ("crn", CRN)]
    hits = again.search(q, evalue=1e-3, top=3, threads=2)
    assert hits == ix.search(dict(q), evalue=1e-3, top=3, threads=1, chunk=1)
    first = [h for h in hits if h.query == 0][0]
    assert (first.target_id, first.qstart, first.qend, first.identity) == ("r05", 0, 90, 1.0)
    assert first.tstart == 10 and first.cigar == "90=" and first.evalue < 1e-20
    crn = [h for h in hits if h.query_id == "crn"][0]
    assert crn.target_id == "crambin" and crn.qcov == 1.0 and crn.tcov == 1.0
    assert isinstance(first, pa.Hit) and first.bits > 50


def test_fasta_queries_and_options(tmp_path):
    fa = tmp_path / "r.fa"
    fa.write_text("".join(">%s\n%s\n" % r for r in refs()))
    ix = pa.RefIndex(fa)  # a FASTA is indexed in memory
    qa = tmp_path / "q.fa"
    qa.write_text(">crn\n%s\n" % CRN)
    assert ix.search(qa, sensitivity="exhaustive")[0].target_id == "crambin"
    assert ix.search(qa, evalue=1e-300) == []
    assert len(ix.search(qa, top=0, evalue=10.0, matrix="BLOSUM62")) >= 1
    with pytest.raises(ValueError):
        ix.search(qa, sensitivity="max")
    with pytest.raises(pa.Unsupported):
        ix.search(qa, gap_open=2)
    ix.write(tmp_path / "r.pai")
    with pytest.raises(ValueError):  # already an index
        pa.build_index(tmp_path / "r.pai")


def test_corrupt_index_is_an_error(tmp_path):
    path = tmp_path / "r.pai"
    pa.build_index(refs(), path)
    b = bytearray(path.read_bytes())
    b[len(b) // 2] ^= 0x40
    path.write_bytes(bytes(b))
    with pytest.raises(pa.CorruptError):
        pa.RefIndex(path)
    path.write_bytes(bytes(b[:1000]))
    with pytest.raises(pa.Truncated):
        pa.RefIndex(path)


def test_evalue_and_pipeline(tmp_path):
    assert pa.evalue(200, 300, 10 ** 8, 3 * 10 ** 5) < pa.evalue(100, 300, 10 ** 8, 3 * 10 ** 5)
    with pytest.raises(ValueError):
        pa.evalue(100, 300, 1000, 10, matrix="BLOSUM62", gap_open=3)
    ix = pa.build_index(refs(), tmp_path / "r.pai")
    for r in (ix, str(tmp_path / "r.pai")):
        res = pa.run_all([data("1crn.pdb")], references=r)
        ref = res[0].chains[0].reference
        assert ref.id == "crambin" and ref.identity == 1.0 and ref.evalue < 1e-10
    res = pa.run_all([data("1crn.pdb")], references=ix, ref_evalue=1e-300)
    assert res[0].chains[0].reference is None


def test_composition_adjustment():
    rnd = random.Random(14)
    rich = "SSSSTTTTTPPGGAEVN"
    biased = lambda n: "".join(rnd.choice(rich) for _ in range(n))  # noqa: E731
    ix = pa.build_index(refs() + [("lowcomp", biased(600) + CRN)])
    q = {"decoy": biased(250)}
    assert ix.search(q, sensitivity="exhaustive", comp_adjust=False) != []
    assert ix.search(q, sensitivity="exhaustive") == []
    assert ix.search(q, seed_mask=True) == []
    assert ix.search({"crn": CRN})[0].target_id == "crambin"
