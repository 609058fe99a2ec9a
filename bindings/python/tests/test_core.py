"""Loading, versions, error mapping, options and diagnostics."""
import os
import pickle
import shutil
import subprocess
import sys

import pytest

import panalyzer as pa
from panalyzer._ffi import ffi, lib, new_opts

from conftest import ROOT, need


def test_version_matches_headers():
    assert pa.version() == pa.__version__
    assert lib.pa_version_number() == lib.PA_VERSION_NUMBER


def test_strerror_and_error_classes():
    assert pa.strerror(lib.PA_ENOMEM) == "out of memory"
    e = pa.errors.error_from_code(lib.PA_EIO, "x.pdb: no such file")
    assert isinstance(e, pa.InputOutputError) and isinstance(e, OSError) and isinstance(e, pa.Error)
    assert e.code == lib.PA_EIO and str(e) == "x.pdb: no such file"
    assert isinstance(pa.errors.error_from_code(lib.PA_ETRUNCATED, "t"), pa.FormatError)
    assert type(pa.errors.error_from_code(-999, "?")) is pa.Error
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is pa.InputOutputError and e2.code == e.code and e2.message == e.message


def test_options_follow_init_macro():
    o = new_opts("pa_reader_opts")
    assert o.version == lib.PA_READER_OPTS_VERSION
    assert o.format == lib.PA_FORMAT_AUTO and o.strict == 0
    o = new_opts("pa_reader_opts", strict=1, first_model_only=1)
    assert o.strict == 1 and o.first_model_only == 1
    with pytest.raises(KeyError):
        new_opts("pa_nothing_opts")


def test_diagnostic_format_matches_library():
    d = pa.Diagnostic("a.pdb", 7, 3, lib.PA_D_TRUNCATED, lib.PA_SEV_ERROR, "ends in ATOM")
    assert str(d) == "a.pdb:7:3: error: [truncated] ends in ATOM"
    assert d.code_name == "truncated" and d.severity_name == "error"
    assert pickle.loads(pickle.dumps(d)).message == "ends in ATOM"


def test_diagnostics_copied_from_list():
    from panalyzer.diagnostics import DiagList
    dl = DiagList()
    d = ffi.new("pa_diag *")
    keep = [ffi.new("char[]", b"f.cif"), ffi.new("char[]", b"bad loop")]
    d.file, d.message = keep
    d.line, d.code, d.severity = 12, lib.PA_D_LOOP_COUNT, lib.PA_SEV_WARNING
    assert lib.pa_diags_add(dl.ptr, d) == 0
    (got,) = dl.to_list()
    assert (got.file, got.line, got.message, got.severity_name) == ("f.cif", 12, "bad loop", "warning")


def test_cdef_is_up_to_date():
    if not shutil.which("cc"):
        pytest.skip("no C compiler")
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}  # sanitizer runs
    r = subprocess.run([sys.executable, "tools/gen_cdef.py", "--check"], cwd=ROOT,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr


def test_every_cdef_function_is_exported_or_pending():
    """Every declared function that the library exports loads with the cdef's type."""
    import re
    from panalyzer._ffi import CDEF, have
    names = set(re.findall(r"\b(pa_\w+)\s*\(", CDEF))
    assert "pa_version" in names
    for n in names:
        if have(n):
            assert callable(getattr(lib, n))


def test_read_file_decompresses():
    from conftest import data
    need("pa_read_file")
    assert pa.read_file(data("1crn.pdb.gz")) == open(data("1crn.pdb"), "rb").read()
    with pytest.raises(pa.InputOutputError):
        pa.read_file(data("missing"))


def test_log_callback_installs_and_removes():
    got = []
    pa.set_log_callback(lambda level, msg: got.append((level, msg)), level="debug")
    pa.set_log_callback(None)


def test_library_found_through_pkg_config(tmp_path):
    """Without PANALYZER_LIB the package asks pkg-config for libdir."""
    from panalyzer._ffi import LIBRARY_PATH
    if not shutil.which("pkg-config") or not os.path.isabs(LIBRARY_PATH):
        pytest.skip("needs pkg-config and PANALYZER_LIB")
    libdir = os.path.dirname(LIBRARY_PATH)
    (tmp_path / "panalyzer.pc").write_text(
        "libdir=%s\nName: panalyzer\nDescription: x\nVersion: %s\nLibs: -L${libdir} -lpanalyzer\n"
        % (libdir, pa.__version__))
    env = {k: v for k, v in os.environ.items() if k not in ("PANALYZER_LIB", "LD_PRELOAD")}
    env["PKG_CONFIG_PATH"] = str(tmp_path)
    env["PYTHONPATH"] = os.path.join(ROOT, "bindings", "python")
    r = subprocess.run([sys.executable, "-c", "import panalyzer as pa; print(pa.LIBRARY_PATH)"],
                       env=env, capture_output=True, text=True, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert os.path.dirname(r.stdout.strip()) == libdir
