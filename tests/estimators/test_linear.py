"""Linear models: scikit-learn conformance, agreement with scikit-learn on the
bundled datasets, gradient-descent behaviour, bad input (the kernels vs their
twins: tests/kernels/test_enet.py, test_sgd.py)."""
import pickle
import warnings

import numpy as np
import pytest

from fastml.base import clone
from fastml.datasets import (load_breast_cancer, load_diabetes, load_digits, load_iris,
                             make_advertising)
from fastml.exceptions import ConvergenceWarning
from fastml.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge,
                                 SGDClassifier, SGDRegressor)

sklearn = pytest.importorskip("sklearn")
from sklearn import linear_model as SL  # noqa: E402

# scikit-learn's estimator checks (these configurations included) run in tests/test_common.py.
ESTIMATORS = [LinearRegression(), LinearRegression(solver="gd"), Ridge(), Lasso(),
              ElasticNet(), LogisticRegression(), LogisticRegression(solver="newton"),
              LogisticRegression(solver="cg"), LogisticRegression(solver="gd", l1_ratio=1.0),
              LogisticRegression(solver="sgd"), SGDClassifier(), SGDRegressor()]


@pytest.mark.parametrize("est", ESTIMATORS, ids=repr)
def test_pickle_and_clone(est):
    X, y = load_iris(return_X_y=True)
    if getattr(est, "_estimator_type", None) == "regressor":
        y = y.astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = clone(est).set_params(random_state=0) if "random_state" in est.get_params() \
            else clone(est)
        est.fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    assert clone(est).get_params() == est.get_params()
    assert not hasattr(clone(est), "coef_")


@pytest.mark.parametrize("ours,theirs,tol", [
    (LinearRegression(), SL.LinearRegression(), 1e-9),
    (Ridge(alpha=0.5), SL.Ridge(alpha=0.5), 1e-9),
    (Ridge(alpha=2.0, solver="svd"), SL.Ridge(alpha=2.0, solver="svd"), 1e-9),
    (Lasso(alpha=0.1, tol=1e-8), SL.Lasso(alpha=0.1, tol=1e-8), 1e-6),
    (ElasticNet(alpha=0.01, l1_ratio=0.7, tol=1e-8),
     SL.ElasticNet(alpha=0.01, l1_ratio=0.7, tol=1e-8), 1e-6),
    (Lasso(alpha=0.05, positive=True, tol=1e-8), SL.Lasso(alpha=0.05, positive=True, tol=1e-8),
     1e-6),
])
def test_regression_coefficients_match_sklearn(ours, theirs, tol):
    X, y = load_diabetes(return_X_y=True)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    for sw in (None, w):
        ours.fit(X, y, sample_weight=sw)
        theirs.fit(X, y, sample_weight=sw)
        scale = np.abs(theirs.coef_).max()
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=tol * scale, rtol=0)
        assert ours.intercept_ == pytest.approx(theirs.intercept_, abs=tol * scale)


def test_multi_target_and_float32():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 5))
    Y = X @ rng.normal(size=(5, 3)) + 0.1 * rng.normal(size=(60, 3))
    for ours, theirs in ((Ridge(alpha=[0.1, 1.0, 10.0]), SL.Ridge(alpha=[0.1, 1.0, 10.0])),
                         (Lasso(alpha=0.01, tol=1e-10), SL.Lasso(alpha=0.01, tol=1e-10)),
                         (LinearRegression(), SL.LinearRegression())):
        ours.fit(X, Y)
        theirs.fit(X, Y)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-6)
    m = LinearRegression().fit(X.astype(np.float32), Y[:, 0])
    assert m.coef_.dtype == np.float32 and m.predict(X.astype(np.float32)).dtype == np.float32


def _scaled(loader):
    X, y = loader(return_X_y=True)
    return (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1.0), y


# first-order cg/gd on digits take seconds: they are covered on the two other sets
_LOGISTIC_CASES = [(ld, sv) for ld in (load_breast_cancer, load_digits, load_iris)
                   for sv in ("lbfgs", "newton", "cg", "gd", "sgd")
                   if not (ld is load_digits and sv in ("cg", "gd"))]


@pytest.mark.parametrize("loader,solver", _LOGISTIC_CASES,
                         ids=[f"{ld.__name__}-{sv}" for ld, sv in _LOGISTIC_CASES])
