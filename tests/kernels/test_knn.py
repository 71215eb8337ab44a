"""Brute-force k-nearest-neighbour kernels (fastml._kernels.knn) against the
exact float64 oracle (the twin, reference/knn.py) at every SIMD level: every
path (direct SIMD tiles, BLAS candidates + exact recompute, the float32 own
GEMM with its filtered micro-kernel), the tie rule (lower index first among
equal distances) and thread-count / batch independence."""
import numpy as np
import pytest

from fastml._kernels import _threads
from fastml._kernels import knn as kb
from fastml._kernels.reference import knn as ref
from fastml.utils._testing import KNN_METRICS, check_knn_against_oracle, clustered, knn_oracle



@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", KNN_METRICS)
@pytest.mark.parametrize("d", [1, 3, 8, 17, 64])
def test_matches_oracle(dtype, metric, p, d, rng):
    n = 300
    X = clustered(rng, n, d, dtype)
    Q = clustered(rng, 40, d, dtype)
    for k in (1, 10, 40, n):
        dist, ind = kb.brute_knn(X, Q, k, metric, float(p))
        check_knn_against_oracle(dist, ind, X, Q, k, metric, p)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 17, 65, 1023])
@pytest.mark.parametrize("d", [1, 7, 9, 16, 17])
def test_tail_sizes_match_twin(cpu_level, rng, dtype, n, d):
    # database sizes around the tile / panel widths of every level, feature
    # counts on both sides of the GEMM threshold (16); read-only inputs
    X = clustered(rng, n, d, dtype)
    Q = clustered(rng, 9, d, dtype)
    X.flags.writeable = False
    Q.flags.writeable = False
    for metric, p in (("euclidean", 2), ("manhattan", 1)):
        for k in sorted({1, min(n, 7), n}):
            dist, ind = kb.brute_knn(X, Q, k, metric, float(p))
            check_knn_against_oracle(dist, ind, X, Q, k, metric, p)
            rd, ri = ref.brute_knn(X, Q, k, metric, float(p))
            np.testing.assert_allclose(dist, rd, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", KNN_METRICS)
def test_tie_rule_on_integer_grid(dtype, metric, p, rng, cpu_level):
    # many exactly equal distances (small integer coordinates, duplicates)
    for d in (1, 2, 3, 20):
        X = rng.integers(0, 3, size=(200, d)).astype(dtype)
        Q = rng.integers(0, 3, size=(30, d)).astype(dtype)
        od, oi = knn_oracle(X, Q, 25, metric, p)
        dist, ind = kb.brute_knn(X, Q, 25, metric, float(p))
        np.testing.assert_array_equal(ind, oi)
        np.testing.assert_allclose(dist, od, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,d", [("euclidean", 3), ("euclidean", 18), ("manhattan", 18),
                                      ("chebyshev", 5), ("sqeuclidean", 40)])
def test_large_k_scan_cuts_and_slices(dtype, metric, d, rng, cpu_level):
    # the fused scan's candidate buffers are cut many times (k up to 150 of 3000
    # points), few queries split the points into per-thread slices and many
    # queries do not; duplicates put exact ties across the cuts
    X = clustered(rng, 3000, d, dtype)
    X[2000:2040] = X[7]
    Q = np.concatenate([X[:3], clustered(rng, 300, d, dtype)])
    for k in (33, 100, 150):
        for nq, threads in ((1, 2), (3, 2), (len(Q), 2), (len(Q), 1)):
            with _threads.scope(threads):
                dist, ind = kb.brute_knn(X, Q[:nq], k, metric)
            check_knn_against_oracle(dist, ind, X, Q[:nq], k, metric, 2)
    np.testing.assert_array_equal(kb.brute_knn(X, X[7:8], 41, metric)[1][0],
                                  [7] + list(range(2000, 2040)))


