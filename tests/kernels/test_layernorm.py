"""Layer norm family (csrc/layernorm*.c): compiled kernels vs the NumPy twin at
every SIMD level, float32/float64, tail sizes, optional affine / gradients,
read-only inputs, thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import layernorm as K
from fastml._kernels.reference import layernorm as R
from fastml.utils._testing import read_only, same_under_thread_counts


def _tol(dtype):
    return dict(rtol=2e-5, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows,n", [(1, 1), (3, 7), (5, 8), (2, 9), (7, 17), (300, 33),
                                    (4, 1023), (2, 9001)])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_matches_twin(rng, cpu_level, dtype, rows, n, affine):
    x = (rng.standard_normal((rows, n)) * 3 + 5).astype(dtype)
    dy = rng.standard_normal((rows, n)).astype(dtype)
    w = rng.standard_normal(n).astype(dtype) if affine != "none" else None
    b = rng.standard_normal(n).astype(dtype) if affine == "both" else None
    y, mean, rstd = K.layer_norm(x, w, b, 1e-5)
    yr, mr, rr = R.layer_norm(x, w, b, 1e-5)
    assert y.dtype == mean.dtype == rstd.dtype == dtype
    np.testing.assert_allclose(mean, mr, **_tol(dtype))
    np.testing.assert_allclose(rstd, rr, **_tol(dtype))
    np.testing.assert_allclose(y, yr, **_tol(dtype))
    got = K.layer_norm_backward(dy, x, mean, rstd, w, True, w is not None, b is not None)
    want = R.layer_norm_backward(dy, x, mean, rstd, w, True, w is not None, b is not None)
    for g, r in zip(got, want):
        assert (g is None) == (r is None)
        if g is not None:
            assert g.dtype == dtype
            scale = max(1.0, float(np.abs(r).max()))
            np.testing.assert_allclose(g / scale, r / scale, **_tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("N,C,L,G", [(1, 1, 1, 1), (2, 6, 5, 3), (3, 8, 17, 2), (2, 4, 1, 4),
                                     (4, 32, 49, 8)])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_twin(rng, cpu_level, dtype, N, C, L, G, affine):
    x = (rng.standard_normal((N, C, L)) * 2 - 1).astype(dtype)
    dy = rng.standard_normal((N, C, L)).astype(dtype)
    w = rng.standard_normal(C).astype(dtype) if affine else None
    b = rng.standard_normal(C).astype(dtype) if affine else None
    y, mean, rstd = K.group_norm(x, G, w, b, 1e-5)
    yr, mr, rr = R.group_norm(x, G, w, b, 1e-5)
    np.testing.assert_allclose(y, yr, **_tol(dtype))
    np.testing.assert_allclose(mean, mr, **_tol(dtype))
    got = K.group_norm_backward(dy, x, mean, rstd, w, G, True, affine, affine)
    want = R.group_norm_backward(dy, x, mean, rstd, w, G, True, affine, affine)
    # scale: the size of the terms dx is a difference of (rstd |w dy|), which
    # matters for one-value groups (variance 0, rstd = 1/sqrt(eps))
    terms = float(rstd.max()) * float(np.abs(dy).max()) * (1.0 if w is None else
                                                              float(np.abs(w).max()))
    for g, r in zip(got, want):
        assert (g is None) == (r is None)
        if g is not None:
            scale = max(1.0, float(np.abs(r).max()), terms if g is got[0] else 0.0)
            np.testing.assert_allclose(g / scale, r / scale, **_tol(dtype))


def test_constant_rows_and_large_offset(cpu_level):
    # a constant row has variance 0 (rstd = 1/sqrt(eps)); a row far from 0 keeps
    # its variance (two-pass statistics, no E[x^2] - E[x]^2 cancellation)
    x = np.zeros((3, 37), np.float32)
    x[0] = 4.0
    x[1] = 1e4 + np.linspace(-1, 1, 37, dtype=np.float32)
    x[2] = np.linspace(-1, 1, 37, dtype=np.float32)
    y, mean, rstd = K.layer_norm(x, None, None, 1e-5)
    np.testing.assert_allclose(rstd[0], 1 / np.sqrt(1e-5), rtol=1e-6)
    np.testing.assert_array_equal(y[0], 0)
    np.testing.assert_allclose(y[1], y[2], atol=2e-3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_read_only_inputs(rng, dtype):
    x, dy, w, b = read_only(rng.standard_normal((9, 13)).astype(dtype),
                            rng.standard_normal((9, 13)).astype(dtype),
                            rng.standard_normal(13).astype(dtype),
                            rng.standard_normal(13).astype(dtype))
    y, m, r = K.layer_norm(x, w, b, 1e-5)
    np.testing.assert_array_equal(y, K.layer_norm(x.copy(), w.copy(), b.copy(), 1e-5)[0])
    dx = K.layer_norm_backward(dy, x, m, r, w)[0]
    np.testing.assert_array_equal(dx, K.layer_norm_backward(dy.copy(), x.copy(), m, r,
                                                            w.copy())[0])
    x3, dy3 = x.reshape(3, 3, 13), dy.reshape(3, 3, 13)
    y3, m3, r3 = K.group_norm(x3, 3, None, None, 1e-5)
    assert K.group_norm_backward(dy3, x3, m3, r3, None, 3)[0].shape == (3, 3, 13)


def test_thread_count_independent(rng):
    x = rng.standard_normal((4096, 512)).astype(np.float32)
    dy = rng.standard_normal((4096, 512)).astype(np.float32)
    w = rng.standard_normal(512).astype(np.float32)
    b = rng.standard_normal(512).astype(np.float32)
    xg = x.reshape(64, 32, 1024)

    def run():
        y, m, r = K.layer_norm(x, w, b, 1e-5)
        out = [y, m, r, *K.layer_norm_backward(dy, x, m, r, w)]
        yg, mg, rg = K.group_norm(xg, 4, w[:32], b[:32], 1e-5)
        return out + [yg, *K.group_norm_backward(dy.reshape(xg.shape), xg, mg, rg, w[:32], 4)]
    same_under_thread_counts(run)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("N,C,L,G", [(1, 64, 4096, 1), (1, 8, 20000, 2), (3, 64, 2048, 4)])
def test_group_norm_backward_row_split_matches_twin(rng, cpu_level, dtype, N, C, L, G):
    # few (sample, group) rows against the team: the backward splits the work
    # over (sample, channel) segments instead of rows; the result is the same
    x = (rng.standard_normal((N, C, L)) + 0.5).astype(dtype)
    dy = rng.standard_normal((N, C, L)).astype(dtype)
    w = rng.standard_normal(C).astype(dtype)
    _, mean, rstd = R.group_norm(x, G, w, None, 1e-5)
    def run():
        return K.group_norm_backward(dy, x, mean, rstd, w, G, True, True, True)
    same_under_thread_counts(run)
    got = run()
    want = R.group_norm_backward(dy, x, mean, rstd, w, G, True, True, True)
    for g, r in zip(got, want):
        scale = max(1.0, float(np.abs(r).max()))
        np.testing.assert_allclose(g / scale, r / scale, rtol=1e-4 if dtype == np.float32
                                   else 1e-10, atol=1e-4 if dtype == np.float32 else 1e-10)


def test_norm_dx_owns_its_memory():
    # dx comes back in the caller's shape without a view (autograd keeps it as .grad)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    _, m, r = K.layer_norm(x.reshape(-1, 5), None, None, 1e-5)
    dx = K.layer_norm_backward(x.reshape(-1, 5), x.reshape(-1, 5), m, r, None,
                               out_shape=x.shape)[0]
    assert dx.shape == x.shape and dx.base is None
    _, m, r = K.group_norm(x.reshape(2, 3, 20), 3, None, None, 1e-5)
    dx = K.group_norm_backward(x.reshape(2, 3, 20), x.reshape(2, 3, 20), m, r, None, 3,
                               out_shape=x.shape)[0]
    assert dx.shape == x.shape and dx.base is None
