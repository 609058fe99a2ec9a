"""`pip install bindings/python` gives a package that imports from anywhere (the library
found through PANALYZER_LIB here; system-wide installs through the loader)."""
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def test_pip_install_then_import_outside_the_repo(tmp_path):
    pytest.importorskip("setuptools")
    target, src = tmp_path / "site", tmp_path / "src"
    # a copy: setuptools writes build/ and *.egg-info next to pyproject.toml
    shutil.copytree(os.path.dirname(HERE), src, ignore=shutil.ignore_patterns(
        "tests", "__pycache__", "build", "*.egg-info"))
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation",
                        "--no-deps", "--no-index", "--target", str(target), str(src)],
                       capture_output=True, text=True)
    if r.returncode and "No module named pip" in r.stderr:
        pytest.skip("pip not available")
    assert r.returncode == 0, r.stderr
    assert (target / "panalyzer" / "py.typed").exists()
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", "import panalyzer, sys; "
                          "print(panalyzer.__file__); print(panalyzer.version())"],
                         cwd=str(tmp_path), env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    path, version = out.stdout.split()
    assert path.startswith(str(target)) and version == pytest.importorskip("panalyzer").version()
