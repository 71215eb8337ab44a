"""fastml.svm.LinearSVC / LinearSVR and fastml.linear_model.Perceptron against
scikit-learn (liblinear / its SGD), and against the objectives they minimise."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from fastml._kernels import COMPILED
from fastml.exceptions import ConvergenceWarning
from fastml.linear_model import Perceptron, SGDClassifier
from fastml.svm import LinearSVC, LinearSVR

skl_svm = pytest.importorskip("sklearn.svm")
skd = pytest.importorskip("sklearn.datasets")

CONFIGS = [dict(), dict(dual=True), dict(dual=True, loss="hinge"), dict(penalty="l1", dual=False)]


def _std(X):
    return (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1.0)


def _load(name):
    X, y = getattr(skd, f"load_{name}")(return_X_y=True)
    return _std(X), y


def _fit(cls, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", getattr(__import__("sklearn.exceptions").exceptions,
                                                "ConvergenceWarning"))
        return cls(**kw).fit(X, y)


def _objective(model, X, y, C=1.0, penalty="l2", loss="squared_hinge", scaling=1.0):
    """liblinear's primal objective (regularised intercept) per binary problem."""
    W = np.atleast_2d(model.coef_)
    b = np.atleast_1d(model.intercept_) / scaling
    classes = model.classes_
    out = []
    for k in range(W.shape[0]):
        t = np.where(y == classes[1 if len(classes) == 2 else k], 1.0, -1.0)
        m = np.maximum(0.0, 1.0 - t * (X @ W[k] + b[k] * scaling))
        w = np.append(W[k], b[k])
        reg = np.abs(w).sum() if penalty == "l1" else 0.5 * w @ w
        out.append(reg + C * (m if loss == "hinge" else m * m).sum())
    return np.array(out)


@pytest.mark.parametrize("kw", CONFIGS, ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items())
                         or "default")
@pytest.mark.parametrize("name", ["iris", "breast_cancer", "digits"])
def test_linear_svc_matches_liblinear(name, kw):
    X, y = _load(name)
    a = _fit(skl_svm.LinearSVC, X, y, tol=1e-6, max_iter=20000, random_state=0, **kw)
    b = _fit(LinearSVC, X, y, tol=1e-6, max_iter=20000, random_state=0, **kw)
    assert abs(a.score(X, y) - b.score(X, y)) <= 0.005
    assert b.coef_.shape == a.coef_.shape and b.intercept_.shape == a.intercept_.shape
    np.testing.assert_array_equal(b.classes_, a.classes_)
    # the same optimum: fastml's objective is not worse than liblinear's
    fa = _objective(a, X, y, penalty=kw.get("penalty", "l2"), loss=kw.get("loss", "sq"))
    fb = _objective(b, X, y, penalty=kw.get("penalty", "l2"), loss=kw.get("loss", "sq"))
    np.testing.assert_array_less(fb, fa * (1 + 1e-3) + 1e-6)
    if kw.get("penalty") != "l1":  # strictly convex: the coefficients agree
        scale = np.abs(a.coef_).max()
        assert np.abs(a.coef_ - b.coef_).max() <= 2e-2 * scale


def test_binary_coef_orientation_and_decision():
    X, y = _load("breast_cancer")
    m = LinearSVC(random_state=0).fit(X, y)
    assert m.coef_.shape == (1, X.shape[1])
    d = m.decision_function(X)
    assert d.shape == (X.shape[0],)
    np.testing.assert_array_equal(m.predict(X), m.classes_[(d > 0).astype(int)])
    labels = np.array(["neg", "pos"])[y]
    m2 = LinearSVC(random_state=0).fit(X, labels)
    np.testing.assert_allclose(m2.coef_, m.coef_)


@pytest.mark.parametrize("kw", CONFIGS[1:])
def test_sparse_equals_dense(kw):
    X, y = _load("iris")
    X[np.abs(X) < 0.5] = 0.0
    # same visiting order; rounding differs (dense zeros are summed), so compare
    # converged solutions
    kw = dict(random_state=3, tol=1e-8, max_iter=100000, **kw)
    a = LinearSVC(**kw).fit(X, y)
    b = LinearSVC(**kw).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(a.predict(X), b.predict(sp.csr_matrix(X)))