def test_logistic_accuracy_matches_sklearn(loader, solver):
    X, y = _scaled(loader)
    ref = SL.LogisticRegression(max_iter=2000).fit(X, y).score(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = LogisticRegression(solver=solver, max_iter=300 if solver != "sgd" else 50,
                                  random_state=0).fit(X, y)
    assert abs(ours.score(X, y) - ref) <= 0.01
    P = ours.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(ours.classes_[P.argmax(1)], ours.predict(X))


@pytest.mark.parametrize("loader", [load_breast_cancer, load_iris], ids=lambda f: f.__name__)
def test_logistic_coefficients_match_sklearn(loader):
    X, y = _scaled(loader)
    theirs = SL.LogisticRegression(C=0.5, tol=1e-10, max_iter=5000).fit(X, y)
    for solver in ("lbfgs", "newton"):
        ours = LogisticRegression(C=0.5, tol=1e-9, max_iter=5000, solver=solver).fit(X, y)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=2e-5)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=2e-5)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    cw = SL.LogisticRegression(class_weight="balanced", tol=1e-10, max_iter=5000).fit(X, y)
    ours = LogisticRegression(class_weight="balanced", tol=1e-9, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, cw.coef_, atol=2e-5)


def test_logistic_l1_is_sparse_and_matches_saga():
    X, y = _scaled(load_breast_cancer)
    ours = LogisticRegression(l1_ratio=1.0, solver="gd", C=0.1, tol=1e-8, max_iter=20000).fit(X, y)
    theirs = SL.LogisticRegression(l1_ratio=1.0, solver="saga", C=0.1, tol=1e-8,
                                   max_iter=20000).fit(X, y)
    assert 0 < np.count_nonzero(ours.coef_) < X.shape[1]
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-3)


def test_gd_linear_regression_tutorial_advertising():
    """TV -> sales by batch gradient descent: half-MSE falls from ~118 to ~5."""
    X, y = make_advertising(random_state=0)
    tv = X[:, :1]
    tv = (tv - tv.mean()) / tv.std()
    gd = LinearRegression(solver="gd", learning_rate=0.01, max_iter=5000, tol=1e-7).fit(tv, y)
    h = gd.cost_history_
    assert 100 < h[0] < 130 and 4 < h[-1] < 7
    assert np.all(np.diff(h) <= 1e-12 * h[0])
    exact = LinearRegression().fit(tv, y)
    np.testing.assert_allclose(gd.coef_, exact.coef_, rtol=1e-5)
    assert gd.intercept_ == pytest.approx(exact.intercept_, rel=1e-5)
    assert h[-1] == pytest.approx(0.5 * np.mean((exact.predict(tv) - y) ** 2), rel=1e-8)


def test_gd_warns_when_not_converged_or_diverging():
    X, y = make_advertising(random_state=0)
    with pytest.warns(ConvergenceWarning):
        LinearRegression(solver="gd", max_iter=5).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="diverged"), np.errstate(all="ignore"):
        LinearRegression(solver="gd", learning_rate=1.0, max_iter=500).fit(X, y)


def test_sgd_models_learn():
    X, y = _scaled(load_breast_cancer)
    for loss in ("hinge", "log_loss", "modified_huber", "squared_hinge"):
        for penalty in ("l2", "l1", "elasticnet"):
            clf = SGDClassifier(loss=loss, penalty=penalty, random_state=0).fit(X, y)
            assert clf.score(X, y) > 0.95, (loss, penalty)
    Xd, yd = _scaled(load_digits)
    ours = SGDClassifier(random_state=0).fit(Xd, yd)
    ref = SL.SGDClassifier(random_state=0).fit(Xd, yd)
    assert ours.coef_.shape == (10, 64) and abs(ours.score(Xd, yd) - ref.score(Xd, yd)) < 0.03
    assert not hasattr(SGDClassifier(loss="hinge"), "predict_proba")
    P = SGDClassifier(loss="log_loss", random_state=0).fit(Xd, yd).predict_proba(Xd)
    np.testing.assert_allclose(P.sum(1), 1.0)
    Xr, yr = load_diabetes(return_X_y=True)
    Xr = (Xr - Xr.mean(0)) / Xr.std(0)
    ols = SL.LinearRegression().fit(Xr, yr).score(Xr, yr)
    for loss in ("squared_error", "huber", "epsilon_insensitive",
                 "squared_epsilon_insensitive"):
        kw = {"epsilon": 1.0} if "epsilon" in loss else {}
        reg = SGDRegressor(loss=loss, random_state=0, eta0=0.05, learning_rate="adaptive",
                           max_iter=500, **kw).fit(Xr, yr)
        assert reg.score(Xr, yr) > ols - (0.05 if loss == "squared_error" else 0.4), loss


