"""KDTree and brute force against the exact float64 brute-force oracle
(fastml._kernels.reference.neighbors), including the tie rule: among equal
distances the lower training index comes first."""
import pickle

import numpy as np
import pytest

import fastml
from fastml._kernels import neighbors as kn
from fastml._kernels.reference import neighbors as ref
from fastml.neighbors import KDTree

METRICS = [("euclidean", 2), ("sqeuclidean", 2), ("manhattan", 1), ("chebyshev", 2),
           ("minkowski", 3)]


def clustered(rng, n, d, dtype):
    centres = rng.normal(0, 5, size=(8, d))
    return (centres[rng.integers(0, 8, n)] + rng.standard_normal((n, d))).astype(dtype)


def oracle(X, Q, k, metric, p):
    return ref.knn(X.astype(np.float64), Q.astype(np.float64), k, metric, p)


def check_against_oracle(dist, ind, X, Q, k, metric, p):
    od, oi = oracle(X, Q, k, metric, p)
    assert dist.dtype == X.dtype and ind.dtype == np.int64 and ind.shape == (len(Q), k)
    if X.dtype == np.float64:
        np.testing.assert_array_equal(ind, oi)
        np.testing.assert_allclose(dist, od, rtol=1e-12, atol=1e-12)
    else:  # float32: near-ties may swap; distances must match the true ones
        np.testing.assert_allclose(dist, od, rtol=2e-5, atol=2e-5)
        red = ref.reduced_distances(Q.astype(np.float64), X.astype(np.float64), metric, p)
        true = ref.finish(np.take_along_axis(red, ind, axis=1), metric, p)
        np.testing.assert_allclose(true, od, rtol=2e-5, atol=2e-5)
        assert (np.sort(ind, axis=1)[:, 1:] != np.sort(ind, axis=1)[:, :-1]).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("d", [1, 3, 8, 17, 64])
def test_tree_and_brute_match_oracle(dtype, metric, p, d, rng):
    n = 300
    X = clustered(rng, n, d, dtype)
    Q = clustered(rng, 40, d, dtype)
    tree = KDTree(X, leaf_size=7, metric=metric, p=p)
    for k in (1, 10, 40, n):
        dist, ind = tree.query(Q, k=k)
        check_against_oracle(dist, ind, X, Q, k, metric, p)
        dist, ind = kn.brute_knn(X, Q, k, metric, float(p))
        check_against_oracle(dist, ind, X, Q, k, metric, p)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", METRICS)
