"""Naive Bayes, Lasso/ElasticNet and pairwise metrics on scipy.sparse input
against scikit-learn on the same data: both sparse flavours, int32/int64
indices, CSR and CSC, and no dense copy of a large sparse input."""
import tracemalloc

import numpy as np
import pytest

from fastml._kernels import COMPILED

sp = pytest.importorskip("scipy.sparse")
sk_nb = pytest.importorskip("sklearn.naive_bayes")
sk_lm = pytest.importorskip("sklearn.linear_model")
sk_pw = pytest.importorskip("sklearn.metrics.pairwise")

from fastml import metrics  # noqa: E402
from fastml.linear_model import ElasticNet, Lasso  # noqa: E402
from fastml.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB  # noqa: E402

VARIANTS = [(fl, idx, fmt) for fl in ("matrix", "array") for idx in (np.int32, np.int64)
            for fmt in ("csr", "csc")]


def _sparse(rng, n, d, density, flavour="matrix", idx=np.int32, fmt="csr", counts=False,
            dtype=np.float64):
    rvs = (lambda k: rng.poisson(2.0, k) + 1.0) if counts else (lambda k: rng.lognormal(size=k))
    X = sp.random(n, d, density=density, format=fmt, random_state=int(rng.integers(1 << 30)),
                  data_rvs=rvs).astype(dtype)
    X.indices, X.indptr = X.indices.astype(idx), X.indptr.astype(idx)
    if flavour == "array":
        X = sp.csr_array(X) if fmt == "csr" else sp.csc_array(X)
    return X


def _i32(A):
    """A copy with int32 indices (parts of scikit-learn accept no others)."""
    A = sp.csr_matrix(A) if A.format == "csr" else sp.csc_matrix(A)
    A.indices, A.indptr = A.indices.astype(np.int32), A.indptr.astype(np.int32)
    return A


@pytest.mark.parametrize("flavour,idx,fmt", VARIANTS)
def test_multinomial_and_bernoulli_match_sklearn(rng, flavour, idx, fmt):
    X = _sparse(rng, 300, 120, 0.05, flavour, idx, fmt, counts=True)
    y = rng.integers(0, 4, 300)
    w = rng.random(300)
    for Ours, Theirs, kw in ((MultinomialNB, sk_nb.MultinomialNB, {}),
                             (BernoulliNB, sk_nb.BernoulliNB, {"binarize": 1.5}),
                             (BernoulliNB, sk_nb.BernoulliNB, {})):
        a = Ours(**kw).fit(X, y, sample_weight=w)
        b = Theirs(**kw).fit(X, y, sample_weight=w)
        np.testing.assert_allclose(a.feature_count_, b.feature_count_, rtol=1e-12)
        np.testing.assert_allclose(a.feature_log_prob_, b.feature_log_prob_, rtol=1e-12)
        np.testing.assert_allclose(a.predict_log_proba(X), b.predict_log_proba(X), rtol=1e-9,
                                   atol=1e-9)
        np.testing.assert_array_equal(a.predict(X), b.predict(X))
        # dense input gives the same model
        np.testing.assert_allclose(Ours(**kw).fit(X.toarray(), y, sample_weight=w)
                                   .feature_count_, a.feature_count_, rtol=1e-12)


def test_naive_bayes_partial_fit_and_errors(rng):
    X = _sparse(rng, 200, 50, 0.1, counts=True)
    y = rng.integers(0, 3, 200)
    a = MultinomialNB()
    a.partial_fit(X[:100], y[:100], classes=[0, 1, 2])
    a.partial_fit(X[100:], y[100:])
    b = sk_nb.MultinomialNB().fit(X, y)
    np.testing.assert_allclose(a.feature_log_prob_, b.feature_log_prob_, rtol=1e-12)
    with pytest.raises(TypeError, match="Sparse data was passed for X, but dense data is "
                                        "required"):
        GaussianNB().fit(X, y)
    Xn = X.copy()
    Xn.data[0] = -1
    with pytest.raises(ValueError, match="Negative values"):
        MultinomialNB().fit(Xn, y)
    with pytest.raises(ValueError, match="threshold < 0"):
        BernoulliNB(binarize=-1.0).fit(X, y)