@pytest.mark.parametrize("kw", [dict(), dict(dual=True)])
def test_integer_sample_weight_equals_repeats(kw):
    X, y = _load("iris")
    w = np.random.RandomState(0).randint(0, 3, X.shape[0])
    a = LinearSVC(tol=1e-8, max_iter=100000, random_state=0, **kw).fit(X, y, sample_weight=w)
    b = LinearSVC(tol=1e-8, max_iter=100000, random_state=0, **kw).fit(
        np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-4, atol=1e-5)


def test_class_weight_matches_liblinear():
    X, y = _load("iris")
    kw = dict(class_weight={0: 0.2, 2: 5.0}, dual=True, tol=1e-8, max_iter=100000,
              random_state=0)
    a = _fit(skl_svm.LinearSVC, X, y, **kw)
    b = _fit(LinearSVC, X, y, **kw)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-3, atol=1e-4)
    kw["class_weight"] = "balanced"
    yi = y[20:]
    a = _fit(skl_svm.LinearSVC, X[20:], yi, **kw)
    b = _fit(LinearSVC, X[20:], yi, **kw)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("fit_intercept,scaling", [(False, 1.0), (True, 10.0)])
def test_intercept_options(fit_intercept, scaling):
    X, y = _load("breast_cancer")
    kw = dict(fit_intercept=fit_intercept, intercept_scaling=scaling, dual=True, tol=1e-8,
              max_iter=100000, random_state=0)
    a = _fit(skl_svm.LinearSVC, X, y, **kw)
    b = _fit(LinearSVC, X, y, **kw)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=1e-3, atol=1e-4)
    if not fit_intercept:
        assert b.intercept_ == 0.0


def test_errors_and_warnings():
    X, y = _load("iris")
    with pytest.raises(ValueError, match="penalty='l1' and loss='hinge' is not supported"):
        LinearSVC(penalty="l1", loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="are not supported when dual=False"):
        LinearSVC(loss="hinge", dual=False).fit(X, y)
    with pytest.raises(ValueError, match="are not supported when dual=True"):
        LinearSVC(penalty="l1", dual=True).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        LinearSVC().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="C"):
        LinearSVC(C=-1).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight|Negative"):
        LinearSVC().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.warns(ConvergenceWarning, match="increase the number of iterations"):
        LinearSVC(dual=True, max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="epsilon_insensitive.*dual=False"):
        LinearSVR(dual=False).fit(X, y.astype(float))


def test_dual_auto_rule():
    X, y = _load("iris")
    rng = np.random.RandomState(0)
    wide = rng.randn(10, 30)
    m = LinearSVC(penalty="l1").fit(wide, np.arange(10) % 2)  # primal only
    assert m.n_iter_ >= 1
    m = LinearSVC().fit(wide, np.arange(10) % 2)  # dual (n < p)
    assert m.score(wide, np.arange(10) % 2) == 1.0


@pytest.mark.parametrize("kw", [dict(), dict(loss="squared_epsilon_insensitive"),
                                dict(loss="squared_epsilon_insensitive", dual=True),
                                dict(epsilon=0.5)])
def test_linear_svr_matches_liblinear(kw):
    X, y = skd.make_regression(n_samples=300, n_features=8, noise=5.0, random_state=0)
    y = y / y.std()
    a = _fit(skl_svm.LinearSVR, X, y, tol=1e-8, max_iter=100000, random_state=0, **kw)
    b = _fit(LinearSVR, X, y, tol=1e-8, max_iter=100000, random_state=0, **kw)
    assert b.coef_.shape == (8,) and b.intercept_.shape == (1,)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=2e-3, atol=2e-3)
    assert abs(a.score(X, y) - b.score(X, y)) < 1e-3
    bs = _fit(LinearSVR, sp.csr_matrix(X), y, tol=1e-8, max_iter=100000, random_state=0, **kw)
    np.testing.assert_allclose(bs.coef_, b.coef_, rtol=1e-5, atol=1e-6)


def test_reproducible_with_random_state():
    X, y = _load("digits")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = LinearSVC(dual=True, random_state=1, max_iter=50).fit(X, y)
        b = LinearSVC(dual=True, random_state=1, max_iter=50).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


# ---- Perceptron ---------------------------------------------------------------------
@pytest.mark.parametrize("sparse", [False, True])
# with a penalty, fixed epochs: the loss-based stopping rule differs (fastml._sgd docstring)
@pytest.mark.parametrize("kw", [dict(), dict(penalty="l2", alpha=1e-3, max_iter=6, tol=None),
                                dict(penalty="elasticnet", alpha=1e-3, max_iter=6, tol=None),
                                dict(fit_intercept=False, max_iter=7, tol=None)])
