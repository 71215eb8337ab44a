"""Exact trees (splitter="best") equal scikit-learn's trees: structure,
features, thresholds, values and impurities on the bundled datasets, for every
criterion, multi-output targets, max_leaf_nodes (best-first growth) and the
leaf minima. Where two features give exactly the same impurity decrease the
libraries may pick different ones (their random feature orders differ); the
comparison then checks that the two choices tie and skips that subtree."""
import numpy as np
import pytest

from fastml._kernels import COMPILED
from fastml.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from fastml.tree import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                         ExtraTreeRegressor)

sktree = pytest.importorskip("sklearn.tree")


def _decrease(t, i):
    wn, imp = t.weighted_n_node_samples, t.impurity
    lft, rgt = t.children_left[i], t.children_right[i]
    return wn[i] * imp[i] - wn[lft] * imp[lft] - wn[rgt] * imp[rgt]


def assert_same_tree(ours, theirs, min_compared=1.0):
    """Walk both trees together; returns the fraction of nodes compared."""
    a, b = ours.tree_, theirs.tree_
    stack, seen, tied = [(0, 0)], 0, 0
    while stack:
        i, j = stack.pop()
        seen += 1
        assert a.n_node_samples[i] == b.n_node_samples[j]
        np.testing.assert_allclose(a.weighted_n_node_samples[i], b.weighted_n_node_samples[j])
        np.testing.assert_allclose(a.value[i], b.value[j], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(a.impurity[i], b.impurity[j], rtol=1e-8, atol=1e-12)
        a_leaf, b_leaf = a.children_left[i] < 0, b.children_left[j] < 0
        assert a_leaf == b_leaf, f"node {i}: leaf {a_leaf} vs {b_leaf}"
        if a_leaf:
            continue
        if a.feature[i] != b.feature[j] or a.threshold[i] != b.threshold[j]:
            # a tie between two equally good splits: same decrease; when both cut
            # the node into children of the same sizes (typically the same rows,
            # split by two features), keep comparing below, else skip the subtree
            np.testing.assert_allclose(_decrease(a, i), _decrease(b, j), rtol=1e-9, atol=1e-12)
            tied += 1
            la, lb = a.children_left[i], b.children_left[j]
            if (a.n_node_samples[la] != b.n_node_samples[lb]
                    or not np.allclose(a.impurity[la], b.impurity[lb], rtol=1e-9, atol=1e-12)
                    or not np.allclose(a.value[la], b.value[lb], rtol=1e-9, atol=1e-12)):
                continue
        stack.append((a.children_left[i], b.children_left[j]))
        stack.append((a.children_right[i], b.children_right[j]))
    frac = seen / b.node_count
    assert frac >= min_compared, f"only {seen} of {b.node_count} nodes compared ({tied} ties)"
    return frac


def _cls_data():
    out = {}
    for name, loader in (("iris", load_iris), ("digits", load_digits),
                         ("breast_cancer", load_breast_cancer)):
        X, y = loader(return_X_y=True)
        out[name] = (np.asarray(X, dtype=np.float64), np.asarray(y))
    return out


CLS = _cls_data()


@pytest.mark.parametrize("name", sorted(CLS))
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("params", [{}, {"max_depth": 4}, {"min_samples_leaf": 5},
                                    {"max_leaf_nodes": 12}, {"min_impurity_decrease": 0.01}])
def test_classifier_equals_sklearn(name, criterion, params):
    X, y = CLS[name]
    kw = dict(criterion=criterion, random_state=0, **params)
    ours = DecisionTreeClassifier(**kw).fit(X, y)
    theirs = sktree.DecisionTreeClassifier(**kw).fit(X, y)
    min_frac = 1.0
    assert_same_tree(ours, theirs, min_frac)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_breast_cancer_tree_is_identical():
    X, y = CLS["breast_cancer"]
    ours = DecisionTreeClassifier(random_state=0).fit(X, y)
    theirs = sktree.DecisionTreeClassifier(random_state=0).fit(X, y)
    assert assert_same_tree(ours, theirs) == 1.0
    for attr in ("children_left", "children_right", "feature", "threshold"):
        np.testing.assert_array_equal(getattr(ours.tree_, attr), getattr(theirs.tree_, attr))
    np.testing.assert_allclose(ours.tree_.value, theirs.tree_.value)


@pytest.mark.parametrize("criterion", ["squared_error", "absolute_error", "poisson"])
@pytest.mark.parametrize("params", [{}, {"max_depth": 5}, {"min_samples_leaf": 4},
                                    {"max_leaf_nodes": 20}])
def test_regressor_equals_sklearn_on_diabetes(criterion, params):
    X, y = load_diabetes(return_X_y=True)
    kw = dict(criterion=criterion, random_state=0, **params)
    ours = DecisionTreeRegressor(**kw).fit(X, y)
    theirs = sktree.DecisionTreeRegressor(**kw).fit(X, y)
    assert_same_tree(ours, theirs)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
def test_weighted_regressor_and_classifier(weighted, rng):
    X = rng.standard_normal((500, 5))
    y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.3 * rng.standard_normal(500)
    w = rng.integers(1, 4, 500).astype(float) if weighted else None
    kw = dict(random_state=0, min_samples_leaf=3)
    assert_same_tree(DecisionTreeRegressor(**kw).fit(X, y, sample_weight=w),
                     sktree.DecisionTreeRegressor(**kw).fit(X, y, sample_weight=w))
    yc = (y > 0.3).astype(int) + (y > 1.2)
    assert_same_tree(DecisionTreeClassifier(**kw).fit(X, yc, sample_weight=w),
                     sktree.DecisionTreeClassifier(**kw).fit(X, yc, sample_weight=w))


def test_multi_output_equals_sklearn(rng):
    X = rng.standard_normal((400, 6))
    Y = np.stack([X[:, 0] + 0.2 * rng.standard_normal(400),
                  X[:, 1] * X[:, 2] + 0.2 * rng.standard_normal(400)], axis=1)
    for crit in ("squared_error", "absolute_error"):
        ours = DecisionTreeRegressor(criterion=crit, max_depth=6, random_state=0).fit(X, Y)
        theirs = sktree.DecisionTreeRegressor(criterion=crit, max_depth=6,
                                              random_state=0).fit(X, Y)
        # the NumPy twin sums absolute errors directly rather than through the
        # kernel's Fenwick tree: a split that ties to rounding may tip (the tie
        # itself is still checked: equal decrease), skipping its subtree
        assert_same_tree(ours, theirs,
                         1.0 if COMPILED or crit != "absolute_error" else 0.9)
        assert ours.predict(X).shape == (400, 2)
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)
    Yc = np.stack([(Y[:, 0] > 0).astype(int), np.digitize(Y[:, 1], [-0.5, 0.5])], axis=1)
    Yc = np.where(Yc == 1, 7, Yc)  # labels need not be 0..k-1
    ours = DecisionTreeClassifier(random_state=0).fit(X, Yc)
    theirs = sktree.DecisionTreeClassifier(random_state=0).fit(X, Yc)
    assert_same_tree(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    for p, q in zip(ours.predict_proba(X[:50]), theirs.predict_proba(X[:50])):
        np.testing.assert_allclose(p, q)
    np.testing.assert_array_equal(ours.n_classes_, theirs.n_classes_)


def test_friedman_mse_warns_and_equals_squared_error(rng):
    X = rng.standard_normal((200, 4))
    y = X[:, 0] + 0.1 * rng.standard_normal(200)
    with pytest.warns(FutureWarning, match="friedman_mse"):
        a = DecisionTreeRegressor(criterion="friedman_mse", random_state=0).fit(X, y)
    b = DecisionTreeRegressor(random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)


def test_poisson_rejects_bad_targets(rng):
    X = rng.standard_normal((20, 2))
    with pytest.raises(ValueError, match="negative"):
        DecisionTreeRegressor(criterion="poisson").fit(X, -np.ones(20))
    with pytest.raises(ValueError, match="Sum of y"):
        DecisionTreeRegressor(criterion="poisson").fit(X, np.zeros(20))


def test_hist_splitter_is_kept_and_close(rng):
    X = rng.standard_normal((3000, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    h = DecisionTreeClassifier(splitter="hist", max_depth=4, random_state=0).fit(X, y)
    e = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y)
    assert abs(h.score(X, y) - e.score(X, y)) < 0.02
    with pytest.raises(ValueError, match="splitter='hist'"):
        DecisionTreeClassifier(splitter="hist", max_leaf_nodes=5).fit(X, y)


def test_random_splitter_and_extra_trees(rng):
    X = rng.standard_normal((600, 6))
    y = (X[:, 0] - X[:, 3] > 0).astype(int)
    m = ExtraTreeClassifier(random_state=0).fit(X, y)
    assert m.splitter == "random" and m.score(X, y) == 1.0
    again = ExtraTreeClassifier(random_state=0).fit(X, y)
    np.testing.assert_array_equal(m.tree_.threshold, again.tree_.threshold)
    other = ExtraTreeClassifier(random_state=1).fit(X, y)
    assert not np.array_equal(m.tree_.threshold, other.tree_.threshold)
    # random thresholds lie strictly inside the node's range of the feature
    inner = m.tree_.children_left >= 0
    assert np.all(np.abs(m.tree_.threshold[inner]) < np.abs(X).max())
    r = ExtraTreeRegressor(random_state=0, max_depth=8).fit(X, X[:, 0])
    assert r.score(X, X[:, 0]) > 0.9


def test_float32_thresholds_as_sklearn(rng):
    # values that differ only beyond float32 precision are one value to both
    X = np.array([[1.0], [1.0 + 1e-12], [2.0], [3.0]])
    y = np.array([0, 1, 1, 1])
    ours = DecisionTreeClassifier(random_state=0).fit(X, y)
    theirs = sktree.DecisionTreeClassifier(random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.tree_.threshold, theirs.tree_.threshold)
    with pytest.raises(ValueError, match="float32"):
        DecisionTreeClassifier().fit(np.array([[1e39], [0.0]]), [0, 1])


@pytest.mark.parametrize("cls_name", ["DecisionTreeClassifier", "DecisionTreeRegressor"])
def test_missing_values_equal_sklearn(cls_name, rng):
    X = rng.standard_normal((500, 4))
    z = X[:, 0] + 0.7 * X[:, 1] + 0.3 * rng.standard_normal(500)
    X[rng.random((500, 4)) < 0.15] = np.nan
    X[:40, 2] = np.nan  # a feature missing in whole nodes
    y = (z > 0).astype(int) if cls_name == "DecisionTreeClassifier" else z
    ours = {"DecisionTreeClassifier": DecisionTreeClassifier,
            "DecisionTreeRegressor": DecisionTreeRegressor}[cls_name]
    kw = dict(random_state=0, min_samples_leaf=3)
    a, b = ours(**kw).fit(X, y), getattr(sktree, cls_name)(**kw).fit(X, y)
    assert_same_tree(a, b)
    inner = a.tree_.children_left >= 0
    np.testing.assert_array_equal(a.tree_.missing_go_to_left[inner].astype(bool),
                                  np.asarray(b.tree_.missing_go_to_left)[inner].astype(bool))
    Xt = rng.standard_normal((300, 4))
    Xt[rng.random((300, 4)) < 0.3] = np.nan
    np.testing.assert_allclose(a.predict(Xt), b.predict(Xt))
    with pytest.raises(ValueError, match="NaN"):
        DecisionTreeClassifier(splitter="hist").fit(X, (z > 0).astype(int))
    with pytest.raises(ValueError, match="infinity"):
        ours().fit(np.where(np.isnan(X), np.inf, X), y)


@pytest.mark.parametrize("name", ["ExtraTreeClassifier", "ExtraTreeRegressor"])
def test_extra_tree_equals_sklearn(name):
    # the random splitter draws features and thresholds from scikit-learn's generator
    X, y = load_diabetes(return_X_y=True)
    if name == "ExtraTreeClassifier":
        y = (y > np.median(y)).astype(int)
    ours = {"ExtraTreeClassifier": ExtraTreeClassifier,
            "ExtraTreeRegressor": ExtraTreeRegressor}[name](random_state=3, max_depth=8)
    theirs = getattr(sktree, name)(random_state=3, max_depth=8)
    assert_same_tree(ours.fit(X, y), theirs.fit(X, y))
    np.testing.assert_array_equal(ours.tree_.threshold, theirs.tree_.threshold)


@pytest.mark.parametrize("kind", ["RandomForest", "ExtraTrees"])
def test_forest_trees_equal_sklearn(kind):
    ske = pytest.importorskip("sklearn.ensemble")
    from fastml import ensemble as fe
    X, y = CLS["breast_cancer"]
    kw = dict(n_estimators=5, random_state=0, n_jobs=2)
    ours = getattr(fe, kind + "Classifier")(**kw).fit(X, y)
    theirs = getattr(ske, kind + "Classifier")(**kw).fit(X, y)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        assert_same_tree(a, b)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))


