"""Tree API parity with scikit-learn: decision_path, cost_complexity_pruning_path
and ccp_alpha. scikit-learn's own pruning routines, run on a copy of fastml's
fitted node arrays, are the oracle (fastml's histogram splits can differ from
scikit-learn's exact ones, so the two libraries' trees are not compared)."""
import numpy as np
import pytest

from fastml.ensemble import RandomForestClassifier
from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor

skt = pytest.importorskip("sklearn.tree._tree")


def _sklearn_tree(tree, n_classes):
    nodes = np.zeros(tree.node_count, dtype=skt.NODE_DTYPE)
    for ours, theirs in (("children_left", "left_child"), ("children_right", "right_child"),
                         ("feature", "feature"), ("threshold", "threshold"),
                         ("impurity", "impurity"), ("n_node_samples", "n_node_samples"),
                         ("weighted_n_node_samples", "weighted_n_node_samples")):
        nodes[theirs] = getattr(tree, ours)
    out = skt.Tree(tree.n_features, np.array([max(n_classes, 1)], dtype=np.intp), 1)
    out.__setstate__({"max_depth": tree.max_depth, "node_count": tree.node_count,
                      "nodes": nodes, "values": np.ascontiguousarray(tree.value, float)})
    return out


@pytest.fixture(params=["classifier", "regressor"])
def fitted(request):
    rng = np.random.default_rng(5)
    X = rng.integers(-40, 40, size=(300, 4)) / 8.0  # exact in float32
    if request.param == "classifier":
        y = (X[:, 0] + rng.normal(size=300) > 0).astype(int) + (X[:, 1] > 2)
        w = rng.random(300)
        return DecisionTreeClassifier, X, y, w, 3
    y = X[:, 1] ** 2 + rng.normal(size=300)
    return DecisionTreeRegressor, X, y, rng.random(300), 0


def test_pruning_path_matches_sklearn(fitted):
    cls, X, y, w, k = fitted
    for sw in (None, w):
        est = cls(random_state=0, min_samples_leaf=2).fit(X, y, sample_weight=sw)
        ref = skt.ccp_pruning_path(_sklearn_tree(est.tree_, k))
        path = est.cost_complexity_pruning_path(X, y, sample_weight=sw)
        np.testing.assert_allclose(path.ccp_alphas, ref["ccp_alphas"], rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(path.impurities, ref["impurities"], rtol=1e-10, atol=1e-15)


def test_ccp_alpha_prunes_like_sklearn(fitted):
    cls, X, y, _, k = fitted
    full = cls(random_state=0).fit(X, y)
    ref_tree = _sklearn_tree(full.tree_, k)
    alphas = full.cost_complexity_pruning_path(X, y).ccp_alphas
    for alpha in np.r_[alphas[1::4], alphas[-1], 10.0]:
        est = cls(random_state=0, ccp_alpha=alpha).fit(X, y)
        ref = skt.Tree(full.tree_.n_features, np.array([max(k, 1)], dtype=np.intp), 1)
        skt._build_pruned_tree_ccp(ref, ref_tree, alpha)
        assert est.tree_.node_count == ref.node_count
        np.testing.assert_array_equal(est.tree_.children_left, ref.children_left)
        np.testing.assert_array_equal(est.tree_.feature, ref.feature)
        np.testing.assert_allclose(est.tree_.value, ref.value)
        assert est.get_depth() == ref.max_depth
        assert est.get_n_leaves() == ref.n_leaves
        np.testing.assert_array_equal(est.apply(X), ref.apply(X.astype(np.float32)))


def test_decision_path_matches_sklearn_and_apply(fitted):
    cls, X, y, _, k = fitted
    est = cls(random_state=0, max_depth=6).fit(X, y)
    path = est.decision_path(X)
    ref = _sklearn_tree(est.tree_, k).decision_path(X.astype(np.float32))
    assert path.format == "csr" and path.shape == ref.shape
    assert (path != ref).nnz == 0
    # the deepest node of each row's path is its leaf
    last = np.array([row.indices.max() for row in path])
    np.testing.assert_array_equal(last, est.apply(X))


def test_forest_decision_path():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = (X[:, 0] > 0).astype(int)
    forest = RandomForestClassifier(n_estimators=4, max_depth=3, random_state=0).fit(X, y)
    ind, ptr = forest.decision_path(X)
    assert ptr[0] == 0 and ptr[-1] == ind.shape[1]
    for i, tree in enumerate(forest.estimators_):
        block = ind[:, ptr[i]:ptr[i + 1]]
        assert (block != tree.decision_path(X)).nnz == 0


def test_tree_output_shape_attributes_and_sklearn_export(fitted):
    export = pytest.importorskip("sklearn.tree")
    cls, X, y, _, k = fitted
    est = cls(random_state=0, max_depth=2).fit(X, y)
    assert est.tree_.n_outputs == 1
    np.testing.assert_array_equal(est.tree_.n_classes, [max(k, 1)])
    # scikit-learn's exporters read these attributes of a fitted tree_
    dot = export.export_graphviz(est, out_file=None)
    assert dot.count("->") == est.tree_.node_count - 1
