"""fastml's exception and warning classes derive from scikit-learn's when
scikit-learn is loaded (whatever the import order), and stay fastml's own
without it. Each scenario runs in a fresh interpreter, since which modules are
loaded is the point."""
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import fastml
from fastml import exceptions as fe

_NAMES = ["NotFittedError", "ConvergenceWarning", "DataConversionWarning", "FitFailedWarning",
          "UndefinedMetricWarning", "EfficiencyWarning"]


def _run(code):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(fastml.__file__))
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_scikit_learn_loaded_first():
    pytest.importorskip("sklearn")
    out = _run(f"""
        import sklearn.exceptions as se
        import fastml.exceptions as fe
        print(all(issubclass(getattr(fe, n), getattr(se, n)) for n in {_NAMES!r}))
    """)
    assert out.strip() == "True"


def test_scikit_learn_loaded_after_fastml_filters_and_excepts():
    pytest.importorskip("sklearn")
    out = _run("""
        import sys, warnings
        import numpy as np
        import fastml.exceptions as fe
        from fastml.linear_model import LinearRegression
        assert "sklearn" not in sys.modules  # fastml does not load it
        import sklearn.exceptions as se
        with warnings.catch_warnings():
            warnings.filterwarnings("error", category=se.ConvergenceWarning)
            try:
                warnings.warn("slow", fe.ConvergenceWarning)
            except se.ConvergenceWarning:
                print("filtered")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=se.ConvergenceWarning)
            with warnings.catch_warnings(record=True) as rec:
                warnings.simplefilter("ignore", se.ConvergenceWarning)
                warnings.warn("slow", fe.ConvergenceWarning)
            print("ignored", len(rec))
        try:
            LinearRegression().predict(np.ones((2, 2)))
        except se.NotFittedError as exc:
            print("caught", type(exc).__module__)
        print(issubclass(fe.DataConversionWarning, se.DataConversionWarning))
    """)
    assert out.split("\n")[:4] == ["filtered", "ignored 0", "caught fastml.exceptions", "True"]


def test_without_scikit_learn_classes_are_fastml_own():
    out = _run("""
        import sys
        sys.modules["sklearn"] = None  # import sklearn now fails
        import warnings
        import numpy as np
        import fastml.exceptions as fe
        from fastml.cluster import KMeans
        print(sorted(fe.link_sklearn()))
        print([c.__module__ for c in fe.NotFittedError.__mro__[:2]])
        try:
            KMeans(n_clusters=2).transform(np.ones((3, 2)))
        except fe.NotFittedError as exc:
            print("caught", isinstance(exc, ValueError), isinstance(exc, AttributeError))
    """)
    lines = out.splitlines()
    assert lines[0] == "[]"
    assert lines[1] == "['fastml.exceptions', 'fastml.exceptions']"
    assert lines[2] == "caught True True"


def test_in_process_classes_and_pickling():
    se = pytest.importorskip("sklearn.exceptions")
    from sklearn.utils._param_validation import InvalidParameterError as SkIPE

    fe.link_sklearn()
    for name in _NAMES:
        assert issubclass(getattr(fe, name), getattr(se, name))
    assert issubclass(fe.InvalidParameterError, SkIPE)
    assert issubclass(fe.InvalidParameterError, (ValueError, TypeError))
    with pytest.raises(SkIPE, match="n_clusters"):
        fastml.cluster.KMeans(n_clusters=0).fit(np.ones((4, 2)))
    err = pickle.loads(pickle.dumps(fe.NotFittedError("not fitted")))
    assert type(err) is fe.NotFittedError and str(err) == "not fitted"
    with pytest.warns(se.ConvergenceWarning):
        warnings.warn("x", fe.ConvergenceWarning)
    with pytest.warns(fe.ConvergenceWarning):
        warnings.warn("x", fe.ConvergenceWarning)
