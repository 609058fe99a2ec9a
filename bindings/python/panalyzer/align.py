"""Pairwise alignment (SIMD kernels chosen at run time), batches on the executor,
and mapping of observed residues onto a reference sequence.

Gap costs follow the library's convention: gap_model="parasail" (default) charges
open + (k - 1) * extend for a gap of k residues, "blast" open + k * extend."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ._ffi import check, ffi, lib, new_opts, string

if TYPE_CHECKING:
    from .executor import Executor
    from .structure import Chain

MODES = {"local": 0, "global": 1, "semi": 2, "semi-global": 2}
GAP_MODELS = {"parasail": 0, "blast": 1}
ISAS = {"auto": 0, "scalar": 1, "sse41": 2, "avx2": 3, "avx512": 4}
KERNELS = {"auto": 0, "inter": 1, "striped": 2}


class Matrix:
    """A substitution matrix: Matrix("BLOSUM62"), Matrix.from_text(text), Matrix.match(2, -3)."""

    def __init__(self, name: str = "BLOSUM62", _ptr: Any = None) -> None:
        if _ptr is None:
            out = ffi.new("pa_matrix **")
            check(lib.pa_matrix_builtin(out, name.encode()))
            _ptr = out[0]
        self._ptr = ffi.gc(_ptr, lib.pa_matrix_free)

    @classmethod
    def from_text(cls, text: str | bytes, name: str = "custom") -> Matrix:
        """A matrix from NCBI matrix text."""
        b = text.encode() if isinstance(text, str) else text
        out = ffi.new("pa_matrix **")
        check(lib.pa_matrix_parse(out, b, len(b), name.encode()))
        return cls(_ptr=out[0])

    @classmethod
    def load(cls, path: str | os.PathLike) -> Matrix:
        """A matrix from an NCBI matrix file."""
        out = ffi.new("pa_matrix **")
        check(lib.pa_matrix_load(out, str(path).encode()))
        return cls(_ptr=out[0])

    @classmethod
    def match(cls, match: int, mismatch: int) -> Matrix:
        """A match/mismatch matrix (nucleotides: match 2, mismatch -3)."""
        out = ffi.new("pa_matrix **")
        check(lib.pa_matrix_match(out, match, mismatch))
        return cls(_ptr=out[0])

    @property
    def name(self):
        return string(lib.pa_matrix_name(self._ptr))

    def score(self, a: str, b: str) -> int:
        """Score of substituting residue a by b."""
        return lib.pa_matrix_score(self._ptr, a.encode(), b.encode())

    @property
    def range(self):
        lo, hi = ffi.new("int *"), ffi.new("int *")
        lib.pa_matrix_range(self._ptr, lo, hi)
        return lo[0], hi[0]

    def __repr__(self):
        return "<Matrix %s>" % self.name


class Alignment:
    """Result of one alignment (coordinates 0-based, half-open; see align.h)."""
    __slots__ = ("score", "qstart", "qend", "tstart", "tend", "bits", "cigar", "length",
                 "matches", "positives", "gaps", "gap_opens", "identity", "similarity",
                 "query", "target")

    def __init__(self, c: Any, query: int = 0, target: int = 0) -> None:
        for k in self.__slots__[:-3]:
            setattr(self, k, getattr(c, k))
        self.cigar = string(c.cigar, None)
        self.query, self.target = query, target

    def as_dict(self) -> dict:
        """Every field as a dict."""
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self):
        return "<Alignment score=%d q[%d:%d] t[%d:%d]%s>" % (
            self.score, self.qstart, self.qend, self.tstart, self.tend,
            " " + self.cigar if self.cigar else "")


def _matrix(m, keep):
    if m is None:
        return ffi.NULL
    if isinstance(m, str):
        m = Matrix(m)
    keep.append(m)
    return m._ptr


def align_opts(keep: list, *, mode: str = "local", matrix: str | Matrix | None = None,
               gap_open: int = 11, gap_extend: int = 1, gap_model: str = "parasail",
               free_ends: int | None = None, isa: str = "auto", traceback: bool = True) -> Any:
    """A pa_align_opts from align()'s options (keep holds what it borrows)."""
    o = new_opts("pa_align_opts", mode=MODES[mode], gap_open=gap_open, gap_extend=gap_extend,
                 gap_model=GAP_MODELS[gap_model], free_ends=free_ends, isa=ISAS[isa],
                 traceback=int(bool(traceback)))
    o.matrix = _matrix(matrix, keep)
    return o


def _bytes(s):
    return s.encode() if isinstance(s, str) else bytes(s)


