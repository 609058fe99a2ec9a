"""Reference index and database-scale search (refindex.h).

    ix = pa.build_index("uniprot.fasta.gz", "uniprot.pai")   # or pa.RefIndex("uniprot.pai")
    for h in ix.search("queries.fasta", evalue=1e-3, top=5, threads=4):
        print(h.query_id, h.target_id, h.evalue, h.cigar)

A similar-k-mer prefilter picks candidates that are aligned exactly
(Smith-Waterman); E-values are Karlin-Altschul with NCBI BLAST's published gapped
parameters, corrected for the database size. Coordinates are 0-based, half-open.
"""
import collections
import os
from typing import Any, Iterable, List, Optional, Tuple, Union

from ._ffi import check, ffi, fspath, lib, new_opts, string

SENSITIVITIES = {"fast": 0, "default": 1, "high": 2, "exhaustive": 3}

Hit = collections.namedtuple(
    "Hit", "query target query_id target_id score bits evalue identity qcov tcov "
           "qstart qend tstart tend cigar")
Hit.__doc__ = """One search hit (pa_refhit): indexes and ids of query and reference, raw score,
bit score, E-value, identity, query/target coverage, 0-based half-open coordinates, CIGAR."""

PathLike = Union[str, bytes, "os.PathLike[str]"]


def _seqlist(seqs: Any):
    """A pa_seqlist from a FASTA path, a {id: sequence} dict or (id, sequence) pairs."""
    from .pipeline import _seqlist as make
    return make(seqs)


class RefIndex:
    """A reference index: RefIndex("refs.pai") maps an index file written by
    build_index() or `panalyze index`; RefIndex("refs.fasta") indexes a FASTA in memory.
    Immutable: it may be searched from many threads at once."""

    def __init__(self, path: PathLike, *, k: int = 0, _ptr: Any = None) -> None:
        if _ptr is None:
            out = ffi.new("pa_refindex **")
            p = fspath(path)
            if lib.pa_refindex_is_index(p):
                check(lib.pa_refindex_open(out, p))
            else:
                io = new_opts("pa_index_opts", k=int(k))
                check(lib.pa_refindex_build_fasta(out, p, io))
            _ptr = out[0]
        self._ptr = ffi.gc(_ptr, lib.pa_refindex_free)

    @classmethod
    def from_sequences(cls, refs: Any, *, k: int = 0) -> "RefIndex":
        """Index a {id: sequence} dict or (id, sequence) pairs in memory."""
        out = ffi.new("pa_refindex **")
        check(lib.pa_refindex_build(out, _seqlist(refs), new_opts("pa_index_opts", k=int(k))))
        return cls(None, _ptr=out[0])

    def __len__(self) -> int:
        return int(lib.pa_refindex_count(self._ptr))

    def __getitem__(self, i: int) -> Tuple[str, str]:
        """(id, sequence) of reference i."""
        r = ffi.new("pa_seq_record *")
        if not 0 <= i < len(self):
            raise IndexError(i)
        check(lib.pa_refindex_get(self._ptr, i, r))
        return string(r.id), string(r.seq)

    @property
    def residues(self) -> int:
        """Residues in all references."""
        return int(lib.pa_refindex_residues(self._ptr))

    @property
    def k(self) -> int:
        """k-mer length of the prefilter."""
        return int(lib.pa_refindex_k(self._ptr))

    def write(self, path: PathLike) -> None:
        """Write the index to path (atomically)."""
        check(lib.pa_refindex_write(self._ptr, fspath(path)))

    def search(self, queries: Any, *, evalue: float = 1e-3, top: int = 10,
               min_coverage: float = 0.0, sensitivity: str = "default", threads: int = 0,
               chunk: int = 0, executor: Any = None, matrix: Any = None, gap_open: int = 11,
               gap_extend: int = 1, comp_adjust: bool = True,
               seed_mask: bool = False) -> List[Hit]:
        """Search queries (a FASTA path, a {id: sequence} dict or (id, sequence) pairs)
        and return the hits of query 0 best first, then those of query 1, ...

        evalue: maximum E-value; top: hits per query (0: all passing); min_coverage:
        minimum query coverage; sensitivity: "fast", "default", "high" or "exhaustive";
        threads/chunk/executor: the executor (default: a temporary one on all cores);
        matrix: a Matrix or a built-in name; gap_open/gap_extend: BLAST gap costs;
        comp_adjust: composition-based statistics (E-values of pairs biased towards the
        same residues are raised; False: unadjusted E-values); seed_mask: low-complexity
        query windows look up only their own k-mers in the prefilter."""
        if sensitivity not in SENSITIVITIES:
            raise ValueError("sensitivity: one of %s" % ", ".join(SENSITIVITIES))
        if isinstance(matrix, str):
            from .align import Matrix
            matrix = Matrix(matrix)
        so = new_opts("pa_search_opts", max_evalue=float(evalue), top_k=int(top),
                      min_coverage=float(min_coverage),
                      sensitivity=SENSITIVITIES[sensitivity], threads=int(threads),
                      chunk=int(chunk), gap_open=int(gap_open), gap_extend=int(gap_extend),
                      comp_adjust=int(bool(comp_adjust)), seed_mask=int(bool(seed_mask)))
        if executor is not None:
            so.executor = executor._ptr
        if matrix is not None:
            so.matrix = matrix._ptr
        q = _seqlist(queries)
        out = ffi.new("pa_refhits **")
        check(lib.pa_refindex_search(self._ptr, q, so, out))
        hits = ffi.gc(out[0], lib.pa_refhits_free)
        x = ffi.new("pa_refhit *")
        res = []
        for i in range(lib.pa_refhits_count(hits)):
            check(lib.pa_refhits_get(hits, i, x))
            res.append(Hit(int(x.query), int(x.target), string(x.query_id),
                           string(x.target_id), int(x.score), float(x.bits), float(x.evalue),
                           float(x.identity), float(x.qcov), float(x.tcov), int(x.qstart),
                           int(x.qend), int(x.tstart), int(x.tend), string(x.cigar)))
        return res

    def __repr__(self) -> str:
        return "<RefIndex %d references, %d residues, k=%d>" % (len(self), self.residues, self.k)


def build_index(refs: Any, path: Optional[PathLike] = None, *, k: int = 0) -> RefIndex:
    """Index references (a FASTA path, plain/gzip/zstd, a {id: sequence} dict or
    (id, sequence) pairs); write it to path when given. Returns the RefIndex."""
    if isinstance(refs, (str, bytes, os.PathLike)):
        ix = RefIndex(refs, k=k) if not lib.pa_refindex_is_index(fspath(refs)) else None
        if ix is None:
            raise ValueError("build_index: %r is already an index" % (refs,))
    else:
        ix = RefIndex.from_sequences(refs, k=k)
    if path is not None:
        ix.write(path)
    return ix


def evalue(score: int, query_length: int, db_residues: int, db_sequences: int, *,
           matrix: str = "BLOSUM62", gap_open: int = 11, gap_extend: int = 1) -> float:
    """Karlin-Altschul E-value of a raw score (BLAST's parameters and length adjustment)."""
    e = lib.pa_evalue(matrix.encode(), gap_open, gap_extend, score, query_length, db_residues,
                      db_sequences)
    if e < 0:
        raise ValueError("no published parameters for %s with gaps %d/%d"
                         % (matrix, gap_open, gap_extend))
    return float(e)


__all__: Iterable[str] = ["RefIndex", "Hit", "build_index", "evalue", "SENSITIVITIES"]
