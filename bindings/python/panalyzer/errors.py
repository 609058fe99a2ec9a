"""Exceptions: one subclass of panalyzer.Error per library return code.

Every Error carries `code` (the negative PA_E* value), `message` (the library's
detailed pa_last_error() text) and `diagnostics` (a list, possibly empty).
Subclasses also derive from the closest built-in exception so that generic
handlers (`except OSError`, `except ValueError`) keep working.
"""


class Error(Exception):
    code = None

    def __init__(self, code, message, diagnostics=None):
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.diagnostics = list(diagnostics or [])

    def __str__(self):
        return self.message

    def __reduce__(self):  # picklable across processes (dask workers)
        return (error_from_code, (self.code, self.message, self.diagnostics))


class InvalidArgument(Error, ValueError): code = -1
class OutOfMemory(Error, MemoryError): code = -2
class IOError(Error, OSError): code = -3  # noqa: A001 - named after PA_EIO


class FormatError(Error, ValueError): code = -4
class Unsupported(Error): code = -5
class Canceled(Error): code = -6
class Truncated(FormatError): code = -7
class RangeError(Error, OverflowError): code = -8
class NotFound(Error, LookupError): code = -9
class StateError(Error): code = -10
class CorruptError(Error): code = -11
class TaskError(Error): code = -12


_BY_CODE = {c.code: c for c in (InvalidArgument, OutOfMemory, IOError, FormatError, Unsupported,
                                Canceled, Truncated, RangeError, NotFound, StateError,
                                CorruptError, TaskError)}


def error_from_code(code, message, diagnostics=None):
    return _BY_CODE.get(code, Error)(code, message, diagnostics)