def test_sgd_partial_fit_and_determinism():
    X, y = _scaled(load_iris)
    a = SGDClassifier(random_state=3).fit(X, y)
    b = SGDClassifier(random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    pf = SGDClassifier(random_state=0)
    for _ in range(20):
        pf.partial_fit(X, y, classes=np.unique(y))
    assert pf.score(X, y) > 0.85
    with pytest.raises(ValueError, match="classes"):
        SGDClassifier().partial_fit(X, y)
    r = SGDRegressor(random_state=0)
    for _ in range(5):
        r.partial_fit(X[:, :3], X[:, 3])
    assert r.score(X[:, :3], X[:, 3]) > 0.8


@pytest.mark.parametrize("est", [Ridge(alpha=-1.0), Lasso(alpha=-0.1), ElasticNet(l1_ratio=2.0),
                                 LogisticRegression(C=-1.0), LogisticRegression(solver="bogus"),
                                 LogisticRegression(l1_ratio=1.0), SGDClassifier(alpha=-1.0),
                                 SGDClassifier(loss="bogus"), LinearRegression(solver="gd",
                                                                               learning_rate=0.0)],
                         ids=repr)
def test_bad_parameters(est):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError):
        est.fit(X, y)


def test_bad_input():
    X, y = load_iris(return_X_y=True)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    for est in (LinearRegression(), Lasso(), LogisticRegression(), SGDClassifier()):
        with pytest.raises(ValueError, match="NaN"):
            est.fit(Xn, y)
        Xi = X.copy()
        Xi[0, 0] = np.inf
        with pytest.raises(ValueError, match="infinity"):
            est.fit(Xi, y)
        with pytest.raises(ValueError, match="inconsistent"):
            est.fit(X, y[:-1])
        with pytest.raises(ValueError, match="2D"):
            est.fit(X[:, 0], y)
        est.fit(X, y)
        with pytest.raises(ValueError, match="features"):
            est.predict(X[:, :2])
    for est in (LogisticRegression(), SGDClassifier()):
        with pytest.raises(ValueError, match="class"):
            est.fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="continuous"):
        LogisticRegression().fit(X, X[:, 0])


def test_linear_demo_runs():
    from fastml.demos import linear as demo

    lines = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # the demo's settings converge
        demo.run(lines.append)
    text = "\n".join(lines)
    assert "iteration 0: 118.34" in text and "cost J" in text
    import re

    accs = [float(m) for m in re.findall(r"^  (?:lbfgs|newton|cg|gd|sgd)\s+([0-9.]+)", text,
                                         flags=re.M)]
    assert len(accs) == 5 and min(accs) > 0.95


# ---- LinearRegression / Ridge: normal equations, solvers, parameters -------------

_RIDGE_SOLVERS = ["auto", "cholesky", "svd", "lsqr", "sparse_cg", "sag", "saga"]


@pytest.mark.parametrize("solver", _RIDGE_SOLVERS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(300, 12), (40, 90)])
def test_ridge_solvers_match_sklearn(solver, weighted, shape):
    rng = np.random.default_rng(4)
    X = rng.standard_normal(shape) * rng.uniform(0.5, 3, shape[1]) + rng.normal(size=shape[1])
    y = X @ rng.standard_normal(shape[1]) + 0.3 * rng.standard_normal(shape[0])
    sw = rng.uniform(0.2, 3.0, shape[0]) if weighted else None
    kw = dict(alpha=0.7, solver=solver, tol=1e-12, max_iter=100000)
    ours = Ridge(**kw).fit(X, y, sample_weight=sw)
    # fastml's sag/saga return the exact minimiser (documented): compare with scikit-learn's
    # exact solver (its SAG reaches that point only to ~tol, or overflows on some data)
    ref_kw = dict(kw, solver="svd") if solver in ("sag", "saga") else kw
    theirs = SL.Ridge(**ref_kw, random_state=0).fit(X, y, sample_weight=sw)
    scale = np.abs(theirs.coef_).max()
    tol = 1e-9
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=tol * scale, rtol=0)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, abs=tol * scale * 10)
    if solver == "lsqr":  # n_iter_ as scikit-learn: lsqr (and its sag/saga) only
        assert ours.n_iter_.shape == (1,) and ours.n_iter_[0] >= 1
    else:
        assert ours.n_iter_ is None
    assert ours.solver_ == theirs.solver_ or solver in ("sag", "saga")


