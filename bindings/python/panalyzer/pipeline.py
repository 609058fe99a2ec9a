"""The pipeline: many files through read -> validate -> extract on the executor.

    for r in pa.run(paths, threads=4, chunk=16):
        if r.ok: print(r.path, [c["sequence"] for c in r.chains])
        else:    print(r.path, r.error)

    for r in pa.run(paths, predict_ss=True, references="refs.fa"):
        for c in r.chains:
            print(c.id, c.ss3, c.reference and c.reference.id)

pa.run() starts pa_pipeline_run() on a helper thread (the C call releases the
GIL); the library's callback copies each result into a Result and hands it
over through a bounded queue, so results arrive while later files are still
being read and memory stays bounded. Leaving the loop early stops the run.
"""
from __future__ import annotations

import collections
import os
import queue
import threading
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ._ffi import check, ffi, fspath, lib, new_opts, string
from .diagnostics import from_c
from .errors import error_from_code
from .structure import FORMAT_NAMES, reader_opts

if TYPE_CHECKING:
    from .executor import CancelToken, Executor, Metrics
    from .infer import Model


class Result:
    """One file's outcome (plain data: picklable, safe to keep)."""
    __slots__ = ("path", "index", "status", "message", "diagnostics", "format", "id", "models",
                 "n_chains", "residues", "atoms", "cached", "chains")

    def __init__(self, path: str = "", index: int = 0, status: int = 0, message: str = "",
                 diagnostics: list | None = None, format: str = "auto", id: str = "",
                 models: int = 0, n_chains: int = 0, residues: int = 0, atoms: int = 0,
                 cached: bool = False, chains: list | None = None) -> None:
        self.path, self.index, self.status, self.message = path, index, status, message
        self.diagnostics, self.format, self.id, self.models = diagnostics, format, id, models
        self.n_chains, self.residues, self.atoms = n_chains, residues, atoms
        self.cached, self.chains = cached, chains

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, st):
        for k, v in st.items():
            setattr(self, k, v)

    @property
    def ok(self) -> bool:
        """True when the file was read (status 0)."""
        return self.status == 0

    @property
    def error(self):
        """The Error this file failed with, or None."""
        if self.status == 0:
            return None
        return error_from_code(self.status, self.message, self.diagnostics)

    def __repr__(self):
        state = "ok" if self.ok else "error %d" % self.status
        return "<Result %s %s chains=%d>" % (self.path, state, len(self.chains or ()))


class ChainResult(dict):
    """A chain's entry in Result.chains: a dict ("id", "sequence", "ss3", ...) whose keys
    also read as attributes (c.ss3, c.reference)."""
    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __reduce__(self):
        return (ChainResult, (dict(self),))


# A chain's best reference (pa_result_ref): id, position in the references, the local
# alignment score that chose it, observed residues mapped, identical/mapped, mapped/length,
# and the E-value of the hit.
Reference = collections.namedtuple("Reference", "id index score mapped identity coverage evalue")


def _reference(r, i, out):
    if lib.pa_result_chain_reference(r, i, out) != 0:
        return None  # PA_ENOTFOUND: no references, not a protein, no significant hit
    e = ffi.new("double *")
    lib.pa_result_chain_ref_evalue(r, i, e)
    return Reference(string(out.id), int(out.index), int(out.score), int(out.mapped),
                     float(out.identity), float(out.coverage), float(e[0]))


def _q3(r, i):
    ok, n = ffi.new("size_t *"), ffi.new("size_t *")
    if lib.pa_result_chain_q3(r, i, ok, n) != 0 or n[0] == 0:
        return None
    return ok[0] / n[0]


