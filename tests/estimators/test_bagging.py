"""fastml.ensemble.BaggingClassifier / BaggingRegressor: the draws equal
scikit-learn's seed for seed, predictions equal a NumPy re-computation from
the fitted members, and with fastml trees (classification) the whole ensemble
equals scikit-learn's."""
import numpy as np
import pytest
import scipy.sparse as sp

from fastml.ensemble import BaggingClassifier, BaggingRegressor
from fastml.ensemble._bagging import sample_without_replacement
from fastml.exceptions import InvalidParameterError
from fastml.linear_model import LinearRegression, LogisticRegression
from fastml.neighbors import KNeighborsClassifier
from fastml.tree import DecisionTreeClassifier


def _cls(n=300, d=8, k=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int) + (X[:, 3] > 1) * (k - 2)
    return X, y


def _reg(n=300, d=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    return X, X[:, 0] * 3 - X[:, 1] + 0.1 * rng.randn(n)


@pytest.mark.parametrize("n_pop,n_draw", [(100, 1), (100, 10), (100, 50), (100, 99),
                                          (100, 100), (1000, 5), (10, 3)])
def test_sample_without_replacement_matches_sklearn(n_pop, n_draw):
    skr = pytest.importorskip("sklearn.utils.random")
    a = sample_without_replacement(n_pop, n_draw, np.random.RandomState(7))
    b = skr.sample_without_replacement(n_pop, n_draw, random_state=np.random.RandomState(7))
    np.testing.assert_array_equal(a, b)
    assert len(set(a.tolist())) == n_draw


CONFIGS = [dict(), dict(max_samples=0.5, max_features=0.6),
           dict(bootstrap=False, max_samples=0.7, bootstrap_features=True),
           dict(max_samples=50, max_features=3, bootstrap_features=True), dict(oob_score=True)]


@pytest.mark.parametrize("kw", CONFIGS)
def test_classifier_equals_sklearn(kw):
    ske = pytest.importorskip("sklearn.ensemble")
    X, y = _cls()
    a = BaggingClassifier(n_estimators=8, random_state=0, n_jobs=2, **kw).fit(X, y)
    b = ske.BaggingClassifier(n_estimators=8, random_state=0, **kw).fit(X, y)
    for sa, sb in zip(a.estimators_samples_, b.estimators_samples_):
        np.testing.assert_array_equal(sa, sb)
    for fa, fb in zip(a.estimators_features_, b.estimators_features_):
        np.testing.assert_array_equal(fa, fb)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-12)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    if kw.get("oob_score"):
        assert a.oob_score_ == pytest.approx(b.oob_score_)
        np.testing.assert_allclose(a.oob_decision_function_, b.oob_decision_function_)


def test_weighted_draws_equal_sklearn():
    ske = pytest.importorskip("sklearn.ensemble")
    X, y = _cls()
    w = np.random.RandomState(3).uniform(0, 2, len(y))
    a = BaggingClassifier(n_estimators=5, random_state=1).fit(X, y, sample_weight=w)
    b = ske.BaggingClassifier(n_estimators=5, random_state=1).fit(X, y, sample_weight=w)
    for sa, sb in zip(a.estimators_samples_, b.estimators_samples_):
        np.testing.assert_array_equal(sa, sb)


