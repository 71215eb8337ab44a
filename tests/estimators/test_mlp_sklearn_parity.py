"""MLPClassifier / MLPRegressor against scikit-learn's MLP: the same
initial draws, output activations, losses, update rules and L-BFGS give the
same model (to rounding), for every solver, learning-rate schedule, loss,
multi-label y, sample weights and sparse X; plus the stopping / warm-start
behaviour scikit-learn documents."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from fastml.exceptions import ConvergenceWarning
from fastml.neural_network import MLPClassifier, MLPRegressor

skn = pytest.importorskip("sklearn.neural_network")
datasets = pytest.importorskip("sklearn.datasets")

X_IRIS, Y_IRIS = datasets.load_iris(return_X_y=True)
TARGETS = {"multiclass": Y_IRIS, "binary": (Y_IRIS == 1).astype(int),
           "multilabel": np.c_[Y_IRIS == 0, Y_IRIS == 1].astype(int)}


def _fit_both(ours, theirs, kw, X, y, **fit_kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = theirs(**kw).fit(X, y, **fit_kw)
        b = ours(**kw).fit(X, y, **fit_kw)
    return a, b


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("solver,extra", [("lbfgs", {}), ("adam", {}),
                                          ("sgd", {"learning_rate": "invscaling"}),
                                          ("sgd", {"learning_rate": "adaptive"}),
                                          ("sgd", {"nesterovs_momentum": False})])
def test_classifier_matches_sklearn(target, solver, extra):
    kw = dict(hidden_layer_sizes=(5,), solver=solver, max_iter=30, random_state=0, **extra)
    a, b = _fit_both(MLPClassifier, skn.MLPClassifier, kw, X_IRIS, TARGETS[target])
    np.testing.assert_allclose(b.predict_proba(X_IRIS), a.predict_proba(X_IRIS), atol=1e-6)
    np.testing.assert_array_equal(b.predict(X_IRIS), a.predict(X_IRIS))
    assert b.out_activation_ == a.out_activation_ and b.n_outputs_ == a.n_outputs_
    assert b.n_iter_ == a.n_iter_
    assert b.loss_ == pytest.approx(a.loss_, rel=1e-6)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_regressor_matches_sklearn(loss, solver):
    X, y = datasets.make_regression(100, 4, random_state=0)
    y = np.random.RandomState(0).poisson(np.exp(X[:, 0] / 3)) if loss == "poisson" else y / 100
    kw = dict(loss=loss, hidden_layer_sizes=(6,), solver=solver, max_iter=40, random_state=0)
    a, b = _fit_both(MLPRegressor, skn.MLPRegressor, kw, X, y)
    np.testing.assert_allclose(b.predict(X), a.predict(X), rtol=1e-6, atol=1e-8)
    assert b.loss_ == pytest.approx(a.loss_, rel=1e-6)


@pytest.mark.parametrize("fmt", ["csr_matrix", "csc_array"])
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_sparse_input_and_sample_weight_match_sklearn(fmt, solver):
    Xs = getattr(sp, fmt)(sp.random(200, 50, density=0.1, random_state=0))
    s = np.asarray(Xs.sum(axis=1)).ravel()
    y = (s > np.median(s)).astype(int)
    sw = np.random.RandomState(1).rand(200)
    kw = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    a, b = _fit_both(MLPClassifier, skn.MLPClassifier, kw, Xs, y, sample_weight=sw)
    np.testing.assert_allclose(b.predict_proba(Xs), a.predict_proba(Xs), atol=1e-8)
    dense = MLPClassifier(**kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense.fit(Xs.toarray(), y, sample_weight=sw)
    np.testing.assert_allclose(b.predict_proba(Xs), dense.predict_proba(Xs.toarray()),
                               atol=1e-10)


def test_lbfgs_gradient_matches_finite_differences():
    rng = np.random.RandomState(0)
    X, y = rng.rand(6, 4), np.array([0, 1, 2, 0, 1, 2])
    for activation in ("identity", "logistic", "tanh", "relu"):
        m = MLPClassifier(hidden_layer_sizes=3, activation=activation, solver="lbfgs",
                          alpha=1e-3, max_iter=1, random_state=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m.fit(X, y)
        T = np.eye(3)[y]
        theta = np.hstack([c.ravel() for c in m.coefs_ + m.intercepts_])
        _, grad = m._loss_grad_lbfgs(theta, X, T)
        num = np.array([(m._loss_grad_lbfgs(theta + e, X, T)[0]
                         - m._loss_grad_lbfgs(theta - e, X, T)[0]) / 2e-6
                        for e in np.eye(theta.size) * 1e-6])
        np.testing.assert_allclose(grad, num, rtol=1e-4, atol=1e-7)


def test_learning_rate_schedules_and_stopping():
    X, y = [[3, 2], [1, 6]], [1, 0]
    clf = MLPClassifier(tol=0.5, max_iter=3000, solver="sgd", learning_rate="adaptive").fit(X, y)
    assert clf.n_iter_ < 3000 and clf._optimizer.learning_rate < 1e-6
    clf = MLPClassifier(solver="sgd", hidden_layer_sizes=4, learning_rate="invscaling",
                        max_iter=1, power_t=0.25, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y).fit(X, y)
    assert clf._optimizer.learning_rate == pytest.approx(clf.learning_rate_init / 5 ** 0.25)


def test_warm_start_and_no_convergence_warnings():
    m = MLPClassifier(solver="sgd", warm_start=True, max_iter=10, n_iter_no_change=np.inf,
                      random_state=0)
    with pytest.warns(ConvergenceWarning):
        m.fit(X_IRIS, Y_IRIS)
    assert m.n_iter_ == 10 and len(m.loss_curve_) == 10
    with pytest.warns(ConvergenceWarning):
        m.fit(X_IRIS, Y_IRIS)
    assert m.n_iter_ == 10 and len(m.loss_curve_) == 20
    with pytest.raises(ValueError, match="warm_start can only be used"):
        m.fit(X_IRIS, np.where(Y_IRIS == 2, 3, Y_IRIS))
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        MLPRegressor(solver="lbfgs", max_fun=10, tol=0.0, random_state=1).fit(X_IRIS, Y_IRIS)


def test_early_stopping_attributes_and_errors():
    m = MLPClassifier(solver="sgd", early_stopping=True, tol=0.2, max_iter=300,
                      random_state=0).fit(X_IRIS, Y_IRIS)
    assert m.best_loss_ is None and max(m.validation_scores_) == m.best_validation_score_
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        m.partial_fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match="validation set is too small"):
        MLPRegressor(early_stopping=True).fit(np.ones((2, 3)), [1.0, 2.0])
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fmax = np.finfo(np.float64).max
            MLPRegressor().fit(fmax * np.random.RandomState(0).uniform(size=(10, 2)),
                               np.arange(10.0))


def test_assigned_weights_are_used():
    # scikit-learn's worked example: weights set by hand, one SGD step
    mlp = MLPClassifier(solver="sgd", learning_rate_init=0.1, alpha=0.1, activation="logistic",
                        random_state=1, max_iter=1, hidden_layer_sizes=2, momentum=0)
    mlp.coefs_ = [np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0]]), np.array([[0.1], [0.2]])]
    mlp.intercepts_ = [np.array([0.1, 0.1]), np.array([1.0])]
    mlp.n_outputs_, mlp.n_layers_, mlp.out_activation_ = 1, 3, "logistic"
    mlp.t_, mlp.best_loss_, mlp.loss_curve_, mlp._no_improvement_count = 0, np.inf, [], 0
    mlp.n_features_in_ = 3
    mlp.partial_fit(np.array([[0.6, 0.8, 0.7]]), np.array([0]), classes=[0, 1])
    np.testing.assert_allclose(mlp.coefs_[0], [[0.098, 0.195756], [0.2956664, 0.096008],
                                               [0.4939998, -0.002244]], atol=1.5e-3)
    np.testing.assert_allclose(mlp.intercepts_[1], [0.9235674], atol=1.5e-3)
    np.testing.assert_allclose(mlp.coefs_[1], [[0.04706], [0.154089]], atol=1.5e-3)