@pytest.mark.parametrize("weighted", [False, True])
def test_positive_matches_sklearn(weighted):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((200, 10))
    y = X @ rng.normal(size=10) + 0.1 * rng.standard_normal(200)
    sw = rng.uniform(0.5, 2.0, 200) if weighted else None
    for ours, theirs, tol in ((LinearRegression(positive=True), SL.LinearRegression(positive=True),
                               1e-9),
                              (Ridge(2.0, positive=True, tol=1e-10),
                               SL.Ridge(2.0, positive=True, tol=1e-10), 1e-6)):
        ours.fit(X, y, sample_weight=sw)
        theirs.fit(X, y, sample_weight=sw)
        assert (ours.coef_ >= 0).all() and (ours.coef_ == 0).any()
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=tol)
        assert ours.intercept_ == pytest.approx(theirs.intercept_, abs=10 * tol)
    assert Ridge(positive=True).fit(X, y).solver_ == "lbfgs"


def test_ridge_solver_positive_rules_match_sklearn():
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="does not support positive"):
        Ridge(solver="svd", positive=True).fit(X, y)
    with pytest.raises(ValueError, match="only when positive=True"):
        Ridge(solver="lbfgs").fit(X, y)
    for bad in (dict(tol=-1.0), dict(max_iter=0), dict(solver="newton")):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Ridge(**bad).fit(X, y)
    with pytest.raises(ValueError, match="n_jobs"):
        LinearRegression(n_jobs=0).fit(X, y)


def test_linear_regression_rank_singular_and_n_jobs():
    X, y = load_diabetes(return_X_y=True)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    for sw in (None, w):
        ours = LinearRegression(n_jobs=1).fit(X, y, sample_weight=sw)
        theirs = SL.LinearRegression().fit(X, y, sample_weight=sw)
        assert ours.rank_ == theirs.rank_ == X.shape[1]
        np.testing.assert_allclose(ours.singular_, theirs.singular_, rtol=1e-9)
    assert not hasattr(LinearRegression(), "singular_")