@pytest.mark.parametrize("flavour,idx,fmt", VARIANTS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_matches_sklearn(rng, flavour, idx, fmt, fit_intercept):
    X = _sparse(rng, 200, 60, 0.1, flavour, idx, fmt)
    y = X @ rng.standard_normal(60) + rng.standard_normal(200) + 3.0
    for alpha in (0.01, 0.1):
        a = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-10, max_iter=10000).fit(X, y)
        # scikit-learn's coordinate descent takes int32 indices only
        b = sk_lm.Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-10,
                        max_iter=10000).fit(_i32(X), y)
        np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-6, atol=1e-7)
    # the same optimum as the dense fit
    d = Lasso(alpha=0.05, tol=1e-10, max_iter=10000).fit(X.toarray(), y)
    s = Lasso(alpha=0.05, tol=1e-10, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(s.coef_, d.coef_, rtol=1e-6, atol=1e-8)


def test_elastic_net_weights_and_positive_match_sklearn(rng):
    X = _sparse(rng, 150, 40, 0.15, fmt="csc")
    y = X @ rng.standard_normal(40) + rng.standard_normal(150)
    w = rng.random(150) + 0.2
    a = ElasticNet(alpha=0.05, l1_ratio=0.6, tol=1e-10, max_iter=20000).fit(X, y,
                                                                             sample_weight=w)
    b = sk_lm.ElasticNet(alpha=0.05, l1_ratio=0.6, tol=1e-10, max_iter=20000).fit(
        X, y, sample_weight=w)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-6, atol=1e-8)
    a = Lasso(alpha=0.02, positive=True, tol=1e-10, max_iter=20000).fit(X, y)
    b = sk_lm.Lasso(alpha=0.02, positive=True, tol=1e-10, max_iter=20000).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("flavour,idx,fmt", VARIANTS)
def test_pairwise_match_sklearn(rng, flavour, idx, fmt):
    X = _sparse(rng, 30, 25, 0.2, flavour, idx, fmt)
    Y = _sparse(rng, 20, 25, 0.2, flavour, idx, fmt)
    # scikit-learn's sparse manhattan takes int32 indices only
    X32, Y32 = sp.csr_matrix(X, dtype=np.float64), sp.csr_matrix(Y, dtype=np.float64)
    X32.indices, X32.indptr = X32.indices.astype(np.int32), X32.indptr.astype(np.int32)
    Y32.indices, Y32.indptr = Y32.indices.astype(np.int32), Y32.indptr.astype(np.int32)
    for metric in ("euclidean", "manhattan", "cosine", "cityblock", "l2"):
        np.testing.assert_allclose(metrics.pairwise_distances(X, Y, metric=metric),
                                   sk_pw.pairwise_distances(X32, Y32, metric=metric),
                                   rtol=1e-9, atol=1e-12)
        D = metrics.pairwise_distances(X, metric=metric)
        np.testing.assert_allclose(D, sk_pw.pairwise_distances(X32, metric=metric), rtol=1e-9,
                                   atol=1e-12)
        assert (np.diag(D) == 0).all()
    np.testing.assert_allclose(metrics.euclidean_distances(X, Y.toarray(), squared=True),
                               sk_pw.euclidean_distances(X, Y, squared=True), rtol=1e-9)
    np.testing.assert_allclose(metrics.cosine_similarity(X, Y),
                               sk_pw.cosine_similarity(X, Y), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(metrics.linear_kernel(X, Y), sk_pw.linear_kernel(X, Y),
                               rtol=1e-12)
    np.testing.assert_allclose(metrics.linear_kernel(X, Y, dense_output=False).toarray(),
                               sk_pw.linear_kernel(X, Y), rtol=1e-12)
    np.testing.assert_allclose(metrics.cosine_distances(X.toarray(), Y.toarray()),
                               sk_pw.cosine_distances(X, Y), rtol=1e-9, atol=1e-12)
    with pytest.raises(TypeError, match="sparse"):
        metrics.pairwise_distances(X, Y, metric="hamming")
    D32 = metrics.pairwise_distances(X.astype(np.float32), Y.astype(np.float32))
    assert D32.dtype == np.float32


@pytest.mark.skipif(not COMPILED, reason="a property of the compiled kernels: the NumPy twins "
                    "are the plain spec and build dense blocks")
def test_large_sparse_inputs_are_not_densified(rng):
    import warnings

    X = _sparse(rng, 20000, 20000, 0.0005, counts=True)  # dense: 3.2 GB
    y = rng.integers(0, 5, 20000)
    yr = rng.standard_normal(20000)
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    for fit in (lambda X, y, yr: MultinomialNB().fit(X, y).predict(X),
                lambda X, y, yr: BernoulliNB().fit(X, y).predict(X),
                lambda X, y, yr: Lasso(alpha=0.01, max_iter=5).fit(X, yr).predict(X)):
        with warnings.catch_warnings():  # lazy imports and JIT happen here, untraced
            warnings.simplefilter("ignore")
            fit(X[:300], y[:300], yr[:300])
        tracemalloc.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(X, y, yr)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 4 * nbytes + (16 << 20), (peak, nbytes)
