"""kNN on scipy.sparse input against scikit-learn (brute force on the same
sparse data): both sparse flavours, int32/int64 indices, float32/float64, the
sparse metrics, mixed dense/sparse fit and query, and memory: no dense copy of
a large sparse input."""
import tracemalloc
import warnings

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
skn = pytest.importorskip("sklearn.neighbors")

from fastml._kernels import COMPILED  # noqa: E402
from fastml.neighbors import (KNeighborsClassifier, KNeighborsRegressor,  # noqa: E402
                              NearestNeighbors)

FLAVOURS = [("matrix", np.int32), ("matrix", np.int64), ("array", np.int32),
            ("array", np.int64)]


def _sparse(rng, n, d, density, flavour="matrix", idx=np.int32, fmt="csr", dtype=np.float64):
    X = sp.random(n, d, density=density, format="csr", random_state=int(rng.integers(1 << 30)),
                  data_rvs=lambda k: rng.lognormal(size=k))
    # one more entry per row: no empty rows, whose exact distance ties scikit-learn
    # orders arbitrarily (fastml: lower index first)
    X = (X + sp.csr_matrix((rng.lognormal(size=n), (np.arange(n), rng.integers(0, d, n))),
                           shape=(n, d))).astype(dtype)
    X.indices, X.indptr = X.indices.astype(idx), X.indptr.astype(idx)
    X = X.asformat(fmt)
    if fmt == "csc":
        X.indices, X.indptr = X.indices.astype(idx), X.indptr.astype(idx)
    return sp.csr_array(X) if flavour == "array" and fmt == "csr" else \
        sp.csc_array(X) if flavour == "array" else X


def _i32(A):
    """A copy with int32 indices (parts of scikit-learn accept no others)."""
    A = sp.csr_matrix(A) if A.format == "csr" else sp.csc_matrix(A)
    A.indices, A.indptr = A.indices.astype(np.int32), A.indptr.astype(np.int32)
    return A


@pytest.mark.parametrize("flavour,idx", FLAVOURS)
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine", "l2", "cityblock"])
def test_kneighbors_match_sklearn(rng, flavour, idx, metric):
    X = _sparse(rng, 300, 80, 0.15, flavour, idx)
    Q = _sparse(rng, 40, 80, 0.15, flavour, idx)
    ours = NearestNeighbors(n_neighbors=6, metric=metric).fit(X)
    theirs = skn.NearestNeighbors(n_neighbors=6, metric=metric, algorithm="brute").fit(
        _i32(X))
    d1, i1 = ours.kneighbors(Q)
    d2, i2 = theirs.kneighbors(_i32(Q))
    np.testing.assert_allclose(d1, d2, rtol=1e-7, atol=1e-7)
    np.testing.assert_array_equal(i1, i2)
    # the training points themselves (each excluding itself)
    d1, i1 = ours.kneighbors()
    d2, i2 = theirs.kneighbors()
    np.testing.assert_allclose(d1, d2, rtol=1e-7, atol=1e-7)
    np.testing.assert_array_equal(i1, i2)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_classifier_and_regressor_match_sklearn(rng, fmt, weights):
    X = _sparse(rng, 400, 60, 0.15, fmt=fmt)
    Q = _sparse(rng, 50, 60, 0.15, fmt=fmt)
    y = rng.integers(0, 3, 400)
    yr = rng.standard_normal(400)
    for Ours, Theirs, t in ((KNeighborsClassifier, skn.KNeighborsClassifier, y),
                            (KNeighborsRegressor, skn.KNeighborsRegressor, yr)):
        a = Ours(n_neighbors=5, weights=weights).fit(X, t)
        b = Theirs(n_neighbors=5, weights=weights, algorithm="brute").fit(X, t)
        np.testing.assert_allclose(a.predict(Q), b.predict(Q), rtol=1e-10)
        np.testing.assert_allclose(a.predict(Q.toarray()), b.predict(Q), rtol=1e-10)
    np.testing.assert_allclose(
        KNeighborsClassifier(5).fit(X, y).predict_proba(Q),
        skn.KNeighborsClassifier(5, algorithm="brute").fit(X, y).predict_proba(Q))


