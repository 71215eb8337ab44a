"""Gradient boosting against scikit-learn (same algorithm, same seeds): losses,
init, subsample OOB statistics, warm start, early stopping, staged outputs,
apply, sparse X."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from fastml.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from fastml.ensemble._gb_losses import weighted_percentile

ske = pytest.importorskip("sklearn.ensemble")


def _reg_data():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5)
    y = X[:, 0] * 3 + np.sin(X[:, 1] * 2) + 0.3 * rng.randn(200)
    return X, y


def _clf_data(k=2):
    rng = np.random.RandomState(1)
    X = rng.randn(240, 4)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) if k == 2 else \
        np.digitize(X[:, 0] + 0.5 * X[:, 2], [-0.5, 0.5])
    return X, y


def _pair(name, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(ske, name)(**kw), globals()[name](**kw)


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "quantile"])
@pytest.mark.parametrize("weighted", [False, True])
def test_regressor_losses_equal_sklearn(loss, weighted):
    X, y = _reg_data()
    w = np.random.RandomState(2).rand(len(y)) + 0.1 if weighted else None
    # shallow trees keep leaves large: no exact ties between candidate splits, where
    # fastml's feature order (not the algorithm) could pick another equal split;
    # quantile gradients take two values, so its nodes turn pure (impurity ~1e-16,
    # split or not by round-off) quickly: stumps
    depth = 1 if loss == "quantile" else 2
    a, b = _pair("GradientBoostingRegressor", loss=loss, n_estimators=15, max_depth=depth,
                 random_state=0, alpha=0.8)
    a.fit(X, y, sample_weight=w)
    b.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(b.predict(X), a.predict(X), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(b.train_score_, a.train_score_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("loss,k", [("log_loss", 2), ("log_loss", 3), ("exponential", 2)])
def test_classifier_losses_equal_sklearn(loss, k):
    X, y = _clf_data(k)
    w = np.random.RandomState(3).rand(len(y)) + 0.1
    a, b = _pair("GradientBoostingClassifier", loss=loss, n_estimators=12, max_depth=2,
                 random_state=0)
    a.fit(X, y, sample_weight=w)
    b.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X), rtol=1e-7,
                               atol=1e-10)
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), rtol=1e-7,
                               atol=1e-9)
    np.testing.assert_allclose(b.train_score_, a.train_score_, rtol=1e-7)


@pytest.mark.parametrize("name", ["GradientBoostingRegressor", "GradientBoostingClassifier"])
def test_subsample_oob_statistics_equal_sklearn(name):
    X, y = _clf_data(2) if "Class" in name else _reg_data()
    a, b = _pair(name, n_estimators=10, max_depth=2, subsample=0.6, random_state=4)
    a.fit(X, y)
    b.fit(X, y)
    for attr in ("train_score_", "oob_scores_", "oob_improvement_"):
        np.testing.assert_allclose(getattr(b, attr), getattr(a, attr), rtol=1e-7,
                                   atol=1e-10)
    assert b.oob_score_ == pytest.approx(a.oob_score_)
    assert not hasattr(globals()[name](n_estimators=2).fit(X, y), "oob_score_")


def test_warm_start_equals_one_fit_and_init_zero():
    X, y = _reg_data()
    full = GradientBoostingRegressor(n_estimators=20, random_state=0, subsample=0.7).fit(X, y)
    ws = GradientBoostingRegressor(n_estimators=8, random_state=0, subsample=0.7,
                                   warm_start=True).fit(X, y)
    ws.set_params(n_estimators=20).fit(X, y)
    np.testing.assert_allclose(ws.predict(X), full.predict(X))
    np.testing.assert_allclose(ws.oob_scores_, full.oob_scores_)
    with pytest.raises(ValueError, match="n_estimators"):
        ws.set_params(n_estimators=5).fit(X, y)
    a, b = _pair("GradientBoostingRegressor", n_estimators=5, init="zero", random_state=0)
    np.testing.assert_allclose(b.fit(X, y).predict(X), a.fit(X, y).predict(X), rtol=1e-7)


def test_init_estimator_and_staged_outputs():
    from fastml.linear_model import LinearRegression
    X, y = _reg_data()
    gb = GradientBoostingRegressor(n_estimators=6, init=LinearRegression()).fit(X, y)
    lin = LinearRegression().fit(X.astype(np.float32), y)
    first = next(gb.staged_predict(X))
    tree0 = gb.estimators_[0, 0].tree_.predict(X.astype(np.float32))[:, 0]
    np.testing.assert_allclose(first, lin.predict(X.astype(np.float32)) + 0.1 * tree0,
                               rtol=1e-5, atol=1e-5)
    stages = list(gb.staged_predict(X))
    assert len(stages) == 6
    np.testing.assert_allclose(stages[-1], gb.predict(X))
    Xc, yc = _clf_data(3)
    clf = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(Xc, yc)
    probas = list(clf.staged_predict_proba(Xc))
    np.testing.assert_allclose(probas[-1], clf.predict_proba(Xc))
    assert [p.shape for p in clf.staged_decision_function(Xc)] == [(240, 3)] * 5
    leaves = clf.apply(Xc)
    assert leaves.shape == (240, 5, 3)
    np.testing.assert_array_equal(leaves[:, 2, 1], clf.estimators_[2, 1].apply(Xc))


def test_early_stopping_and_monitor():
    X, y = _reg_data()
    a, b = _pair("GradientBoostingRegressor", n_estimators=300, n_iter_no_change=3,
                 validation_fraction=0.2, random_state=0, learning_rate=0.3)
    a.fit(X, y)
    b.fit(X, y)
    assert b.n_estimators_ == a.n_estimators_ < 300
    assert b.estimators_.shape == (b.n_estimators_, 1)
    gb = GradientBoostingRegressor(n_estimators=30, subsample=0.5, random_state=0)
    gb.fit(X, y, monitor=lambda i, est, loc: i == 6)
    assert gb.n_estimators_ == 7 and gb.oob_scores_.shape == (7,)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_X_equals_dense(fmt):
    X, y = _clf_data(2)
    X[np.abs(X) < 0.7] = 0.0
    Xs = {"csr": sp.csr_matrix, "csc": sp.csc_array, "coo": sp.coo_matrix}[fmt](X)
    d = GradientBoostingClassifier(n_estimators=8, random_state=0).fit(X, y)
    s = GradientBoostingClassifier(n_estimators=8, random_state=0).fit(Xs, y)
    np.testing.assert_allclose(s.predict_proba(Xs), d.predict_proba(X))
    np.testing.assert_array_equal(s.apply(Xs), d.apply(X))


def test_bad_params():
    X, y = _clf_data(3)
    with pytest.raises(ValueError, match="exponential"):
        GradientBoostingClassifier(loss="exponential").fit(X, y)
    with pytest.raises(ValueError, match="class after sample_weight"):
        GradientBoostingClassifier().fit(X, y, sample_weight=(y == 0).astype(float))
    with pytest.raises(ValueError, match="loss"):
        GradientBoostingRegressor(loss="poisson").fit(X, y.astype(float))
    with pytest.warns(FutureWarning, match="criterion"):
        GradientBoostingRegressor(n_estimators=2, criterion="friedman_mse").fit(X, y)


def test_weighted_percentile_brute_force():
    rng = np.random.RandomState(0)
    for _ in range(50):
        a = rng.randint(0, 5, size=9).astype(float)
        w = rng.randint(0, 3, size=9).astype(float)
        if w.sum() == 0:
            continue
        for q in (0, 10, 50, 90, 100):
            rep = np.repeat(a, w.astype(int))
            # inverted cdf: smallest value whose cumulative share reaches q%
            srt = np.sort(rep)
            k = max(int(np.ceil(q / 100 * len(srt))) - 1, 0)
            assert weighted_percentile(a, w, q) == srt[k]
