"""Ridge, LinearRegression, LogisticRegression and SGD on scipy.sparse input:
the same answer as on the dense matrix and as scikit-learn's sparse fit, the
solver rules scikit-learn applies to sparse data (solver_, errors), and no
dense copy of a large sparse input."""
import tracemalloc
import warnings

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
SL = pytest.importorskip("sklearn.linear_model")

from fastml._kernels import COMPILED  # noqa: E402
from fastml.exceptions import ConvergenceWarning  # noqa: E402
from fastml.linear_model import (ElasticNet, Lasso, LinearRegression,  # noqa: E402
                                 LogisticRegression, Ridge, SGDClassifier, SGDRegressor)


def _data(rng, n, d, density=0.3, offset=2.0, flavour="matrix", fmt="csr"):
    X = sp.random(n, d, density=density, format=fmt, random_state=int(rng.integers(1 << 30)),
                  data_rvs=lambda k: rng.standard_normal(k) + offset)
    if flavour == "array":
        X = sp.csr_array(X) if fmt == "csr" else sp.csc_array(X)
    w = rng.standard_normal(d)
    y = X @ w + 3.0 + 0.1 * rng.standard_normal(n)
    return X, np.asarray(y).ravel()


@pytest.mark.parametrize("solver", ["auto", "sparse_cg", "lsqr", "sag"])
@pytest.mark.parametrize("shape", [(80, 12), (30, 60)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("flavour", ["matrix", "array"])
def test_ridge_sparse_intercept_matches_dense_and_sklearn(rng, solver, shape, weighted, flavour):
    X, y = _data(rng, *shape, flavour=flavour)
    sw = rng.uniform(0.5, 2.0, shape[0]) if weighted else None
    kw = dict(alpha=0.7, solver=solver, tol=1e-12, max_iter=100000)
    ours = Ridge(**kw).fit(X, y, sample_weight=sw)
    dense = Ridge(alpha=0.7, solver="svd").fit(X.toarray(), y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, dense.coef_, rtol=1e-6, atol=1e-8)
    assert ours.intercept_ == pytest.approx(dense.intercept_, rel=1e-6, abs=1e-8)
    ref_solver = "sparse_cg" if solver == "sag" else solver  # scikit-learn's SAG is approximate
    theirs = SL.Ridge(**dict(kw, solver=ref_solver)).fit(sp.csr_matrix(X), y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6, atol=1e-8)
    assert ours.solver_ == ("sparse_cg" if solver == "auto" else solver)


@pytest.mark.parametrize("solver", ["cholesky", "sparse_cg", "lsqr", "sag", "saga"])
@pytest.mark.parametrize("shape", [(80, 12), (30, 60)])
def test_ridge_sparse_without_intercept(rng, solver, shape):
    X, y = _data(rng, *shape)
    sw = rng.uniform(0.5, 2.0, shape[0])
    ours = Ridge(alpha=0.3, solver=solver, fit_intercept=False, tol=1e-12).fit(
        X, y, sample_weight=sw)
    dense = Ridge(alpha=0.3, solver="svd", fit_intercept=False).fit(X.toarray(), y,
                                                                     sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, dense.coef_, rtol=1e-6, atol=1e-8)
    assert ours.intercept_ == 0.0


def test_ridge_sparse_positive_multi_target_and_alpha_per_target(rng):
    X, y = _data(rng, 60, 10)
    Y = np.column_stack([y, -y + 1.0])
    ours = Ridge(alpha=[0.5, 2.0], solver="sparse_cg", tol=1e-12).fit(X, Y)
    dense = Ridge(alpha=[0.5, 2.0], solver="svd").fit(X.toarray(), Y)
    np.testing.assert_allclose(ours.coef_, dense.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, dense.intercept_, rtol=1e-6)
    pos = Ridge(alpha=1.0, positive=True, tol=1e-12).fit(X, y)
    pos_dense = Ridge(alpha=1.0, positive=True, tol=1e-12).fit(X.toarray(), y)
    assert pos.solver_ == "lbfgs" and (pos.coef_ >= 0).all()
    np.testing.assert_allclose(pos.coef_, pos_dense.coef_, atol=1e-5)


def test_ridge_sparse_solver_rules_match_sklearn(rng):
    X, y = _data(rng, 40, 8)
    for solver in ("svd", "cholesky", "saga"):
        with pytest.raises(ValueError, match=f"solver='{solver}' does not support"):
            Ridge(solver=solver).fit(X, y)
    with pytest.raises(TypeError, match="SVD solver does not support sparse"):
        Ridge(solver="svd", fit_intercept=False).fit(X, y)
    with pytest.warns(UserWarning, match='"sag" solver requires many iterations'):
        Ridge(solver="sag", tol=1e-3).fit(X, y)
    assert Ridge(fit_intercept=False).fit(X, y).solver_ == "sparse_cg"
    assert Ridge().fit(X.toarray(), y).solver_ == "cholesky"
    # coo / lil / dok are accepted (converted to CSR), float32 stays float32
    for conv in (sp.coo_matrix, sp.lil_matrix, sp.dok_matrix):
        r = Ridge(tol=1e-12).fit(conv(X), y)
        np.testing.assert_allclose(r.predict(conv(X)), r.predict(X.toarray()), rtol=1e-10)
    assert Ridge().fit(X.astype(np.float32), y).coef_.dtype == np.float32


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("multi", [False, True])
def test_linear_regression_sparse_matches_sklearn(rng, weighted, multi):
    X, y = _data(rng, 70, 9)
    Y = np.column_stack([y, 2 * y]) if multi else y
    sw = rng.uniform(0.5, 2.0, 70) if weighted else None
    ours = LinearRegression().fit(X, Y, sample_weight=sw)
    theirs = SL.LinearRegression().fit(X, Y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-6, atol=1e-8)
    dense = LinearRegression().fit(X.toarray(), Y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, dense.coef_, rtol=1e-5, atol=1e-7)
    with pytest.raises(TypeError, match="dense data is required"):
        LinearRegression(positive=True).fit(X, y)


def test_linear_regression_copy_x_false_centres_in_place(rng):
    X = rng.standard_normal((10, 12))
    X0 = X.copy()
    y = rng.standard_normal(10)
    a = LinearRegression(copy_X=False, solver="lstsq").fit(X, y)
    assert not np.allclose(X, X0)  # overwritten, as copy_X=False allows
    b = LinearRegression().fit(X0, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    # the default (kernel form for wide X) needs no centred copy: X is left as is
    X1 = X0.copy()
    c = LinearRegression(copy_X=False).fit(X1, y)
    np.testing.assert_array_equal(X1, X0)
    np.testing.assert_allclose(c.coef_, b.coef_, atol=1e-10)


def _clf_data(rng, n=300, d=40, k=2):
    X = sp.random(n, d, density=0.2, format="csr", random_state=int(rng.integers(1 << 30)),
                  data_rvs=lambda m: rng.standard_normal(m))
    W = rng.standard_normal((k, d))
    y = np.asarray(X @ W.T).argmax(axis=1)
    return X, y


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky", "liblinear",
                                    "sag", "saga"])
@pytest.mark.parametrize("k", [2, 3])
def test_logistic_sparse_equals_dense(rng, solver, k):
    if solver == "liblinear" and k > 2:
        pytest.skip("liblinear is binary")
    X, y = _clf_data(rng, k=k)
    sw = rng.uniform(0.5, 2.0, X.shape[0])
    kw = dict(solver=solver, C=0.5, tol=1e-10, max_iter=1000)
    a = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    b = LogisticRegression(**kw).fit(X.toarray(), y, sample_weight=sw)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X.toarray()), atol=1e-8)


