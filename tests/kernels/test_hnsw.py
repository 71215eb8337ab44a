"""HNSW kernels (fastml._kernels.hnsw) against their NumPy twin
(reference/hnsw.py, the same algorithm) and against exact brute force, at
every SIMD level: the graph built on one thread equals the twin's, searches of
one graph agree, searches with ef >= n are exact, vector tails, thread-count
independence of queries, incremental adds."""
import numpy as np
import pytest

from fastml._kernels import _threads
from fastml._kernels import hnsw as hn
from fastml._kernels.reference import hnsw as ref
from fastml.utils._testing import clustered


def _build(impl, X, M=6, efc=24, metric="l2", seed=0, parts=1):
    g = hn.new_graph(X.shape[1], M, X.dtype, metric)
    levels = hn.draw_levels(np.random.RandomState(seed), X.shape[0], M)
    for idx in np.array_split(np.arange(X.shape[0]), parts):
        impl(g, np.ascontiguousarray(X[idx]), levels[idx], efc)
    return g


def _exact(X, Q, k, metric):
    X, Q = X.astype(np.float64), Q.astype(np.float64)
    D = 1.0 - Q @ X.T if metric == "ip" else ((Q[:, None] - X[None]) ** 2).sum(-1)
    order = np.lexsort((np.broadcast_to(np.arange(X.shape[0]), D.shape), D), axis=1)[:, :k]
    return np.take_along_axis(D, order, 1), order


def _normalised(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def _same_graph(a, b):
    assert (a["n"], a["entry"], a["max_level"]) == (b["n"], b["entry"], b["max_level"])
    np.testing.assert_array_equal(a["levels"], b["levels"])
    np.testing.assert_array_equal(hn.links0(a), hn.links0(b))
    np.testing.assert_array_equal(hn.upper_lists(a), hn.upper_lists(b))
    np.testing.assert_array_equal(hn.vectors(a), hn.vectors(b))


@pytest.mark.parametrize("metric", ["l2", "ip"])
@pytest.mark.parametrize("parts", [1, 3])
def test_graph_equals_twin_on_one_thread(cpu_level, rng, metric, parts):
    X = clustered(rng, 300, 9, np.float64)
    if metric == "ip":
        X = _normalised(X)
    with _threads.scope(1):
        g = _build(hn.add, X, metric=metric, parts=parts)
    t = _build(ref.add, X, metric=metric, parts=parts)
    _same_graph(g, t)
    assert g["max_level"] >= 1 and hn.upper_lists(g).shape[0] > 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric", ["l2", "ip"])
def test_search_matches_twin_on_one_graph(cpu_level, rng, dtype, metric):
    X = clustered(rng, 400, 16, dtype)
    Q = clustered(rng, 50, 16, dtype)
    if metric == "ip":
        X, Q = _normalised(X).astype(dtype), _normalised(Q).astype(dtype)
    g = _build(hn.add, X, M=5, efc=20, metric=metric)
    for k, ef in ((1, 1), (5, 8), (10, 40)):
        d1, i1 = hn.search(g, Q, k, ef)
        d2, i2 = ref.search(g, Q, k, ef)
        same = i1 == i2
        if dtype == np.float64:
            assert same.all()
        else:  # float32 distances vs the twin's float64: near-ties may steer a walk
            assert same.mean() > 0.97
        np.testing.assert_allclose(d1[same], d2[same], rtol=1e-4, atol=1e-4)
        assert d1.dtype == dtype and i1.dtype == np.int64


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("d", [1, 7, 8, 9, 15, 17, 33, 64])
def test_exact_when_ef_covers_every_node(cpu_level, rng, dtype, d):
    X = clustered(rng, 257, d, dtype)
    Q = clustered(rng, 20, d, dtype)
    Q.flags.writeable = False
    g = _build(hn.add, X, M=8, efc=40)
    dist, ind = hn.search(g, Q, 10, X.shape[0])
    od, oi = _exact(X, Q, 10, "l2")
    if dtype == np.float64:
        np.testing.assert_array_equal(ind, oi)
    got = ((X[ind].astype(np.float64) - Q[:, None].astype(np.float64)) ** 2).sum(-1)
    np.testing.assert_allclose(got, od, rtol=1e-5, atol=1e-5 * max(1.0, od.max()))
    np.testing.assert_allclose(dist, od, rtol=1e-4, atol=1e-4 * max(1.0, od.max()))


def test_inner_product_exact_and_ordered(rng):
    X = _normalised(clustered(rng, 300, 12, np.float64))
    Q = _normalised(clustered(rng, 30, 12, np.float64))
    g = _build(hn.add, X, metric="ip")
    dist, ind = hn.search(g, Q, 7, 300)
    od, oi = _exact(X, Q, 7, "ip")
    np.testing.assert_array_equal(ind, oi)
    np.testing.assert_allclose(dist, od, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_queries_do_not_depend_on_threads(rng, dtype):
    X = clustered(rng, 3000, 24, dtype)
    Q = clustered(rng, 400, 24, dtype)
    g = _build(hn.add, X, M=8, efc=40)
    out = []
    for t in (1, 2, 3):
        with _threads.scope(t):
            out.append(hn.search(g, Q, 10, 32))
    for d, i in out[1:]:
        np.testing.assert_array_equal(i, out[0][1])
        np.testing.assert_array_equal(d, out[0][0])


def test_threaded_build_is_a_good_graph(rng):
    # 16-d Gaussian clusters are hard: faiss IndexHNSWFlat (same M, ef) reaches
    # recall 0.81 at ef = 64 here, the one-thread graph 0.84. A threaded build
    # inserts in a timing-dependent order, and a graph's recall varies with the
    # order by itself: one-thread builds of 40 random orders of these points
    # range over 0.917-0.992 (mean 0.958), 40 two-thread builds over
    # 0.932-0.983 (mean 0.963); a loaded CI machine drew four at 0.927-0.956
    # (mean 0.9425). So one threaded graph is held to the floor of the spread
    # over orders (0.90) and the mean of four to the lower end of the one-thread
    # orders' range (0.93), not to the one fixed order's recall.
    X = clustered(rng, 4000, 16, np.float32)
    Q = clustered(rng, 200, 16, np.float32)
    _, oi = _exact(X, Q, 10, "l2")

    def recall(g):
        _, ind = hn.search(g, Q, 10, 256)
        L = hn.links0(g)
        assert L[:, 0].max() <= 16 and (L[:, 0] > 0).all()
        return np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ind, oi)])

    with _threads.scope(1):
        r1 = recall(_build(hn.add, X, M=8, efc=64, parts=2))
    r2 = []
    for _ in range(4):
        with _threads.scope(2):
            r2.append(recall(_build(hn.add, X, M=8, efc=64, parts=2)))
    assert r1 > 0.95
    assert min(r2) > 0.90 and np.mean(r2) > 0.93, (r1, r2)


