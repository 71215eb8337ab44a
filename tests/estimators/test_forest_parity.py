"""Random-forest API parity with scikit-learn: warm_start, estimators_samples_,
len/iteration/indexing and class_weight="balanced_subsample"."""
import warnings

import numpy as np
import pytest

from fastml.ensemble import RandomForestClassifier, RandomForestRegressor
from fastml.ensemble._forest import _balanced_subsample

sk_ensemble = pytest.importorskip("sklearn.ensemble")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 5))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


@pytest.mark.parametrize("cls", [RandomForestClassifier, RandomForestRegressor])
@pytest.mark.parametrize("bootstrap", [True, False])
def test_warm_start_equals_one_fit(data, cls, bootstrap):
    X, y = data
    warm = cls(n_estimators=4, random_state=7, warm_start=True, bootstrap=bootstrap,
               max_features=2).fit(X, y)
    first = list(warm.estimators_)
    warm.set_params(n_estimators=9).fit(X, y)
    assert len(warm) == 9 and warm.estimators_[:4] == first  # old trees kept as they are
    cold = cls(n_estimators=9, random_state=7, bootstrap=bootstrap, max_features=2).fit(X, y)
    np.testing.assert_array_equal(warm.apply(X), cold.apply(X))
    np.testing.assert_allclose(warm.predict(X), cold.predict(X))


def test_warm_start_errors_and_warning(data):
    X, y = data
    est = RandomForestClassifier(n_estimators=3, warm_start=True, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="without increasing n_estimators"):
        est.fit(X, y)
    est.set_params(n_estimators=2)
    with pytest.raises(ValueError, match=r"n_estimators=2 must be larger or equal to "
                                         r"len\(estimators_\)=3 when warm_start==True"):
        est.fit(X, y)


@pytest.mark.parametrize("max_samples", [None, 0.5, 50])
def test_estimators_samples_match_sklearn(data, max_samples):
    X, y = data
    ours = RandomForestClassifier(n_estimators=6, random_state=11,
                                  max_samples=max_samples).fit(X, y)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=6, random_state=11,
                                                max_samples=max_samples).fit(X, y)
    for a, b in zip(ours.estimators_samples_, theirs.estimators_samples_):
        np.testing.assert_array_equal(a, b)
    nob = RandomForestRegressor(n_estimators=2, bootstrap=False).fit(X, y)
    assert all(np.array_equal(s, np.arange(len(X))) for s in nob.estimators_samples_)


def test_len_iter_getitem(data):
    X, y = data
    est = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert len(est) == 5 and list(est) == est.estimators_ and est[2] is est.estimators_[2]


def test_balanced_subsample_weights_match_sklearn(data):
    from sklearn.utils.class_weight import compute_sample_weight
    _, y = data
    rng = np.random.RandomState(3)
    for _ in range(5):
        idx = rng.randint(0, len(y), len(y) // 3)  # small draws can miss a class
        counts = np.bincount(idx, minlength=len(y)).astype(float)
        expected = counts * compute_sample_weight("balanced", y, indices=idx)
        got = counts * _balanced_subsample(y.astype(float), counts, 3)
        np.testing.assert_allclose(got, expected)


def test_balanced_subsample_fits_and_is_validated(data):
    X, y = data
    est = RandomForestClassifier(n_estimators=8, class_weight="balanced_subsample",
                                 random_state=0, oob_score=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est.fit(X, y)
    assert est.score(X, y) > 0.9
    with pytest.raises(ValueError, match="class_weight"):
        RandomForestClassifier(class_weight="subsample").fit(X, y)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("nan", [False, True])
def test_trees_equal_sklearn(task, nan):
    """The trees of a bootstrap forest (the ranked per-node path shared by its
    trees; integer class counts for binary gini) equal scikit-learn's, node
    for node: features, thresholds, values."""
    sk_datasets = pytest.importorskip("sklearn.datasets")
    # 20 features, 4 drawn per node: per-node sorts (the presorted mode takes >= 1/4)
    X, y = sk_datasets.make_classification(n_samples=3000, n_features=20, n_informative=6,
                                           n_classes=3 if task == "multiclass" else 2,
                                           random_state=1)
    X = X.astype(np.float32)
    X[:, 3] = np.round(X[:, 3] * 3)  # ties
    if nan:
        X[np.random.default_rng(0).random(len(X)) < 0.1, 5] = np.nan
    ours, theirs = ((RandomForestRegressor, sk_ensemble.RandomForestRegressor)
                    if task == "regression" else
                    (RandomForestClassifier, sk_ensemble.RandomForestClassifier))
    if task == "regression":
        y = X[:, 0] * 2.0 + y
    a = ours(n_estimators=6, max_depth=10, random_state=3, n_jobs=2).fit(X, y)
    b = theirs(n_estimators=6, max_depth=10, random_state=3, n_jobs=2).fit(X, y)
    for ta, tb in zip(a.estimators_, b.estimators_):
        ta, tb = ta.tree_, tb.tree_
        assert ta.node_count == tb.node_count
        np.testing.assert_array_equal(ta.feature, tb.feature)
        np.testing.assert_array_equal(ta.threshold, tb.threshold)
        np.testing.assert_allclose(ta.value, tb.value, rtol=1e-12)
