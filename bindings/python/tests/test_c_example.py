"""examples/c/chains.c builds against the library under test and does the same job
as the Python example in the README."""
import os
import shutil
import subprocess

import pytest

import panalyzer as pa
from panalyzer._ffi import LIBRARY_PATH

from conftest import ROOT, data, need


def test_c_example_builds_and_runs(tmp_path):
    need("pa_structure_read", "pa_sequence_extract", "pa_predict_ss")
    cc = shutil.which(os.environ.get("CC", "cc"))
    if not cc or not os.path.isabs(LIBRARY_PATH):
        pytest.skip("needs a C compiler and PANALYZER_LIB")
    libdir = os.path.dirname(LIBRARY_PATH)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}  # sanitizer runs
    exe = tmp_path / "chains"
    subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "include"),
                    os.path.join(ROOT, "examples", "c", "chains.c"), "-L", libdir, "-lpanalyzer",
                    "-Wl,-rpath," + libdir, "-o", str(exe)], check=True, env=env)
    out = subprocess.run([str(exe), data("1crn.pdb")], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    s = pa.read(data("1crn.pdb"))
    seq = s.chains[0].sequence
    assert out == ["chain A (protein)", "seq " + seq, "ss  " + pa.predict_ss(seq)]
    bad = subprocess.run([str(exe), data("missing.pdb")], capture_output=True, text=True)
    assert bad.returncode != 0 and "missing.pdb" in bad.stderr
