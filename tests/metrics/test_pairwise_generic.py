"""pairwise_distances beyond the compiled kernels (scipy metrics, data-derived
V/VI, boolean metrics, weighted minkowski, haversine, nan_euclidean,
precomputed, callables) and euclidean_distances with given norms; oracle:
scipy.spatial.distance (and scikit-learn where it has the function)."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial.distance import cdist, pdist, squareform

from fastml.metrics import euclidean_distances, manhattan_distances, pairwise_distances

RNG = np.random.default_rng(0)
X = RNG.random((7, 4))
Y = RNG.random((5, 4))


@pytest.mark.parametrize("metric", ["braycurtis", "canberra", "correlation", "seuclidean",
                                    "mahalanobis"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scipy_metrics(metric, dtype):
    Xd = X.astype(dtype)
    np.testing.assert_allclose(pairwise_distances(Xd, metric=metric),
                               squareform(pdist(Xd.astype(np.float64), metric)), rtol=1e-6)
    kw = {}
    if metric == "seuclidean":
        kw = {"V": np.var(np.vstack([X, Y]), axis=0, ddof=1)}
    if metric == "mahalanobis":
        kw = {"VI": np.linalg.inv(np.cov(np.vstack([X, Y]).T)).T}
    np.testing.assert_allclose(pairwise_distances(X, Y, metric=metric, **kw),
                               cdist(X, Y, metric, **kw), rtol=1e-10)


@pytest.mark.parametrize("metric", ["seuclidean", "mahalanobis"])
def test_data_derived_parameter_required_with_y(metric):
    with pytest.raises(ValueError, match=r"The '(V|VI)' parameter is required"):
        pairwise_distances(X, Y, metric=metric)


@pytest.mark.parametrize("metric", ["dice", "jaccard", "rogerstanimoto", "russellrao",
                                    "sokalsneath", "yule"])
def test_boolean_metrics(metric):
    B1, B2 = RNG.random((6, 5)) > 0.5, RNG.random((4, 5)) > 0.5
    B1[:, 0] = B2[:, 0] = True  # no all-false rows (undefined for some metrics)
    np.testing.assert_allclose(pairwise_distances(B1, B2, metric=metric),
                               cdist(B1, B2, metric))
    from fastml.exceptions import DataConversionWarning

    with pytest.warns(DataConversionWarning, match="converted to boolean"):
        pairwise_distances(B1.astype(float), metric=metric)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataConversionWarning)
        pairwise_distances(B1, metric=metric)


def test_weighted_minkowski_brute_force():
    w = np.arange(1.0, 5.0)
    for p in (1, 1.5, 3):
        want = np.array([[np.sum(w * np.abs(a - b) ** p) ** (1 / p) for b in Y] for a in X])
        np.testing.assert_allclose(pairwise_distances(X, Y, metric="minkowski", p=p, w=w),
                                   want, rtol=1e-12)


def test_haversine_and_nan_euclidean():
    sk = pytest.importorskip("sklearn.metrics.pairwise")
    P = np.c_[RNG.uniform(-1.5, 1.5, 6), RNG.uniform(-3, 3, 6)]
    Q = np.c_[RNG.uniform(-1.5, 1.5, 3), RNG.uniform(-3, 3, 3)]
    np.testing.assert_allclose(pairwise_distances(P, Q, metric="haversine"),
                               sk.haversine_distances(P, Q))
    Xn, Yn = X.copy(), Y.copy()
    Xn[0, 1] = Yn[2, 3] = np.nan
    for dt in (np.float32, np.float64):
        D = pairwise_distances(Xn.astype(dt), Yn.astype(dt), metric="nan_euclidean")
        assert D.dtype == dt
        np.testing.assert_allclose(D, sk.nan_euclidean_distances(Xn, Yn), rtol=1e-5)
    assert not np.isnan(pairwise_distances(Xn, metric="nan_euclidean")).any()


def test_precomputed():
    D = np.abs(RNG.random((4, 4)))
    assert pairwise_distances(D, metric="precomputed") is D
    with pytest.raises(ValueError, match="shape"):
        pairwise_distances(np.zeros((5, 3)), metric="precomputed")
    with pytest.raises(ValueError, match="non-negative values"):
        pairwise_distances(-D, metric="precomputed")


def test_callable_metrics():
    f = lambda a, b, scale=1.0: scale * np.abs(a - b).sum()  # noqa: E731
    np.testing.assert_allclose(pairwise_distances(X, Y, metric=f, scale=2.0),
                               2.0 * cdist(X, Y, "cityblock"))
    np.testing.assert_allclose(pairwise_distances(sp.csr_matrix(X), metric=lambda a, b:
                                                  abs(a - b).sum()),
                               cdist(X, X, "cityblock"))
    assert pairwise_distances([[1.0]], metric=lambda a, b: 5)[0, 0] == 5
    np.testing.assert_allclose(
        pairwise_distances(["a", "ab", "abc"], metric=lambda a, b: abs(len(a) - len(b))),
        [[0, 1, 2], [1, 0, 1], [2, 1, 0]])


def test_sparse_refuses_scipy_and_minkowski():
    for metric in ("minkowski", "canberra"):
        with pytest.raises(TypeError):
            pairwise_distances(sp.csr_matrix(X), metric=metric)


@pytest.mark.parametrize("sparse", [False, True])
def test_euclidean_with_norms(sparse):
    Yc = sp.csr_matrix(Y) if sparse else Y
    xn = (X ** 2).sum(axis=1)
    yn = (Y ** 2).sum(axis=1)
    ref = cdist(X, Y)
    for kw in ({"X_norm_squared": xn}, {"Y_norm_squared": yn.reshape(1, -1)},
               {"X_norm_squared": xn.reshape(-1, 1), "Y_norm_squared": yn}):
        np.testing.assert_allclose(euclidean_distances(X, Yc, **kw), ref, rtol=1e-10)
    wrong = euclidean_distances(X, Yc, X_norm_squared=np.zeros_like(xn),
                                Y_norm_squared=np.zeros_like(yn))
    assert not np.allclose(wrong, ref)  # the given norms are used
    with pytest.raises(ValueError, match="Incompatible dimensions for X"):
        euclidean_distances(X, Y, X_norm_squared=xn[:3])
    # float32 norms are recomputed
    np.testing.assert_allclose(euclidean_distances(X, Y, X_norm_squared=xn.astype(np.float32)),
                               ref, rtol=1e-10)


def test_manhattan_distances_is_float64():
    assert manhattan_distances(X.astype(np.float32)).dtype == np.float64
    assert pairwise_distances(X.astype(np.float32), metric="manhattan").dtype == np.float32


def test_float32_sequences_keep_their_dtype():
    X32 = X.astype(np.float32)
    rows = tuple(tuple(r) for r in X32)
    D = pairwise_distances(rows, rows)
    assert D.dtype == np.float32
    np.testing.assert_allclose(D, pairwise_distances(X32), rtol=1e-6)
    assert np.all(np.diag(pairwise_distances(rows, rows)) == 0)


def test_haversine_and_nan_euclidean_functions():
    from fastml.metrics import haversine_distances, nan_euclidean_distances

    sk = pytest.importorskip("sklearn.metrics.pairwise")
    P = np.c_[RNG.uniform(-1.5, 1.5, 5), RNG.uniform(-3, 3, 5)]
    np.testing.assert_allclose(haversine_distances(P), sk.haversine_distances(P))
    Xn = X.copy()
    Xn[1, 2] = np.nan
    for squared in (False, True):
        np.testing.assert_allclose(nan_euclidean_distances(Xn, Y, squared=squared),
                                   sk.nan_euclidean_distances(Xn, Y, squared=squared))
    Xm = np.where(np.isnan(Xn), -1.0, Xn)
    np.testing.assert_allclose(nan_euclidean_distances(Xm, Y, missing_values=-1.0),
                               sk.nan_euclidean_distances(Xn, Y))