def test_logistic_sparse_matches_sklearn_and_l1(rng):
    X, y = _clf_data(rng, k=3)
    a = LogisticRegression(C=0.3, tol=1e-10, max_iter=1000).fit(X, y)
    b = SL.LogisticRegression(C=0.3, tol=1e-10, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-4, atol=1e-5)
    l1 = LogisticRegression(solver="saga", l1_ratio=1.0, C=0.2, tol=1e-8, max_iter=2000)
    l1.fit(X, y)
    l1d = LogisticRegression(solver="saga", l1_ratio=1.0, C=0.2, tol=1e-8,
                             max_iter=2000).fit(X.toarray(), y)
    np.testing.assert_allclose(l1.coef_, l1d.coef_, atol=1e-5)
    assert (l1.coef_ == 0).any()
    # sparsify keeps predictions
    p = l1.predict_proba(X)
    np.testing.assert_allclose(l1.sparsify().predict_proba(X), p)
    assert sp.issparse(l1.coef_)
    np.testing.assert_allclose(l1.densify().predict_proba(X), p)


def test_logistic_sparse_float32_and_liblinear_dtype(rng):
    X, y = _clf_data(rng)
    X32 = X.astype(np.float32)
    assert LogisticRegression().fit(X32, y).coef_.dtype == np.float32
    assert LogisticRegression(solver="liblinear").fit(X32, y).coef_.dtype == np.float64