def test_predictions_are_means_of_members():
    X, y = _cls()
    clf = BaggingClassifier(LogisticRegression(), n_estimators=6, max_features=0.5,
                            random_state=0).fit(X, y)
    ref = np.mean([e.predict_proba(X[:, f]) for e, f in
                   zip(clf.estimators_, clf.estimators_features_)], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X), ref, rtol=1e-12)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(ref), rtol=1e-10)
    dec = np.mean([e.decision_function(X[:, f]) for e, f in
                   zip(clf.estimators_, clf.estimators_features_)], axis=0)
    np.testing.assert_allclose(clf.decision_function(X), dec, rtol=1e-12)
    # members without predict_proba vote
    knn = BaggingClassifier(KNeighborsClassifier(3), n_estimators=4, random_state=0).fit(X, y)
    assert np.allclose(knn.predict_proba(X).sum(axis=1), 1)
    reg = BaggingRegressor(LinearRegression(), n_estimators=5, random_state=0).fit(*_reg())
    Xr, _ = _reg()
    ref = np.mean([e.predict(Xr[:, f]) for e, f in
                   zip(reg.estimators_, reg.estimators_features_)], axis=0)
    np.testing.assert_allclose(reg.predict(Xr), ref, rtol=1e-12)


def test_members_without_sample_weight_get_row_subsets():
    X, y = _cls()
    clf = BaggingClassifier(KNeighborsClassifier(1), n_estimators=3, random_state=0).fit(X, y)
    for est, rows in zip(clf.estimators_, clf.estimators_samples_):
        assert est.n_samples_fit_ == len(rows)


def test_regressor_oob_and_linear_equals_sklearn():
    ske = pytest.importorskip("sklearn.ensemble")
    from sklearn.linear_model import LinearRegression as SkLin

    X, y = _reg()
    a = BaggingRegressor(LinearRegression(), n_estimators=10, random_state=0, oob_score=True,
                         max_features=0.8).fit(X, y)
    b = ske.BaggingRegressor(SkLin(), n_estimators=10, random_state=0, oob_score=True,
                             max_features=0.8).fit(X, y)
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(a.oob_prediction_, b.oob_prediction_, rtol=1e-9, atol=1e-9)
    assert a.oob_score_ == pytest.approx(b.oob_score_, rel=1e-9)


def test_warm_start_equals_single_fit():
    X, y = _cls()
    a = BaggingClassifier(n_estimators=4, warm_start=True, random_state=5).fit(X, y)
    a.set_params(n_estimators=9).fit(X, y)
    b = BaggingClassifier(n_estimators=9, random_state=5).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    with pytest.warns(UserWarning, match="Warm-start"):
        a.fit(X, y)
    with pytest.raises(ValueError, match="must be larger or equal"):
        a.set_params(n_estimators=2).fit(X, y)


def test_thread_count_independent_and_sparse():
    X, y = _cls()
    a = BaggingClassifier(n_estimators=6, random_state=0, n_jobs=1).fit(X, y)
    b = BaggingClassifier(n_estimators=6, random_state=0, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    Xs = sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0))
    c = BaggingClassifier(n_estimators=4, random_state=0, max_features=0.5).fit(Xs, y)
    d = BaggingClassifier(n_estimators=4, random_state=0, max_features=0.5).fit(Xs.toarray(),
                                                                                   y)
    np.testing.assert_array_equal(c.predict(Xs), d.predict(Xs.toarray()))


def test_default_estimator_is_a_fastml_tree_and_errors():
    X, y = _cls()
    clf = BaggingClassifier(n_estimators=2, random_state=0).fit(X, y)
    assert isinstance(clf.estimator_, DecisionTreeClassifier)
    assert len(clf) == 2 and clf[0] is clf.estimators_[0]
    with pytest.raises(InvalidParameterError, match="max_samples"):
        BaggingClassifier(max_samples=1.5).fit(X, y)
    with pytest.raises(ValueError, match="max_features must be <= n_features"):
        BaggingClassifier(max_features=20).fit(X, y)
    with pytest.raises(ValueError, match="Out of bag estimation only available"):
        BaggingClassifier(bootstrap=False, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="must be <= n_samples"):
        BaggingClassifier(bootstrap=False, max_samples=1000).fit(X, y)
    with pytest.raises(ValueError, match="continuous"):
        BaggingClassifier().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="NaN"):
        BaggingRegressor(LinearRegression()).fit(np.where(X > 2, np.nan, X), X[:, 0])
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])
