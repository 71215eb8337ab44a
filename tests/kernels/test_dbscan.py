"""dbscan family: core flags, cluster expansion and the mutual-reachability
spanning tree against the NumPy twin (reference/dbscan.py) and brute force, at
every SIMD level, for tail sizes, read-only inputs and several thread counts."""
import numpy as np
import pytest

from fastml._kernels import _threads, dbscan
from fastml._kernels.reference import dbscan as ref


def _graph(rng, n, p=0.05):
    """A random symmetric neighbourhood graph with self loops, as CSR int64."""
    A = rng.random((n, n)) < p
    A = A | A.T | np.eye(n, dtype=bool)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(A.sum(axis=1), out=indptr[1:])
    return indptr, np.flatnonzero(A.ravel()) % n


def _mst_weight_brute(X, core, metric, p, alpha):
    """Total weight of the minimum spanning tree from the full matrix (scipy)."""
    from scipy.sparse.csgraph import minimum_spanning_tree
    D = np.array([ref._row_dist(X, X[i], metric, p) for i in range(X.shape[0])]) / alpha
    M = np.maximum(np.maximum(core[:, None], core[None, :]), D)
    M[M == 0] = 1e-300  # scipy drops zero-weight edges
    np.fill_diagonal(M, 0)
    return minimum_spanning_tree(M).sum()


@pytest.mark.parametrize("n", [1, 7, 8, 9, 17, 200])
def test_core_and_expand_match_twin(rng, n):
    indptr, indices = _graph(rng, n)
    w = rng.standard_normal(n) + 0.5
    for ww, ms in ((None, 3), (w, 2.0), (None, 1)):
        core = dbscan.core_flags(indptr, indices, ww, ms)
        np.testing.assert_array_equal(core, ref.core_flags(indptr, indices, ww, ms))
        lab, nc = dbscan.expand(core, indptr, indices)
        rlab, rnc = ref.expand(core, indptr, indices)
        np.testing.assert_array_equal(lab, rlab)
        assert nc == rnc == (lab.max() + 1 if n else 0)


def test_expand_semantics(rng):
    # two core chains sharing the border point 2; 5 is isolated noise
    edges = {0: [0, 1, 2], 1: [0, 1], 2: [0, 2, 3], 3: [2, 3, 4], 4: [3, 4], 5: [5]}
    indptr = np.zeros(7, np.int64)
    np.cumsum([len(edges[i]) for i in range(6)], out=indptr[1:])
    indices = np.concatenate([edges[i] for i in range(6)]).astype(np.int64)
    core = np.array([1, 0, 0, 1, 0, 0], np.uint8)
    lab, nc = dbscan.expand(core, indptr, indices)
    # 2 is reached first from core 0: it joins cluster 0 and does not expand
    np.testing.assert_array_equal(lab, [0, 0, 0, 1, 1, -1])
    assert nc == 2


def test_only_core_rows_are_read(rng):
    indptr, indices = _graph(rng, 50, 0.1)
    core = ref.core_flags(indptr, indices, None, 6)
    lens = np.where(core.astype(bool), np.diff(indptr), 0)
    sub_ptr = np.zeros(51, np.int64)
    np.cumsum(lens, out=sub_ptr[1:])
    sub = np.concatenate([indices[indptr[i]:indptr[i + 1]] for i in range(50) if core[i]]
                         + [np.zeros(0, np.int64)]).astype(np.int64)
    np.testing.assert_array_equal(dbscan.expand(core, sub_ptr, sub)[0],
                                  ref.expand(core, indptr, indices)[0])


@pytest.mark.parametrize("metric,p", [("euclidean", 2.0), ("manhattan", 1.0),
                                      ("chebyshev", 2.0), ("minkowski", 3.0)])
@pytest.mark.parametrize("n,d", [(2, 1), (9, 3), (17, 2), (64, 5), (300, 8)])
def test_mst_matches_twin(rng, cpu_level, metric, p, n, d):
    X = rng.standard_normal((n, d))
    core = np.abs(rng.standard_normal(n)) * 0.3
    for alpha in (1.0, 1.7):
        src, dst, w = dbscan.mst(X, core, metric, p, alpha)
        rs, rd, rw = ref.mst(X, core, metric, p, alpha)
        np.testing.assert_allclose(w, rw, rtol=1e-12)
        np.testing.assert_array_equal(dst, rd)
        np.testing.assert_array_equal(src, rs)
        assert np.isclose(w.sum(), _mst_weight_brute(X, core, metric, p, alpha), rtol=1e-10)
        # every row is added exactly once
        np.testing.assert_array_equal(np.sort(dst), np.arange(1, n))


def test_mst_dense_matches_twin(rng):
    X = rng.standard_normal((60, 3))
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    core = np.sort(D, axis=1)[:, 4].copy()
    a = dbscan.mst_dense(D, core, 1.0)
    b = ref.mst_dense(D, core, 1.0)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-12)
    c = dbscan.mst(X, core, "euclidean", 2.0, 1.0)
    np.testing.assert_allclose(np.sort(a[2]), np.sort(c[2]), rtol=1e-12)


def test_mst_ties_and_duplicates(rng):
    X = np.repeat(rng.standard_normal((10, 2)), 3, axis=0)
    core = np.zeros(30)
    src, dst, w = dbscan.mst(X, core, "euclidean", 2.0, 1.0)
    rs, rd, rw = ref.mst(X, core, "euclidean", 2.0, 1.0)
    np.testing.assert_array_equal(dst, rd)
    np.testing.assert_allclose(w, rw, rtol=1e-15)
    assert (w == 0).sum() == 20


def test_read_only_and_thread_count_independent(rng):
    X = rng.standard_normal((4200, 256))  # n * d >= 2^20: a threaded Prim
    core = np.abs(rng.standard_normal(4200)) * 0.1
    X.setflags(write=False)
    core.setflags(write=False)
    outs = []
    for t in (1, 2, 3):
        with _threads.scope(t):
            outs.append(dbscan.mst(X, core, "euclidean", 2.0, 1.0))
    for o in outs[1:]:
        for x, y in zip(o, outs[0]):
            np.testing.assert_array_equal(x, y)
    indptr, indices = _graph(rng, 300)
    indptr.setflags(write=False)
    indices.setflags(write=False)
    res = []
    for t in (1, 3):
        with _threads.scope(t):
            c = dbscan.core_flags(indptr, indices, None, 4)
            res.append((c, dbscan.expand(c, indptr, indices)[0]))
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])
