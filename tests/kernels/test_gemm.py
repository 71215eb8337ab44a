"""fastml's own float32 GEMM (csrc/gemm*.c) against a float64 oracle at every
SIMD level: edge tiles, transposes, alpha/beta, K blocks, thread independence."""
import numpy as np
import pytest

import fastml
from fastml._kernels import COMPILED

pytestmark = pytest.mark.skipif(not COMPILED, reason="compiled kernels only")

SHAPES = [(1, 1, 1), (7, 33, 5), (16, 784, 27), (9, 65, 300), (130, 40, 513), (3, 1100, 2),
          (257, 31, 17)]


def _sgemm():
    from fastml._kernels import gemm
    return gemm.sgemm


@pytest.mark.parametrize("M,N,K", SHAPES)
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matches_float64(rng, cpu_level, M, N, K, ta, tb):
    sgemm = _sgemm()
    A = rng.standard_normal((K, M) if ta else (M, K)).astype(np.float32)
    B = rng.standard_normal((N, K) if tb else (K, N)).astype(np.float32)
    C0 = rng.standard_normal((M, N)).astype(np.float32)
    a64 = (A.T if ta else A).astype(np.float64)
    b64 = (B.T if tb else B).astype(np.float64)
    for alpha, beta in [(1.0, 0.0), (1.5, 1.0), (-0.5, 0.25)]:
        C = C0.copy()
        sgemm(A, B, C, ta, tb, alpha, beta)
        ref = alpha * a64 @ b64 + beta * C0
        scale = np.abs(a64) @ np.abs(b64) * abs(alpha) + abs(beta) * np.abs(C0)
        assert np.all(np.abs(C - ref) <= 1e-6 * K * scale + 1e-30)


def test_beta_zero_ignores_nan_in_c(rng):
    sgemm = _sgemm()
    A = rng.standard_normal((20, 30)).astype(np.float32)
    B = rng.standard_normal((30, 50)).astype(np.float32)
    C = np.full((20, 50), np.nan, dtype=np.float32)
    sgemm(A, B, C)
    np.testing.assert_allclose(C, A.astype(np.float64) @ B, rtol=1e-5, atol=1e-4)


def test_thread_count_independent(rng):
    sgemm = _sgemm()
    A = rng.standard_normal((300, 700)).astype(np.float32)
    B = rng.standard_normal((700, 900)).astype(np.float32)
    out = []
    prev = fastml.get_num_threads()
    try:
        for n in (1, 2, 3):
            fastml.set_num_threads(n)
            for shape_b in (B, B[:, :40]):  # wide C splits columns, narrow C row panels
                C = np.empty((300, shape_b.shape[1]), dtype=np.float32)
                sgemm(A, np.ascontiguousarray(shape_b), C)
                out.append(C)
    finally:
        fastml.set_num_threads(prev)
    for i in range(2, len(out)):
        np.testing.assert_array_equal(out[i], out[i % 2])


def test_shape_errors():
    sgemm = _sgemm()
    a = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match="b has shape"):
        sgemm(a, np.zeros((5, 2), np.float32), np.zeros((3, 2), np.float32))
    with pytest.raises(ValueError, match="a has shape"):
        sgemm(a, np.zeros((4, 2), np.float32), np.zeros((2, 2), np.float32))