def test_every_node_is_reachable(rng):
    X = clustered(rng, 5000, 64, np.float32)
    g = _build(hn.add, X, M=8, efc=40)
    L = hn.links0(g)
    linked = np.zeros(5000, dtype=bool)
    linked[np.concatenate([r[1:1 + r[0]] for r in L])] = True
    linked[g["entry"]] = True
    assert linked.all()


def test_single_and_tiny_graphs(rng):
    for n in (1, 2, 3):
        X = rng.standard_normal((n, 5))
        g = _build(hn.add, X)
        t = _build(ref.add, X)
        _same_graph(g, t)
        dist, ind = hn.search(g, X, n, n)
        np.testing.assert_array_equal(ind[:, 0], np.arange(n))
        assert (ind >= 0).all()


def test_padding_when_fewer_nodes_are_reached(rng):
    X = rng.standard_normal((4, 3))
    g = _build(hn.add, X)
    hn.links0(g)[:, 0] = 0  # cut every link: only the entry point is reachable
    g["max_level"], g["entry"] = 0, 0
    g["levels"][:] = 0
    hn.set_upper_offsets(g)
    for impl in (hn.search, ref.search):
        dist, ind = impl(g, X[:2], 3, 10)
        np.testing.assert_array_equal(ind, [[0, -1, -1]] * 2)
        assert np.isinf(dist[:, 1:]).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_level0_arrays_after_growing(rng, dtype):
    # vectors: contiguous rows on a 64-byte aligned base; lists: (n, 1 + 2M) int32
    X = clustered(rng, 500, 16, dtype)
    g = _build(hn.add, X, M=5, parts=4)  # grows the arrays three times
    V, L = hn.vectors(g), hn.links0(g)
    np.testing.assert_array_equal(V, X)
    assert V.flags.c_contiguous and V.ctypes.data % 64 == 0
    assert L.shape == (500, 11) and L.dtype == np.int32 and L.flags.c_contiguous
    assert (L[:, 0] >= 1).all() and (L[:, 0] <= 10).all()
    assert g["levels"].dtype == np.uint8
