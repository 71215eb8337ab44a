"""k-d tree kernels (fastml._kernels.kdtree) against the exact float64
brute-force oracle (the twin, reference/knn.py) at every SIMD level, including
the tie rule: among equal distances the lower training index comes first; and
thread-count / batch independence."""
import numpy as np
import pytest

from fastml._kernels import _threads
from fastml._kernels import kdtree as kt
from fastml._kernels import knn as kb
from fastml._kernels.reference import kdtree as ref_tree
from fastml.utils._testing import KNN_METRICS, check_knn_against_oracle, clustered, knn_oracle



def query(X, Q, k, metric="euclidean", p=2, leaf=40):
    return kt.tree_query(kt.build_tree(X, leaf), Q, k, metric, float(p))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", KNN_METRICS)
@pytest.mark.parametrize("d", [1, 3, 8, 17, 64])
def test_matches_oracle(dtype, metric, p, d, rng):
    n = 300
    X = clustered(rng, n, d, dtype)
    Q = clustered(rng, 40, d, dtype)
    tree = kt.build_tree(X, 7)
    for k in (1, 10, 40, n):
        dist, ind = kt.tree_query(tree, Q, k, metric, float(p))
        check_knn_against_oracle(dist, ind, X, Q, k, metric, p)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 17, 65, 1023])
@pytest.mark.parametrize("d", [1, 2, 3, 7, 9])
def test_tail_sizes_match_twin(cpu_level, rng, dtype, n, d):
    # point counts around the vector widths of every level (leaf scans) and
    # leaf sizes; read-only inputs; compiled vs the twin (or twin vs itself)
    X = clustered(rng, n, d, dtype)
    Q = clustered(rng, 9, d, dtype)
    X.flags.writeable = False
    Q.flags.writeable = False
    for leaf in (1, 8, 40):
        tree = kt.build_tree(X, leaf)
        for k in sorted({1, min(n, 7), n}):
            dist, ind = kt.tree_query(tree, Q, k, "euclidean")
            check_knn_against_oracle(dist, ind, X, Q, k, "euclidean", 2)
            rd, ri = ref_tree.tree_query(ref_tree.build_tree(X, leaf), Q, k, "euclidean")
            np.testing.assert_allclose(dist, rd, rtol=2e-5, atol=2e-5)
            if dtype == np.float64:
                np.testing.assert_array_equal(ind, ri)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", KNN_METRICS)