def test_sparse_input_is_densified_and_equal(rng):
    sp = pytest.importorskip("scipy.sparse")
    X = sp.random(300, 12, density=0.3, random_state=0, format="csc")
    y = (X.toarray()[:, 0] + X.toarray()[:, 3] > 0.2).astype(int)
    a = DecisionTreeClassifier(random_state=0).fit(X, y)
    b = DecisionTreeClassifier(random_state=0).fit(X.toarray(), y)
    c = sktree.DecisionTreeClassifier(random_state=0).fit(X, y)
    assert_same_tree(a, b)
    assert_same_tree(a, c)
    np.testing.assert_array_equal(a.predict(X.tocsr()), c.predict(X.tocsr()))


def test_forest_with_missing_values_equals_sklearn(rng):
    ske = pytest.importorskip("sklearn.ensemble")
    from fastml.ensemble import RandomForestRegressor
    X = rng.standard_normal((300, 5))
    y = X[:, 0] - X[:, 1] + 0.1 * rng.standard_normal(300)
    X[rng.random((300, 5)) < 0.1] = np.nan
    a = RandomForestRegressor(4, random_state=0).fit(X, y)
    b = ske.RandomForestRegressor(4, random_state=0).fit(X, y)
    for ta, tb in zip(a.estimators_, b.estimators_):
        # bootstrap-weighted regression sums round differently in near-ties
        assert_same_tree(ta, tb, 0.9)
    assert np.corrcoef(a.predict(X), b.predict(X))[0, 1] > 0.99


