"""Sparse k-means kernels (csrc/kmeans_sparse*.c): the CSR Lloyd step and loop
vs the NumPy twin and vs the dense kernels at every SIMD level,
float32/float64 values, int32 and int64 indices, centre counts around the
register block (8), weights, empty rows, empty clusters, bitwise thread-count
independence."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from fastml._kernels import COMPILED  # noqa: E402
from fastml._kernels import kmeans as kk  # noqa: E402
from fastml._kernels import kmeans_sparse as kks  # noqa: E402
from fastml._kernels._threads import scope  # noqa: E402
from fastml._kernels.reference import kmeans_sparse as rks  # noqa: E402


def _csr(n=500, d=60, density=0.1, seed=0, dtype=np.float64, idx=np.int32, empty_rows=()):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed, dtype=np.float64)
    X.data = rng.standard_normal(X.nnz) + 2.0
    X = X.tolil()
    for r in empty_rows:
        X[r, :] = 0
    X = X.tocsr().astype(dtype)
    X.eliminate_zeros()
    X.indices = X.indices.astype(idx)
    X.indptr = X.indptr.astype(idx)
    return X


def _centres(X, k, seed=1):
    rng = np.random.default_rng(seed)
    return np.ascontiguousarray(X[rng.choice(X.shape[0], k, replace=False)].toarray())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("idx", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("k", [1, 7, 8, 9, 20])
def test_step_matches_twin_and_dense(cpu_level, dtype, idx, weighted, k):
    X = _csr(dtype=dtype, idx=idx, empty_rows=(3, 7))
    C = _centres(X, k)
    sw = np.random.default_rng(2).uniform(0.5, 2, X.shape[0]).astype(dtype) if weighted \
        else None
    lab, mind, inertia, sums, wsum = kks.lloyd_step(X, C, sw)
    rlab, rmind, rin, rsums, rwsum = rks.lloyd_step(X, C, sw)
    assert lab.dtype == np.int32 and mind.dtype == dtype
    tol = 2e-4 if dtype == np.float32 else 1e-10
    assert (lab != rlab).mean() < 0.01
    np.testing.assert_allclose(mind, rmind, rtol=tol, atol=tol)
    np.testing.assert_allclose(inertia, rin, rtol=tol)
    if (lab == rlab).all():
        np.testing.assert_allclose(sums, rsums, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(wsum, rwsum, rtol=1e-12)
    # the dense kernel on the densified matrix gives the same answer
    dlab, dmind, din, dsums, dwsum = kk.lloyd_step(np.ascontiguousarray(X.toarray()), C, sw)
    assert (lab != dlab).mean() < 0.01
    np.testing.assert_allclose(mind, dmind, rtol=tol * 10, atol=tol * 10)
    lab2, mind2, in2, _, _ = kks.lloyd_step(X, C, sw, update=False)
    np.testing.assert_array_equal(lab, lab2)
    assert in2 == inertia


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lloyd_matches_twin(cpu_level, dtype):
    X = _csr(n=400, d=30, density=0.2, dtype=dtype, seed=3)
    C = _centres(X, 5, seed=4)
    lab, inertia, centres, n_iter = kks.lloyd(X, C, None, max_iter=30, tol=0.0)
    rlab, rin, rcentres, rn = rks.lloyd(X, C, None, max_iter=30, tol=0.0)
    tol = 1e-3 if dtype == np.float32 else 1e-9
    if np.array_equal(lab, rlab):
        np.testing.assert_allclose(centres, rcentres, rtol=tol, atol=tol)
        np.testing.assert_allclose(inertia, rin, rtol=tol)
        assert n_iter == rn
    else:  # a rounding tie sent one run elsewhere: both must still be local optima
        assert abs(inertia - rin) / rin < 0.05
    assert centres.dtype == dtype and centres.shape == C.shape


def test_empty_cluster_takes_farthest_row():
    X = _csr(n=200, d=20, density=0.3, seed=5)
    C = _centres(X, 4, seed=6)
    C[3] = 1e3  # nobody is near: empty in the first step
    lab, inertia, centres, _ = kks.lloyd(X, C, None, max_iter=1, tol=0.0)
    rlab, rin, rcentres, _ = rks.lloyd(X, C, None, max_iter=1, tol=0.0)
    np.testing.assert_allclose(centres, rcentres, rtol=1e-10, atol=1e-12)
    assert np.abs(centres[3]).max() < 1e2


@pytest.mark.skipif(not COMPILED, reason="compiled kernels only")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_thread_count_independent(dtype):
    X = _csr(n=3000, d=80, density=0.05, dtype=dtype, seed=7)
    C = _centres(X, 9, seed=8)
    sw = np.random.default_rng(9).uniform(0.1, 3, X.shape[0]).astype(dtype)
    with scope(1):
        a = kks.lloyd_step(X, C, sw)
        la = kks.lloyd(X, C, sw, max_iter=10, tol=0.0)
    with scope(2):
        b = kks.lloyd_step(X, C, sw)
        lb = kks.lloyd(X, C, sw, max_iter=10, tol=0.0)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(la[2], lb[2])
    assert la[1] == lb[1]


def test_all_zero_matrix():
    X = sp.csr_matrix((5, 4), dtype=np.float64)
    C = np.array([[0.0, 0, 0, 0], [1.0, 1, 1, 1]])
    lab, mind, inertia, sums, wsum = kks.lloyd_step(X, C)
    np.testing.assert_array_equal(lab, 0)
    assert inertia == 0 and wsum[0] == 5 and wsum[1] == 0
