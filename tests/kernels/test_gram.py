"""gram family: the shifted Gram kernel against its NumPy twin at every SIMD
level (float32/float64 input, tails of the vector and column tiles, weights,
strided rows, read-only input), thread-count independence, non-finite input,
and the centred Gram built on it (fastml.utils._gram) against centred oracles."""
import numpy as np
import pytest

from fastml._kernels import COMPILED, _threads, gram
from fastml._kernels.reference import gram as ref
from fastml.utils._gram import centered_gram


def _case(rng, n, p, k, dtype):
    X = rng.standard_normal((n, p)).astype(dtype) * 3 + 1
    Y = rng.standard_normal((n, k)) if k else None
    return X, Y, rng.random(n) + 0.1, rng.standard_normal(p + k)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,p,k", [(1, 1, 0), (2, 1, 1), (9, 6, 1), (130, 7, 0), (129, 8, 2),
                                   (257, 15, 1), (300, 16, 0), (41, 17, 3), (1000, 50, 1),
                                   (64, 70, 2)])
def test_matches_twin(cpu_level, rng, dtype, n, p, k):
    X, Y, w, shift = _case(rng, n, p, k, dtype)
    for ww in (None, w):
        got = gram.shifted_gram(X, Y, ww, shift)
        want = ref.shifted_gram(X, Y, ww, shift)
        assert got.shape == (p + k + 1, p + k + 1)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
        np.testing.assert_array_equal(got, got.T)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,p,k", [(300, 254, 1), (129, 255, 0), (50, 258, 2), (257, 300, 0),
                                   (513, 343, 3), (1, 270, 0), (300, 401, 1)])
def test_packed_syrk_matches_twin(cpu_level, rng, dtype, n, p, k):
    """From m = p + k + 1 = FM_GRAM_SYRK_MIN_M (256) on, the packed SYRK path: tile and panel edges,
    blocks of rows shorter than the block, weights, targets."""
    X, Y, w, shift = _case(rng, n, p, k, dtype)
    for ww in (None, w):
        got = gram.shifted_gram(X, Y, ww, shift)
        want = ref.shifted_gram(X, Y, ww, shift)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
        np.testing.assert_array_equal(got, got.T)


def test_packed_syrk_strided_rows_and_threads(rng):
    big = rng.standard_normal((700, 420))
    X = big[::2, 5:400]  # row stride 420 elements, unit column stride
    X.setflags(write=False)
    shift = rng.standard_normal(396)
    w = rng.random(350) + 0.1
    want = ref.shifted_gram(np.ascontiguousarray(X), X[:, :1] * 2.0, w, shift)
    outs = []
    for t in (1, 2, 3, 5):
        with _threads.scope(t):
            outs.append(gram.shifted_gram(X, X[:, :1] * 2.0, w, shift))
    np.testing.assert_allclose(outs[0], want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])


def test_empty_rows_and_one_dimensional_y(rng):
    got = gram.shifted_gram(np.empty((0, 4)), np.empty(0), None, np.zeros(5))
    np.testing.assert_array_equal(got, np.zeros((6, 6)))
    X = rng.standard_normal((50, 3))
    y = rng.standard_normal(50)
    np.testing.assert_allclose(gram.shifted_gram(X, y, None, np.zeros(4)),
                               ref.shifted_gram(X, y[:, None], None, np.zeros(4)), rtol=1e-12)


def test_strided_rows_and_read_only(cpu_level, rng):
    big = rng.standard_normal((400, 40))
    X = big[::2, 3:30]  # row stride 80 elements, unit column stride
    X.setflags(write=False)
    shift = rng.standard_normal(27)
    np.testing.assert_allclose(gram.shifted_gram(X, None, None, shift),
                               ref.shifted_gram(np.ascontiguousarray(X), None, None, shift),
                               rtol=1e-12, atol=1e-10)


def test_thread_count_independent(rng):
    X, Y, w, shift = _case(rng, 20011, 33, 2, np.float64)
    outs = []
    for t in (1, 2, 3, 8):
        with _threads.scope(t):
            outs.append(gram.shifted_gram(X, Y, w, shift))
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])


def test_non_finite_input_reaches_the_diagonal(rng):
    X = rng.standard_normal((300, 5))
    X[123, 2] = np.nan
    X[7, 4] = np.inf
    S = gram.shifted_gram(X, None, None, np.zeros(5))
    assert np.isnan(S[2, 2]) and not np.isfinite(S[4, 4])
    assert np.isfinite(S[0, 0]) and np.isfinite(S[1, 1])


