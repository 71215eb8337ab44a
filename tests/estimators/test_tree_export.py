"""export_text and plot_tree: the same text as scikit-learn's on the same trees."""
import numpy as np
import pytest

from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text, plot_tree

sktree = pytest.importorskip("sklearn.tree")


def _fitted(kind, y2d=False):
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3)
    if kind == "clf":
        y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
        return X, (np.c_[y, 1 - (y > 0)] if y2d else y), DecisionTreeClassifier, \
            sktree.DecisionTreeClassifier
    y = X[:, 0] * 2 + X[:, 1]
    return X, (np.c_[y, -y] if y2d else y), DecisionTreeRegressor, sktree.DecisionTreeRegressor


@pytest.mark.parametrize("kind,y2d", [("clf", False), ("reg", False), ("reg", True)])
@pytest.mark.parametrize("kw", [{}, {"max_depth": 1}, {"show_weights": True, "decimals": 3},
                                {"spacing": 1, "feature_names": ["a", "b", "c"]}])
def test_export_text_equals_sklearn(kind, y2d, kw):
    X, y, ours, theirs = _fitted(kind, y2d)
    a = theirs(max_depth=3, random_state=0).fit(X, y)
    b = ours(max_depth=3, random_state=0).fit(X, y)
    assert export_text(b, **kw) == sktree.export_text(a, **kw)


def test_export_text_errors():
    X, y, ours, _ = _fitted("clf")
    b = ours(max_depth=2).fit(X, y)
    with pytest.raises(ValueError, match="feature_names must contain 3 elements, got 1"):
        export_text(b, feature_names=["a"])
    with pytest.raises(ValueError, match="class_names"):
        export_text(b, class_names=["a"])
    with pytest.raises(ValueError, match="spacing"):
        export_text(b, spacing=0)


@pytest.mark.parametrize("kind,y2d", [("clf", False), ("clf", True), ("reg", False),
                                      ("reg", True)])
@pytest.mark.parametrize("kw", [{}, {"class_names": True, "node_ids": True},
                                {"proportion": True, "label": "root", "precision": 2},
                                {"max_depth": 1, "impurity": False, "filled": True},
                                {"fontsize": 9, "rounded": True}])
def test_plot_tree_text_equals_sklearn(kind, y2d, kw):
    plt = pytest.importorskip("matplotlib.pyplot")
    X, y, ours, theirs = _fitted(kind, y2d)
    a = theirs(max_depth=3, random_state=0).fit(X, y)
    b = ours(max_depth=3, random_state=0).fit(X, y)
    try:
        ta = [t.get_text() for t in sktree.plot_tree(a, **kw)]
        plt.close("all")
        anns = plot_tree(b, **kw)
        assert [t.get_text() for t in anns] == ta
        if "fontsize" in kw:
            assert all(t.get_fontsize() == kw["fontsize"] for t in anns)
    finally:
        plt.close("all")


def test_plot_tree_not_fitted():
    pytest.importorskip("matplotlib")
    from fastml.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        plot_tree(DecisionTreeRegressor())
