"""Every public name documents itself: docstrings, type hints, explicit keywords, the
py.typed marker, and no built-in name shadowed."""
import builtins
import inspect
import os
import warnings

import panalyzer as pa


def _public():
    for name in pa.__all__:
        obj = getattr(pa, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj


def _members(cls):
    for name, m in vars(cls).items():
        if name.startswith("_") and name not in ("__init__", "__call__"):
            continue
        if isinstance(m, (staticmethod, classmethod)):
            m = m.__func__
        if inspect.isfunction(m):
            yield f"{cls.__name__}.{name}", m


def _callables():
    for name, obj in _public():
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj) and obj.__module__.startswith("panalyzer"):
            yield from _members(obj)


def test_docstrings():
    missing = [n for n, o in _public() if not inspect.getdoc(o)]
    missing += [n for n, f in _callables() if n.rsplit(".", 1)[-1] != "__init__"
                and not (f.__doc__ or "").strip()]
    assert not missing, f"public names without a docstring: {missing}"


def test_explicit_keywords_and_hints():
    bad, unhinted = [], []
    for name, f in _callables():
        sig = inspect.signature(f)
        if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
            bad.append(name)
        params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
        if any(p.annotation is p.empty for p in params) or (
                sig.return_annotation is sig.empty and not name.endswith("__init__")):
            unhinted.append(name)
    assert not bad, f"**kwargs hide options from signatures: {bad}"
    assert not unhinted, f"missing type hints: {unhinted}"


def test_py_typed_marker():
    assert os.path.exists(os.path.join(os.path.dirname(pa.__file__), "py.typed"))


def test_no_builtin_shadowed():
    shadowed = [n for n in pa.__all__ if hasattr(builtins, n)]
    assert not shadowed, f"panalyzer.__all__ shadows built-ins: {shadowed}"
    assert issubclass(pa.InputOutputError, OSError)


def test_ioerror_alias_kept_one_release():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert pa.IOError is pa.InputOutputError
    assert any(issubclass(x.category, DeprecationWarning) for x in w)