@pytest.mark.skipif(not COMPILED, reason="the compiled kernel's width limit")
def test_too_many_columns_is_rejected():
    from fastml._kernels import _gram
    with pytest.raises(ValueError, match="rejected"):
        _gram.shifted(np.empty((gram.MAX_M + 1, gram.MAX_M + 1)), np.zeros((2, gram.MAX_M)),
                      np.zeros((2, 0)), None, np.zeros(gram.MAX_M), 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_centered_gram_against_centred_oracle(rng, dtype, weighted):
    n, p = 5000, 12
    # means far from zero relative to the spread: the uncentred sums would cancel
    X = (rng.standard_normal((n, p)) * 1e-2 + 1e4).astype(dtype)
    Y = rng.standard_normal((n, 2)) + 50
    w = rng.random(n) + 0.5 if weighted else None
    G, C, mean, ymean, wsum = centered_gram(X, Y, w)
    X64, ww = X.astype(np.float64), (np.ones(n) if w is None else w)
    m = np.average(X64, axis=0, weights=ww)
    ym = np.average(Y, axis=0, weights=ww)
    Xc, Yc = X64 - m, Y - ym
    np.testing.assert_allclose(mean, m, rtol=1e-13)
    np.testing.assert_allclose(ymean, ym, rtol=1e-13)
    np.testing.assert_allclose(G, (Xc * ww[:, None]).T @ Xc, rtol=1e-9,
                               atol=1e-9 * np.abs((Xc * ww[:, None]).T @ Xc).max())
    np.testing.assert_allclose(C, (Xc * ww[:, None]).T @ Yc, rtol=1e-9,
                               atol=1e-9 * np.abs((Xc * ww[:, None]).T @ Yc).max())
    assert wsum == pytest.approx(ww.sum(), rel=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,p,k", [(1, 330, 0), (3, 330, 1), (5003, 400, 2), (9000, 333, 0)])
def test_centered_gram_wide_blocks_against_oracle(rng, dtype, n, p, k):
    # more columns than the kernel takes: the direct path (row blocks of NumPy's
    # SYRK over fixed lanes), whatever the thread count
    from fastml.utils import _gram

    assert p + k + 1 > _gram._KERNEL_MAX_M
    X = (rng.standard_normal((n, p)) * 2 + 3).astype(dtype)
    Y = rng.standard_normal((n, k)) if k else None
    X64 = X.astype(np.float64)
    Xc = X64 - X64.mean(axis=0)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    outs = []
    for nt in (1, 2, 3):
        with _threads.scope(nt):
            G, C, mean, ymean, wsum = centered_gram(X, Y)
        outs.append(G)
        assert G.dtype == np.float64 and G.shape == (p, p)
        np.testing.assert_array_equal(G, G.T)
        ref_G = Xc.T @ Xc
        np.testing.assert_allclose(G, ref_G, rtol=tol, atol=tol * max(1.0, np.abs(ref_G).max()))
        np.testing.assert_allclose(mean, X64.mean(axis=0), rtol=tol)
        assert wsum == n
        if k:
            ref_C = Xc.T @ (Y - Y.mean(axis=0))
            np.testing.assert_allclose(C, ref_C, rtol=tol,
                                       atol=tol * max(1.0, np.abs(ref_C).max()))
    for G in outs[1:]:
        np.testing.assert_array_equal(G, outs[0])  # fixed lanes: no thread dependence


def test_row_blocks_cover_rows_in_lane_multiples():
    from fastml.utils._gram import _LANES, _row_blocks

    for n, p, f32 in [(1, 400, False), (10000, 1000, False), (10001, 400, True), (7, 500, True)]:
        blocks = _row_blocks(n, p, f32)
        assert blocks[0][0] == 0 and blocks[-1][1] == n
        assert all(a < b for a, b in blocks)
        assert all(b == c for (_, b), (c, _) in zip(blocks[:-1], blocks[1:]))
        if n >= _LANES:
            assert len(blocks) % _LANES == 0
        assert max(b - a for a, b in blocks) <= (2048 if f32 else 4096)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,p", [(5, 3), (257, 3100), (1001, 400)])
def test_row_gram_against_product_on_every_thread_count(rng, dtype, n, p):
    # the kernel matrix of the wide solvers: blocks from a fixed 4 x 4 row
    # partition (threads run single-threaded BLAS calls); oracle: float64 A A^T;
    # the result is symmetric and the same bits on 1, 2 and 3 threads
    from fastml.utils._gram import row_gram

    A = rng.standard_normal((n, p)).astype(dtype)
    want = A.astype(np.float64) @ A.astype(np.float64).T
    outs = []
    for t in (1, 2, 3):
        with _threads.scope(t):
            K = row_gram(A)
        assert K.dtype == dtype and K.shape == (n, n)
        np.testing.assert_array_equal(K, K.T)
        tol = 1e-4 if dtype == np.float32 else 1e-11
        np.testing.assert_allclose(K, want, rtol=tol, atol=tol * np.sqrt(p))
        outs.append(K)
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0], outs[2])
