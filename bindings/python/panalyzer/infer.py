"""ONNX inference on OpenBLAS and the built-in secondary-structure model."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ._ffi import check, ffi, fspath, lib, new_opts, string

if TYPE_CHECKING:
    from .executor import Executor

DTYPES = {1: np.float32, 7: np.int64}
_CODES = {np.dtype(np.float32): 1, np.dtype(np.int64): 7}


PRECISIONS = ("fp32", "bf16", "int8")


def precision_code(precision: str) -> int:
    """pa_precision of "fp32", "bf16" or "int8" (ValueError otherwise)."""
    if precision not in PRECISIONS:
        raise ValueError("precision must be one of %s, not %r" % (PRECISIONS, precision))
    return PRECISIONS.index(precision)


def _model_opts(name, max_run_bytes, precision="fp32"):
    """pa_model_opts and the name buffer that must outlive the call."""
    o = new_opts("pa_model_opts")
    keep = ffi.new("char[]", name.encode()) if name else ffi.NULL
    o.name = keep
    o.max_run_bytes = max_run_bytes
    o.precision = precision_code(precision)
    return o, keep


class Model:
    """A loaded ONNX model (read-only; may be run from many threads at once).
    Model(path), Model.default() (the built-in SS model), Model.from_bytes(data).
    max_run_bytes > 0 bounds the memory of each run (MemoryError beyond it).
    precision: "fp32", "bf16" or "int8" arithmetic for the 1-D convolutions; the model
    runs fp32 where this CPU has no faster path (see .precision and .kernel)."""

    def __init__(self, path: str | os.PathLike | None = None, name: str | None = None,
                 max_run_bytes: int = 0, precision: str = "fp32", _ptr: Any = None) -> None:
        if _ptr is None:
            out = ffi.new("pa_model **")
            o, keep = _model_opts(name, max_run_bytes, precision)
            check(lib.pa_model_load(out, fspath(path), o))
            _ptr = out[0]
        self._ptr = ffi.gc(_ptr, lib.pa_model_free)

    @classmethod
    def default(cls, precision: str = "fp32") -> Model:
        """The built-in secondary-structure model (outputs probs [B, L, 3] and probs8
        [B, L, 8]) in the given precision."""
        out = ffi.new("pa_model **")
        o, keep = _model_opts(None, 0, precision)
        check(lib.pa_model_load_default_opts(out, o))
        return cls(_ptr=out[0])

    @property
    def precision(self) -> str:
        """The precision the convolutions run in ("fp32" when the requested one has no
        faster path on this CPU)."""
        return PRECISIONS[lib.pa_model_precision(self._ptr)]

    @property
    def kernel(self) -> str:
        """The convolution path that runs, e.g. "int8-avx512vnni", "fp32-avx512",
        "fp32-avx512-winograd"."""
        return string(lib.pa_model_kernel(self._ptr))

    @classmethod
    def from_bytes(cls, data: bytes, name: str | None = None, max_run_bytes: int = 0,
                   precision: str = "fp32") -> Model:
        """A model from ONNX bytes."""
        out = ffi.new("pa_model **")
        o, keep = _model_opts(name, max_run_bytes, precision)
        buf = ffi.from_buffer(data)
        check(lib.pa_model_load_memory(out, buf, len(buf), o))
        return cls(_ptr=out[0])

    @staticmethod
    def default_bytes() -> bytes:
        """The built-in model's ONNX bytes."""
        n = ffi.new("size_t *")
        p = lib.pa_model_default_data(n)
        return ffi.buffer(p, n[0])[:]

    def _infos(self, count, getter):
        out = []
        info = ffi.new("pa_tensor_info *")
        for i in range(count(self._ptr)):
            check(getter(self._ptr, i, info))
            out.append({"name": string(info.name), "dtype": DTYPES.get(info.dtype),
                        "shape": tuple(info.shape[k] for k in range(info.ndim))})
        return out

    @property
    def inputs(self):
        """[{name, dtype, shape}] (dynamic dimensions are -1)."""
        return self._infos(lib.pa_model_num_inputs, lib.pa_model_input_info)

    @property
    def outputs(self):
        return self._infos(lib.pa_model_num_outputs, lib.pa_model_output_info)

    def warmup(self, batch: int = 1, length: int = 64, runs: int = 1) -> None:
        """Run on zero inputs to fault in pages and warm caches."""
        check(lib.pa_model_warmup(self._ptr, batch, length, runs))

    @property
    def num_nodes(self):
        return lib.pa_model_num_nodes(self._ptr)

    def run(self, *inputs: np.ndarray) -> list[np.ndarray]:
        """Run on numpy arrays (float32 or int64, in the model's input order); returns
        the list of outputs as numpy arrays (copies)."""
        arrays = [np.ascontiguousarray(a) for a in inputs]
        tin = ffi.new("pa_tensor[]", max(len(arrays), 1))
        for t, a in zip(tin, arrays):
            if a.dtype not in _CODES or a.ndim > lib.PA_TENSOR_MAX_DIMS:
                raise TypeError("inputs must be float32 or int64 arrays of <= 8 dims")
            t.dtype, t.ndim = _CODES[a.dtype], a.ndim
            for k, d in enumerate(a.shape):
                t.shape[k] = d
            t.data = ffi.cast("void *", a.ctypes.data)
        nout = lib.pa_model_num_outputs(self._ptr)
        tout = ffi.new("pa_tensor[]", max(nout, 1))
        check(lib.pa_model_run(self._ptr, ffi.NULL, tin, len(arrays), tout, nout))
        try:
            res = []
            for t in tout[0:nout]:
                dt = np.dtype(DTYPES[t.dtype])
                shape = tuple(t.shape[k] for k in range(t.ndim))
                n = lib.pa_tensor_numel(ffi.addressof(t))
                arr = np.frombuffer(ffi.buffer(t.data, n * dt.itemsize), dt).copy() if n else np.empty(0, dt)
                res.append(arr.reshape(shape))
            return res
        finally:
            for i in range(nout):
                lib.pa_tensor_clear(ffi.addressof(tout, i))


