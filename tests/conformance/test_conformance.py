"""scikit-learn's own tests against fastml: the bounded CI subset, and the harness itself.

The full run (54 files, an hour or more) is ``python -m tests.conformance.run``; here
only ``ci_subset.txt`` runs: every selected test must pass, be skipped by
scikit-learn itself, or be listed under ``[expected-failures]`` with a reason.
"""
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

sklearn = pytest.importorskip("sklearn")

HERE = Path(__file__).resolve().parent


def _load(name):
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    spec = importlib.util.spec_from_file_location(f"fastml_conformance_{name}", HERE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


RUN = _load("run")
import _cf_classify  # noqa: E402
import _cf_rewrite  # noqa: E402
import _cf_support  # noqa: E402

SUBSET_SKLEARN = "1.9"  # the version ci_subset.txt's node ids were taken from


# ------------------------------------------------------------------ the CI subset
@pytest.fixture(scope="module")
def ci_report():
    if ".".join(sklearn.__version__.split(".")[:2]) != SUBSET_SKLEARN:
        pytest.skip(f"ci_subset.txt lists scikit-learn {SUBSET_SKLEARN} test ids; "
                    f"installed {sklearn.__version__}")
    return RUN.run(subset="ci", timeout=60.0, file_timeout=900.0, log=lambda line: None)


def test_ci_subset_passes(ci_report):
    _, expected = RUN.read_ci_subset()
    bad = []
    for tests in ci_report["tests"].values():
        for nodeid, rec in tests.items():
            if rec["outcome"] in ("passed", "xpassed", "skipped", "xfailed"):
                continue
            if any(_cf_support.matches(nodeid, pat) for pat, _ in expected):
                continue
            bad.append(f"{nodeid}: {rec['outcome']}: {rec.get('exc_type')}: "
                       f"{(rec.get('message') or '')[:200]}")
    errors = [f"{f}: {e['message'][:300]}" for f, errs in ci_report["collect_errors"].items()
              for e in errs]
    assert not errors, "collection errors:\n" + "\n".join(errors)
    assert not bad, f"{len(bad)} scikit-learn tests regressed on fastml:\n" + "\n".join(bad)


def test_ci_subset_selects_and_exercises_fastml(ci_report):
    select, _ = RUN.read_ci_subset()
    ran = [nid for tests in ci_report["tests"].values() for nid in tests]
    unmatched = [p for p in select if not any(_cf_support.matches(n, p) for n in ran)]
    assert not unmatched, f"ci_subset.txt patterns matching no test: {unmatched}"
    for row in ci_report["files"]:
        # each file is in the subset because it tests fastml code: its swap must take effect
        assert row["exercising_fastml"] >= 5, row
        assert row["passed"] >= 5, row


# ------------------------------------------------------------------ the harness
NAME_MAP = {"sklearn.neighbors": {"KNeighborsClassifier": "fastml.neighbors"},
            "sklearn.metrics": {"accuracy_score": "fastml.metrics"},
            "sklearn.metrics.pairwise": {}}


def test_rewrite_swaps_fastml_names_and_keeps_the_rest():
    src = textwrap.dedent("""\
        import numpy as np
        from sklearn.neighbors import (
            KNeighborsClassifier as KNC,
            BallTree,
        )
        from sklearn.neighbors._base import KNeighborsClassifier
        from sklearn.utils._testing import assert_allclose
        from sklearn import datasets, metrics


        def test_x():
            from sklearn.metrics import accuracy_score, f1_score  # inline
            return KNC, BallTree
        """)
    out, swapped = _cf_rewrite.rewrite_source(src, NAME_MAP)
    lines = out.splitlines()
    assert len(lines) == len(src.splitlines())  # line numbers preserved
    assert lines[1] == ("from sklearn.neighbors import (BallTree); "
                        "from fastml.neighbors import (KNeighborsClassifier as KNC)")
    assert lines[5] == "from sklearn.neighbors._base import KNeighborsClassifier"  # private
    assert lines[6] == src.splitlines()[6]  # testing utilities untouched
    assert lines[7].startswith("from sklearn import (datasets); ")
    assert "metrics = _cf_proxy('sklearn.metrics')" in lines[7]
    assert lines[11] == ("    from sklearn.metrics import (f1_score); "
                         "from fastml.metrics import (accuracy_score)")
    assert swapped == {"sklearn.neighbors.KNeighborsClassifier", "sklearn.metrics",
                       "sklearn.metrics.accuracy_score"}
    compile(out, "rewritten", "exec")


def test_name_map_is_derived_from_fastml_exports():
    fastml_neighbors = pytest.importorskip("fastml.neighbors")
    overrides = {"exclude": {"sklearn.neighbors:KDTree": {"reason": "test"}}, "include": {}}
    name_map = _cf_rewrite.build_name_map(overrides)
    table = name_map["sklearn.neighbors"]
    assert "KNeighborsClassifier" in table and "KDTree" not in table
    assert set(table) <= set(fastml_neighbors.__all__)
    assert all(not n.startswith("_") for t in name_map.values() for n in t)


def test_proxy_module_prefers_fastml(monkeypatch):
    import fastml.metrics
    import sklearn.metrics
    monkeypatch.setattr(_cf_support, "_MAP", {"names": NAME_MAP, "modules": list(NAME_MAP)})
    monkeypatch.setattr(_cf_support, "_PROXIES", {})
    proxy = _cf_support.proxy_module("sklearn.metrics")
    assert proxy.accuracy_score is fastml.metrics.accuracy_score
    assert proxy.f1_score is sklearn.metrics.f1_score
    assert isinstance(proxy.pairwise, _cf_support._ProxyModule)


def test_svm_module_import_gets_a_proxy(monkeypatch):
    """scikit-learn's svm tests do `from sklearn import svm` and use `svm.SVC`."""
    import fastml.svm
    import sklearn.svm
    name_map = {**NAME_MAP, "sklearn.svm": {"SVC": "fastml.svm", "LinearSVC": "fastml.svm"}}
    src = "from sklearn import base, datasets, linear_model, metrics, svm\n"
    out, swapped = _cf_rewrite.rewrite_source(src, name_map)
    assert "svm = _cf_proxy('sklearn.svm')" in out and "sklearn.svm" in swapped
    monkeypatch.setattr(_cf_support, "_MAP", {"names": name_map, "modules": list(name_map)})
    monkeypatch.setattr(_cf_support, "_PROXIES", {})
    proxy = _cf_support.proxy_module("sklearn.svm")
    assert proxy.SVC is fastml.svm.SVC and proxy.LinearSVC is fastml.svm.LinearSVC
    assert proxy.l1_min_c is sklearn.svm.l1_min_c  # a name fastml.svm does not export


def test_deselection_without_reason_is_refused(tmp_path):
    path = tmp_path / "deselected.txt"
    path.write_text("# comment\na/tests/test_a.py::test_x | private helper\n"
                    "a/tests/test_a.py::test_y\na/tests/test_a.py::test_z |  \n")
    with pytest.raises(RUN.ConfigError, match=r"deselected.txt:3.*\n.*deselected.txt:4"):
        RUN.read_reasoned(path)
    path.write_text("a/tests/test_a.py::test_x | private helper\n")
    assert RUN.read_reasoned(path) == [("a/tests/test_a.py::test_x", "private helper")]


def test_checked_in_lists_are_valid():
    assert all(reason for _, reason in RUN.read_reasoned(RUN.DESELECTED))
    files = RUN.read_manifest()
    assert len(files) == len(set(files)) == 55
    root = Path(sklearn.__file__).parent
    assert [f for f in files if not (root / f).exists()] == []
    select, expected = RUN.read_ci_subset()
    assert select and all(p.split("::")[0] in files for p in select)
    assert all(reason for _, reason in expected)


@pytest.mark.parametrize("nodeid,pattern,hit", [
    ("a.py::test_x[csr_matrix-1]", "a.py::test_x[csr_matrix-1]", True),
    ("a.py::test_x[csr_matrix-1]", "a.py::test_x", True),
    ("a.py::test_x[csr_matrix-1]", "a.py::test_x[csr*", True),
    ("a.py::test_xy", "a.py::test_x", False),
    ("a.py::test_x[1]", "a.py::test_x[2]", False),
])
def test_nodeid_matching(nodeid, pattern, hit):
    assert _cf_support.matches(nodeid, pattern) is hit


@pytest.mark.parametrize("rec,cause", [
    ({"exc_type": "TypeError",
      "message": "Ridge.__init__() got an unexpected keyword argument 'positive'"},
     ("missing parameter", "Ridge(positive=)")),
    ({"exc_type": "AttributeError", "message": "'PCA' object has no attribute 'score'"},
     ("missing attribute / method", "PCA.score")),
    ({"exc_type": "TypeError", "message": "Sparse data was passed for X",
      "fastml_frame": "fastml.utils.validation:check_array"},
     ("sparse input", "fastml.utils.validation:check_array")),
    ({"exc_type": "InvalidParameterError",
      "message": "The 'solver' parameter of Ridge must be a str among {'auto'}. Got 'svd'."},
     ("unsupported parameter value", "Ridge(solver=)")),
    ({"exc_type": "AssertionError", "nodeid": "f.py::test_a",
      "message": "\nNot equal to tolerance rtol=1e-07"}, ("numeric mismatch", "test_a")),
    ({"exc_type": "Failed", "message": "DID NOT RAISE <class 'ValueError'>"},
     ("missing validation error", "DID NOT RAISE <class 'ValueError'>")),
    ({"exc_type": "NotFittedError", "exc_module": "fastml.exceptions", "message": "x"},
     ("exception class differs", "fastml NotFittedError")),
])
def test_classify(rec, cause):
    rec.setdefault("nodeid", "f.py::test_a[csr_matrix]" if "Sparse" in rec["message"]
                   else rec.get("nodeid", "f.py::test_a"))
    rec.setdefault("outcome", "failed")
    assert _cf_classify.classify(rec) == cause
