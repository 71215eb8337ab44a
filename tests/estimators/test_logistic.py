"""LogisticRegression: solvers, penalties and parameters against scikit-learn,
and the blocked loss (gradient, Hessian products, dense Hessian) against
finite differences."""
import warnings

import numpy as np
import pytest

from fastml.linear_model import LogisticRegression
from fastml.linear_model import _logistic_loss

SOLVERS = ["lbfgs", "newton-cg", "newton-cholesky", "sag", "saga"]


def _data(n=300, p=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1.5, size=(classes, p))
    y = rng.integers(0, classes, size=n)
    X = centres[y] + rng.standard_normal((n, p))
    return X, y


def _sk():
    return pytest.importorskip("sklearn.linear_model")


def _sk_fit(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lambda X, y, **fkw: _sk().LogisticRegression(**kw).fit(X, y, **fkw)


def _objective(est, X, y, C, l1_ratio=0.0, sw=None):
    """scikit-learn's objective: C sum s loss + (1-r)/2 |W|^2 + r |W|_1 (b free)."""
    P = np.clip(est.predict_proba(X), 1e-300, None)
    idx = np.searchsorted(est.classes_, y)
    sw = np.ones(len(y)) if sw is None else sw
    W = est.coef_
    return C * float(sw @ -np.log(P[np.arange(len(y)), idx])) + \
        0.5 * (1 - l1_ratio) * float((W ** 2).sum()) + l1_ratio * float(np.abs(W).sum())


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("classes,p,fit_intercept", [(2, 5, True), (3, 8, True), (5, 4, False),
                                                     (2, 30, False), (7, 12, True)])
def test_coefficients_match_sklearn_at_convergence(solver, classes, p, fit_intercept):
    X, y = _data(n=400, p=p, classes=classes, seed=classes + p)
    ref = _sk_fit(C=0.7, tol=1e-10, max_iter=10000, solver="newton-cholesky",
                  fit_intercept=fit_intercept)(X, y)
    ours = LogisticRegression(C=0.7, tol=1e-9, max_iter=10000, solver=solver,
                              fit_intercept=fit_intercept).fit(X, y)
    # quasi-Newton runs may stop on the relative decrease (64 eps) with |g| ~ 1e-8
    tol = dict(rtol=1e-5, atol=1e-6) if solver.startswith("newton") else \
        dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.coef_, ref.coef_, **tol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, **tol)
    assert ours.n_iter_.shape == (1,) and ours.n_iter_.dtype == np.int32


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky"])
def test_weights_match_sklearn(solver):
    X, y = _data(n=300, p=5, classes=4, seed=3)
    sw = np.random.default_rng(1).uniform(0.2, 3.0, size=len(y))
    cw = {0: 2.0, 2: 0.5}
    ref = _sk_fit(C=2.0, tol=1e-10, max_iter=10000, class_weight=cw)(X, y, sample_weight=sw)
    ours = LogisticRegression(C=2.0, tol=1e-9, max_iter=10000, class_weight=cw,
                              solver=solver).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-5)
    ref = _sk_fit(tol=1e-10, max_iter=10000, class_weight="balanced")(X, y)
    ours = LogisticRegression(tol=1e-9, max_iter=10000, class_weight="balanced",
                              solver=solver).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("classes", [2, 4])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.15])
def test_l1_and_elasticnet_reach_sklearn_saga_optimum(classes, l1_ratio):
    X, y = _data(n=200, p=8, classes=classes, seed=7)
    X = (X - X.mean(0)) / X.std(0)
    C = 0.3
    ref = _sk_fit(C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-12, max_iter=100000,
                  random_state=0)(X, y)
    ours = LogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-9,
                              max_iter=2000).fit(X, y)
    f_ours = _objective(ours, X, y, C, l1_ratio)
    f_ref = _objective(ref, X, y, C, l1_ratio)
    assert f_ours <= f_ref + 1e-7 * abs(f_ref)
    if classes == 2:
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=2e-4)
        # exact zeros where the l1 part is active
        assert (ours.coef_ == 0).sum() >= (np.abs(ref.coef_) < 1e-8).sum() - 1
    else:
        # softmax is blind to adding a vector to every class row, and with mixed
        # signs in a column the l1 norm can be too: the optimum is a set; compare
        # the class-centred coefficients (what predictions depend on)
        np.testing.assert_allclose(ours.coef_ - ours.coef_.mean(0),
                                   ref.coef_ - ref.coef_.mean(0), atol=2e-4)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