@pytest.mark.parametrize("case", ["collinear", "constant", "wide", "large_mean"])
def test_linear_regression_falls_back_when_ill_conditioned(case):
    """Rank-deficient or badly conditioned X: the same minimum-norm solution as
    scikit-learn's lstsq (the Cholesky route is refused by its condition estimate)."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((120, 6))
    if case == "collinear":
        X[:, 5] = X[:, 0] - 2 * X[:, 1]
    elif case == "constant":
        X[:, 2] = 3.0
    elif case == "wide":
        X = rng.standard_normal((20, 50))
    else:
        X = 1e-3 * X + 1e5
    y = X @ rng.standard_normal(X.shape[1]) + rng.standard_normal(X.shape[0])
    ours = LinearRegression().fit(X, y)
    theirs = SL.LinearRegression().fit(X, y)
    scale = np.abs(theirs.coef_).max()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-7 * scale, rtol=0)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-6 * np.abs(y).max())
    assert ours.rank_ == theirs.rank_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normal_equations_float32_and_multi_target(dtype):
    rng = np.random.default_rng(6)
    X = (rng.standard_normal((5000, 20)) + 2.0).astype(dtype)
    Y = X.astype(np.float64) @ rng.standard_normal((20, 3)) + rng.standard_normal((5000, 3))
    for ours, theirs in ((LinearRegression(), SL.LinearRegression()),
                         (Ridge([0.0, 1.0, 1e3]), SL.Ridge([0.0, 1.0, 1e3]))):
        ours.fit(X, Y)
        theirs.fit(X, Y)
        assert ours.coef_.dtype == dtype and ours.predict(X).dtype == dtype
        tol = 2e-4 if dtype == np.float32 else 1e-10
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=tol * np.abs(theirs.coef_).max())


def test_centered_gram_paths_agree_with_numpy():
    from fastml.utils import _gram

    rng = np.random.default_rng(9)
    X = rng.standard_normal((1000, 7)) * 3 + 50
    Y = rng.standard_normal((1000, 2))
    w = rng.uniform(0, 2, 1000)
    for sw in (None, w):
        m = np.average(X, axis=0, weights=sw)
        ym = np.average(Y, axis=0, weights=sw)
        s = np.ones(1000) if sw is None else sw
        G_ref = (X - m).T @ ((X - m) * s[:, None])
        C_ref = (X - m).T @ ((Y - ym) * s[:, None])
        for block in (64, 1 << 21):  # many blocks and one
            old, _gram._BLOCK_BYTES = _gram._BLOCK_BYTES, block * 8 * 10
            try:
                paths = [_gram._blocked(X, Y, sw, True)]
                if sw is None:
                    paths.append(_gram._direct(X, Y, True, True))
            finally:
                _gram._BLOCK_BYTES = old
            for G, C, mean, ymean, wsum in paths:
                np.testing.assert_allclose(G, G_ref, rtol=1e-10, atol=1e-9 * G_ref.max())
                np.testing.assert_allclose(C, C_ref, rtol=1e-10, atol=1e-9 * np.abs(C_ref).max())
                np.testing.assert_allclose(mean, m, rtol=1e-13)
                np.testing.assert_allclose(ymean, ym, atol=1e-13)
                assert wsum == pytest.approx(s.sum())
    # |mean| >> std: the direct path refuses (cancellation) and the blocked path is exact
    Xs = rng.standard_normal((500, 3)) + 1e7
    assert _gram._direct(Xs, None, True, True) is None
    G = _gram.centered_gram(Xs)[0]
    Xc = Xs - Xs.mean(0)
    np.testing.assert_allclose(G, Xc.T @ Xc, rtol=1e-6)


def test_normal_equations_do_not_depend_on_threads():
    import fastml

    rng = np.random.default_rng(12)
    X = rng.standard_normal((40000, 9)) + 1.0
    y = X @ rng.standard_normal(9)
    fits = []
    for n in (1, 2, 3):
        old = fastml.get_num_threads()
        fastml.set_num_threads(n)
        try:
            fits.append(LinearRegression().fit(X, y).coef_)
        finally:
            fastml.set_num_threads(old)
        fits.append(LinearRegression(n_jobs=n).fit(X, y).coef_)
    for c in fits[1:]:
        np.testing.assert_array_equal(c, fits[0])


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_wide_linear_regression_kernel_form_matches_lstsq(fit_intercept, weighted):
    """n < p: the minimum-norm solution from the (n, n) kernel of the centred rows
    equals scikit-learn's lstsq one; rank_ and singular_ too (the structural
    zero of the centring reported as 0)."""
    rng = np.random.default_rng(21)
    X = rng.standard_normal((40, 130)) + 0.5
    Y = X @ rng.standard_normal((130, 2)) + rng.standard_normal((40, 2))
    sw = rng.uniform(0.5, 2.0, 40) if weighted else None
    for y in (Y[:, 0], Y):
        ours = LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
        theirs = SL.LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
        assert ours.__dict__.get("_gram_") is not None  # the kernel form ran
        scale = np.abs(theirs.coef_).max()
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-9 * scale, rtol=0)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-9 * scale)
        assert ours.rank_ == theirs.rank_
        np.testing.assert_allclose(ours.singular_, theirs.singular_, rtol=1e-7,
                                   atol=1e-7 * theirs.singular_[0])


@pytest.mark.filterwarnings("ignore:Objective did not converge")  # scikit-learn's float32 run
@pytest.mark.parametrize("est", ["lasso", "enet"])
def test_coordinate_descent_gram_form_matches_sklearn(est):
    """Tall dense X takes the Gram form of the descent: same coefficients as
    scikit-learn's (data-form) solver, multi-target, weights, float32, warm start."""
    rng = np.random.default_rng(22)
    X = rng.standard_normal((3000, 30)) * 2 + 1
    Y = X[:, :8] @ rng.standard_normal((8, 2)) + rng.standard_normal((3000, 2))
    sw = rng.uniform(0.5, 2.0, 3000)
    make = {"lasso": lambda m: m.Lasso(alpha=0.05, tol=1e-8),
            "enet": lambda m: m.ElasticNet(alpha=0.05, l1_ratio=0.6, tol=1e-8)}[est]
    import fastml.linear_model as FL
    for Xd, y, w in ((X, Y[:, 0], None), (X, Y, sw), (X.astype(np.float32), Y[:, 1], None)):
        ours, theirs = make(FL).fit(Xd, y, sample_weight=w), make(SL).fit(Xd, y, sample_weight=w)
        scale = np.abs(theirs.coef_).max()
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6 * scale, rtol=0)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6 * scale)
        yc = np.asarray(y, dtype=np.float64) - np.average(y, axis=0, weights=w)
        wn = np.ones(len(yc)) if w is None else w * len(yc) / w.sum()
        assert np.all(np.asarray(ours.dual_gap_) <= 1e-8 * np.einsum("i...,i->...", yc ** 2, wn)
                      / len(yc) * 1.0001)
    warm = make(FL).set_params(warm_start=True).fit(X, Y[:, 0])
    first = warm.coef_.copy()
    warm.fit(X, Y[:, 0])
    assert warm.n_iter_ == 0  # already optimal: no sweep
    np.testing.assert_array_equal(warm.coef_, first)


