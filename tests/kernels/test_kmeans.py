"""k-means kernels (csrc/kmeans*.c): the Lloyd step and loop vs the NumPy
twin at every SIMD level, float32/float64, tail sizes around the vector
lengths, both assignment paths (direct SIMD search, dot-product tiles from
24 features on, exact near ties), read-only input, bitwise thread-count
independence, and the k-means++ seeding."""
import numpy as np
import pytest

from fastml._kernels import COMPILED
from fastml._kernels import kmeans as kk
from fastml._kernels._threads import scope
from fastml._kernels.reference import kmeans as rk
from fastml.datasets import make_blobs


def _blobs(n=600, d=5, k=4, seed=0, dtype=np.float64):
    X, _ = make_blobs(n_samples=n, n_features=d, centers=k, random_state=seed)
    return np.ascontiguousarray(X, dtype=dtype)


def _check_step(X, C, sw, dtype):
    lab, mind, inertia, sums, wsum = kk.lloyd_step(X, C, sw)
    rlab, rmind, rinertia, rsums, rwsum = rk.lloyd_step(X, C, sw)
    assert lab.dtype == np.int32 and mind.dtype == dtype
    tol = 1e-4 if dtype == np.float32 else 1e-10
    # labels agree except on near-ties (both choices within rounding)
    diff = lab != rlab
    if diff.any():
        Xd, Cd = X[diff].astype(np.float64), C.astype(np.float64)
        da = ((Xd - Cd[lab[diff]]) ** 2).sum(1)
        db = ((Xd - Cd[rlab[diff]]) ** 2).sum(1)
        np.testing.assert_allclose(da, db, rtol=tol)
    assert diff.mean() < 0.01
    np.testing.assert_allclose(mind, rmind, rtol=tol, atol=tol)
    np.testing.assert_allclose(inertia, rinertia, rtol=tol)
    if not diff.any():
        np.testing.assert_allclose(sums, rsums, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(wsum, rwsum, rtol=1e-12)
    return lab, mind, inertia, sums, wsum


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,d,k", [(1, 1, 1), (9, 3, 2), (257, 7, 8), (300, 17, 9),
                                   (1030, 16, 16), (515, 2, 33), (2100, 48, 5),
                                   (700, 130, 20)])
@pytest.mark.parametrize("weighted", [False, True])
def test_lloyd_step_matches_twin(cpu_level, dtype, n, d, k, weighted, rng):
    X = rng.standard_normal((n, d)).astype(dtype)
    C = rng.standard_normal((k, d)).astype(dtype)
    sw = rng.uniform(0.5, 2.0, n).astype(dtype) if weighted else None
    lab, mind, inertia, sums, wsum = _check_step(X, C, sw, dtype)
    _, _, inertia2, none_sums, _ = kk.lloyd_step(X, C, sw, update=False)
    assert none_sums is None and inertia2 == inertia
    # the feature-major fast path gives bitwise the same result
    t = kk.lloyd_step(X, C, sw, XT=np.ascontiguousarray(X.T))
    np.testing.assert_array_equal(t[0], lab)
    np.testing.assert_array_equal(t[1], mind)
    assert t[2] == inertia
    np.testing.assert_array_equal(t[3], sums)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 16, 17, 31, 33, 2049])
@pytest.mark.parametrize("d", [1, 7, 9, 17, 49])
def test_lloyd_step_tail_sizes(cpu_level, dtype, n, d, rng):
    """Row counts around the block of 2 x VL rows (VL = 2..16) and the 2048-row
    chunk, features around the 4-chain unroll; k = 5 (not a multiple of the
    4-centre block)."""
    X = rng.standard_normal((n, d)).astype(dtype)
    C = rng.standard_normal((5, d)).astype(dtype)
    _check_step(X, C, None, dtype)


