"""Loading libpanalyzer with cffi in ABI mode (no compiler needed at import).

The library is found, in order, from:
  1. the environment variable PANALYZER_LIB (a path to libpanalyzer.so);
  2. pkg-config (`pkg-config --variable=libdir panalyzer`);
  3. the system loader (libpanalyzer.so.1).

cffi ABI-mode calls release the GIL for the duration of every C call, so long
reads, alignments and pipeline runs let other Python threads progress; the
callbacks we hand to C (tasks, log) re-acquire it.
"""
import os
import re
import subprocess

from cffi import FFI

from .errors import error_from_code

_CDEF_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_cdef.h")
with open(_CDEF_PATH) as _f:
    CDEF = _f.read()

ffi = FFI()
ffi.cdef(CDEF)


def _pkgconfig_libdir():
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "panalyzer"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    d = out.stdout.strip()
    return d if out.returncode == 0 and d else None


def _candidates():
    env = os.environ.get("PANALYZER_LIB")
    if env:
        return [env]  # explicit: do not silently fall back to another copy
    out = []
    d = _pkgconfig_libdir()
    if d:
        out += [os.path.join(d, "libpanalyzer.so.1"), os.path.join(d, "libpanalyzer.so")]
    return out + ["libpanalyzer.so.1", "libpanalyzer.so"]


def _load():
    # RTLD_NODELETE: never unmap the library. cffi would dlclose it when the module is
    # torn down at interpreter exit while oneTBB worker threads still run thread-exit
    # code inside it (a crash at exit otherwise).
    flags = ffi.RTLD_NOW | ffi.RTLD_LOCAL | ffi.RTLD_NODELETE
    errors = []
    for path in _candidates():
        try:
            return ffi.dlopen(path, flags), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("cannot load libpanalyzer (set PANALYZER_LIB to libpanalyzer.so):\n  "
                      + "\n  ".join(errors))


lib, LIBRARY_PATH = _load()


def have(name):
    """True when the loaded library exports `name` (modules land one by one)."""
    try:
        getattr(lib, name)
        return True
    except AttributeError:
        return False


# ---- constants cffi cannot declare in ABI mode (strings, floats, *_INIT) ----
STRINGS = {m.group(1): m.group(2) for m in re.finditer(r'/\* @string (\w+) "([^"]*)" \*/', CDEF)}
FLOATS = {m.group(1): float(m.group(2)) for m in re.finditer(r"/\* @float (\w+) (\S+) \*/", CDEF)}
_INITS = {m.group(1): m.group(2) for m in re.finditer(r"/\* @init (\w+) (\{.*\}) \*/", CDEF)}


def _init_value(tokens):
    """Parse a tokenised brace initialiser into nested lists of Python values."""
    out = []
    while tokens:
        t = tokens.pop(0)
        if t == "{":
            out.append(_init_value(tokens))
        elif t == "}":
            return out
        elif t == ",":
            continue
        elif t == "NULL":
            out.append(ffi.NULL)
        elif re.fullmatch(r"-?\d+[uUlL]*", t):
            out.append(int(t.rstrip("uUlL")))
        elif re.fullmatch(r"-?[\d.]+([eE][-+]?\d+)?[fF]?", t):
            out.append(float(t.rstrip("fF")))
        elif t in FLOATS:
            out.append(FLOATS[t])
        else:
            out.append(getattr(lib, t))
    return out


def new_opts(ctype, **fields):
    """A fresh `ctype *` filled from its PA_..._INIT macro, then from `fields`."""
    macro = ctype.upper() + "_INIT"
    if macro not in _INITS:
        raise KeyError("no %s in the headers" % macro)
    tokens = re.findall(r"[{},]|[^\s{},]+", _INITS[macro])
    init = _init_value(tokens)[0]
    p = ffi.new(ctype + " *", init)
    for k, v in fields.items():
        if v is not None:
            setattr(p, k, v)
    return p


def string(p, default=""):
    """Decode a C string (NULL -> default)."""
    return default if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")


def last_error_message(code):
    msg = string(lib.pa_last_error())
    return msg or string(lib.pa_strerror(code))


def check(rc, diagnostics=None):
    """Raise the Error subclass for a negative return code; pass others through."""
    if rc < 0:
        raise error_from_code(rc, last_error_message(rc), diagnostics)
    return rc


def fspath(path):
    p = os.fspath(path)
    return p.encode() if isinstance(p, str) else p
