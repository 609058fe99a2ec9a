"""panalyzer: Python bindings (cffi, ABI mode) for libpanalyzer.

    import panalyzer as pa
    s = pa.read("1abc.cif.gz")          # raises pa.Error subclasses on failure
    for c in s.chains:
        print(c.id, c.polymer_type, len(c.residues))
    s.atoms.x                            # zero-copy float32 view
"""
from __future__ import annotations

import os
from typing import Any, Callable

from ._ffi import LIBRARY_PATH, STRINGS, ffi, lib, string
from .diagnostics import Diagnostic
from .errors import (Canceled, CorruptError, Error, FormatError, InputOutputError,
                     InvalidArgument, NotFound, OutOfMemory, RangeError, StateError, TaskError,
                     Truncated, Unsupported)
from .structure import Atoms, Chain, Entity, Reader, Residues, Structure, read, read_bytes
from .sequence import one_letter, parse_fasta, read_fasta, residue_kind, sequences, to_fasta
from .align import (Alignment, Matrix, Profile, align, align_many, best_isa, last_kernel,
                    map_chain, map_sequences)
from .infer import Model, predict_ss, predict_ss8
from .executor import CancelToken, Executor, Graph, Metrics, parallel_for, suggest_chunk
from .pipeline import ChainResult, Reference, Result, run, run_all
from .dssp import Dssp, DsspResidue, dssp
from .refindex import Hit, RefIndex, build_index, evalue

__version__ = STRINGS.get("PA_VERSION_STRING", "0")

__all__ = [
    "LIBRARY_PATH", "ffi", "lib", "version", "strerror", "read_file", "set_log_callback",
    "Error", "InvalidArgument", "OutOfMemory", "InputOutputError", "FormatError", "Unsupported",
    "Canceled", "Truncated", "RangeError", "NotFound", "StateError", "CorruptError", "TaskError",
    "Diagnostic",
    "read", "read_bytes", "Reader", "Structure", "Chain", "Atoms", "Residues", "Entity",
    "sequences", "to_fasta", "read_fasta", "parse_fasta", "one_letter", "residue_kind",
    "align", "align_many", "last_kernel", "Alignment", "Matrix", "Profile", "map_sequences",
    "map_chain", "best_isa", "Model", "predict_ss", "predict_ss8", "Executor", "Graph",
    "CancelToken", "Metrics",
    "parallel_for", "suggest_chunk", "run", "run_all", "Result", "ChainResult", "Reference",
    "dssp", "Dssp", "DsspResidue", "RefIndex", "Hit", "build_index", "evalue",
]


def version() -> str:
    """Version of the loaded library ("0.1.0")."""
    return string(lib.pa_version())


def read_file(path: str | os.PathLike) -> bytes:
    """A whole file's bytes, decompressed when gzip or zstd (by magic bytes)."""
    data, size = ffi.new("char **"), ffi.new("size_t *")
    from ._ffi import check, fspath
    check(lib.pa_read_file(fspath(path), data, size))
    try:
        return ffi.buffer(data[0], size[0])[:]
    finally:
        lib.pa_free(data[0])


def strerror(code: int) -> str:
    """Static name of a library return code (-4 -> "malformed or unrecognised input")."""
    return string(lib.pa_strerror(code))


_log_cb: Any = None  # keeps the cffi callback alive while installed


def set_log_callback(fn: Callable[[str, str], None] | None, level: str = "warn") -> None:
    """Route the library's log messages to fn(level_name, message); None disables.
    fn runs on whichever thread logs (holding the GIL); exceptions are swallowed."""
    global _log_cb
    levels = {"debug": 0, "info": 1, "warn": 2, "error": 3}
    names = {v: k for k, v in levels.items()}
    if fn is None:
        lib.pa_set_log_callback(ffi.NULL, ffi.NULL, 0)
        _log_cb = None
        return

    @ffi.callback("void(void *, pa_log_level, const char *)", onerror=lambda *a: None)
    def cb(_ud, lvl, msg):
        fn(names.get(int(lvl), str(lvl)), string(msg))

    lib.pa_set_log_callback(cb, ffi.NULL, levels[level])
    _log_cb = cb


def __getattr__(name: str) -> type:
    """IOError: the old name of InputOutputError (it shadowed the built-in); kept for one
    release with a DeprecationWarning."""
    if name == "IOError":
        import warnings
        warnings.warn("panalyzer.IOError is deprecated: use panalyzer.InputOutputError",
                      DeprecationWarning, stacklevel=2)
        return InputOutputError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
