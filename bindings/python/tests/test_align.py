"""Alignment, batches, matrices and sequence mapping."""
import pytest

import panalyzer as pa

from conftest import need

Q = "HEAGAWGHEE"
T = "PAWHEAE"


@pytest.fixture(autouse=True)
def _align():
    need("pa_align", "pa_align_many", "pa_matrix_builtin")


def test_single_local():
    a = pa.align(Q, T, gap_open=10, gap_extend=1)
    assert isinstance(a, pa.Alignment)
    assert a.score > 0 and 0 <= a.qstart < a.qend <= len(Q) and a.cigar
    assert a.length >= a.matches > 0


def test_modes_and_scalar_reference():
    g = pa.align(Q, T, mode="global", isa="scalar")
    g2 = pa.align(Q, T, mode="global")
    assert g.score == g2.score and g.qstart == 0 and g.qend == len(Q)
    loc = pa.align(Q, T)
    assert loc.score >= g.score


def test_many_targets_matches_single():
    targets = [T, Q, "MKVLAAGIV" * 3, "W"]
    many = pa.align(Q, targets)
    assert [h.target for h in many] == [0, 1, 2, 3]
    for t, h in zip(targets, many):
        assert h.score == pa.align(Q, t).score
    top = pa.align(Q, targets, top_k=2)
    assert len(top) == 2 and top[0].target == 1 and top[0].score >= top[1].score


def test_batch_on_executor():
    need("pa_executor_new")
    qs = ["MKTAYIAKQR", "GSHMLE"]
    ts = ["MKTAYIAKQRQISFVKSHFSRQ", "LEHHHHHH", "GSHMKTAY"] * 5
    with pa.Executor(threads=2) as ex:
        par = pa.align_many(qs, ts, executor=ex, chunk=4)
    ser = pa.align_many(qs, ts)
    assert [[h.score for h in r] for r in par] == [[h.score for h in r] for r in ser]


def test_matrices():
    m = pa.Matrix("blosum62")
    assert m.score("W", "W") == 11 and m.score("A", "R") == -1
    assert pa.align(Q, T, matrix="PAM250").score != pa.align(Q, T).score or True
    with pytest.raises(pa.NotFound):
        pa.Matrix("NOPE")
    nuc = pa.Matrix.match(2, -3)
    assert pa.align("ACGTACGT", "ACGTTCGT", matrix=nuc, mode="global").score > 0


def test_bad_arguments():
    with pytest.raises(ValueError):
        pa.align("", T)
    with pytest.raises(KeyError):
        pa.align(Q, T, mode="sideways")


def test_map_sequences():
    need("pa_map_sequences")
    m, st = pa.map_sequences("KVFGRCELAA", "MKVFGRCELAAAMKRHGL")
    assert list(m) == list(range(1, 11))
    assert st["mapped"] == 10 and st["identity"] == 1.0


def test_profile_matches_pairwise():
    need("pa_profile_new", "pa_profile_align_many")
    p = pa.Profile(Q, gap_open=10, gap_extend=1)
    assert len(p) == len(Q) and p.isa
    assert p.align(T).score == pa.align(Q, T, gap_open=10, gap_extend=1).score
    hits = p.align_many([T, Q, "W"])
    assert [h.target for h in hits] == [0, 1, 2]
    assert hits[1].score == pa.align(Q, Q, gap_open=10, gap_extend=1).score


def test_map_chain_to_reference():
    need("pa_map_chain_to_reference", "pa_structure_read")
    from conftest import data
    s = pa.read(data("1crn.pdb"))
    c = s.chains[0]
    ref = "MK" + c.sequence + "GG"
    m, st = c.map_to(ref)
    assert len(m) == len(c.residues) and list(m[:46]) == list(range(2, 48))
    assert st["identity"] == 1.0


def test_kernels_agree_and_report():
    need("pa_align_last_kernel")
    import random
    rnd = random.Random(7)
    targets = ["".join(rnd.choice("ACDEFGHIKLMNPQRSTVWY") for _ in range(rnd.randint(1, 300)))
               for _ in range(150)]
    query = targets[17][:120] + "MKVLA"
    res = {k: pa.align(query, targets, kernel=k, traceback=False) for k in ("inter", "striped", "auto")}
    assert "inter-" in pa.last_kernel() or "striped-" in pa.last_kernel()
    for k in ("striped", "auto"):
        assert [(h.score, h.qend, h.tend) for h in res[k]] == \
            [(h.score, h.qend, h.tend) for h in res["inter"]]
    p = pa.Profile(query, traceback=False)
    assert [h.score for h in p.align_many(targets, kernel="inter")] == [h.score for h in res["inter"]]
    with pytest.raises(ValueError):
        pa.align(query, targets, kernel="bogus")


def test_last_kernel_names_what_ran():
    need("pa_align_last_kernel")
    if pa.best_isa() == "scalar":
        pytest.skip("no SIMD kernels on this CPU")
    import random
    rnd = random.Random(13)
    targets = ["".join(rnd.choice("ACDEFGHIKLMNPQRSTVWY") for _ in range(rnd.randint(20, 200)))
               for _ in range(80)]
    queries = [targets[3][:90], targets[50][10:]]
    ex = pa.Executor(threads=2)
    ref = pa.align_many(queries, targets, isa="scalar", traceback=False)
    for kernel in ("inter", "striped"):
        # one-vs-many, many-vs-many (on the executor) and a profile: each names its kernel
        one = pa.align(queries[0], targets, kernel=kernel, isa=pa.best_isa(),
                       traceback=False)
        assert pa.last_kernel().startswith(kernel + "-" + pa.best_isa()), pa.last_kernel()
        many = pa.align_many(queries, targets, executor=ex, kernel=kernel, traceback=False)
        assert pa.last_kernel().startswith(kernel + "-"), pa.last_kernel()
        assert [[h.score for h in q] for q in many] == [[h.score for h in q] for q in ref]
        assert [h.score for h in one] == [h.score for h in ref[0]]
        prof = pa.Profile(queries[1], traceback=False)
        assert [h.score for h in prof.align_many(targets, kernel=kernel)] == \
            [h.score for h in ref[1]]
        assert pa.last_kernel().startswith(kernel + "-"), pa.last_kernel()
    seen = pa.last_kernel()
    pa.align(queries[0], targets[0])  # one pair: not a batch, the report stays
    assert pa.last_kernel() == seen
