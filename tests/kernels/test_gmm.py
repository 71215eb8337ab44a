"""gmm family: the fused E-step kernel against its NumPy twin at every SIMD
level (float32/float64, vector tails in d and in the block's rows x k, scaled
and shared-block layouts, strided rows, read-only input), thread-count
independence, rows with no finite log-probability, and the full pipeline
(fastml.mixture's E-step) against a direct NumPy evaluation of the density."""
import math

import numpy as np
import pytest

from fastml._kernels import _threads, gmm
from fastml._kernels.reference import gmm as ref


def _case(rng, n, k, d, ks, scaled, dtype):
    width = (k - 1) * ks + d
    Y = rng.standard_normal((n, width)).astype(dtype)
    S = (rng.random((k, d)) + 0.5).astype(dtype) if scaled else None
    B = rng.standard_normal((k, d)).astype(dtype)
    c = (rng.standard_normal(k) * 3).astype(dtype)
    return Y, S, B, c


def _run(mod, Y, S, B, c):
    n, k = Y.shape[0], B.shape[0]
    resp = np.full((n, k), -7.0, dtype=Y.dtype)
    lse = np.full(n, -7.0, dtype=Y.dtype)
    return resp, lse


def _both(Y, ks, S, B, c):
    out = []
    for mod in (gmm, ref):
        resp, lse = _run(mod, Y, S, B, c)
        mod.estep(resp, lse, Y, ks, S, B, c)
        out.append((resp, lse))
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,k,d", [(1, 1, 1), (2, 3, 1), (7, 2, 7), (9, 5, 8), (17, 3, 9),
                                   (257, 10, 20), (300, 7, 15), (513, 1, 17), (40, 33, 3)])
@pytest.mark.parametrize("layout", ["full", "shared", "scaled"])
def test_matches_twin(cpu_level, rng, dtype, n, k, d, layout):
    ks = d if layout == "full" else 0
    Y, S, B, c = _case(rng, n, k, d, ks, layout == "scaled", dtype)
    (r1, l1), (r2, l2) = _both(Y, ks, S, B, c)
    tol = 2e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(l1, l2, rtol=tol, atol=tol * max(1.0, np.abs(l2).max()))
    np.testing.assert_allclose(r1, r2, rtol=tol * 10, atol=tol)
    np.testing.assert_allclose(r1.sum(axis=1), 1, rtol=tol * 10)
    assert r1.dtype == dtype and l1.dtype == dtype


def test_against_logsumexp_oracle(rng):
    from scipy.special import logsumexp
    n, k, d = 200, 6, 11
    Y, S, B, c = _case(rng, n, k, d, d, False, np.float64)
    resp = np.empty((n, k))
    lse = np.empty(n)
    gmm.estep(resp, lse, Y, d, None, B, c)
    lp = np.stack([c[j] - 0.5 * ((Y[:, j * d:(j + 1) * d] - B[j]) ** 2).sum(1)
                   for j in range(k)], axis=1)
    np.testing.assert_allclose(lse, logsumexp(lp, axis=1), rtol=1e-13)
    np.testing.assert_allclose(resp, np.exp(lp - logsumexp(lp, axis=1)[:, None]), rtol=1e-12,
                               atol=1e-300)


def test_strided_rows_and_read_only(cpu_level, rng):
    big = rng.standard_normal((600, 50))
    Y = big[::2, 5:35]  # row stride 100 elements, unit column stride
    Y.setflags(write=False)
    k, d = 3, 10
    B = rng.standard_normal((k, d))
    c = rng.standard_normal(k)
    (r1, l1), (r2, l2) = _both(Y, d, None, B, c)
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    np.testing.assert_allclose(r1, r2, rtol=1e-11, atol=1e-15)


def test_thread_count_independent(rng):
    Y, S, B, c = _case(rng, 20011, 9, 13, 13, False, np.float64)
    outs = []
    for t in (1, 2, 3, 8):
        with _threads.scope(t):
            resp, lse = _run(gmm, Y, S, B, c)
            gmm.estep(resp, lse, Y, 13, S, B, c)
            outs.append((resp, lse))
    for r, l in outs[1:]:
        np.testing.assert_array_equal(r, outs[0][0])
        np.testing.assert_array_equal(l, outs[0][1])


@pytest.mark.parametrize("mod", [gmm, ref], ids=["kernel", "twin"])
def test_rows_without_a_finite_log_probability(mod):
    # a zero-weight component (c = -inf) is skipped; a row whose squared norm
    # overflows everywhere gets lse = -inf and uniform responsibilities
    Y = np.array([[0.0, 0.0], [1e200, 1e200]])
    B = np.zeros((2, 2))
    c = np.array([-np.inf, 0.0])
    resp, lse = _run(mod, Y, None, B, c)
    mod.estep(resp, lse, Y, 0, None, B, c)
    np.testing.assert_array_equal(resp[0], [0.0, 1.0])
    assert lse[0] == 0.0
    assert lse[1] == -np.inf and np.array_equal(resp[1], [0.5, 0.5])