def _copy_result(r):
    s = ffi.new("pa_result_summary *")
    status = lib.pa_result_status(r)
    diags = from_c(lib.pa_result_diagnostics(r))
    lib.pa_result_summary_get(r, s)
    chains = []
    c = ffi.new("pa_chain_seq *")
    ref = ffi.new("pa_result_ref *")
    for i in range(lib.pa_result_chain_count(r)):
        if lib.pa_result_chain(r, i, c) != 0:
            continue
        n = c.n_observed
        ss = lib.pa_result_chain_ss(r, i)
        d8, d3 = lib.pa_result_chain_dssp(r, i), lib.pa_result_chain_dssp3(r, i)
        chains.append(ChainResult(
            id=string(c.auth_id), model=c.model, entity_id=string(c.entity_id),
            polymer_type=string(lib.pa_polymer_type_name(c.polymer_type)),
            sequence=string(c.observed), seqres=string(c.seqres),
            mapping=list(c.map[0:n]) if n else [],
            ss3=string(ss) if ss != ffi.NULL else None, reference=_reference(r, i, ref),
            ss8_observed=string(d8) if d8 != ffi.NULL else None,
            ss3_observed=string(d3) if d3 != ffi.NULL else None, q3=_q3(r, i)))
    errors = [d for d in diags if d.severity >= 2]
    message = ""
    if status < 0:
        message = str(errors[0]) if errors else string(lib.pa_strerror(status))
    return Result(path=string(lib.pa_result_path(r)), index=lib.pa_result_index(r),
                  status=status, message=message, diagnostics=diags,
                  format=FORMAT_NAMES.get(int(s.format), "auto"), id=string(s.id),
                  models=s.models, n_chains=s.chains, residues=s.residues, atoms=s.atoms,
                  cached=bool(lib.pa_result_cached(r)), chains=chains)


def _seqlist(refs):
    """A pa_seqlist (freed by the GC) from a FASTA path, a {id: sequence} dict or
    (id, sequence) / (id, description, sequence) tuples."""
    out = ffi.new("pa_seqlist **")
    if isinstance(refs, (str, bytes, os.PathLike)):
        check(lib.pa_fasta_read(fspath(refs), out))
        return ffi.gc(out[0], lib.pa_seqlist_free)
    check(lib.pa_seqlist_new(out))
    lst = ffi.gc(out[0], lib.pa_seqlist_free)
    items = refs.items() if isinstance(refs, dict) else refs
    for rec in items:
        if len(rec) == 2:
            rid, desc, seq = rec[0], None, rec[1]
        elif len(rec) == 3:
            rid, desc, seq = rec
        else:
            raise ValueError("references: expected (id, sequence) pairs, got %r" % (rec,))
        enc = [x.encode() if isinstance(x, str) else x for x in (rid, desc, seq)]
        check(lib.pa_seqlist_add(lst, enc[0], enc[1] if desc is not None else ffi.NULL, enc[2]))
    return lst


_DONE = object()


