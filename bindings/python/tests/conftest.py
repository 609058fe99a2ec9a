import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(HERE, "data")


def data(name):
    return os.path.join(DATA, name)


def shared(rel):
    """Path under ../shared/data, or skip the test when the corpus is absent."""
    base = os.environ.get("PA_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
    p = os.path.join(base, rel)
    if not os.path.exists(p):
        pytest.skip("shared data absent: " + rel)
    return p


def need(*symbols):
    """Skip unless the loaded library exports every symbol (modules land one by one)."""
    from panalyzer._ffi import have
    missing = [s for s in symbols if not have(s)]
    if missing:
        pytest.skip("library lacks " + ", ".join(missing))