@pytest.mark.parametrize("intercept_scaling", [1.0, 10.0])
def test_liblinear_penalised_intercept_matches_sklearn(penalty, intercept_scaling):
    X, y = _data(n=250, p=6, classes=2, seed=11)
    ratio = 1.0 if penalty == "l1" else 0.0
    ref = _sk_fit(C=0.5, l1_ratio=ratio, solver="liblinear", tol=1e-12, max_iter=100000,
                  intercept_scaling=intercept_scaling)(X, y)
    ours = LogisticRegression(C=0.5, l1_ratio=ratio, solver="liblinear", tol=1e-10,
                              max_iter=2000, intercept_scaling=intercept_scaling).fit(X, y)
    atol = 1e-4 if penalty == "l1" else 1e-6
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-4, atol=atol)


def test_penalty_spellings_and_c_inf():
    X, y = _data(n=200, p=4, classes=3, seed=2)
    a = LogisticRegression(C=np.inf, max_iter=1000, tol=1e-10).fit(X, y)
    b = LogisticRegression(penalty=None, max_iter=1000, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)
    c = LogisticRegression(l1_ratio=1.0, solver="saga", C=0.2, tol=1e-9, max_iter=2000).fit(X, y)
    with pytest.warns(UserWarning, match="Inconsistent values: penalty=l1 with l1_ratio=0.0"):
        d = LogisticRegression(penalty="l1", solver="saga", C=0.2, tol=1e-9,
                               max_iter=2000).fit(X, y)
    np.testing.assert_array_equal(c.coef_, d.coef_)
    with pytest.warns(UserWarning, match="Setting penalty=None will ignore the C"):
        LogisticRegression(penalty=None, C=3.0, max_iter=1000).fit(X, y)
    e = LogisticRegression(penalty="elasticnet", l1_ratio=0.5, solver="saga", C=0.2, tol=1e-9,
                           max_iter=2000).fit(X, y)
    f = LogisticRegression(l1_ratio=0.5, solver="saga", C=0.2, tol=1e-9, max_iter=2000).fit(X, y)
    np.testing.assert_array_equal(e.coef_, f.coef_)


@pytest.mark.parametrize("kwargs,match", [
    (dict(l1_ratio=0.5), "lbfgs supports only 'l2' or None"),
    (dict(penalty="l1", l1_ratio=1.0, solver="newton-cg"), "newton-cg supports only"),
    (dict(penalty="l1", l1_ratio=1.0, solver="sag"), "sag supports only"),
    (dict(penalty=None, solver="liblinear"), "liblinear"),
    (dict(penalty="elasticnet", l1_ratio=None, solver="saga"), "l1_ratio must be specified"),
    (dict(dual=True), "dual"),
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(intercept_scaling=0.0), "intercept_scaling"),
    (dict(solver="bogus"), "solver"),
    (dict(n_jobs=0), "n_jobs"),
])
def test_invalid_combinations_name_the_parameter(kwargs, match):
    X, y = _data(n=60, p=3, classes=2)
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**kwargs).fit(X, y)


def test_liblinear_rejects_multiclass():
    X, y = _data(n=60, p=3, classes=3)
    with pytest.raises(ValueError, match="multiclass"):
        LogisticRegression(solver="liblinear").fit(X, y)


