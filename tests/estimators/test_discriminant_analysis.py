"""fastml.discriminant_analysis against scikit-learn (same solvers: the same
coefficients, projections and probabilities) and against first principles."""
import warnings

import numpy as np
import pytest

from fastml.discriminant_analysis import (LinearDiscriminantAnalysis,
                                          QuadraticDiscriminantAnalysis, ledoit_wolf_shrinkage)

sda = pytest.importorskip("sklearn.discriminant_analysis")
skd = pytest.importorskip("sklearn.datasets")
DATA = ["iris", "breast_cancer", "wine"]

LDA_CONFIGS = [dict(), dict(solver="lsqr"), dict(solver="eigen"),
               dict(solver="lsqr", shrinkage="auto"), dict(solver="eigen", shrinkage="auto"),
               dict(solver="eigen", shrinkage=0.3), dict(n_components=1),
               dict(store_covariance=True), dict(tol=1e-2)]


def _load(name):
    return getattr(skd, f"load_{name}")(return_X_y=True)


@pytest.mark.parametrize("kw", LDA_CONFIGS, ids=str)
@pytest.mark.parametrize("name", DATA)
def test_lda_matches_sklearn(name, kw):
    X, y = _load(name)
    a = sda.LinearDiscriminantAnalysis(**kw).fit(X, y)
    b = LinearDiscriminantAnalysis(**kw).fit(X, y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-6, atol=1e-8 * np.abs(a.coef_).max())
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X), atol=1e-8)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))
    if kw.get("solver") != "lsqr":
        # projections agree up to the sign of each direction
        Ta, Tb = a.transform(X), b.transform(X)
        assert Ta.shape == Tb.shape
        np.testing.assert_allclose(np.abs(Tb), np.abs(Ta), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(b.explained_variance_ratio_, a.explained_variance_ratio_,
                                   rtol=1e-6, atol=1e-10)
    if hasattr(a, "covariance_"):
        np.testing.assert_allclose(b.covariance_, a.covariance_, rtol=1e-8, atol=1e-12)


def test_lda_priors_and_covariance_estimator():
    X, y = _load("iris")
    pri = np.array([0.2, 0.3, 0.5])
    a = sda.LinearDiscriminantAnalysis(priors=pri).fit(X, y)
    b = LinearDiscriminantAnalysis(priors=pri).fit(X, y)
    np.testing.assert_allclose(b.predict_log_proba(X), a.predict_log_proba(X), atol=1e-8)
    with pytest.warns(UserWarning, match="Renormalizing"):
        LinearDiscriminantAnalysis(priors=[1, 1, 2]).fit(X, y)
    cov = pytest.importorskip("sklearn.covariance")
    a = sda.LinearDiscriminantAnalysis(solver="lsqr", covariance_estimator=cov.OAS()).fit(X, y)
    b = LinearDiscriminantAnalysis(solver="lsqr", covariance_estimator=cov.OAS()).fit(X, y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-8)


def test_lda_is_the_gaussian_bayes_rule():
    X, y = _load("wine")
    b = LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)
    # log p(x | k) + log prior with the pooled covariance, by hand
    K = len(b.classes_)
    means = np.array([X[y == k].mean(0) for k in range(K)])
    S = sum((y == k).mean() * np.cov(X[y == k].T, bias=True) for k in range(K))
    Si = np.linalg.inv(S)
    d = np.array([-0.5 * np.einsum("ij,jk,ik->i", X - m, Si, X - m) for m in means]).T
    d += np.log(np.bincount(y) / len(y))
    P = np.exp(d - d.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    np.testing.assert_allclose(b.predict_proba(X), P, atol=1e-8)


def test_ledoit_wolf_matches_sklearn():
    cov = pytest.importorskip("sklearn.covariance")
    X = np.random.RandomState(0).randn(40, 7) @ np.random.RandomState(1).randn(7, 7)
    assert ledoit_wolf_shrinkage(X) == pytest.approx(cov.ledoit_wolf_shrinkage(X), rel=1e-10)


def test_lda_errors():
    X, y = _load("iris")
    with pytest.raises(NotImplementedError, match="shrinkage not supported"):
        LinearDiscriminantAnalysis(shrinkage="auto").fit(X, y)
    with pytest.raises(ValueError, match="n_components cannot be larger"):
        LinearDiscriminantAnalysis(n_components=3).fit(X, y)
    with pytest.raises(NotImplementedError, match="transform not implemented"):
        LinearDiscriminantAnalysis(solver="lsqr").fit(X, y).transform(X)
    with pytest.raises(ValueError, match="shrinkage"):
        LinearDiscriminantAnalysis(solver="lsqr", shrinkage=2.0).fit(X, y)
    with pytest.raises(ValueError, match="more than the number of classes"):
        LinearDiscriminantAnalysis().fit(X[:3], [0, 1, 2])


@pytest.mark.parametrize("kw", [dict(), dict(reg_param=0.3), dict(store_covariance=True),
                                dict(solver="eigen"), dict(solver="eigen", shrinkage="auto"),
                                dict(priors=[0.5, 0.25, 0.25])], ids=str)
def test_qda_matches_sklearn(kw):
    X, y = _load("iris")
    a = sda.QuadraticDiscriminantAnalysis(**kw).fit(X, y)
    b = QuadraticDiscriminantAnalysis(**kw).fit(X, y)
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), rtol=1e-8,
                               atol=1e-8)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X), atol=1e-10)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))
    if kw.get("store_covariance"):
        for u, v in zip(a.covariance_, b.covariance_):
            np.testing.assert_allclose(v, u, rtol=1e-8, atol=1e-12)


def test_qda_errors():
    X, y = _load("iris")
    with pytest.raises(ValueError, match="only 1 sample in class"):
        QuadraticDiscriminantAnalysis().fit(X[:51], y[:51])
    with pytest.raises(np.linalg.LinAlgError, match="not full rank"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            QuadraticDiscriminantAnalysis().fit(np.c_[X, X[:, :1]], y)
    with pytest.raises(ValueError, match="greater than one"):
        QuadraticDiscriminantAnalysis().fit(X, np.zeros(len(y)))