def _seq_array(seqs, keep):
    """Pointer and length arrays into one buffer holding every sequence: one copy (4 ms for
    20,000 UniProt targets, where a cffi buffer per sequence took 12 ms)."""
    bs = [_bytes(s) for s in seqs]
    if not bs:
        return ffi.NULL, ffi.NULL, bs
    lens = np.fromiter(map(len, bs), np.uintp, len(bs))
    buf = ffi.from_buffer(b"".join(bs))
    ptrs = np.zeros(len(bs), np.uintp)
    np.cumsum(lens[:-1], out=ptrs[1:])
    ptrs += np.uintp(int(ffi.cast("uintptr_t", buf)))
    keep.extend((buf, lens, ptrs))
    return ffi.from_buffer("const char *[]", ptrs), ffi.from_buffer("size_t[]", lens), bs


def _batch_opts(chunk: int, top_k: int, kernel: str):
    if kernel not in KERNELS:
        raise ValueError("kernel must be one of %s" % ", ".join(KERNELS))
    return new_opts("pa_batch_opts", chunk=chunk, top_k=top_k, kernel=KERNELS[kernel])


def last_kernel() -> str:
    """Which kernel the last batch alignment of this thread ran and why (e.g. "inter-avx2
    8-bit: measured ... GCUPS ..."); "" before the first batch. Batches are align() with a
    list of targets, align_many() and Profile.align_many(); align() against one target
    string is not one and leaves it unchanged. Per thread: read it on the thread that
    called align (an executor's workers do not change it)."""
    return string(lib.pa_align_last_kernel())


def align(query: str, targets: str | Sequence[str], executor: Executor | None = None,
          chunk: int = 0, top_k: int = 0, *, mode: str = "local",
          matrix: str | Matrix | None = None, gap_open: int = 11, gap_extend: int = 1,
          gap_model: str = "parasail", free_ends: int | None = None, isa: str = "auto",
          traceback: bool = True, kernel: str = "auto") -> Alignment | list[Alignment]:
    """Align query against one target (str -> Alignment) or many (list -> list of
    Alignment; with top_k, the k best, best first; .target is the target index).
    Options: mode ("local", "global", "semi"), matrix (name or Matrix; None: BLOSUM62),
    gap_open, gap_extend, gap_model ("parasail", "blast"), free_ends, isa, traceback;
    kernel (many targets): "auto" (by measurement), "inter" (one target per SIMD lane)
    or "striped"; the results are identical."""
    if isinstance(targets, (str, bytes)):
        keep: list = []
        o = align_opts(keep, mode=mode, matrix=matrix, gap_open=gap_open, gap_extend=gap_extend,
                       gap_model=gap_model, free_ends=free_ends, isa=isa, traceback=traceback)
        q, t = _bytes(query), _bytes(targets)
        if not q or not t:  # a length of 0 means strlen() in C: empty needs no call
            raise ValueError("empty sequence")
        out = ffi.new("pa_alignment *")
        check(lib.pa_align(q, len(q), t, len(t), o, out))
        try:
            return Alignment(out)
        finally:
            lib.pa_alignment_clear(out)
    hits = align_many([query], targets, executor=executor, chunk=chunk, top_k=top_k,
                      mode=mode, matrix=matrix, gap_open=gap_open, gap_extend=gap_extend,
                      gap_model=gap_model, free_ends=free_ends, isa=isa, traceback=traceback,
                      kernel=kernel)
    return hits[0]


def align_many(queries: Sequence[str], targets: Sequence[str],
               executor: Executor | None = None, chunk: int = 0, top_k: int = 0, *,
               mode: str = "local", matrix: str | Matrix | None = None, gap_open: int = 11,
               gap_extend: int = 1, gap_model: str = "parasail", free_ends: int | None = None,
               isa: str = "auto", traceback: bool = True,
               kernel: str = "auto") -> list[list[Alignment]]:
    """Every query against every target, on the executor when given (without the GIL).
    Returns one list of Alignment per query (all targets in order, or the top_k best).
    Options as for align()."""
    keep: list = []
    o = align_opts(keep, mode=mode, matrix=matrix, gap_open=gap_open, gap_extend=gap_extend,
                   gap_model=gap_model, free_ends=free_ends, isa=isa, traceback=traceback)
    qp, ql, qb = _seq_array(queries, keep)
    tp, tl, tb = _seq_array(targets, keep)
    if any(not b for b in qb + tb):
        raise ValueError("empty sequence")
    bo = _batch_opts(chunk, top_k, kernel)
    hits, n = ffi.new("pa_hit **"), ffi.new("size_t *")
    check(lib.pa_align_many(executor._ptr if executor else ffi.NULL, qp, ql, len(qb), tp, tl,
                            len(tb), o, bo, hits, n))
    try:
        out: list[list[Alignment]] = [[] for _ in qb]
        for i in range(n[0]):
            h = hits[0][i]
            out[h.query].append(Alignment(h.aln, h.query, h.target))
        return out
    finally:
        lib.pa_hits_free(hits[0], n[0])


