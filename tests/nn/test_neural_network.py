"""MLPClassifier / MLPRegressor: scikit-learn's estimator checks, accuracy
against scikit-learn's MLP, solvers, partial_fit, early stopping, bad input."""
import warnings

import numpy as np
import pytest

from fastml.datasets import load_digits, make_regression
from fastml.neural_network import MLPClassifier, MLPRegressor

# scikit-learn's estimator checks for these estimators run in tests/test_common.py.


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    return X[:1400], y[:1400], X[1400:], y[1400:]


@pytest.mark.parametrize("solver,kw", [("adam", dict(learning_rate_init=0.01)),
                                       ("sgd", dict(learning_rate_init=0.1)), ("lbfgs", {})])
def test_digits_accuracy(digits, solver, kw):
    Xtr, ytr, Xte, yte = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = MLPClassifier((32,), solver=solver, max_iter=30, random_state=0, **kw)
        m.fit(Xtr, ytr)
    assert m.score(Xte, yte) > 0.87
    assert m.coefs_[0].shape == (64, 32) and m.coefs_[0].dtype == np.float32
    assert m.predict_proba(Xte[:3]).sum(axis=1) == pytest.approx(np.ones(3))


def test_matches_sklearn_accuracy(digits):
    sk = pytest.importorskip("sklearn.neural_network")
    Xtr, ytr, Xte, yte = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = MLPClassifier((64,), max_iter=40, random_state=0).fit(Xtr, ytr).score(Xte, yte)
        theirs = sk.MLPClassifier((64,), max_iter=40, random_state=0).fit(Xtr, ytr).score(
            Xte, yte)
    assert ours >= theirs - 0.02


def test_partial_fit_and_early_stopping(digits):
    Xtr, ytr, Xte, yte = digits
    m = MLPClassifier((32,), random_state=0, learning_rate_init=0.01)
    with pytest.raises(ValueError, match="classes"):
        m.partial_fit(Xtr[:10], ytr[:10])
    for _ in range(15):
        m.partial_fit(Xtr, ytr, classes=np.arange(10))
    # as in scikit-learn, n_iter_ counts the epochs of the last call; loss_curve_ all
    assert m.n_iter_ == 1 and len(m.loss_curve_) == 15 and m.score(Xte, yte) > 0.85
    es = MLPClassifier((32,), early_stopping=True, n_iter_no_change=3, max_iter=300,
                       random_state=0).fit(Xtr, ytr)
    assert es.n_iter_ < 300 and es.best_validation_score_ == max(es.validation_scores_)
    with pytest.raises(AttributeError):
        MLPClassifier(solver="lbfgs").partial_fit(Xtr, ytr, classes=np.arange(10))


def test_regressor_fits_and_multioutput():
    X, y = make_regression(n_samples=300, n_features=5, noise=0.1, random_state=0)
    y = y / y.std()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = MLPRegressor(hidden_layer_sizes=(32,), max_iter=300, random_state=0,
                         learning_rate_init=0.01).fit(X, y)
        assert r.score(X, y) > 0.95
        r2 = MLPRegressor(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=200,
                          random_state=0).fit(X, np.c_[y, -y])
    assert r2.predict(X).shape == (300, 2) and r2.score(X, np.c_[y, -y]) > 0.95


@pytest.mark.parametrize("kw", [dict(hidden_layer_sizes=(0,)), dict(activation="gelu"),
                                dict(solver="newton"), dict(alpha=-1.0), dict(max_iter=0),
                                dict(batch_size=0), dict(learning_rate_init=0.0)])
def test_bad_params(kw):
    X = np.random.default_rng(0).standard_normal((20, 3))
    with pytest.raises(ValueError):
        MLPClassifier(**kw).fit(X, np.arange(20) % 2)
