"""Decision trees: known splits, agreement with scikit-learn (also on targets of
any scale), export_text, errors, pickling, estimator checks (the builder vs its
NumPy twin: tests/kernels/test_tree.py)."""
import pickle

import numpy as np
import pytest

from fastml.base import clone
from fastml.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from fastml.model_selection import StratifiedKFold, cross_val_score
from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text

pytestmark = pytest.mark.filterwarnings("ignore:Estimator .* does not inherit:UserWarning")

_LOADERS = {"iris": load_iris, "breast_cancer": load_breast_cancer, "digits": load_digits}


# ---- known optimal split ---------------------------------------------------------
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finds_known_optimal_split(criterion, dtype, rng):
    # <= 256 distinct values per feature: the histogram search is exact
    n = 500
    X = np.round(rng.uniform(-1, 1, size=(n, 6)), 2).astype(dtype)
    y = (X[:, 3] > 0.3).astype(int)          # feature 3 separates perfectly
    clf = DecisionTreeClassifier(criterion=criterion, max_depth=1, random_state=0).fit(X, y)
    t = clf.tree_
    assert t.feature[0] == 3
    x = X[:, 3].astype(np.float32)  # exact trees split float32 values (as scikit-learn)
    lo = x[X[:, 3] <= 0.3].max().astype(np.float64)
    hi = x[X[:, 3] > 0.3].min().astype(np.float64)
    assert t.threshold[0] == pytest.approx((lo + hi) / 2, rel=1e-12)
    assert clf.score(X, y) == 1.0
    imp = clf.feature_importances_
    assert imp[3] == 1.0 and imp.sum() == 1.0
    assert clf.get_depth() == 1 and clf.get_n_leaves() == 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_many_distinct_values_split_is_exact(dtype, rng):
    # > 256 distinct values: the exact splitter finds the midpoint between the
    # float32 values on either side
    n = 5000
    X = rng.uniform(-1, 1, size=(n, 4)).astype(dtype)
    y = (X[:, 2] > 0.3).astype(int)
    clf = DecisionTreeClassifier(max_depth=1).fit(X, y)
    assert clf.tree_.feature[0] == 2
    x = X[:, 2].astype(np.float32)
    lo = x[X[:, 2] <= 0.3].max().astype(np.float64)
    hi = x[X[:, 2] > 0.3].min().astype(np.float64)
    assert clf.tree_.threshold[0] == pytest.approx((lo + hi) / 2, rel=1e-12)
    assert clf.score(X, y) == 1.0
    reg = DecisionTreeRegressor(max_depth=1).fit(X, np.where(y == 1, 3.0, -1.0))
    assert reg.tree_.threshold[0] == pytest.approx((lo + hi) / 2, rel=1e-12)


@pytest.mark.parametrize("scale", [1e-4, 1e-6, 1.0, 1e6])
def test_regressor_small_variance_targets_match_sklearn(scale):
    """Issue 11 item 5: an absolute impurity cut-off (1e-7) left targets with a
    small variance as one leaf (1 node here; scikit-learn 19)."""
    st = pytest.importorskip("sklearn.tree")
    X = np.arange(10.0).reshape(-1, 1)
    y = (np.arange(10) % 2) * scale
    ours = DecisionTreeRegressor().fit(X, y)
    theirs = st.DecisionTreeRegressor().fit(X, y)
    assert ours.tree_.node_count == theirs.tree_.node_count == 19
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)
    np.testing.assert_allclose(ours.predict(X), y, rtol=1e-12)


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_regressor_scale_invariant_on_diabetes(scale):
    st = pytest.importorskip("sklearn.tree")
    X, y = load_diabetes(return_X_y=True)
    ours = DecisionTreeRegressor(max_depth=6, random_state=0).fit(X, y * scale)
    theirs = st.DecisionTreeRegressor(max_depth=6, random_state=0).fit(X, y * scale)
    assert ours.tree_.node_count == theirs.tree_.node_count
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)


@pytest.mark.parametrize("c", [-3e5, 0.0, 1e-9, 2.5, 1e9])
def test_regressor_constant_target_is_one_leaf(c, rng):
    X = rng.standard_normal((500, 4))
    tree = DecisionTreeRegressor().fit(X, np.full(500, c))
    assert tree.tree_.node_count == 1
    np.testing.assert_allclose(tree.predict(X[:5]), c, rtol=1e-12)


def test_regressor_known_split_and_leaf_means(rng):
    X = rng.uniform(0, 1, size=(200, 2))
    y = np.where(X[:, 1] > 0.5, 5.0, -1.0)
    reg = DecisionTreeRegressor(max_depth=1).fit(X, y)
    assert reg.tree_.feature[0] == 1
    np.testing.assert_allclose(np.sort(reg.tree_.value[1:, 0, 0]), [-1.0, 5.0])
    assert reg.score(X, y) == 1.0