@pytest.mark.filterwarnings("ignore:Objective did not converge")
@pytest.mark.parametrize("shape", [(40, 60), (300, 20)], ids=["wide-data-form", "tall-gram-form"])
def test_random_selection_follows_sklearns_coordinate_sequence(shape):
    """selection="random" draws scikit-learn's coordinates for a random_state:
    after 3 sweeps (no gap stop: tol=0; small alpha, so scikit-learn's screening
    keeps every feature and its draws cover all p) the iterate is scikit-learn's,
    and a different seed gives another one."""
    n, p = shape
    rng = np.random.default_rng(5)
    X = rng.standard_normal((n, p)) + 0.5
    y = X[:, :5] @ rng.standard_normal(5) + 0.1 * rng.standard_normal(n)
    kw = dict(alpha=1e-3, l1_ratio=0.7, selection="random", max_iter=3, tol=0.0)
    for rs in (0, 7, 123):
        ours = ElasticNet(random_state=rs, **kw).fit(X, y)
        theirs = SL.ElasticNet(random_state=rs, **kw).fit(X, y)
        assert ours.n_iter_ == theirs.n_iter_ == 3
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-8, atol=1e-10)
    a = ElasticNet(random_state=0, **kw).fit(X, y).coef_
    b = ElasticNet(random_state=1, **kw).fit(X, y).coef_
    c = ElasticNet(**{**kw, "selection": "cyclic"}).fit(X, y).coef_
    assert not np.allclose(a, b) and not np.allclose(a, c)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("est", ["lasso", "enet"])
def test_random_selection_converges_to_sklearns_coefficients(est, sparse):
    """At convergence, random and cyclic selection give scikit-learn's
    coefficients (dense wide / tall, CSR, multi-target, a RandomState
    instance as random_state)."""
    import scipy.sparse as sp

    rng = np.random.default_rng(9)
    make = {"lasso": lambda m, **k: m.Lasso(alpha=0.02, tol=1e-10, max_iter=20000, **k),
            "enet": lambda m, **k: m.ElasticNet(alpha=0.02, l1_ratio=0.4, tol=1e-10,
                                                max_iter=20000, **k)}[est]
    import fastml.linear_model as FL
    for n, p in ((50, 80), (400, 25)):
        X = rng.standard_normal((n, p)) * 1.5 + 0.3
        X[rng.random((n, p)) < 0.5] = 0.0
        Y = X[:, :6] @ rng.standard_normal((6, 2)) + 0.2 * rng.standard_normal((n, 2))
        Xf = sp.csr_matrix(X) if sparse else X
        for y in (Y[:, 0], Y):
            theirs = make(SL).fit(X, y)
            for rs in (0, np.random.RandomState(3)):
                ours = make(FL, selection="random", random_state=rs).fit(Xf, y)
                scale = np.abs(theirs.coef_).max()
                np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6 * scale, rtol=0)
                np.testing.assert_allclose(ours.intercept_, theirs.intercept_,
                                           atol=1e-6 * scale)