def test_thread_count_does_not_change_the_result(monkeypatch):
    monkeypatch.setattr(_logistic_loss, "_BLOCK_BYTES", 2048)  # many row blocks
    monkeypatch.setattr(_logistic_loss, "_MIN_ROWS", 16)
    X, y = _data(n=2000, p=7, classes=5, seed=4)
    fits = [LogisticRegression(n_jobs=t, tol=1e-8, max_iter=500).fit(X, y) for t in (1, 2, 3)]
    for f in fits[1:]:
        np.testing.assert_allclose(f.coef_, fits[0].coef_, rtol=1e-10, atol=1e-12)


def test_warm_start_continues_from_the_previous_solution():
    X, y = _data(n=500, p=6, classes=4, seed=5)
    cold = LogisticRegression(tol=1e-8, max_iter=1000).fit(X, y)
    warm = LogisticRegression(tol=1e-8, max_iter=1000, warm_start=True)
    warm.fit(X, y)
    first = int(warm.n_iter_[0])
    warm.fit(X, y)
    assert warm.n_iter_[0] <= 2 < first
    np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=1e-5, atol=1e-7)


def test_max_iter_zero_and_convergence_warning():
    X, y = _data(n=200, p=5, classes=3)
    with pytest.warns(Warning, match="failed to converge"):
        LogisticRegression(max_iter=2).fit(X, y)
    m = LogisticRegression(max_iter=0).fit(X, y)
    assert m.n_iter_[0] == 0 and np.all(m.coef_ == 0)


@pytest.mark.parametrize("K,fi", [(2, True), (2, False), (4, True), (3, False)])
def test_loss_gradient_hessian_against_finite_differences(monkeypatch, K, fi):
    monkeypatch.setattr(_logistic_loss, "_BLOCK_BYTES", 1024)
    monkeypatch.setattr(_logistic_loss, "_MIN_ROWS", 16)
    X, y = _data(n=150, p=4, classes=K, seed=K)
    s = np.random.default_rng(0).uniform(0.5, 2, size=len(y))
    prob = _logistic_loss.LogisticLoss(X, y, s, K, lam=0.03, fit_intercept=fi, nthreads=2)
    assert len(prob.bounds) > 3
    theta = np.random.default_rng(1).normal(0, 0.3, size=prob.size)
    eps = 1e-6
    with prob.session():
        f, g = prob.smooth(theta)
        fd = np.array([(prob.smooth(theta + eps * e)[0] - prob.smooth(theta - eps * e)[0])
                       / (2 * eps) for e in np.eye(prob.size)])
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
        f2, g2, hvp = prob.grad_hess(theta)
        assert f2 == f
        v = np.random.default_rng(2).standard_normal(prob.size)
        fd_hv = (prob.smooth(theta + eps * v)[1] - prob.smooth(theta - eps * v)[1]) / (2 * eps)
        np.testing.assert_allclose(hvp(v), fd_hv, rtol=1e-5, atol=1e-7)
        _, _, H = prob.grad_hess_full(theta)
        np.testing.assert_allclose(H, H.T, atol=1e-12)
        np.testing.assert_allclose(H @ v, hvp(v), rtol=1e-9, atol=1e-12)
    # reference: the plain formulas on the whole arrays
    W, b = prob.unpack(theta)
    Z = X @ W.T + (b if fi else 0)
    sn = s / s.sum()
    if K == 2:
        ypm = np.where(y == 1, 1.0, -1.0)
        ref = sn @ np.log1p(np.exp(-ypm * Z[:, 0]))
    else:
        lse = np.log(np.exp(Z).sum(1))
        ref = sn @ (lse - Z[np.arange(len(y)), y])
    np.testing.assert_allclose(f, ref + 0.015 * (W ** 2).sum(), rtol=1e-12)


def test_float32_input_keeps_dtype_and_predicts():
    X, y = _data(n=300, p=5, classes=3)
    m = LogisticRegression().fit(X.astype(np.float32), y)
    assert m.coef_.dtype == np.float32 and m.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert m.score(X, y) > 0.8
