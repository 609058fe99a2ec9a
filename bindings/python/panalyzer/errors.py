"""Exceptions: one subclass of panalyzer.Error per library return code.

Every Error carries `code` (the negative PA_E* value), `message` (the library's
detailed pa_last_error() text) and `diagnostics` (a list, possibly empty).
Subclasses also derive from the closest built-in exception so that generic
handlers (`except OSError`, `except ValueError`) keep working.
"""
from __future__ import annotations

import warnings


class Error(Exception):
    """Base of every library error: .code (negative PA_E*), .message, .diagnostics."""
    code: int | None = None

    def __init__(self, code: int, message: str, diagnostics: list | None = None) -> None:
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.diagnostics = list(diagnostics or [])

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # picklable across processes (dask workers)
        return (error_from_code, (self.code, self.message, self.diagnostics))


class InvalidArgument(Error, ValueError):
    """PA_EINVAL: an invalid argument or option value."""
    code = -1


class OutOfMemory(Error, MemoryError):
    """PA_ENOMEM: an allocation failed (or a configured memory bound was hit)."""
    code = -2


class InputOutputError(Error, OSError):
    """PA_EIO: a file could not be opened, read or written (missing file, permissions)."""
    code = -3


class FormatError(Error, ValueError):
    """PA_EFORMAT: malformed or unrecognised input; see .diagnostics for where."""
    code = -4


class Unsupported(Error):
    """PA_EUNSUPPORTED: valid input using a feature the library does not support."""
    code = -5


class Canceled(Error):
    """PA_ECANCELED: the operation was cancelled; raise it in a task to stop quietly."""
    code = -6


class Truncated(FormatError):
    """PA_ETRUNCATED: the input (file or compressed stream) ended early."""
    code = -7


class RangeError(Error, OverflowError):
    """PA_ERANGE: a value or size out of range, or an index past the end."""
    code = -8


class NotFound(Error, LookupError):
    """PA_ENOTFOUND: a named item (matrix, stage, task) does not exist."""
    code = -9


class StateError(Error):
    """PA_ESTATE: the call is not valid in the object's current state (e.g. closed)."""
    code = -10


class CorruptError(Error):
    """PA_ECORRUPT: an integrity check failed (checksum, cache entry)."""
    code = -11


class TaskError(Error):
    """PA_ETASK: a task or callback failed; __cause__ is its original exception."""
    code = -12


def __getattr__(name: str) -> type:
    """IOError: the old name of InputOutputError (it shadowed the built-in); kept for
    one release with a DeprecationWarning."""
    if name == "IOError":
        warnings.warn("panalyzer.IOError is deprecated: use panalyzer.InputOutputError",
                      DeprecationWarning, stacklevel=2)
        return InputOutputError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_BY_CODE = {c.code: c for c in (InvalidArgument, OutOfMemory, InputOutputError, FormatError,
                                Unsupported, Canceled, Truncated, RangeError, NotFound, StateError,
                                CorruptError, TaskError)}


def error_from_code(code: int, message: str, diagnostics: list | None = None) -> Error:
    """The Error subclass instance for a library return code."""
    return _BY_CODE.get(code, Error)(code, message, diagnostics)