def test_multi_output_forests_equal_sklearn(rng):
    ske = pytest.importorskip("sklearn.ensemble")
    from fastml.ensemble import RandomForestClassifier, RandomForestRegressor
    X = rng.standard_normal((300, 5))
    Y = np.stack([X[:, 0] + 0.2 * rng.standard_normal(300), X[:, 1] - X[:, 2]], axis=1)
    kw = dict(n_estimators=4, random_state=0, oob_score=True)
    a, b = RandomForestRegressor(**kw).fit(X, Y), ske.RandomForestRegressor(**kw).fit(X, Y)
    for ta, tb in zip(a.estimators_, b.estimators_):
        assert_same_tree(ta, tb, 0.8)  # bootstrap-weighted sums round differently in ties
    assert a.predict(X).shape == (300, 2) and a.oob_prediction_.shape == (300, 2)
    assert np.corrcoef(a.predict(X)[:, 1], b.predict(X)[:, 1])[0, 1] > 0.99
    kw30 = dict(kw, n_estimators=30)  # every row out of bag somewhere
    a30, b30 = RandomForestRegressor(**kw30).fit(X, Y), ske.RandomForestRegressor(**kw30).fit(X, Y)
    assert abs(a30.oob_score_ - b30.oob_score_) < 0.02
    Yc = np.stack([(Y[:, 0] > 0).astype(int), np.digitize(Y[:, 1], [-1, 1])], axis=1)
    kw["oob_score"] = False
    a, b = RandomForestClassifier(**kw).fit(X, Yc), ske.RandomForestClassifier(**kw).fit(X, Yc)
    for ta, tb in zip(a.estimators_, b.estimators_):
        assert_same_tree(ta, tb)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    for p, q in zip(a.predict_proba(X), b.predict_proba(X)):
        np.testing.assert_allclose(p, q)


@pytest.mark.parametrize("criterion", ["absolute_error", "poisson", "squared_error"])
def test_missing_values_regression_criteria_equal_sklearn(criterion, rng):
    X = rng.standard_normal((200, 3))
    y = np.abs(X[:, 0] + 0.3 * rng.standard_normal(200)) + 0.1
    X[rng.random((200, 3)) < 0.2] = np.nan
    kw = dict(criterion=criterion, random_state=0, max_depth=5)
    a = DecisionTreeRegressor(**kw).fit(X, y)
    b = sktree.DecisionTreeRegressor(**kw).fit(X, y)
    # continuous targets: a near-tie may round differently (then compare less)
    if assert_same_tree(a, b, 0.9) == 1.0:
        np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-9)