@pytest.mark.parametrize("penalty", [None, "l2"])
def test_sgd_sparse_without_intercept_equals_dense(rng, penalty):
    # same shuffles, no intercept (sparse damps its step) and no L1 (lazy on
    # sparse rows): the sparse and dense epochs are the same arithmetic
    X, y = _data(rng, 120, 15)
    kw = dict(penalty=penalty, fit_intercept=False, random_state=3, max_iter=7, tol=None,
              learning_rate="constant", eta0=0.001)
    a = SGDRegressor(**kw).fit(X, y)
    b = SGDRegressor(**kw).fit(X.toarray(), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-12)
    Xc, yc = _clf_data(rng, k=3)
    a = SGDClassifier(penalty=penalty, fit_intercept=False, random_state=0, max_iter=5,
                      tol=None).fit(Xc, yc)
    b = SGDClassifier(penalty=penalty, fit_intercept=False, random_state=0, max_iter=5,
                      tol=None).fit(Xc.toarray(), yc)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-12)


def test_sgd_sparse_fits_well_and_l1_is_sparse(rng):
    X, y = _clf_data(rng, n=1000, d=30)
    for loss in ("hinge", "log_loss", "modified_huber"):
        clf = SGDClassifier(loss=loss, random_state=0, alpha=1e-4).fit(X, y)
        assert clf.score(X, y) > 0.9
    l1 = SGDClassifier(penalty="l1", alpha=0.01, random_state=0).fit(X, y)
    assert (l1.coef_ == 0).sum() > 0
    # sparse data damps the intercept step (0.01, as scikit-learn): both need
    # many epochs for the +3 bias and reach the same fit
    Xr, yr = _data(rng, 500, 10, offset=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = SGDRegressor(random_state=0, max_iter=2000, tol=1e-6).fit(Xr, yr)
        ref = SL.SGDRegressor(random_state=0, max_iter=2000, tol=1e-6).fit(Xr, yr)
    assert reg.score(Xr, yr) > 0.99
    assert reg.score(Xr, yr) == pytest.approx(ref.score(Xr, yr), abs=1e-3)


def test_sgd_coef_init_and_params(rng):
    X, y = _clf_data(rng, k=3)
    d = X.shape[1]
    with pytest.raises(ValueError, match="Provided coef_init does not match dataset"):
        SGDClassifier().fit(X, y, coef_init=np.zeros(d))
    with pytest.raises(ValueError, match="Provided intercept_init does not match dataset"):
        SGDClassifier().fit(X, y, intercept_init=np.zeros(2))
    with pytest.raises(ValueError, match="l1_ratio must be set"):
        SGDClassifier(penalty="elasticnet", l1_ratio=None).fit(X, y)
    with pytest.raises(ValueError, match="early_stopping should be False with partial_fit"):
        SGDClassifier(early_stopping=True).partial_fit(X, y, classes=np.unique(y))
    # warm start keeps the coefficients but restarts t_, as an explicit coef_init does
    a = SGDClassifier(shuffle=False, max_iter=5, tol=None).fit(X, y)
    b = SGDClassifier(shuffle=False, max_iter=5, tol=None, alpha=1e-3).fit(
        X, y, coef_init=a.coef_, intercept_init=a.intercept_)
    a.set_params(warm_start=True, alpha=1e-3).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_)
    assert a.t_ == b.t_
    # n_jobs runs the one-vs-rest problems on threads: same result
    c1 = SGDClassifier(random_state=0, n_jobs=1).fit(X, y)
    c2 = SGDClassifier(random_state=0, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(c1.coef_, c2.coef_)
    assert SGDRegressor().fit(X.astype(np.float32), y.astype(float)).coef_.dtype == np.float32


@pytest.mark.parametrize("Est", [SGDClassifier, SGDRegressor])
def test_sgd_early_stopping(rng, Est):
    X, y = _clf_data(rng, n=600, d=20)
    y = y.astype(float) if Est is SGDRegressor else y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = Est(early_stopping=True, validation_fraction=0.2, random_state=0, tol=1e-3,
                  max_iter=500).fit(X, y)
        assert est.n_iter_ < 500
        never = Est(early_stopping=True, random_state=0, tol=None, max_iter=12).fit(X, y)
        assert never.n_iter_ == 12
    with pytest.raises(ValueError, match="validation set are all zero"):
        Est(early_stopping=True, validation_fraction=0.5, random_state=0).fit(
            X, y, sample_weight=np.zeros(600))


def test_enet_params_and_errors(rng):
    X = rng.standard_normal((50, 6))
    y = X @ rng.standard_normal(6)
    Xc = X - X.mean(axis=0)
    G = Xc.T @ Xc
    a = ElasticNet(alpha=0.1, precompute=G, tol=1e-10).fit(Xc, y)
    b = ElasticNet(alpha=0.1, tol=1e-10).fit(Xc, y)
    np.testing.assert_allclose(a.coef_, b.coef_)
    with pytest.raises(ValueError, match="did not pass validation"):
        ElasticNet(alpha=0.1, precompute=G + 1.0).fit(Xc, y)
    with pytest.warns(UserWarning, match="recomputing Gram matrix"):
        ElasticNet(alpha=0.1, precompute=X.T @ X).fit(X + 5.0, y)
    with pytest.warns(UserWarning, match="With alpha=0"):
        Lasso(alpha=0, max_iter=5).fit(X, y)
    big = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="non-finite parameter values"):
            ElasticNet(alpha=0.1).fit(big, rng.integers(0, 2, 10))
    Xs = sp.csr_matrix(np.abs(X))
    assert sp.issparse(Lasso(alpha=0.01).fit(Xs, y).sparse_coef_)


