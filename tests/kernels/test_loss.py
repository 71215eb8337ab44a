"""Loss family (csrc/loss*.c): element-wise losses and fused cross-entropy
rows, compiled vs the NumPy twin at every SIMD level, float32/float64, tail
sizes and few/many classes, NaN rows, read-only inputs, thread-count
independence."""
import numpy as np
import pytest

from fastml._kernels import loss as K
from fastml._kernels.reference import loss as R
from fastml.utils._testing import same_under_thread_counts, read_only


def _targets(rng, kind, shape):
    if kind in (K.BCE, K.BCE_LOGITS, K.KL_DIV):
        return rng.uniform(0.05, 0.95, shape)
    if kind in (K.HINGE, K.HINGE_EMBEDDING):
        return rng.choice([-1.0, 1.0], shape)
    return rng.standard_normal(shape)


def _inputs(rng, kind, shape):
    if kind == K.BCE:
        return rng.uniform(0.05, 0.95, shape)
    return rng.standard_normal(shape) * 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 9, 1023, 9001])
def test_pointwise_kernels_match_twins(rng, cpu_level, dtype, n):
    tol = 3e-6 if dtype == np.float32 else 1e-12
    for kind in range(9):
        x = _inputs(rng, kind, n).astype(dtype)
        y = _targets(rng, kind, n).astype(dtype)
        args64 = (kind, x.astype(np.float64), y.astype(np.float64), 0.8)
        out = K.pointwise(kind, x, y, 0.8)
        assert out.dtype == dtype
        np.testing.assert_allclose(out, R.pointwise(*args64), rtol=tol, atol=tol)
        np.testing.assert_allclose(K.pointwise_sum(kind, x, y, 0.8), R.pointwise_sum(*args64),
                                   rtol=tol * 10, atol=tol)
        dout = rng.standard_normal(n).astype(dtype)
        for d in (dout, 0.37):
            np.testing.assert_allclose(
                K.pointwise_backward(kind, d, x, y, 0.8),
                R.pointwise_backward(kind, d if np.isscalar(d) else d.astype(np.float64),
                                     *args64[1:]), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
# (37, 3), (21, 16), (2735, 3): few-class path (rows across SIMD lanes), full
# blocks + a row tail, and more than one row block per task.
@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (9, 17), (2, 1023), (37, 3), (21, 16),
                                   (2735, 3)])
def test_cross_entropy_kernels_match_twins(rng, cpu_level, dtype, shape):
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    t = rng.integers(0, shape[1], shape[0])
    tol = 2e-5 if dtype == np.float32 else 1e-12
    loss, lse = K.cross_entropy(x, t)
    lr, lser = R.cross_entropy(x.astype(np.float64), t)
    np.testing.assert_allclose(loss, lr, rtol=tol, atol=tol)
    np.testing.assert_allclose(lse, lser, rtol=tol, atol=tol)
    for d in (0.5, rng.standard_normal(shape[0]).astype(dtype)):
        np.testing.assert_allclose(
            K.cross_entropy_backward(d, x, lse, t),
            R.cross_entropy_backward(d if np.isscalar(d) else d.astype(np.float64),
                                     x.astype(np.float64), lser, t), rtol=tol, atol=tol)


@pytest.mark.parametrize("c", [3, 40])
def test_cross_entropy_kernel_nan_rows(cpu_level, c):
    x = np.zeros((19, c), np.float32)
    x[5, 1] = np.nan
    x[18, 0] = np.nan
    t = np.zeros(19, np.int64)
    loss, lse = K.cross_entropy(x, t)
    assert np.isnan(loss[[5, 18]]).all() and np.isnan(lse[[5, 18]]).all()
    assert np.isfinite(np.delete(loss, [5, 18])).all()
    dx = K.cross_entropy_backward(1.0, x, lse, t)
    assert np.isnan(dx[[5, 18]]).all() and np.isfinite(np.delete(dx, [5, 18], 0)).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(9, 3), (21, 16), (5, 17), (2, 1023)])
