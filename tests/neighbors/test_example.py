"""examples/knn_iris.py runs and reproduces the tutorial's numbers."""
import importlib.util
import pathlib

import numpy as np
import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "knn_iris.py"


def test_knn_iris_example(tmp_path):
    spec = importlib.util.spec_from_file_location("knn_iris", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "cv.png"
    lines = []
    acc, best, mse = mod.main(plot=True, ks=range(1, 30, 2), out=str(out),
                              print_fn=lines.append)
    assert acc == 0.98  # the docstring's number (scikit-learn gives the same)
    assert best == 1 and len(mse) == 15 and abs(min(mse) - 0.06) < 1e-12
    assert lines[0].startswith("k=7: test accuracy 0.980")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert any("skipped" in s for s in lines)
    else:
        assert out.exists() and out.stat().st_size > 0
    pytest.importorskip("sklearn")
    from sklearn.model_selection import cross_val_score, train_test_split
    from sklearn.neighbors import KNeighborsClassifier

    X, y = mod.load_iris(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.33, random_state=42)
    assert KNeighborsClassifier(n_neighbors=7).fit(X_tr, y_tr).score(X_te, y_te) == acc
    ref = [1 - cross_val_score(KNeighborsClassifier(n_neighbors=k), X_tr, y_tr, cv=10).mean()
           for k in range(1, 30, 2)]
    np.testing.assert_allclose(mse, ref, atol=1e-12)
