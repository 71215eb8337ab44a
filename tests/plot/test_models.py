"""Feature importances, plot_tree and the dendrogram: drawn bars / texts /
links against the fitted model and SciPy / scikit-learn."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from fastml.datasets import load_iris  # noqa: E402
from fastml.ensemble import RandomForestClassifier  # noqa: E402
from fastml.linear_model import LogisticRegression  # noqa: E402
from fastml.plot import (DendrogramDisplay, FeatureImportanceDisplay,  # noqa: E402
                         TreeDisplay, plot_tree)
from fastml.plot._models import linkage_from_children  # noqa: E402
from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_forest_importances_with_spread(iris):
    X, y = iris
    rf = RandomForestClassifier(n_estimators=15, random_state=0).fit(X, y)
    names = ["sl", "sw", "pl", "pw"]
    disp = FeatureImportanceDisplay.from_estimator(rf, feature_names=names)
    assert len(disp.bars_.patches) == 4
    order = np.argsort(-rf.feature_importances_, kind="stable")
    widths = [p.get_width() for p in disp.bars_.patches]
    np.testing.assert_allclose(widths, rf.feature_importances_[order])
    heights = [p.get_y() + p.get_height() / 2 for p in disp.bars_.patches]
    assert heights == sorted(heights, reverse=True)  # largest on top
    per_tree = [t.feature_importances_ for t in rf.estimators_]
    np.testing.assert_allclose(disp.std, np.std(per_tree, axis=0))
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == [names[i] for i in order]
    top2 = disp.plot(max_features=2)
    assert len(top2.bars_.patches) == 2


def test_linear_coefficients_as_importances(iris):
    X, y = iris
    clf = LogisticRegression().fit(X, y)
    disp = FeatureImportanceDisplay.from_estimator(clf)
    np.testing.assert_allclose(disp.importances, np.abs(clf.coef_).mean(axis=0))
    assert disp.std is None
    with pytest.raises(ValueError, match="feature_names"):
        FeatureImportanceDisplay(importances=[0.5, 0.5], feature_names=["a"])


def test_plot_tree_texts_match_the_tree(iris):
    X, y = iris
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    t = tree.tree_
    disp = TreeDisplay.from_estimator(tree, class_names=["s", "ve", "vi"], filled=True)
    assert len(disp.annotations_) == t.node_count
    for node, ann in enumerate(disp.annotations_):
        lines = ann.get_text().split("\n")
        counts = np.round(t.value[node, 0] * t.weighted_n_node_samples[node]).astype(int)
        if t.children_left[node] != -1:
            assert lines[0] == f"x[{t.feature[node]}] <= {round(float(t.threshold[node]), 3)}"
            lines = lines[1:]
            # a child's arrow starts at its parent
        assert lines[0] == f"gini = {round(float(t.impurity[node]), 3)}"
        assert lines[1] == f"samples = {t.n_node_samples[node]}"
        assert lines[2] == f"value = {counts.tolist()}"
        assert lines[3] == "class = " + ["s", "ve", "vi"][int(np.argmax(counts))]
    # positions: each internal node is centred over its children
    for parent, (left, right) in disp.children.items():
        px, pd = disp.positions[parent]
        assert px == pytest.approx((disp.positions[left][0] + disp.positions[right][0]) / 2)
        assert disp.positions[left][1] == pd + 1
    assert [a.get_text() for a in disp.extra_annotations_] == ["True  ", "  False"]


def test_plot_tree_texts_match_scikit_learn(iris):
    sktree = pytest.importorskip("sklearn.tree")
    X, y = iris
    ours = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    theirs = sktree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    if not np.array_equal(ours.tree_.feature, theirs.tree_.feature):
        pytest.skip("the two trees differ")
    for kw in (dict(feature_names=["a", "b", "c", "d"], class_names=["x", "y", "z"]),
               dict(max_depth=1, proportion=True, node_ids=True, label="root"),
               dict(class_names=True, impurity=False, label="none", max_depth=2)):
        a = sorted(x.get_text().strip() for x in sktree.plot_tree(theirs, **kw))
        b = sorted(x.get_text().strip() for x in plot_tree(ours, **kw))
        assert a == b


def test_plot_tree_regressor_and_truncation():
    rng = np.random.default_rng(0)
    X = rng.random((60, 2))
    y = np.sin(4 * X[:, 0]) + X[:, 1]
    reg = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    anns = plot_tree(reg, max_depth=1, filled=True)
    texts = [a.get_text() for a in anns]
    assert texts[0].startswith(f"x[{reg.tree_.feature[0]}] <=")
    assert f"value = {round(float(reg.tree_.value[0, 0, 0]), 3)}" in texts[0]
    assert "squared_error = " in texts[0]
    assert texts.count("(...)") == 4  # both depth-1 nodes are cut
    with pytest.raises(ValueError, match="feature_names"):
        plot_tree(reg, feature_names=["a"])
    with pytest.raises(ValueError, match="fit it first"):
        plot_tree(DecisionTreeRegressor())


def test_dendrogram_from_data_matches_scipy():
    sch = pytest.importorskip("scipy.cluster.hierarchy")
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 0.3, size=(6, 2)) for c in (0.0, 3.0, 6.0)])
    disp = DendrogramDisplay.from_data(X, method="average")
    want = sch.dendrogram(sch.linkage(X, method="average"), no_plot=True)
    assert len(disp.lines_) == len(X) - 1
    for line, xs, ys in zip(disp.lines_, want["icoord"], want["dcoord"]):
        np.testing.assert_allclose(line.get_xdata(), xs)
        np.testing.assert_allclose(line.get_ydata(), ys)
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == [str(i) for i in want["leaves"]]
    side = DendrogramDisplay.from_data(X, orientation="right")
    np.testing.assert_allclose(side.lines_[0].get_xdata(), side.dcoord[0])


def test_dendrogram_from_agglomerative_children():
    skc = pytest.importorskip("sklearn.cluster")
    sch = pytest.importorskip("scipy.cluster.hierarchy")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 3))
    agg = skc.AgglomerativeClustering(distance_threshold=0, n_clusters=None,
                                      linkage="ward").fit(X)
    disp = DendrogramDisplay.from_estimator(agg)
    Z = sch.linkage(X, method="ward")
    np.testing.assert_allclose(disp.linkage[:, 2], Z[:, 2])  # heights
    np.testing.assert_array_equal(disp.linkage[:, 3], Z[:, 3])  # cluster sizes
    np.testing.assert_allclose(np.sort(disp.dcoord.max(axis=1)), np.sort(Z[:, 2]))
    with pytest.raises(ValueError, match="children_"):
        linkage_from_children(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="distances_"):
        DendrogramDisplay.from_estimator(skc.AgglomerativeClustering(n_clusters=2).fit(X))