def map_sequences(observed: str, reference: str, matrix: str | Matrix | None = None,
                  gap_open: int = 10, gap_extend: int = 1) -> tuple[np.ndarray, dict]:
    """Map observed residues onto a reference sequence: (numpy int64 array of 0-based
    reference positions, -1 when unplaced; stats dict)."""
    keep: list = []
    o = new_opts("pa_map_opts", gap_open=gap_open, gap_extend=gap_extend)
    o.matrix = _matrix(matrix, keep)
    ob, rb = _bytes(observed), _bytes(reference)
    if not ob or not rb:
        raise ValueError("empty sequence")
    m = np.empty(len(ob), np.int64)
    st = ffi.new("pa_map_stats *")
    check(lib.pa_map_sequences(ob, len(ob), rb, len(rb), o,
                               ffi.cast("int64_t *", ffi.from_buffer(m)), st))
    return m, {k: getattr(st, k) for k in ("mapped", "identical", "identity", "coverage", "score")}


def best_isa() -> str:
    """Name of the kernel set 'auto' resolves to on this machine ("avx2")."""
    return string(lib.pa_isa_name(lib.pa_align_best_isa()))


class Profile:
    """A query prepared once for many targets (immutable; usable from many threads).
    Profile(query, mode=..., matrix=...) with the options of align()."""

    def __init__(self, query: str, *, mode: str = "local", matrix: str | Matrix | None = None,
                 gap_open: int = 11, gap_extend: int = 1, gap_model: str = "parasail",
                 free_ends: int | None = None, isa: str = "auto", traceback: bool = True) -> None:
        keep: list = []
        o = align_opts(keep, mode=mode, matrix=matrix, gap_open=gap_open, gap_extend=gap_extend,
                       gap_model=gap_model, free_ends=free_ends, isa=isa, traceback=traceback)
        q = _bytes(query)
        if not q:
            raise ValueError("empty sequence")
        out = ffi.new("pa_profile **")
        check(lib.pa_profile_new(out, q, len(q), o))
        self._ptr = ffi.gc(out[0], lib.pa_profile_free)

    def __len__(self):
        return lib.pa_profile_length(self._ptr)

    @property
    def isa(self):
        """Kernel set the profile uses ("avx2", "scalar", ...)."""
        return string(lib.pa_isa_name(lib.pa_profile_isa(self._ptr)))

    def align(self, target: str) -> Alignment:
        """Align the profile's query against one target."""
        t = _bytes(target)
        if not t:
            raise ValueError("empty sequence")
        out = ffi.new("pa_alignment *")
        check(lib.pa_profile_align(self._ptr, t, len(t), out))
        try:
            return Alignment(out)
        finally:
            lib.pa_alignment_clear(out)

    def align_many(self, targets: Sequence[str], executor: Executor | None = None,
                   chunk: int = 0, top_k: int = 0, kernel: str = "auto") -> list[Alignment]:
        """The query against every target (or the top_k best, best first; kernel as in
        align())."""
        keep: list = []
        tp, tl, tb = _seq_array(targets, keep)
        if any(not b for b in tb):
            raise ValueError("empty sequence")
        bo = _batch_opts(chunk, top_k, kernel)
        hits, n = ffi.new("pa_hit **"), ffi.new("size_t *")
        check(lib.pa_profile_align_many(executor._ptr if executor else ffi.NULL, self._ptr, tp, tl,
                                        len(tb), bo, hits, n))
        try:
            return [Alignment(hits[0][i].aln, 0, hits[0][i].target) for i in range(n[0])]
        finally:
            lib.pa_hits_free(hits[0], n[0])


def map_chain(chain: Chain, reference: str, matrix: str | Matrix | None = None,
              gap_open: int = 10, gap_extend: int = 1) -> tuple[np.ndarray, dict]:
    """SIFTS-like mapping of a Chain's residues onto a reference sequence: (numpy int64
    array, one entry per residue of the chain, -1 when unmapped; stats dict)."""
    keep: list = []
    o = new_opts("pa_map_opts", gap_open=gap_open, gap_extend=gap_extend)
    o.matrix = _matrix(matrix, keep)
    rb = _bytes(reference)
    if not rb:
        raise ValueError("empty sequence")
    m, n = ffi.new("int64_t **"), ffi.new("size_t *")
    st = ffi.new("pa_map_stats *")
    check(lib.pa_map_chain_to_reference(chain.structure._ptr, chain.index, rb, len(rb), o, m, n, st))
    try:
        arr = np.frombuffer(ffi.buffer(m[0], 8 * n[0]), np.int64).copy() if n[0] else np.empty(0, np.int64)
    finally:
        lib.pa_map_free(m[0])
    return arr, {k: getattr(st, k) for k in ("mapped", "identical", "identity", "coverage", "score")}