def test_tie_rule_on_integer_grid(dtype, metric, p, rng, cpu_level):
    # many exactly equal distances (small integer coordinates, duplicates)
    for d in (1, 2, 3, 20):
        X = rng.integers(0, 3, size=(200, d)).astype(dtype)
        Q = rng.integers(0, 3, size=(30, d)).astype(dtype)
        od, oi = knn_oracle(X, Q, 25, metric, p)
        for leaf in (1, 4, 40):
            dist, ind = query(X, Q, 25, metric, p, leaf)
            np.testing.assert_array_equal(ind, oi)


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
        t = kt.build_tree(X, leaf)
        for k in (1, 10, 32, 33):
            dist, ind = kt.tree_query(t, Q, k, "euclidean")
            check_knn_against_oracle(dist, ind, X, Q, k, "euclidean", 2)
    dist, ind = query(X, Q, 7, "manhattan", 1)
    check_knn_against_oracle(dist, ind, X, Q, 7, "manhattan", 1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("d", [3, 8, 13, 29])
def test_grouped_search(dtype, d, rng, cpu_level):
    # >= 2048 queries with d <= 32 run as groups sharing a home leaf (k <= 32,
    # euclidean / manhattan / chebyshev): against the oracle on a subset and
    # brute force on all, at 1, 2 and 3 threads (d = 2: test_sorted_and_duplicated...)
    X = clustered(rng, 2000, d, dtype)
    X[::40] = X[1::40]
    Q = np.concatenate([clustered(rng, 2000, d, dtype), X[::10]])
    sub = np.r_[0:100, len(Q) - 100:len(Q)]
    t = kt.build_tree(X, 20)
    for k in (1, 10, 32):
        with _threads.scope(1):
            dist, ind = kt.tree_query(t, Q, k, "euclidean")
        for n in (2, 3):
            with _threads.scope(n):
                d2, i2 = kt.tree_query(t, Q, k, "euclidean")
            np.testing.assert_array_equal(i2, ind)
            np.testing.assert_array_equal(d2, dist)
        check_knn_against_oracle(dist[sub], ind[sub], X, Q[sub], k, "euclidean", 2)
        if dtype == np.float64:
            np.testing.assert_array_equal(ind, kb.brute_knn(X, Q, k, "euclidean")[1])
        # smaller batches (grouped from 512 queries at d >= 4, else one by one)
        dp, ip = kt.tree_query(t, Q[:700], k, "euclidean")
        np.testing.assert_array_equal(ip, ind[:700])
        np.testing.assert_array_equal(dp, dist[:700])
    dist, ind = query(X, Q, 10, leaf=100)  # leaves above 64 points
    check_knn_against_oracle(dist[sub], ind[sub], X, Q[sub], 10, "euclidean", 2)
    for metric, p in (("sqeuclidean", 2), ("manhattan", 1), ("chebyshev", 2)):
        dist, ind = query(X, Q, 5, metric, p, leaf=20)
        check_knn_against_oracle(dist[sub], ind[sub], X, Q[sub], 5, metric, p)


def test_all_identical_points():
    X = np.ones((5000, 3))
    dist, ind = query(X, np.ones((3, 3)), 7, leaf=10)
    np.testing.assert_array_equal(ind, np.tile(np.arange(7), (3, 1)))
    np.testing.assert_array_equal(dist, 0)


def test_sorted_and_duplicated_large_build(rng):
    # sorted coordinates, long runs of duplicates, parallel build and query order
    n = 60000
    X = np.repeat(np.arange(n // 20, dtype=np.float64), 20)[:, None] * np.ones((1, 2))
    X[:, 1] = np.sort(rng.integers(0, 50, n))
    Q = X[rng.integers(0, n, 3000)] + 0.25
    trees = []
    for nt in (1, 2, 3):
        with _threads.scope(nt):
            trees.append(kt.build_tree(X, 16))
    for key in trees[0]:
        np.testing.assert_array_equal(trees[0][key], trees[1][key])
        np.testing.assert_array_equal(trees[0][key], trees[2][key])
    dist, ind = kt.tree_query(trees[0], Q, 5, "euclidean")
    bd, bi = kb.brute_knn(X, Q, 5, "euclidean")
    np.testing.assert_array_equal(ind, bi)
    np.testing.assert_array_equal(dist, bd)
    od, oi = knn_oracle(X, Q[:50], 5, "euclidean", 2)
    np.testing.assert_array_equal(ind[:50], oi)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_thread_count_and_batch_independence(dtype, rng):
    X = clustered(rng, 5000, 4, dtype)
    Q = clustered(rng, 3000, 4, dtype)
    t = kt.build_tree(X, 40)
    res = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            res.append(kt.tree_query(t, Q, 12, "euclidean"))
    for r in res[1:]:
        np.testing.assert_array_equal(r[0], res[0][0])
        np.testing.assert_array_equal(r[1], res[0][1])
    parts = [kt.tree_query(t, Q[i:i + 7], 12, "euclidean")[1] for i in range(0, 700, 7)]
    np.testing.assert_array_equal(np.concatenate(parts), res[0][1][:700])
    if dtype == np.float64:
        np.testing.assert_array_equal(res[0][1], kb.brute_knn(X, Q, 12, "euclidean")[1])


def _split(flat, offsets):
    return [flat[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", KNN_METRICS)
def test_radius_matches_twin(dtype, metric, p, rng, cpu_level):
    X = rng.integers(0, 5, size=(400, 3)).astype(dtype)
    Q = rng.integers(0, 5, size=(25, 3)).astype(dtype)
    t = kt.build_tree(X, 8)
    for r in (0.0, 1.0, 2.5, rng.uniform(0, 3, 25)):
        rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (25,))
        oi, od = ref_tree.radius(X.astype(np.float64), Q.astype(np.float64), rr, metric, p, True)
        r1 = np.atleast_1d(np.asarray(r, dtype=np.float64))
        counts = kt.tree_radius(t, Q, r1, metric, float(p), count_only=True)
        np.testing.assert_array_equal(counts, [len(a) for a in oi])
        ind, dist, off = kt.tree_radius(t, Q, r1, metric, float(p))
        assert dist is None
        for a, b in zip(_split(ind, off), oi):
            np.testing.assert_array_equal(np.sort(a), np.sort(b))
        ind, dist, off = kt.tree_radius(t, Q, r1, metric, float(p), return_distance=True,
                                        sort=True)
        assert dist.dtype == dtype
        for a, b, c, e in zip(_split(ind, off), oi, _split(dist, off), od):
            np.testing.assert_array_equal(a, np.asarray(b))
            np.testing.assert_allclose(c, e, rtol=1e-6)
        twin = ref_tree.tree_radius(ref_tree.build_tree(X, 8), Q, r1, metric, float(p),
                                    return_distance=True, sort=True)
        np.testing.assert_array_equal(off, twin[2])
        if dtype == np.float64:
            np.testing.assert_array_equal(ind, twin[0])


def test_radius_thread_count_independence(rng):
    X = clustered(rng, 4000, 5, np.float64)
    Q = clustered(rng, 3000, 5, np.float64)
    t = kt.build_tree(X, 30)
    r = np.array([1.5])
    res = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            res.append(kt.tree_radius(t, Q, r, "euclidean", return_distance=True, sort=True))
    for got in res[1:]:
        for a, b in zip(got, res[0]):
            np.testing.assert_array_equal(a, b)


def test_each_cpu_level_same_answer(cpu_level, rng):
    X = clustered(rng, 3000, 5, np.float64)
    Q = clustered(rng, 2500, 5, np.float64)
    dist, ind = query(X, Q, 6, leaf=20)
    od, oi = knn_oracle(X, Q[:100], 6, "euclidean", 2)
    np.testing.assert_array_equal(ind[:100], oi)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), d=st.integers(1, 6), nq=st.integers(1, 9),
       leaf=st.integers(1, 12), seed=st.integers(0, 2**16), data=st.data())
def test_property_shapes(n, d, nq, leaf, seed, data):
    k = data.draw(st.integers(1, n))
    metric, p = data.draw(st.sampled_from(KNN_METRICS))
    r = np.random.default_rng(seed)
    X = r.integers(-2, 3, size=(n, d)).astype(np.float64)
    Q = r.integers(-2, 3, size=(nq, d)).astype(np.float64)
    od, oi = knn_oracle(X, Q, k, metric, p)
    dist, ind = query(X, Q, k, metric, p, leaf)
    np.testing.assert_array_equal(ind, oi)


@pytest.mark.parametrize("d", [6, 8, 16])
def test_block_scans_keep_tie_rule(d, rng, cpu_level):
    # from d ~ 6 the k-nearest search scans whole small subtrees (~2 d^2 points)
    # without their box tests: grouped (many queries) and single searches on an
    # integer grid (many equal distances) still give the brute-force order
    X = rng.integers(0, 3, size=(3000, d)).astype(np.float64)
    Q = rng.integers(0, 3, size=(2100, d)).astype(np.float64)
    for leaf in (3, 30):
        tree = kt.build_tree(X, leaf)
        for metric, p in (("euclidean", 2), ("manhattan", 1), ("chebyshev", 2)):
            for k in (1, 10, 50):
                bd, bi = kb.brute_knn(X, Q, k, metric, float(p))
                dist, ind = kt.tree_query(tree, Q, k, metric, float(p))
                np.testing.assert_array_equal(ind, bi)
                np.testing.assert_allclose(dist, bd, rtol=1e-12)
                dist, ind = kt.tree_query(tree, Q[:50], k, metric, float(p))
                np.testing.assert_array_equal(ind, bi[:50])