@pytest.mark.parametrize("lr", ["pa1", "pa2"])
@pytest.mark.parametrize("sparse", [False, True])
def test_sgd_passive_aggressive_matches_sklearn(lr, sparse):
    """learning_rate="pa1" / "pa2" (passive-aggressive, eta0 = C): scikit-learn's
    iterates for the same random_state (its shuffles), binary and one-vs-rest,
    regression, class and sample weights, with and without a penalty."""
    import scipy.sparse as sp

    X, y = load_iris(return_X_y=True)
    Xs = sp.csr_matrix(X) if sparse else X
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.5, 2.0, len(y))
    for kw in (dict(penalty=None, eta0=0.3), dict(penalty="l2", alpha=1e-3, eta0=1.0),
               dict(penalty=None, eta0=0.05, class_weight="balanced", fit_intercept=False)):
        for yy in (y == 2, y):
            args = dict(loss="hinge", learning_rate=lr, random_state=3, max_iter=6, tol=None,
                        **kw)
            ours = SGDClassifier(**args).fit(Xs, yy, sample_weight=sw)
            theirs = SL.SGDClassifier(**args).fit(Xs, yy, sample_weight=sw)
            np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-7, atol=1e-9)
            np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-7,
                                       atol=1e-9)
    Xr, yr = load_diabetes(return_X_y=True)
    Xr = sp.csr_matrix(Xr) if sparse else Xr
    args = dict(loss="epsilon_insensitive", epsilon=0.5, learning_rate=lr, eta0=0.2,
                penalty=None, random_state=1, max_iter=4, tol=None)
    ours = SGDRegressor(**args).fit(Xr, yr)
    theirs = SL.SGDRegressor(**args).fit(Xr, yr)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-7, atol=1e-9)


def test_sgd_passive_aggressive_needs_its_loss():
    X, y = load_iris(return_X_y=True)
    for est, loss, need in ((SGDClassifier, "log_loss", "hinge"),
                            (SGDRegressor, "squared_error", "epsilon_insensitive")):
        for lr in ("pa1", "pa2"):
            with pytest.raises(ValueError, match=f"'{lr}' only works with loss '{need}'"):
                est(loss=loss, learning_rate=lr).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::fastml.exceptions.ConvergenceWarning")
def test_sgd_stopping_objective_and_ovr_class_weights_match_sklearn():
    """Below 17 features fastml's SGD follows scikit-learn's iterates bit for
    bit: one-vs-rest class weights (the class's weight on its positives, 1 on
    the rest), and the stopping rule on scikit-learn 1.9's objective (loss +
    penalty), so n_iter_ and coef_ agree for every penalty."""
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    Xi = np.vstack([X] + [X[y == 0]] * 10)
    yi = np.concatenate([y] + [y[y == 0]] * 10)
    for kw in (dict(class_weight="balanced"), dict(class_weight={0: 0.2, 2: 3.0}),
               dict(penalty="l1", alpha=1e-3), dict(penalty="elasticnet", l1_ratio=0.3),
               dict(penalty=None, learning_rate="invscaling", eta0=0.1)):
        for yy in ((yi,) if isinstance(kw.get("class_weight"), dict) else (yi, yi == 1)):
            args = dict(max_iter=1000, shuffle=False, **kw)
            ours, theirs = SGDClassifier(**args).fit(Xi, yy), SL.SGDClassifier(**args).fit(Xi, yy)
            assert ours.n_iter_ == theirs.n_iter_
            np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-10,
                                       atol=1e-12)
    Xr, yr = load_diabetes(return_X_y=True)
    for pen in ("l2", "elasticnet"):
        args = dict(penalty=pen, alpha=0.01, random_state=0, max_iter=1000, tol=1e-3)
        ours, theirs = SGDRegressor(**args).fit(Xr, yr), SL.SGDRegressor(**args).fit(Xr, yr)
        assert ours.n_iter_ == theirs.n_iter_
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-9)


def test_liblinear_refuses_huge_values_as_sklearn():
    """solver="liblinear" with max(X) > 1e30: scikit-learn's ValueError (dense and
    sparse), before any overflowing step; 1e30 itself and the other solvers fit."""
    import scipy.sparse as sp

    X = np.array([0.0, 1e100]).reshape(-1, 1)
    y = np.array([0, 1])
    msg = "while X contains a maximum value > 1e30 results in a frozen fit"
    for Xf in (X, sp.csr_matrix(X)):
        with pytest.raises(ValueError, match=msg):
            LogisticRegression(solver="liblinear").fit(Xf, y)
    rng = np.random.default_rng(0)
    Xs = rng.standard_normal((40, 2))
    ys = (Xs[:, 0] > 0).astype(int)
    Xs[0, 1] = 1e30  # the bound itself is accepted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LogisticRegression(solver="liblinear").fit(Xs, ys)