# ---- agreement with scikit-learn --------------------------------------------------
@pytest.mark.parametrize("data", list(_LOADERS))
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_accuracy_equals_sklearn(data, criterion):
    sktree = pytest.importorskip("sklearn.tree")
    ds = _LOADERS[data]()
    X, y = ds.data, ds.target
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    ours = np.mean([cross_val_score(DecisionTreeClassifier(criterion=criterion,
                                                           random_state=s), X, y, cv=cv)
                    for s in range(3)])
    theirs = np.mean([cross_val_score(sktree.DecisionTreeClassifier(criterion=criterion,
                                                                    random_state=s), X, y,
                                      cv=cv) for s in range(3)])
    assert abs(ours - theirs) <= 0.01, (ours, theirs)


def test_export_text_matches_sklearn_on_iris():
    sktree = pytest.importorskip("sklearn.tree")
    ds = load_iris()
    ours = DecisionTreeClassifier(max_depth=3, random_state=0).fit(ds.data, ds.target)
    theirs = sktree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(ds.data, ds.target)
    names = list(ds.feature_names)
    assert export_text(ours, feature_names=names) == sktree.export_text(theirs,
                                                                        feature_names=names)
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_,
                               rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(ds.data), theirs.predict_proba(ds.data))


def test_regressor_close_to_sklearn_on_diabetes():
    sktree = pytest.importorskip("sklearn.tree")
    ds = load_diabetes()
    X, y = ds.data, ds.target
    for depth in (2, 4):
        ours = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
        theirs = sktree.DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
        assert abs(ours.score(X, y) - theirs.score(X, y)) < 0.01


def test_hyperparameters_are_respected(rng):
    ds = load_breast_cancer()
    X, y = ds.data, ds.target
    clf = DecisionTreeClassifier(max_depth=4, min_samples_leaf=7, random_state=0).fit(X, y)
    t = clf.tree_
    leaves = t.children_left == -1
    assert clf.get_depth() <= 4
    assert t.n_node_samples[leaves].min() >= 7
    assert clf.apply(X).max() < t.node_count and leaves[clf.apply(X)].all()
    big = DecisionTreeClassifier(min_samples_split=50, random_state=0).fit(X, y)
    inner = big.tree_.children_left >= 0
    assert big.tree_.n_node_samples[inner].min() >= 50
    full = DecisionTreeClassifier(random_state=0).fit(X, y)
    assert full.score(X, y) == 1.0
    assert DecisionTreeClassifier(max_features="sqrt", random_state=0).fit(X, y).max_features_ == 5
    bal = DecisionTreeClassifier(class_weight="balanced", max_depth=3, random_state=0).fit(X, y)
    w = bal.tree_.weighted_n_node_samples[0]
    assert w == pytest.approx(len(y))
    p = bal.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_float32_and_float64_agree():
    ds = load_digits()
    X = ds.data
    a = DecisionTreeClassifier(random_state=0).fit(X, ds.target)
    b = DecisionTreeClassifier(random_state=0).fit(X.astype(np.float32), ds.target)
    np.testing.assert_array_equal(a.predict(X), b.predict(X.astype(np.float32)))


# ---- errors, pickling ---------------------------------------------------------------
def test_bad_input():
    X = np.random.default_rng(0).standard_normal((20, 3))
    y = np.arange(20) % 2
    Xn = X.copy()
    Xn[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        DecisionTreeClassifier(splitter="hist").fit(Xn, y)
    Xi = X.copy()
    Xi[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        DecisionTreeRegressor().fit(Xi, y.astype(float))
    one = DecisionTreeClassifier().fit(X, np.zeros(20))  # one class: one leaf (as sklearn)
    assert one.tree_.node_count == 1 and (one.predict(X) == 0).all()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        DecisionTreeClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="2D"):
        DecisionTreeClassifier().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="criterion"):
        DecisionTreeClassifier(criterion="mse").fit(X, y)
    with pytest.raises(ValueError, match="max_features"):
        DecisionTreeClassifier(max_features=7).fit(X, y)
    with pytest.raises(ValueError, match="max_depth"):
        DecisionTreeClassifier(max_depth=0).fit(X, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        DecisionTreeClassifier().fit(X, np.linspace(0, 1, 20))
    clf = DecisionTreeClassifier().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(np.zeros((2, 4)))


def test_pickle_clone_and_string_labels():
    ds = load_iris()
    y = np.array(["setosa", "versicolor", "virginica"])[ds.target]
    clf = DecisionTreeClassifier(random_state=0).fit(ds.data, y)
    assert set(clf.predict(ds.data)) == set(y)
    clf2 = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clf2.predict(ds.data), clf.predict(ds.data))
    c = clone(clf)
    assert not hasattr(c, "tree_") and c.get_params() == clf.get_params()


# scikit-learn's estimator checks for these estimators run in tests/test_common.py.
