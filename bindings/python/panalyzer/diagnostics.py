"""Diagnostics as plain Python objects (copied out of the library's lists)."""
from __future__ import annotations
from ._ffi import ffi, lib, string

SEVERITIES = {0: "info", 1: "warning", 2: "error"}


class Diagnostic:
    """One finding of a reader: where, how bad, what (immutable record)."""
    __slots__ = ("file", "line", "column", "code", "severity", "message")

    def __init__(self, file: str, line: int, column: int, code: int, severity: int,
                 message: str) -> None:
        self.file, self.line, self.column = file, line, column
        self.code, self.severity, self.message = code, severity, message

    @property
    def code_name(self):
        """Stable name of the diagnostic code ("truncated")."""
        return string(lib.pa_diag_code_name(self.code))

    @property
    def severity_name(self):
        return SEVERITIES.get(self.severity, str(self.severity))

    def __str__(self) -> str:
        d = ffi.new("pa_diag *")
        keep = [ffi.new("char[]", self.file.encode()), ffi.new("char[]", self.message.encode())]
        d.file, d.message = keep
        d.line, d.column, d.code, d.severity = self.line, self.column, self.code, self.severity
        n = lib.pa_diag_format(d, ffi.NULL, 0)
        buf = ffi.new("char[]", n + 1)
        lib.pa_diag_format(d, buf, n + 1)
        return string(buf)

    def __repr__(self):
        return "Diagnostic(%r)" % str(self)

    def __reduce__(self):
        return (Diagnostic, (self.file, self.line, self.column, self.code, self.severity,
                             self.message))


def from_c(diags):
    """Copy a `const pa_diags *` into a list of Diagnostic (NULL -> [])."""
    if diags == ffi.NULL:
        return []
    out = []
    for i in range(lib.pa_diags_count(diags)):
        d = lib.pa_diags_get(diags, i)
        out.append(Diagnostic(string(d.file), d.line, d.column, d.code, int(d.severity),
                              string(d.message)))
    return out


class DiagList:
    """Owns a pa_diags for the duration of one call."""

    def __init__(self):
        p = ffi.new("pa_diags **")
        if lib.pa_diags_new(p) < 0:
            raise MemoryError("pa_diags_new")
        self.ptr = ffi.gc(p[0], lib.pa_diags_free)

    def to_list(self):
        return from_c(self.ptr)