@pytest.mark.skipif(not COMPILED, reason="a property of the compiled kernels: the NumPy twins "
                    "are the plain spec and build dense blocks")
def test_large_sparse_inputs_are_not_densified(rng):
    n, d = 20000, 20000  # dense: 3.2 GB
    X = sp.random(n, d, density=0.0005, format="csr", random_state=1,
                  data_rvs=lambda k: rng.lognormal(size=k))
    y = rng.integers(0, 3, n)
    yr = rng.standard_normal(n)
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    fits = (lambda X, y, yr: Ridge(solver="sparse_cg", max_iter=5).fit(X, yr).predict(X),
            lambda X, y, yr: Ridge(solver="lsqr", max_iter=5).fit(X, yr).predict(X),
            lambda X, y, yr: LinearRegression().fit(X[:, :2000], yr).predict(X[:, :2000]),
            lambda X, y, yr: LogisticRegression(max_iter=3).fit(X, y).predict_proba(X),
            lambda X, y, yr: SGDClassifier(max_iter=2).fit(X, y).predict(X),
            lambda X, y, yr: SGDRegressor(max_iter=2).fit(X, yr).predict(X))
    small = (X[:300], y[:300], yr[:300])
    for fit in fits:
        # the same fit on 300 rows first: lazy imports and JIT compilation
        # happen there, so the traced peak is the data's, not the modules'
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(*small)
        tracemalloc.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(X, y, yr)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 4 * nbytes + (16 << 20), (peak, nbytes)


@pytest.mark.parametrize("sparse", [False, True])
def test_enet_warm_start_at_the_optimum_sweeps_zero_times(rng, sparse):
    X = rng.standard_normal((50, 40))
    y = X[:, :5] @ rng.standard_normal(5)
    X = sp.csr_matrix(X) if sparse else X
    m = ElasticNet(alpha=1e-3, tol=1e-3).fit(X, y)
    assert m.n_iter_ > 1
    m.set_params(warm_start=True).fit(X, y)
    assert m.n_iter_ == 0