def test_perceptron_matches_sklearn(sparse, kw):
    lm = pytest.importorskip("sklearn.linear_model")
    X, y = _load("iris")
    Xf = sp.csr_matrix(X) if sparse else X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = lm.Perceptron(random_state=0, **kw).fit(Xf, y)
        b = Perceptron(random_state=0, **kw).fit(Xf, y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=1e-10, atol=1e-10)
    assert b.n_iter_ == a.n_iter_


def test_sgd_perceptron_loss_is_the_perceptron():
    X, y = _load("breast_cancer")
    kw = dict(random_state=0, max_iter=5, tol=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = SGDClassifier(loss="perceptron", learning_rate="constant", eta0=1.0, penalty=None,
                          **kw).fit(X, y)
        b = Perceptron(**kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    # every update is a mistake-driven step of eta0 * y * x: coef_ lies in the data's span
    assert b.score(X, y) > 0.9
    assert "perceptron" in SGDClassifier.loss_functions
    assert "loss" not in Perceptron().get_params()


@pytest.mark.parametrize("name", ["iris", "wine", "digits"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_crammer_singer_matches_sklearn(name, fit_intercept):
    """The joint multi-class problem solved to a tight tolerance: the same
    coefficients as scikit-learn's liblinear (the optimum is unique), the same
    predictions; penalty / loss / dual are ignored for it, as in liblinear."""
    X, y = _load(name)
    kw = dict(multi_class="crammer_singer", tol=1e-7, max_iter=100000, random_state=0,
              fit_intercept=fit_intercept, C=0.5)
    a = _fit(skl_svm.LinearSVC, X, y, **kw)
    b = _fit(LinearSVC, X, y, penalty="l1", loss="hinge", **kw)  # ignored, as liblinear
    assert b.coef_.shape == a.coef_.shape == (len(np.unique(y)), X.shape[1])
    scale = np.abs(a.coef_).max()
    np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-4 * scale)
    np.testing.assert_allclose(b.intercept_, a.intercept_, atol=1e-4 * scale)
    assert np.array_equal(b.predict(X), a.predict(X))


def test_crammer_singer_binary_and_weights():
    X, y = _load("breast_cancer")
    kw = dict(multi_class="crammer_singer", tol=1e-7, max_iter=100000, random_state=0)
    a = _fit(skl_svm.LinearSVC, X, y, **kw)
    b = _fit(LinearSVC, X, y, **kw)
    # two classes: one row w_1 - w_0, as scikit-learn reports it
    assert b.coef_.shape == a.coef_.shape == (1, X.shape[1])
    np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-4 * np.abs(a.coef_).max())
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), atol=1e-3)
    # integer sample weights = repeated rows; class_weight scales each class's C
    X3, y3 = _load("iris")
    w = np.random.default_rng(0).integers(0, 3, len(y3))
    kw3 = dict(multi_class="crammer_singer", tol=1e-8, max_iter=100000, random_state=0)
    c = LinearSVC(**kw3).fit(X3, y3, sample_weight=w)
    d = LinearSVC(**kw3).fit(np.repeat(X3, w, axis=0), np.repeat(y3, w))
    np.testing.assert_allclose(c.coef_, d.coef_, atol=1e-5)
    cw = {0: 2.0, 1: 0.5, 2: 1.0}
    e = _fit(skl_svm.LinearSVC, X3, y3, class_weight=cw, **kw3)
    f = LinearSVC(class_weight=cw, **kw3).fit(X3, y3)
    np.testing.assert_allclose(f.coef_, e.coef_, atol=1e-4 * np.abs(e.coef_).max())
    # sparse input: the same problem (the compiled solver walks dense and CSR rows in
    # the same order; the NumPy twin's CSR row products round differently, so its two
    # answers agree to the solver's tolerance, not to the last bits)
    g = LinearSVC(**kw3).fit(sp.csr_matrix(X3), y3)
    close = dict(rtol=1e-10, atol=1e-12) if COMPILED else dict(rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g.coef_, LinearSVC(**kw3).fit(X3, y3).coef_, **close)
    with pytest.warns(ConvergenceWarning, match="increase the number of iterations"):
        LinearSVC(multi_class="crammer_singer", max_iter=2).fit(X3, y3)