def test_float32_stays_float32_and_sqeuclidean(rng):
    X = _sparse(rng, 200, 50, 0.1, dtype=np.float32)
    Q = _sparse(rng, 30, 50, 0.1, dtype=np.float32)
    d, i = NearestNeighbors(n_neighbors=4, metric="sqeuclidean").fit(X).kneighbors(Q)
    assert d.dtype == np.float32
    ref = ((Q.toarray()[:, None, :].astype(np.float64) - X.toarray()[None]) ** 2).sum(-1)
    np.testing.assert_allclose(d, np.take_along_axis(ref, i, 1), rtol=1e-5)
    np.testing.assert_allclose(d, np.sort(ref, 1)[:, :4], rtol=1e-5)


def test_dense_fit_sparse_query_and_kd_tree_rules(rng):
    X = _sparse(rng, 300, 20, 0.2)
    Q = _sparse(rng, 600, 20, 0.2)  # more than one densified chunk
    Xd = X.toarray()
    y = rng.integers(0, 2, 300)
    brute = KNeighborsClassifier(3, algorithm="brute").fit(Xd, y)
    np.testing.assert_array_equal(brute.kneighbors(Q)[1], brute.kneighbors(Q.toarray())[1])
    tree = KNeighborsClassifier(3, algorithm="kd_tree").fit(Xd, y)
    with pytest.raises(ValueError, match="kd_tree does not work with sparse matrices"):
        tree.predict(Q)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        est = KNeighborsClassifier(3, algorithm="kd_tree").fit(X, y)
    assert any("cannot use tree with sparse input" in str(x.message) for x in w)
    assert est._fit_method == "brute"
    np.testing.assert_array_equal(est.predict(Q), brute.predict(Q))
    with pytest.raises(ValueError, match="not valid for sparse input"):
        NearestNeighbors(metric="chebyshev").fit(X)
    with pytest.raises(ValueError, match="not valid for sparse input"):
        NearestNeighbors(metric="minkowski", p=3).fit(X)
    # dense cosine runs the exact generic brute force: same neighbours as the CSR kernel
    dense_cos = NearestNeighbors(n_neighbors=3, metric="cosine").fit(Xd).kneighbors(Xd[:5])
    sparse_cos = NearestNeighbors(n_neighbors=3, metric="cosine").fit(X).kneighbors(X[:5])
    np.testing.assert_allclose(dense_cos[0], sparse_cos[0], atol=1e-6)


def test_radius_and_graphs_match_sklearn(rng):
    X = _sparse(rng, 200, 30, 0.1)
    Q = _sparse(rng, 20, 30, 0.1)
    for metric, r in (("euclidean", 2.0), ("manhattan", 3.0), ("cosine", 0.8)):
        ours = NearestNeighbors(radius=r, metric=metric).fit(X)
        theirs = skn.NearestNeighbors(radius=r, metric=metric, algorithm="brute").fit(X)
        a = ours.radius_neighbors_graph(Q, mode="distance", sort_results=True)
        b = theirs.radius_neighbors_graph(Q, mode="distance", sort_results=True)
        np.testing.assert_allclose(a.toarray(), b.toarray(), rtol=1e-7, atol=1e-7)
        np.testing.assert_array_equal(a.indices, b.indices)
    g1 = NearestNeighbors(n_neighbors=3).fit(X).kneighbors_graph(mode="distance")
    g2 = skn.NearestNeighbors(n_neighbors=3, algorithm="brute").fit(X).kneighbors_graph(
        mode="distance")
    np.testing.assert_allclose(g1.toarray(), g2.toarray(), rtol=1e-7, atol=1e-7)


def test_pickle_round_trip(rng):
    import pickle
    X = _sparse(rng, 100, 30, 0.1, "array", np.int64)
    est = KNeighborsRegressor(3, metric="cosine").fit(X, rng.standard_normal(100))
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict(X), est.predict(X))


@pytest.mark.skipif(not COMPILED, reason="a property of the compiled kernels: the NumPy twins "
                    "are the plain spec and build dense blocks")
def test_no_dense_copy_of_a_large_sparse_input(rng):
    # 20000 x 20000 at 0.05%: dense would be 3.2 GB; the search keeps the CSR,
    # its CSC twin and one row of n keys per thread
    X = _sparse(rng, 20000, 20000, 0.0005)
    Q = X[:200]
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    tracemalloc.start()
    est = NearestNeighbors(n_neighbors=5).fit(X)
    est.kneighbors(Q)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 3 * nbytes + (8 << 20), (peak, nbytes)