def test_all_identical_points():
    X = np.ones((5000, 3))
    dist, ind = kb.brute_knn(X, np.zeros((2, 3)), 4, "euclidean")
    np.testing.assert_array_equal(ind, np.tile(np.arange(4), (2, 1)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,d", [("euclidean", 4), ("euclidean", 32), ("manhattan", 4)])
def test_thread_count_and_batch_independence(dtype, metric, d, rng):
    X = clustered(rng, 5000, d, dtype)
    Q = clustered(rng, 3000, d, dtype)
    res = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            res.append(kb.brute_knn(X, Q, 12, metric))
    for r in res[1:]:
        np.testing.assert_array_equal(r[0], res[0][0])
        np.testing.assert_array_equal(r[1], res[0][1])
    parts = [kb.brute_knn(X, Q[i:i + 7], 12, metric)[1] for i in range(0, 700, 7)]
    np.testing.assert_array_equal(np.concatenate(parts), res[0][1][:700])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gemm_path_exact_and_tile_independent(dtype, rng):
    # d >= 16 uses BLAS candidates + direct recompute; a large offset makes the
    # norm expansion cancel badly, which the exactness check must catch
    for offset in (0.0, 1000.0):
        X = clustered(rng, 5000, 32, dtype) + dtype(offset)
        X[100:110] = X[5]  # exact duplicates: ties at distance 0
        Q = np.concatenate([X[:20], clustered(rng, 20, 32, dtype) + dtype(offset)])
        dist, ind = kb.brute_knn(X, Q, 15, "euclidean")
        check_knn_against_oracle(dist, ind, X, Q, 15, "euclidean", 2)
        np.testing.assert_array_equal(ind[5, :11], [5] + list(range(100, 110)))
        for step in (1, 13):
            part = np.concatenate([kb.brute_knn(X, Q[i:i + step], 15, "euclidean")[1]
                                   for i in range(0, len(Q), step)])
            np.testing.assert_array_equal(part, ind)


@pytest.mark.parametrize("d", [24, 300])
def test_float32_many_queries_path(d, rng, cpu_level):
    # float32 with >= 128 queries per thread runs fastml's own GEMM over query
    # tiles (d = 300 spans two K blocks: no filtered micro-kernel); answers must
    # equal the oracle's and those of small batches (the BLAS path), at any
    # thread count
    for offset in (0.0, 300.0):
        X = clustered(rng, 1500, d, np.float32) + np.float32(offset)
        X[100:110] = X[5]
        Q = np.concatenate([X[:30], clustered(rng, 200, d, np.float32) + np.float32(offset)])
        res = []
        for n in (1, 2, 3):
            with _threads.scope(n):
                res.append(kb.brute_knn(X, Q, 12, "euclidean"))
        dist, ind = res[0]
        check_knn_against_oracle(dist, ind, X, Q, 12, "euclidean", 2)
        np.testing.assert_array_equal(ind[5, :11], [5] + list(range(100, 110)))
        for d2, i2 in res[1:]:
            np.testing.assert_array_equal(i2, ind)
            np.testing.assert_array_equal(d2, dist)
        small = np.concatenate([kb.brute_knn(X, Q[i:i + 40], 12, "euclidean")[1]
                                for i in range(0, len(Q), 40)])
        np.testing.assert_array_equal(small, ind)


@pytest.mark.parametrize("k", [1, 8, 33])
def test_float32_own_path_filter_tails(k, rng, cpu_level):
    # the filtered micro-kernel on database sizes that end mid-panel and
    # mid-key-block (512 columns), query tiles that end mid-row-panel
    for n in (97, 513, 1100):
        X = clustered(rng, n, 20, np.float32)
        Q = clustered(rng, 300 + 5, 20, np.float32)
        with _threads.scope(1):
            dist, ind = kb.brute_knn(X, Q, k, "euclidean")
        check_knn_against_oracle(dist, ind, X, Q, k, "euclidean", 2)


def test_each_cpu_level_same_answer(cpu_level, rng):
    X = clustered(rng, 3000, 5, np.float64)
    Q = clustered(rng, 2500, 5, np.float64)
    bd, bi = kb.brute_knn(X, Q, 6, "manhattan")
    np.testing.assert_array_equal(bi[:100], knn_oracle(X, Q[:100], 6, "manhattan", 1)[1])


def test_callable_metric_matches_twin(rng):
    pytest.importorskip("numba")
    X = rng.integers(0, 4, size=(120, 3)).astype(np.float64)
    Q = rng.integers(0, 4, size=(15, 3)).astype(np.float64)

    def l1(a, b):
        s = 0.0
        for i in range(a.shape[0]):
            s += abs(a[i] - b[i])
        return s

    od, oi = ref.brute_knn_callable(X, Q, 9, l1)
    for n in (1, 2):
        with _threads.scope(n):
            d, i = kb.brute_knn_callable(X, Q, 9, l1)
        np.testing.assert_array_equal(i, oi)
        np.testing.assert_allclose(d, od)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), d=st.integers(1, 6), nq=st.integers(1, 9),
       seed=st.integers(0, 2**16), data=st.data())
def test_property_shapes(n, d, nq, seed, data):
    k = data.draw(st.integers(1, n))
    metric, p = data.draw(st.sampled_from(KNN_METRICS))
    r = np.random.default_rng(seed)
    X = r.integers(-2, 3, size=(n, d)).astype(np.float64)
    Q = r.integers(-2, 3, size=(nq, d)).astype(np.float64)
    od, oi = knn_oracle(X, Q, k, metric, p)
    dist, ind = kb.brute_knn(X, Q, k, metric, float(p))
    np.testing.assert_array_equal(ind, oi)