def test_cross_entropy_ex_kernels_match_twins(rng, cpu_level, dtype, shape):
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    t = rng.integers(0, shape[1], shape[0])
    tol = 2e-5 if dtype == np.float32 else 1e-12
    for w in (None, rng.uniform(0.2, 2.0, shape[1]).astype(dtype)):
        loss, lse, wlp = K.cross_entropy_ex(x, t, w)
        lr, lser, wlpr = R.cross_entropy_ex(x.astype(np.float64), t, w)
        for got, exp in ((loss, lr), (lse, lser), (wlp, wlpr)):
            assert got.dtype == dtype
            np.testing.assert_allclose(got, exp, rtol=tol, atol=tol * shape[1])
        assert K.cross_entropy_ex(x, t, w, smoothing=False)[2] is None
        a, b, g = (rng.standard_normal(shape[0]).astype(dtype) for _ in range(3))
        np.testing.assert_allclose(
            K.cross_entropy_backward_ex(a, b, g, w, x, lse, t),
            R.cross_entropy_backward_ex(a, b, g, w, x.astype(np.float64), lser, t),
            rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_read_only_inputs(rng, dtype):
    x, y = read_only(rng.standard_normal(19).astype(dtype), rng.standard_normal(19).astype(dtype))
    np.testing.assert_array_equal(K.pointwise(K.HUBER, x, y, 0.5),
                                  K.pointwise(K.HUBER, x.copy(), y.copy(), 0.5))
    assert K.pointwise_sum(K.MSE, x, y) == K.pointwise_sum(K.MSE, x.copy(), y.copy())
    K.pointwise_backward(K.L1, x, x, y)
    logits, = read_only(rng.standard_normal((7, 5)).astype(dtype))
    t, = read_only(np.arange(7, dtype=np.int64) % 5)
    loss, lse = K.cross_entropy(logits, t)
    lse, = read_only(lse)
    np.testing.assert_array_equal(K.cross_entropy_backward(1.0, logits, lse, t),
                                  K.cross_entropy_backward(1.0, logits.copy(), lse.copy(),
                                                           t.copy()))
    w, = read_only(np.linspace(0.5, 2, 5).astype(dtype))
    K.cross_entropy_ex(logits, t, w)


def test_thread_count_independent(rng):
    x = rng.standard_normal(300_001).astype(np.float32)
    y = rng.uniform(0, 1, 300_001).astype(np.float32)
    dout = rng.standard_normal(300_001).astype(np.float32)
    logits = rng.standard_normal((3000, 100)).astype(np.float32)
    t = rng.integers(0, 100, 3000)
    few = rng.standard_normal((70000, 3)).astype(np.float32)
    t3 = rng.integers(0, 3, 70000)
    w = np.linspace(0.5, 2, 100).astype(np.float32)

    def run():
        outs = []
        for kind in (K.MSE, K.HUBER, K.BCE_LOGITS):
            outs += [K.pointwise(kind, x, y, 0.7), np.float64(K.pointwise_sum(kind, x, y, 0.7)),
                     K.pointwise_backward(kind, dout, x, y, 0.7)]
        for z, tt in ((logits, t), (few, t3)):
            loss, lse = K.cross_entropy(z, tt)
            outs += [loss, lse, K.cross_entropy_backward(loss, z, lse, tt)]
        loss, lse, wlp = K.cross_entropy_ex(logits, t, w)
        a = np.ones(3000, np.float32)
        outs += [loss, wlp, K.cross_entropy_backward_ex(a, a, a * 0.1, w, logits, lse, t)]
        return outs
    same_under_thread_counts(run)


@pytest.mark.parametrize("c", [3, 40])
def test_cross_entropy_confident_rows_keep_their_gradient(rng, cpu_level, c):
    """float32 logits whose target dominates: 1 - p_t rounds to 0, yet the
    true loss and gradient are tiny but nonzero (logits [20, 0, 5], target 0:
    loss 3.08e-7). The gradient at the target is -sum of the other
    probabilities; the loss is (max - x_t) + log s."""
    x = rng.standard_normal((50, c)).astype(np.float32)
    t = rng.integers(0, c, 50)
    x[np.arange(50), t] = 18 + rng.uniform(0, 4, 50).astype(np.float32)
    x[0, :3] = [20, 0, 5]
    x[0, 3:] = -30
    t[0] = 0
    x64 = x.astype(np.float64)
    l64, lse64 = R.cross_entropy(x64, t)
    loss, lse = K.cross_entropy(x, t)
    assert loss[0] > 0 and (loss >= 0).all()
    # float32 keeps s = sum exp(x - max) >= 1 to a few ulp(1) (lane sums of c terms)
    np.testing.assert_allclose(loss, l64, rtol=0, atol=1.2e-7 * np.ceil(np.log2(2 * c)))
    g64 = R.cross_entropy_backward(1.0, x64, lse64, t)
    rows = np.arange(50)
    for w in (None, rng.uniform(0.5, 2.0, c).astype(np.float32)):
        if w is None:
            g = K.cross_entropy_backward(1.0, x, lse, t)
        else:  # class weights: alpha = beta = w[t], gamma = 0
            a = w[t]
            g = K.cross_entropy_backward_ex(a, a.copy(), np.zeros(50, np.float32), w, x, lse, t)
            g = g / a[:, None]
        assert (g[rows, t] < 0).all()
        np.testing.assert_allclose(g[rows, t], g64[rows, t], rtol=1e-4)
    Rg = R.cross_entropy_backward(1.0, x, lse, t)
    np.testing.assert_allclose(Rg[rows, t], g64[rows, t], rtol=1e-4)