def test_lloyd_step_read_only_input(cpu_level, rng):
    X = rng.standard_normal((100, 6))
    C = X[:4].copy()
    sw = rng.uniform(0.5, 2, 100)
    for a in (X, C, sw):
        a.flags.writeable = False
    a = kk.lloyd_step(X, C, sw)
    b = rk.lloyd_step(X, C, sw)
    np.testing.assert_array_equal(a[0], b[0])
    res = kk.lloyd(X, C, sw, max_iter=20)
    np.testing.assert_array_equal(res[0], rk.lloyd(X, C, sw, max_iter=20)[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ["plain", "weighted", "empty", "tol", "wide"])
def test_lloyd_loop_matches_twin(cpu_level, dtype, case, rng):
    d = 50 if case == "wide" else 3
    X = _blobs(900, d, 4, seed=11, dtype=dtype)
    init = X[[0, 1, 2, 3, 4]].copy()
    if case == "empty":
        init[4] = 1e4                     # attracts nothing: re-seeded
    sw = rng.uniform(0.2, 3.0, len(X)).astype(dtype) if case == "weighted" else None
    tol = 1e-3 if case == "tol" else 0.0
    a = kk.lloyd(X, init, sw, max_iter=100, tol=tol)
    b = rk.lloyd(X, init, sw, max_iter=100, tol=tol)
    np.testing.assert_array_equal(a[0], b[0])
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(a[1], b[1], rtol=rtol)
    np.testing.assert_allclose(a[2], b[2], rtol=rtol, atol=rtol)
    assert a[3] == b[3]
    assert a[2].dtype == dtype
    capped = kk.lloyd(X, init, sw, max_iter=1, tol=0.0)
    assert capped[3] == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relocation_plan_is_fixed_before_rows_move(cpu_level, dtype):
    """Empty clusters are the ones empty after the assignment: a relocated row
    that empties its own (later) cluster does not make that cluster take a
    row in the same step. Here c1, c2 start empty, c3 holds only x=10 (the
    farthest row, taken by c1); c2 takes the next farthest (x=0.25); c3 then
    stays empty with its centre unchanged."""
    X = np.array([[0.0], [0.1], [0.25], [10.0]], dtype=dtype)
    C = np.array([[0.1], [100.0], [200.0], [5.0]], dtype=dtype)
    a = kk.lloyd(X, C, None, max_iter=1, tol=0.0)
    b = rk.lloyd(X, C, None, max_iter=1, tol=0.0)
    np.testing.assert_allclose(a[2], b[2], rtol=1e-6)
    np.testing.assert_allclose(a[2].ravel(), [0.05, 10.0, 0.25, 5.0], rtol=1e-6)


@pytest.mark.skipif(not COMPILED, reason="thread count only matters for compiled kernels")
@pytest.mark.parametrize("d", [16, 64])  # direct search, dot-product tiles
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_independent_of_threads(cpu_level, rng, d, dtype):
    X = rng.standard_normal((20000, d)).astype(dtype)
    C = X[:16].copy()
    sw = rng.uniform(0.5, 2.0, len(X)).astype(dtype)
    runs = []
    for n in (1, 2, 3):
        with scope(n):
            runs.append((kk.lloyd_step(X, C, sw), kk.lloyd(X, C, None, max_iter=5)))
    (a, la), rest = runs[0], runs[1:]
    for b, lb in rest:
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
        np.testing.assert_array_equal(la[0], lb[0])
        np.testing.assert_array_equal(la[2], lb[2])
        assert la[1] == lb[1] and la[3] == lb[3]


def _direct_labels(X, C):
    """Lowest-index argmin of direct float64 distances (the exact answer)."""
    d2 = ((X.astype(np.float64)[:, None, :] - C.astype(np.float64)[None]) ** 2).sum(2)
    return d2, np.argmin(d2, axis=1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d,k", [(24, 3), (25, 17), (64, 33), (100, 20), (130, 64)])
def test_tile_path_near_ties_are_exact(cpu_level, dtype, d, k, rng):
    """Rows equidistant (up to rounding) from two centres, duplicated centres
    and data far from the origin (where |x|^2 - 2 x.c + |c|^2 cancels): the
    tile path's labels are the direct distances' labels, lowest index on ties."""
    C = rng.standard_normal((k, d)) + 50.0
    C[k // 2] = C[0]                                   # exact duplicate centre
    mid = 0.5 * (C[1] + C[2])
    X = np.concatenate([
        rng.standard_normal((300, d)) + 50.0,
        mid + 1e-7 * rng.standard_normal((100, d)),    # near ties between 1 and 2
        C[0] + 0.01 * rng.standard_normal((50, d)),    # duplicate centres tie exactly
    ]).astype(dtype)
    C = C.astype(dtype)
    lab, mind, _, _, _ = kk.lloyd_step(X, C, update=False)
    d2, exact = _direct_labels(X, C)
    chosen = d2[np.arange(len(X)), lab]
    best = d2[np.arange(len(X)), exact]
    # equal to the exact labels wherever the two best distances are apart by
    # more than the float rounding of a direct distance
    tol = (4e-6 if dtype == np.float32 else 1e-13) * d * best.max()
    np.testing.assert_array_less(chosen - best, tol + 1e-300)
    clear = np.sort(d2, axis=1)[:, 1] - best > tol
    np.testing.assert_array_equal(lab[clear], exact[clear])
    assert not np.any(lab == k // 2)                   # duplicate: lower index wins
    np.testing.assert_allclose(mind, chosen, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,d,k,trials", [(1, 3, 1, 2), (50, 2, 7, 3), (4100, 10, 20, 4),
                                          (5000, 40, 9, 1), (333, 130, 12, 5)])
@pytest.mark.parametrize("weighted", [False, True])
def test_plusplus_matches_twin(cpu_level, dtype, n, d, k, trials, weighted, rng):
    X = _blobs(n, d, min(k, 8), seed=n, dtype=dtype)
    sw = rng.uniform(0.5, 2.0, n).astype(dtype) if weighted else None
    first = int(rng.integers(n))
    u = rng.uniform(size=(k - 1) * trials)
    c, idx = kk.plusplus(X, k, sw, first, u, trials)
    rc, ridx = rk.plusplus(X, k, sw, first, u, trials)
    np.testing.assert_array_equal(idx, ridx)
    np.testing.assert_array_equal(c, rc)
    assert c.dtype == dtype and idx[0] == first
    np.testing.assert_array_equal(c, X[idx])


@pytest.mark.skipif(not COMPILED, reason="thread count only matters for compiled kernels")
def test_plusplus_independent_of_threads(cpu_level, rng):
    X = _blobs(20000, 12, 8, seed=4)
    u = rng.uniform(size=15 * 4)
    runs = []
    for n in (1, 2, 3):
        with scope(n):
            runs.append(kk.plusplus(X, 16, None, 7, u, 4)[1])
    for r in runs[1:]:
        np.testing.assert_array_equal(runs[0], r)