def test_tie_rule_on_integer_grid(dtype, metric, p, rng, cpu_level):
    # many exactly equal distances (small integer coordinates, duplicates)
    for d in (1, 2, 3, 20):
        X = rng.integers(0, 3, size=(200, d)).astype(dtype)
        Q = rng.integers(0, 3, size=(30, d)).astype(dtype)
        od, oi = oracle(X, Q, 25, metric, p)
        for leaf in (1, 4, 40):
            dist, ind = KDTree(X, leaf_size=leaf, metric=metric, p=p).query(Q, k=25)
            np.testing.assert_array_equal(ind, oi)
        dist, ind = kn.brute_knn(X, Q, 25, metric, float(p))
        np.testing.assert_array_equal(ind, oi)
        np.testing.assert_allclose(dist, od, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("d", [2, 3])
def test_low_d_knn_paths(dtype, d, rng, cpu_level):
    # k-nearest at d = 2, 3 (kernels specialised on d): the first leaf fills the
    # empty top-k by rank (or by insertions when it holds equal distances), later
    # leaves go through the bit-mask filter; leaves smaller and larger than k, and
    # larger than 64 points; duplicated points and queries on data points (ties)
    X = clustered(rng, 1000, d, dtype)
    X[::50] = X[1::50]
    Q = np.concatenate([clustered(rng, 60, d, dtype), X[:40]])
    for leaf in (3, 12, 40, 150):
        t = KDTree(X, leaf_size=leaf)
        for k in (1, 10, 32, 33):
            dist, ind = t.query(Q, k=k)
            check_against_oracle(dist, ind, X, Q, k, "euclidean", 2)
    dist, ind = KDTree(X, leaf_size=40, metric="manhattan").query(Q, k=7)
    check_against_oracle(dist, ind, X, Q, 7, "manhattan", 1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("d", [3, 8, 13, 29])
def test_grouped_search(dtype, d, rng, cpu_level):
    # >= 2048 queries with d <= 32 run as groups sharing a home leaf (k <= 32,
    # euclidean / manhattan / chebyshev): against the oracle on a subset and
    # brute force on all, at 1 and 2 threads (d = 2: test_sorted_and_duplicated...)
    X = clustered(rng, 2000, d, dtype)
    X[::40] = X[1::40]
    Q = np.concatenate([clustered(rng, 2000, d, dtype), X[::10]])
    sub = np.r_[0:100, len(Q) - 100:len(Q)]
    t = KDTree(X, leaf_size=20)
    prev = fastml.get_num_threads()
    try:
        for k in (1, 10, 32):
            fastml.set_num_threads(1)
            dist, ind = t.query(Q, k=k)
            fastml.set_num_threads(2)
            d2, i2 = t.query(Q, k=k)
            np.testing.assert_array_equal(i2, ind)
            np.testing.assert_array_equal(d2, dist)
            check_against_oracle(dist[sub], ind[sub], X, Q[sub], k, "euclidean", 2)
            if dtype == np.float64:
                np.testing.assert_array_equal(ind, kn.brute_knn(X, Q, k, "euclidean")[1])
            # smaller batches (grouped from 512 queries at d >= 4, else one by one)
            dp, ip = t.query(Q[:700], k=k)
            np.testing.assert_array_equal(ip, ind[:700])
            np.testing.assert_array_equal(dp, dist[:700])
    finally:
        fastml.set_num_threads(prev)
    dist, ind = KDTree(X, leaf_size=100).query(Q, k=10)  # leaves above 64 points
    check_against_oracle(dist[sub], ind[sub], X, Q[sub], 10, "euclidean", 2)
    for metric, p in (("sqeuclidean", 2), ("manhattan", 1), ("chebyshev", 2)):
        dist, ind = KDTree(X, leaf_size=20, metric=metric).query(Q, k=5)
        check_against_oracle(dist[sub], ind[sub], X, Q[sub], 5, metric, p)


def test_all_identical_points():
    X = np.ones((5000, 3))
    t = KDTree(X, leaf_size=10)
    dist, ind = t.query(np.ones((3, 3)), k=7)
    np.testing.assert_array_equal(ind, np.tile(np.arange(7), (3, 1)))
    np.testing.assert_array_equal(dist, 0)
    dist, ind = kn.brute_knn(X, np.zeros((2, 3)), 4, "euclidean")
    np.testing.assert_array_equal(ind, np.tile(np.arange(4), (2, 1)))


def test_sorted_and_duplicated_large_build(rng):
    # sorted coordinates, long runs of duplicates, parallel build and query order
    n = 60000
    X = np.repeat(np.arange(n // 20, dtype=np.float64), 20)[:, None] * np.ones((1, 2))
    X[:, 1] = np.sort(rng.integers(0, 50, n))
    t = KDTree(X, leaf_size=16)
    Q = X[rng.integers(0, n, 3000)] + 0.25
    dist, ind = t.query(Q, k=5)
    bd, bi = kn.brute_knn(X, Q, 5, "euclidean")
    np.testing.assert_array_equal(ind, bi)
    np.testing.assert_array_equal(dist, bd)
    od, oi = oracle(X, Q[:50], 5, "euclidean", 2)
    np.testing.assert_array_equal(ind[:50], oi)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_thread_count_and_batch_independence(dtype, rng):
    X = clustered(rng, 5000, 4, dtype)
    Q = clustered(rng, 3000, 4, dtype)
    t = KDTree(X)
    prev = fastml.get_num_threads()
    try:
        fastml.set_num_threads(1)
        r1 = t.query(Q, k=12)
        b1 = kn.brute_knn(X, Q, 12, "euclidean")
        fastml.set_num_threads(2)
        r2 = t.query(Q, k=12)
        b2 = kn.brute_knn(X, Q, 12, "euclidean")
    finally:
        fastml.set_num_threads(prev)
    for a, b in ((r1, r2), (b1, b2)):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    parts = [t.query(Q[i:i + 7], k=12)[1] for i in range(0, 700, 7)]
    np.testing.assert_array_equal(np.concatenate(parts), r2[1][:700])
    np.testing.assert_array_equal(r2[1], b2[1]) if dtype == np.float64 else None


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_brute_gemm_path_exact_and_tile_independent(dtype, rng):
    # d >= 16 uses BLAS candidates + direct recompute; a large offset makes the
    # norm expansion cancel badly, which the exactness check must catch
    for offset in (0.0, 1000.0):
        X = clustered(rng, 5000, 32, dtype) + dtype(offset)
        X[100:110] = X[5]  # exact duplicates: ties at distance 0
        Q = np.concatenate([X[:20], clustered(rng, 20, 32, dtype) + dtype(offset)])
        dist, ind = kn.brute_knn(X, Q, 15, "euclidean")
        check_against_oracle(dist, ind, X, Q, 15, "euclidean", 2)
        np.testing.assert_array_equal(ind[5, :11], [5] + list(range(100, 110)))
        for step in (1, 13):
            part = np.concatenate([kn.brute_knn(X, Q[i:i + step], 15, "euclidean")[1]
                                   for i in range(0, len(Q), step)])
            np.testing.assert_array_equal(part, ind)


@pytest.mark.parametrize("d", [24, 300])
def test_brute_float32_many_queries_path(d, rng, cpu_level):
    # float32 with >= 64 queries per thread runs fastml's own GEMM over query
    # tiles (d = 300 spans two K blocks); answers must equal the oracle's and
    # those of small batches (the BLAS path), at any thread count
    for offset in (0.0, 300.0):
        X = clustered(rng, 1500, d, np.float32) + np.float32(offset)
        X[100:110] = X[5]
        Q = np.concatenate([X[:30], clustered(rng, 200, d, np.float32) + np.float32(offset)])
        prev = fastml.get_num_threads()
        try:
            fastml.set_num_threads(2)
            dist, ind = kn.brute_knn(X, Q, 12, "euclidean")
            fastml.set_num_threads(1)
            d1, i1 = kn.brute_knn(X, Q, 12, "euclidean")
        finally:
            fastml.set_num_threads(prev)
        check_against_oracle(dist, ind, X, Q, 12, "euclidean", 2)
        np.testing.assert_array_equal(ind[5, :11], [5] + list(range(100, 110)))
        np.testing.assert_array_equal(i1, ind)
        np.testing.assert_array_equal(d1, dist)
        small = np.concatenate([kn.brute_knn(X, Q[i:i + 40], 12, "euclidean")[1]
                                for i in range(0, len(Q), 40)])
        np.testing.assert_array_equal(small, ind)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", METRICS)
def test_query_radius(dtype, metric, p, rng):
    X = rng.integers(0, 5, size=(400, 3)).astype(dtype)
    Q = rng.integers(0, 5, size=(25, 3)).astype(dtype)
    t = KDTree(X, leaf_size=8, metric=metric, p=p)
    for r in (0.0, 1.0, 2.5, rng.uniform(0, 3, 25)):
        rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (25,))
        oi, od = ref.radius(X.astype(np.float64), Q.astype(np.float64), rr, metric, p, True)
        counts = t.query_radius(Q, r, count_only=True)
        np.testing.assert_array_equal(counts, [len(a) for a in oi])
        ind = t.query_radius(Q, r)
        for a, b in zip(ind, oi):
            np.testing.assert_array_equal(np.sort(a), np.sort(b))
        ind, dist = t.query_radius(Q, r, return_distance=True, sort_results=True)
        for a, b, c, e in zip(ind, oi, dist, od):
            np.testing.assert_array_equal(a, np.asarray(b))
            np.testing.assert_allclose(c, e, rtol=1e-6)
            assert c.dtype == dtype


def test_pickle_round_trip_does_not_rebuild(rng, monkeypatch):
    X = clustered(rng, 2000, 5, np.float32)
    t = KDTree(X, leaf_size=12, metric="manhattan")
    blob = pickle.dumps(t)
    monkeypatch.setattr(kn, "build_tree", lambda *a, **k: pytest.fail("rebuilt"))
    t2 = pickle.loads(blob)
    Q = clustered(rng, 100, 5, np.float32)
    for a, b in zip(t.query(Q, k=9), t2.query(Q, k=9)):
        np.testing.assert_array_equal(a, b)
    assert t2.query(Q, k=1)[0].dtype == np.float32


def test_kdtree_errors(rng):
    X = rng.standard_normal((20, 3))
    with pytest.raises(ValueError, match="NaN"):
        KDTree(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="infinity"):
        KDTree(np.array([[np.inf, 1.0]]))
    with pytest.raises(ValueError, match="0 sample"):
        KDTree(np.empty((0, 3)))
    with pytest.raises(ValueError, match="leaf_size"):
        KDTree(X, leaf_size=0)
    with pytest.raises(ValueError, match="'metric' parameter of KDTree"):
        KDTree(X, metric="cosine")
    with pytest.raises(ValueError, match="p must be"):
        KDTree(X, metric="minkowski", p=0.5)
    t = KDTree(X)
    with pytest.raises(ValueError, match="k must be less"):
        t.query(X, k=21)
    with pytest.raises(ValueError, match="'k' parameter of KDTree.query must be an int"):
        t.query(X, k=0)
    with pytest.raises(ValueError, match="features"):
        t.query(np.ones((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        t.query(np.full((1, 3), np.nan))
    with pytest.raises(ValueError, match="r must be"):
        t.query_radius(X, -1.0)
    with pytest.raises(ValueError, match="count_only"):
        t.query_radius(X, 1.0, count_only=True, return_distance=True)
    assert t.query(X, k=20)[1].shape == (20, 20)


def test_each_cpu_level_same_answer(cpu_level, rng):
    X = clustered(rng, 3000, 5, np.float64)
    Q = clustered(rng, 2500, 5, np.float64)
    dist, ind = KDTree(X, leaf_size=20).query(Q, k=6)
    od, oi = oracle(X, Q[:100], 6, "euclidean", 2)
    np.testing.assert_array_equal(ind[:100], oi)
    bd, bi = kn.brute_knn(X, Q, 6, "manhattan")
    np.testing.assert_array_equal(bi[:100], oracle(X, Q[:100], 6, "manhattan", 1)[1])


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), d=st.integers(1, 6), nq=st.integers(1, 9),
       leaf=st.integers(1, 12), seed=st.integers(0, 2**16), data=st.data())
def test_property_shapes(n, d, nq, leaf, seed, data):
    k = data.draw(st.integers(1, n))
    metric, p = data.draw(st.sampled_from(METRICS))
    r = np.random.default_rng(seed)
    X = r.integers(-2, 3, size=(n, d)).astype(np.float64)
    Q = r.integers(-2, 3, size=(nq, d)).astype(np.float64)
    od, oi = oracle(X, Q, k, metric, p)
    dist, ind = KDTree(X, leaf_size=leaf, metric=metric, p=p).query(Q, k=k)
    np.testing.assert_array_equal(ind, oi)
    dist, ind = kn.brute_knn(X, Q, k, metric, float(p))
    np.testing.assert_array_equal(ind, oi)