def run(paths: Iterable[str | os.PathLike], executor: Executor | None = None, threads: int = 0,
        chunk: int = 1, batch: int = 64, ordered: bool = True,
        cache_dir: str | os.PathLike | None = None, metrics: Metrics | None = None,
        cancel: CancelToken | None = None, all_models: bool = False, max_queue: int = 256,
        predict_ss: bool = False, model: Model | str | None = None, references: Any = None,
        dssp: bool = False, ss_precision: str = "fp32", *, ref_evalue: float = 1e-3,
        format: str | None = None, altloc: str | None = None, first_model_only: bool = False,
        skip_hydrogens: bool = False, strict: bool = False, keep_anisou: bool = False,
        max_diagnostics: int = 0, max_bytes: int = 0) -> Iterator[Result]:
    """Yield a Result per file, in input order (ordered=True) or as they complete.

    executor: an Executor (else a temporary one of `threads` threads); chunk: files a
    worker takes at a time (honoured exactly); batch: files in flight; cache_dir: result
    cache; metrics: a Metrics receiving "read", "extract", "file", ... stages; cancel: a
    CancelToken; reader options as for read() (format, altloc, first_model_only, ...).
    predict_ss: each protein chain gets its secondary structure as chain.ss3 (model: a
    Model or a model file path, default the built-in one; another model bypasses the
    cache); ss_precision: "fp32", "bf16" or "int8" for the built-in model (a Model
    carries its own precision). references: a RefIndex, an index file, a FASTA path, a
    {id: sequence} dict or (id, sequence) pairs; each protein chain gets its best hit with
    an E-value of at most ref_evalue as chain.reference (a Reference, or None). dssp: each
    protein chain gets its observed secondary structure from the coordinates as
    chain.ss8_observed / chain.ss3_observed (aligned with chain.sequence) and, with
    predict_ss, chain.q3. max_bytes: memory budget (0: none): files are admitted while
    their estimated memory fits; a larger file runs alone, with a warning in its
    diagnostics."""
    names = [str(p) for p in paths]
    keep = [ffi.new("char[]", p.encode()) for p in names]
    arr = ffi.new("const char *[]", keep) if keep else ffi.NULL
    ro = reader_opts(format=format, altloc=altloc, first_model_only=first_model_only,
                     skip_hydrogens=skip_hydrogens, strict=strict, keep_anisou=keep_anisou,
                     max_diagnostics=max_diagnostics)
    so = new_opts("pa_seqset_opts", all_models=int(bool(all_models)))
    po = new_opts("pa_pipeline_opts", threads=int(threads), chunk=int(chunk), batch=int(batch),
                  ordered=int(bool(ordered)))
    po.reader, po.seq = ro, so
    cdir = ffi.new("char[]", str(cache_dir).encode()) if cache_dir else ffi.NULL
    po.cache_dir = cdir
    if cancel is not None:
        po.cancel = cancel._ptr
    po.predict_ss = int(bool(predict_ss))
    from .infer import precision_code
    po.ss_precision = precision_code(ss_precision)
    if model is not None:
        from .infer import Model
        loaded = model if isinstance(model, Model) else Model(model)  # a path (dask tasks)
        po.model = loaded._ptr
    po.dssp = int(bool(dssp))
    refs: Any = ffi.NULL
    if isinstance(references, (str, bytes, os.PathLike)) and \
            lib.pa_refindex_is_index(fspath(references)):
        from .refindex import RefIndex
        references = RefIndex(references)
    if hasattr(references, "_ptr"):  # a RefIndex
        po.refindex = references._ptr
        refs = references  # kept alive until the run ends
    elif references is not None:
        refs = _seqlist(references)
        po.references = refs
    po.ref_max_evalue = float(ref_evalue)
    if max_bytes:
        po.max_bytes = int(max_bytes)

    q: queue.Queue = queue.Queue(maxsize=max(1, max_queue))
    stop = threading.Event()
    outcome = {}

    @ffi.callback("int(void *, const pa_result *)", error=1)
    def on_result(_ctx, r):
        if stop.is_set():
            return 1
        try:
            res = _copy_result(r)
        except BaseException as e:  # noqa: B902 - re-raised by the generator
            outcome["exc"] = e
            return 1
        while not stop.is_set():  # back-pressure without blocking forever
            try:
                q.put(res, timeout=0.1)
                return 0
            except queue.Full:
                continue
        return 1

    def worker():
        try:
            rc = lib.pa_pipeline_run(executor._ptr if executor else ffi.NULL, arr, len(names), po,
                                     on_result, ffi.NULL, metrics._ptr if metrics else ffi.NULL)
            outcome["rc"] = rc
            if rc < 0:
                outcome["msg"] = string(lib.pa_last_error()) or string(lib.pa_strerror(rc))
        finally:
            q.put(_DONE)

    t = threading.Thread(target=worker, name="panalyzer-pipeline", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                break
            yield item
    finally:
        stop.set()
        while t.is_alive():  # drain so that the callback can return
            try:
                q.get(timeout=0.1)
            except queue.Empty:
                pass
        t.join()  # the C-side arguments (keep, arr, po, refs, loaded, ...) stay alive until here
    # reached only when the run ended by itself (not when the caller left the loop)
    if "exc" in outcome:
        raise outcome["exc"]
    if outcome.get("rc", 0) < 0:
        raise error_from_code(outcome["rc"], outcome.get("msg", ""))


def run_all(paths: Iterable[str | os.PathLike], executor: Executor | None = None, threads: int = 0,
            chunk: int = 1, batch: int = 64, ordered: bool = True,
            cache_dir: str | os.PathLike | None = None, metrics: Metrics | None = None,
            cancel: CancelToken | None = None, all_models: bool = False, max_queue: int = 256,
            predict_ss: bool = False, model: Model | str | None = None, references: Any = None,
            dssp: bool = False, ss_precision: str = "fp32", *, ref_evalue: float = 1e-3,
            format: str | None = None, altloc: str | None = None,
            first_model_only: bool = False, skip_hydrogens: bool = False, strict: bool = False,
            keep_anisou: bool = False, max_diagnostics: int = 0,
            max_bytes: int = 0) -> list[Result]:
    """Every Result of run() as a list (input order by default); options as for run()."""
    return list(run(paths, executor=executor, threads=threads, chunk=chunk, batch=batch,
                    ordered=ordered, cache_dir=cache_dir, metrics=metrics, cancel=cancel,
                    all_models=all_models, max_queue=max_queue, predict_ss=predict_ss,
                    model=model, references=references, dssp=dssp, ss_precision=ss_precision,
                    ref_evalue=ref_evalue, format=format, altloc=altloc,
                    first_model_only=first_model_only, skip_hydrogens=skip_hydrogens,
                    strict=strict, keep_anisou=keep_anisou, max_diagnostics=max_diagnostics,
                    max_bytes=max_bytes))