def test_empty_input_is_a_no_op():
    resp = np.empty((0, 3))
    lse = np.empty(0)
    gmm.estep(resp, lse, np.empty((0, 6)), 2, None, np.zeros((3, 2)), np.zeros(3))


@pytest.mark.parametrize("cov_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mixture_estep_against_direct_density(rng, cov_type, dtype):
    """fastml.mixture's E-step (BLAS whitening + the kernel) against the
    density evaluated from covariances with NumPy's inverse and determinant."""
    from fastml.mixture import _gm_math as gm
    n, k, d = 3000, 4, 5
    X = rng.standard_normal((n, d)).astype(dtype)
    A = rng.standard_normal((k, d, d))
    covs = A @ A.transpose(0, 2, 1) + np.eye(d)
    cov = {"full": covs, "tied": covs[0], "diag": np.diagonal(covs, axis1=1, axis2=2).copy(),
           "spherical": covs[:, 0, 0].copy()}[cov_type]
    means = rng.standard_normal((k, d))
    w = rng.random(k) + 0.1
    w /= w.sum()
    pc = gm.precision_cholesky(cov, cov_type)
    resp, lse = gm.estep(X, w.astype(dtype), means.astype(dtype), pc.astype(dtype), cov_type)
    full = {"full": covs, "tied": np.repeat(covs[:1], k, 0),
            "diag": np.stack([np.diag(v) for v in cov]) if cov_type == "diag" else None,
            "spherical": np.stack([np.eye(d) * v for v in cov])
            if cov_type == "spherical" else None}[cov_type]
    lp = np.empty((n, k))
    for j in range(k):
        diff = X.astype(np.float64) - means[j]
        m = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(full[j]), diff)
        lp[:, j] = math.log(w[j]) - 0.5 * (d * math.log(2 * math.pi)
                                           + np.linalg.slogdet(full[j])[1] + m)
    from scipy.special import logsumexp
    want = logsumexp(lp, axis=1)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(lse, want, rtol=tol)
    np.testing.assert_allclose(resp, np.exp(lp - want[:, None]), atol=tol * 10)


def _tri_case(rng, n, k, d, dtype):
    X = rng.standard_normal((n, d)).astype(dtype)
    ldp = -(-d // gmm.LDP) * gmm.LDP
    P = np.zeros((k, d, ldp), dtype=dtype)
    P[:, :, :d] = np.triu(rng.standard_normal((k, d, d)) * 0.5 + 2 * np.eye(d))
    B = np.zeros((k, ldp), dtype=dtype)
    B[:, :d] = rng.standard_normal((k, d))
    c = (rng.standard_normal(k) * 3).astype(dtype)
    return X, P, B, c


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,k,d", [(1, 1, 1), (2, 2, 3), (3, 3, 8), (9, 5, 9), (17, 2, 16),
                                   (257, 10, 20), (300, 3, 33), (101, 4, 64), (33, 2, 65),
                                   (40, 7, 130)])
def test_estep_tri_matches_twin(cpu_level, rng, dtype, n, k, d):
    X, P, B, c = _tri_case(rng, n, k, d, dtype)
    got = (np.full((n, k), -7.0, dtype=dtype), np.full(n, -7.0, dtype=dtype))
    want = (np.empty((n, k), dtype=dtype), np.empty(n, dtype=dtype))
    gmm.estep_tri(*got, X, P, B, c)
    ref.estep_tri(*want, X, P, B, c)
    tol = 5e-5 if dtype == np.float32 else 1e-11
    np.testing.assert_allclose(got[1], want[1], rtol=tol, atol=tol * max(1, np.abs(want[1]).max()))
    np.testing.assert_allclose(got[0], want[0], rtol=tol * 10, atol=tol)


def test_estep_tri_strided_read_only_rows(rng):
    X, P, B, c = _tri_case(rng, 300, 3, 12, np.float64)
    big = np.zeros((300, 40))
    big[:, 5:17] = X
    Xs = big[:, 5:17]
    Xs.setflags(write=False)
    a = (np.empty((300, 3)), np.empty(300))
    b = (np.empty((300, 3)), np.empty(300))
    gmm.estep_tri(*a, X, P, B, c)
    gmm.estep_tri(*b, Xs, P, B, c)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_estep_tri_thread_count_independent(rng):
    X, P, B, c = _tri_case(rng, 20011, 6, 21, np.float64)
    outs = []
    for t in (1, 2, 3):
        with _threads.scope(t):
            o = (np.empty((20011, 6)), np.empty(20011))
            gmm.estep_tri(*o, X, P, B, c)
            outs.append(o)
    for o in outs[1:]:
        np.testing.assert_array_equal(o[0], outs[0][0])
        np.testing.assert_array_equal(o[1], outs[0][1])
