"""Help text: every docstring example runs (doctest), and every exported name
has a docstring -- with a shrinking list of the names still owed one
(tests/core/docstring_todo.txt: remove a name when it gets its docstring)."""
import doctest
import importlib
import inspect
import os
import pkgutil

import pytest

import fastml

TODO = os.path.join(os.path.dirname(__file__), "docstring_todo.txt")
MIN_DOC = 40  # characters: more than a stub line


def _modules():
    out = []
    for info in pkgutil.walk_packages(fastml.__path__, "fastml."):
        name = info.name
        if "._kernels" in name or name.endswith("__main__") or ".demos" in name:
            continue
        try:
            out.append(importlib.import_module(name))
        except ImportError:  # an optional extra (dask, matplotlib, ...) is absent
            continue
    return out


def _doctests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    seen, tests = set(), []
    for mod in _modules():
        for t in finder.find(mod, mod.__name__):
            if t.examples and t.name not in seen:
                seen.add(t.name)
                tests.append(t)
    return tests


DOCTESTS = _doctests()


@pytest.mark.parametrize("test", DOCTESTS, ids=[t.name for t in DOCTESTS])
def test_docstring_examples_run(test):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = []
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)


def exported_names():
    """(qualified name, object) of every public class and function of fastml's
    subpackages (their __all__, else their public attributes)."""
    out = {}
    for sub in fastml._SUBMODULES:
        try:
            mod = importlib.import_module(f"fastml.{sub}")
        except ImportError:
            continue
        names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
        for n in names:
            obj = getattr(mod, n, None)
            if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
                out[f"fastml.{sub}.{n}"] = obj
    return out


def _undocumented():
    return sorted(q for q, o in exported_names().items()
                  if len(inspect.getdoc(o) or "") < MIN_DOC)


def _todo():
    with open(TODO) as fh:
        return {ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")}


def test_every_exported_name_has_a_docstring():
    missing = set(_undocumented())
    new = sorted(missing - _todo())
    assert not new, f"exported names without a docstring (>= {MIN_DOC} chars): {new}"


def test_docstring_todo_list_only_shrinks():
    names = exported_names()
    done = sorted(q for q in _todo() & set(names)
                  if len(inspect.getdoc(names[q]) or "") >= MIN_DOC)
    assert not done, (f"these names have docstrings now: remove them from "
                      f"{os.path.basename(TODO)}: {done}")
