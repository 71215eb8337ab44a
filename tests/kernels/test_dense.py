"""Dense family (csrc/dense*.c): the fully connected layer's compiled kernels
(tiny-weight loops, small-batch SIMD kernels, BLAS) vs the NumPy twin at every
SIMD level, float32/float64, the fused relu at NaN against torch float64,
read-only inputs, thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import dense as KD
from fastml._kernels.reference import dense as RD
from fastml.utils._testing import same_under_thread_counts, read_only


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
# (2500, 2, 5), (37, 5, 3), (1100, 9, 7): tiny-weight row loops (in * out <= 64;
# literal and generic in, several row blocks, a partial block).
@pytest.mark.parametrize("n,i,o", [(1, 1, 1), (3, 17, 9), (64, 100, 33), (257, 64, 10),
                                   (2500, 2, 5), (37, 5, 3), (1100, 9, 7)])
@pytest.mark.parametrize("act", [-1, 0])
def test_dense_kernels_match_twins(rng, cpu_level, dtype, n, i, o, act):
    x = rng.standard_normal((n, i)).astype(dtype)
    w = rng.standard_normal((o, i)).astype(dtype)
    b = rng.standard_normal(o).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    y = KD.linear_forward(x, w, b, act)
    assert y.dtype == dtype
    yr = RD.linear_forward(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), act)
    np.testing.assert_allclose(y, yr, rtol=tol, atol=tol * np.sqrt(i))
    dy = rng.standard_normal((n, o)).astype(dtype)
    got = KD.linear_backward(dy, x, w, True, True, True, y, act)
    want = RD.linear_backward(dy.astype(np.float64), x.astype(np.float64), w.astype(np.float64),
                              True, True, True, yr, act)
    for g, r, k in zip(got, want, (o, n, n)):
        np.testing.assert_allclose(g, r, rtol=tol, atol=tol * np.sqrt(k))
    dx, dw, db = KD.linear_backward(dy, x, w, False, True, False)
    assert dx is None and db is None and dw.shape == w.shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tiny_dense_without_bias_matches_twin(rng, cpu_level, dtype):
    x = rng.standard_normal((1031, 3)).astype(dtype)
    w = rng.standard_normal((4, 3)).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    y = KD.linear_forward(x, w, None)
    np.testing.assert_allclose(y, RD.linear_forward(x.astype(np.float64), w.astype(np.float64)),
                               rtol=tol, atol=tol)
    dy = rng.standard_normal(y.shape).astype(dtype)
    got = KD.linear_backward(dy, x, w, True, True, False)
    want = RD.linear_backward(dy.astype(np.float64), x.astype(np.float64), w.astype(np.float64),
                              True, True, False)
    assert got[2] is None
    for g, r in zip(got[:2], want[:2]):
        np.testing.assert_allclose(g, r, rtol=tol, atol=tol * 40)
    x[7, 1] = np.nan
    assert np.isnan(KD.linear_forward(x, w, None)[7]).all()


# (n, in, out): tiny-weight loops, small-batch kernels, BLAS with the epilogue
PATHS = [(100, 3, 4), (5, 20, 9), (40, 20, 9)]


@pytest.mark.parametrize("n,i,o", PATHS)
def test_fused_relu_at_nan_matches_torch_float64(rng, cpu_level, n, i, o):
    """A NaN pre-activation (here from the bias) gives y = NaN, and the fused
    relu passes its gradient like torch.relu (mask y <= 0, not y > 0)."""
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((n, i))
    w = rng.standard_normal((o, i))
    b = rng.standard_normal(o)
    b[1] = np.nan
    dy = rng.standard_normal((n, o))
    y = KD.linear_forward(x, w, b, KD.RELU)
    dx, dw, db = KD.linear_backward(dy, x, w, True, True, True, y, KD.RELU)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.relu(xt @ wt.T + bt)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    for got, ref in ((dx, xt.grad), (dw, wt.grad), (db, bt.grad)):
        np.testing.assert_allclose(got, ref.numpy(), rtol=1e-10, atol=1e-10)
    twin = RD.linear_backward(dy, x, w, True, True, True, y, RD.RELU)
    for got, ref in zip((dx, dw, db), twin):
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,i,o", PATHS)
def test_read_only_inputs(rng, dtype, n, i, o):
    x, w, b, dy = read_only(*(rng.standard_normal(s).astype(dtype)
                               for s in ((n, i), (o, i), (o,), (n, o))))
    y = KD.linear_forward(x, w, b, KD.RELU)
    np.testing.assert_array_equal(y, KD.linear_forward(x.copy(), w.copy(), b.copy(), KD.RELU))
    y, = read_only(y)
    got = KD.linear_backward(dy, x, w, True, True, True, y, KD.RELU)
    want = KD.linear_backward(dy.copy(), x.copy(), w.copy(), True, True, True, y.copy(), KD.RELU)
    for g, r in zip(got, want):
        np.testing.assert_array_equal(g, r)


def test_thread_count_independent(rng):
    xs = rng.standard_normal((8, 2048)).astype(np.float32)
    w = rng.standard_normal((2048, 2048)).astype(np.float32)
    g = rng.standard_normal((8, 2048)).astype(np.float32)
    # tiny-weight path above its parallel threshold
    x3 = rng.standard_normal((70000, 5)).astype(np.float32)
    w3 = rng.standard_normal((3, 5)).astype(np.float32)
    g3 = rng.standard_normal((70000, 3)).astype(np.float32)
    xb = rng.standard_normal((300, 200)).astype(np.float32)
    wb = rng.standard_normal((150, 200)).astype(np.float32)
    gb = rng.standard_normal((300, 150)).astype(np.float32)

    def own_and_row_split():
        # fastml's tiny-weight kernel, and BLAS products split by rows: bitwise equal
        yb = KD.linear_forward(xb, wb, wb[0, :150].copy(), KD.RELU)
        return [KD.linear_forward(x3, w3, None), *KD.linear_backward(g3, x3, w3), yb,
                KD.linear_backward(gb, xb, wb, True, True, True, yb, KD.RELU)[0]]
    same_under_thread_counts(own_and_row_split)

    def column_split():
        # products wider than tall are split by columns: equal to a few float32 ulps
        yb = KD.linear_forward(xb, wb, wb[0, :150].copy(), KD.RELU)
        return [KD.linear_forward(xs, w, None), *KD.linear_backward(g, xs, w)[:2],
                *KD.linear_backward(gb, xb, wb, True, True, True, yb, KD.RELU)[1:]]
    same_under_thread_counts(column_split, rtol=4e-6)