def _predict(seqs, model, batch, probs, executor, ss8):
    """pa_predict_ss over seqs: a list of (ss3, prob3 or None, ss8 or None, prob8 or None)."""
    bs = [s.encode() if isinstance(s, str) else bytes(s) for s in seqs]
    cs = [ffi.new("char[]", b) for b in bs]
    o = new_opts("pa_ss_opts", batch=batch, probs=int(bool(probs)), ss8=int(bool(ss8)))
    if executor is not None:
        o.executor = ffi.cast("struct pa_executor *", executor._ptr)
    out = ffi.new("pa_ss_result **")
    arr = ffi.new("const char *[]", cs) if cs else ffi.NULL
    check(lib.pa_predict_ss(model._ptr if model else ffi.NULL, arr, len(cs), o, out))
    r = out[0]
    try:
        res = []
        for i in range(r.n):
            n = r.len[i]
            row = [ffi.string(r.ss3[i], n).decode(), None, None, None]
            if probs:
                row[1] = np.frombuffer(ffi.buffer(r.prob[i], 12 * n), np.float32).reshape(n, 3).copy()
            if ss8:
                row[2] = ffi.string(r.ss8[i], n).decode()
                if probs:
                    row[3] = np.frombuffer(ffi.buffer(r.prob8[i], 32 * n),
                                           np.float32).reshape(n, 8).copy()
            res.append(row)
        return res
    finally:
        lib.pa_ss_result_free(r)


def predict_ss(seqs: str | Sequence[str], model: Model | None = None, batch: int = 32,
               probs: bool = False, executor: Executor | None = None) -> Any:
    """3-state secondary structure ("H", "E", "C") for one-letter sequences.
    Returns a list of strings; with probs=True a list of (string, (L, 3) float32 array of
    H, E, C probabilities). model None: the built-in model. Batches run on executor when
    given (the GIL is released meanwhile)."""
    single = isinstance(seqs, (str, bytes))
    rows = _predict([seqs] if single else seqs, model, batch, probs, executor, False)
    res = [(r[0], r[1]) if probs else r[0] for r in rows]
    return res[0] if single else res


def predict_ss8(seqs: str | Sequence[str], model: Model | None = None, batch: int = 32,
                probs: bool = False, executor: Executor | None = None) -> Any:
    """8-state (DSSP) secondary structure, one letter of "HGIEBTSC" per residue, from the
    model's second output (the built-in model has one; InvalidArgument, a ValueError, for a
    model without). Returns a list of strings, or with probs=True of (string, (L, 8)
    float32 array in HGIEBTSC order); a single sequence gives a single item."""
    single = isinstance(seqs, (str, bytes))
    rows = _predict([seqs] if single else seqs, model, batch, probs, executor, True)
    res = [(r[2], r[3]) if probs else r[2] for r in rows]
    return res[0] if single else res
