"""Pooling: compiled kernels vs the NumPy twin at every SIMD level, tie / NaN /
padding semantics, float64 gradient checks, agreement with torch, bad input."""
import numpy as np
import pytest

import fastml
from fastml import nn
from fastml._kernels import pool2d as kp
from fastml._kernels.reference import pool2d as ref
from fastml.nn import functional as F

# (kernel, stride, padding)
GEOMS = [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((3, 2), (1, 2), (1, 1)),
         ((2, 3), (3, 1), (0, 1)), ((3, 3), (1, 1), (1, 1)), ((1, 1), (2, 2), (0, 0)),
         ((5, 4), (2, 2), (2, 2))]
# widths around the vector lengths of every level (4..16 lanes, stride 2 reads 2x)
SIZES = [(5, 7), (9, 33), (6, 40), (3, 67)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geom", GEOMS)
def test_max_matches_reference(cpu_level, rng, dtype, geom):
    for H, W in SIZES:
        if H + 2 * geom[2][0] < geom[0][0]:
            continue
        x = rng.standard_normal((2, 3, H, W)).astype(dtype)
        x[0, 1, H // 2, ::3] = np.nan
        x[1, 2] = np.round(x[1, 2])  # ties
        y, a = kp.max_pool2d_forward(x, *geom)
        yr, ar = ref.max_pool2d_forward(x, *geom)
        assert y.dtype == dtype and a.dtype == np.int32
        np.testing.assert_array_equal(y, yr)
        np.testing.assert_array_equal(a, ar)
        dy = rng.standard_normal(y.shape).astype(dtype)
        np.testing.assert_allclose(kp.max_pool2d_backward(dy, a, x.shape, *geom),
                                   ref.max_pool2d_backward(dy, ar, x.shape), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geom", GEOMS)
@pytest.mark.parametrize("cip", [True, False])
def test_avg_matches_reference(cpu_level, rng, dtype, geom, cip):
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
    for H, W in SIZES[:3]:
        x = rng.standard_normal((2, 3, H, W)).astype(dtype)
        y = kp.avg_pool2d_forward(x, *geom, cip)
        assert y.dtype == dtype
        np.testing.assert_allclose(y, ref.avg_pool2d_forward(x, *geom, cip), **tol)
        dy = rng.standard_normal(y.shape).astype(dtype)
        np.testing.assert_allclose(kp.avg_pool2d_backward(dy, x.shape, *geom, cip),
                                   ref.avg_pool2d_backward(dy, x.shape, *geom, cip), **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_global_avg_matches_reference(rng, dtype):
    x = rng.standard_normal((3, 5, 7, 9)).astype(dtype)
    np.testing.assert_allclose(kp.global_avg_pool_forward(x), ref.global_avg_pool_forward(x),
                               rtol=1e-6)
    dy = rng.standard_normal((3, 5, 1, 1)).astype(dtype)
    np.testing.assert_allclose(kp.global_avg_pool_backward(dy, x.shape),
                               ref.global_avg_pool_backward(dy, x.shape), rtol=1e-6)


def test_ties_first_max_wins(cpu_level):
    x = nn.Tensor(np.ones((1, 1, 4, 40)), requires_grad=True)
    y = F.max_pool2d(x, 2)
    y.sum().backward()
    g = x.grad[0, 0]
    # each 2x2 window routes its gradient to its top-left cell only
    np.testing.assert_array_equal(g[0::2, 0::2], 1.0)
    assert g.sum() == y.data.size


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride", [1, 2])
def test_max_pool_gradient_goes_to_the_last_nan_of_a_window(cpu_level, dtype, stride):
    x = np.arange(2 * 40, dtype=dtype).reshape(1, 1, 2, 40)
    x[0, 0, 1, 5] = np.nan
    x[0, 0, 0, 5] = np.nan  # the last NaN of the window wins (PyTorch's rule)
    xt = nn.Tensor(x, requires_grad=True)
    y = F.max_pool2d(xt, 2, stride)
    col = 5 // stride
    assert np.isnan(y.data[0, 0, 0, col])
    y.backward(np.ones(y.shape, dtype=dtype))
    assert xt.grad[0, 0, 1, 5] >= 1.0 and xt.grad[0, 0, 0, 5] == 0.0
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(tx, 2, stride).sum().backward()
    np.testing.assert_array_equal(xt.grad, tx.grad.numpy())


def test_padding_is_minus_infinity(cpu_level, rng):
    x = -1.0 - rng.random((2, 3, 9, 35))
    y = F.max_pool2d(x, 3, 2, 1).data
    assert (y < -1.0).all()  # a zero padding would win


@pytest.mark.parametrize("op", ["max", "avg", "avg_nopad", "adaptive"])
def test_gradcheck(rng, op):
    x = nn.Tensor(rng.standard_normal((2, 2, 7, 6)), requires_grad=True)
    fn = {"max": lambda t: F.max_pool2d(t, 3, 2, 1),
          "avg": lambda t: F.avg_pool2d(t, (3, 2), (2, 1), 1),
          "avg_nopad": lambda t: F.avg_pool2d(t, 3, 2, 1, count_include_pad=False),
          "adaptive": lambda t: F.adaptive_avg_pool2d(t, 1)}[op]
    assert nn.gradcheck(fn, (x,))


@pytest.mark.parametrize("geom", GEOMS[:5])
def test_matches_torch_float64(rng, geom):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = rng.standard_normal((2, 3, 11, 36))
    x[0, 0, 3, 3] = np.nan
    x[0, 1, 4:6, 4:6] = np.nan  # several NaNs in one window: the last one wins
    for name, ours, theirs in [
            ("max", lambda t: F.max_pool2d(t, *geom), lambda t: tf.max_pool2d(t, *geom)),
            ("avg", lambda t: F.avg_pool2d(t, *geom), lambda t: tf.avg_pool2d(t, *geom)),
            ("avg-ex", lambda t: F.avg_pool2d(t, *geom, count_include_pad=False),
             lambda t: tf.avg_pool2d(t, *geom, count_include_pad=False))]:
        xt = torch.tensor(x, requires_grad=True)
        yt = theirs(xt)
        dy = rng.standard_normal(tuple(yt.shape))
        yt.backward(torch.tensor(dy))
        xf = nn.Tensor(x, requires_grad=True)
        y = ours(xf)
        y.backward(dy)
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12, err_msg=name)
        if name == "max":  # with NaN in a window torch's gradient goes to the last NaN
            continue
        np.testing.assert_allclose(xf.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-14,
                                   err_msg=name)
    xm = rng.standard_normal((2, 3, 11, 36))
    _, idx = tf.max_pool2d(torch.tensor(xm), *geom, return_indices=True)
    np.testing.assert_array_equal(kp.max_pool2d_forward(xm, *geom)[1], idx.numpy())


@pytest.mark.parametrize("size", [1, (2, 3), (None, 4)])
def test_adaptive_matches_torch(rng, size):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((2, 3, 6, 12))
    y = F.adaptive_avg_pool2d(x[0], size)  # unbatched
    yt = torch.nn.functional.adaptive_avg_pool2d(torch.tensor(x[0]), size)
    np.testing.assert_allclose(y.data, yt.numpy(), rtol=1e-12)


def test_float32_stays_float32(rng):
    x = nn.Tensor(rng.standard_normal((2, 3, 8, 8)).astype(np.float32), requires_grad=True)
    for y in (F.max_pool2d(x, 2), F.avg_pool2d(x, 2), F.adaptive_avg_pool2d(x, 1)):
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32


def test_thread_count_independent(rng):
    x = rng.standard_normal((4, 16, 30, 30)).astype(np.float32)
    prev = fastml.get_num_threads()
    out = []
    try:
        for n in (1, 2, 3):
            fastml.set_num_threads(n)
            y, a = kp.max_pool2d_forward(x, (3, 3), (2, 2), (1, 1))
            dx = kp.max_pool2d_backward(y, a, x.shape, (3, 3), (2, 2), (1, 1))
            ya = kp.avg_pool2d_forward(x, (3, 3), (1, 1), (1, 1))
            out.append((y, a, dx, ya, kp.avg_pool2d_backward(ya, x.shape, (3, 3), (1, 1),
                                                             (1, 1))))
    finally:
        fastml.set_num_threads(prev)
    for o in out[1:]:
        for got, exp in zip(o, out[0]):
            np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("call, match", [
    (lambda x: F.max_pool2d(x[0, 0], 2), "4-D"),
    (lambda x: F.max_pool2d(x, 2, padding=2), "at most half"),
    (lambda x: F.max_pool2d(x, 7), "larger than the padded input"),
    (lambda x: F.avg_pool2d(x, 2, padding=-1), "padding must be >= 0"),
    (lambda x: F.avg_pool2d(x, 0), "kernel_size must be >= 1"),
    (lambda x: F.max_pool2d(x, 2, stride=0), "stride must be >= 1"),
    (lambda x: F.adaptive_avg_pool2d(x, 0), "output_size must be >= 1"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call(np.zeros((2, 3, 5, 6)))


def test_non_contiguous_input(rng):
    x = rng.standard_normal((2, 3, 10, 40))[:, :, ::-1, ::2]
    xc = np.ascontiguousarray(x)
    np.testing.assert_array_equal(F.max_pool2d(x, 3, 2, 1).data, F.max_pool2d(xc, 3, 2, 1).data)
    np.testing.assert_array_equal(F.avg_pool2d(x, 2).data, F.avg_pool2d(xc, 2).data)
