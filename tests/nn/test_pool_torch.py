"""Pooling additions against torch: ceil_mode, return_indices + MaxUnpool2d,
divisor_override, adaptive average/max pooling of any output size, the
modules' repr, float64 values and gradients, gradcheck."""
import numpy as np
import pytest

from fastml import nn
from fastml.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _compare(rng, ours, theirs, shape, dtype=np.float64, rtol=1e-12):
    x = rng.standard_normal(shape).astype(dtype)
    xf, xt = nn.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = ours(xf), theirs(xt)
    if isinstance(yt, tuple):
        np.testing.assert_array_equal(y[1].data, yt[1].numpy())
        assert y[1].data.dtype == np.int64
        y, yt = y[0], yt[0]
    assert y.shape == tuple(yt.shape)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=rtol, atol=rtol)
    g = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xf.grad, xt.grad.numpy(), rtol=rtol, atol=rtol)


POOLS = [
    ("max", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), (2, 3, 8, 9)),
    ("max", dict(kernel_size=2, ceil_mode=True), (2, 3, 7, 5)),
    ("max", dict(kernel_size=(3, 2), stride=(2, 3), ceil_mode=True, return_indices=True),
     (2, 3, 10, 11)),
    ("max", dict(kernel_size=3, stride=2, padding=1, return_indices=True), (3, 9, 8)),
    ("avg", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), (2, 3, 8, 9)),
    ("avg", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
     (2, 3, 8, 9)),
    ("avg", dict(kernel_size=3, stride=2, padding=1, divisor_override=5), (2, 3, 8, 9)),
    ("avg", dict(kernel_size=2, ceil_mode=True, divisor_override=3), (2, 3, 7, 7)),
]


@pytest.mark.parametrize("kind, kw, shape", POOLS)
def test_pool_options_match_torch(rng, kind, kw, shape):
    name = f"{kind}_pool2d"
    _compare(rng, lambda x: getattr(F, name)(x, **kw), lambda x: getattr(TF, name)(x, **kw),
             shape)


@pytest.mark.parametrize("kind, kw, shape", POOLS[:3] + POOLS[4:6])
def test_pool_options_float32(rng, kind, kw, shape):
    name = f"{kind}_pool2d"
    _compare(rng, lambda x: getattr(F, name)(x, **kw), lambda x: getattr(TF, name)(x, **kw),
             shape, np.float32, 1e-6)


@pytest.mark.parametrize("size, shape", [((3, 5), (2, 3, 7, 9)), ((None, 4), (2, 3, 7, 9)),
                                         (5, (2, 3, 7, 9)), ((9, 11), (3, 7, 9)),
                                         ((1, 1), (2, 3, 5, 5)), ((2, 3), (2, 3, 6, 9))])
def test_adaptive_match_torch(rng, size, shape):
    _compare(rng, lambda x: F.adaptive_avg_pool2d(x, size),
             lambda x: TF.adaptive_avg_pool2d(x, size), shape)
    _compare(rng, lambda x: F.adaptive_max_pool2d(x, size, True),
             lambda x: TF.adaptive_max_pool2d(x, size, True), shape)


def test_adaptive_float32_and_ties(rng):
    _compare(rng, lambda x: F.adaptive_avg_pool2d(x, (3, 5)),
             lambda x: TF.adaptive_avg_pool2d(x, (3, 5)), (2, 3, 7, 9), np.float32, 1e-6)
    x = np.ones((1, 1, 5, 5))  # every cell ties: the first in row-major order wins
    _, idx = F.adaptive_max_pool2d(x, 3, return_indices=True)
    np.testing.assert_array_equal(idx.data, TF.adaptive_max_pool2d(
        torch.tensor(x), 3, return_indices=True)[1].numpy())


@pytest.mark.parametrize("op", [
    lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
    lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True),
    lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
    lambda x: F.adaptive_max_pool2d(x, (3, 2)),
])
def test_gradcheck(rng, op):
    x = nn.Tensor(rng.standard_normal((1, 2, 5, 7)), requires_grad=True)
    assert nn.gradcheck(op, (x,))


@pytest.mark.parametrize("output_size", [None, (9, 9), (2, 3, 9, 8)])
def test_max_unpool_matches_torch(rng, output_size):
    x = rng.standard_normal((2, 3, 8, 8))
    yt, it = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    y, i = F.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(i.data, it.numpy())
    _compare(rng, lambda v: F.max_unpool2d(v, i, 2, output_size=output_size),
             lambda v: TF.max_unpool2d(v, it, 2, output_size=output_size), (2, 3, 4, 4))
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    out, ind = pool(x)
    tp, tu = torch.nn.MaxPool2d(2, return_indices=True), torch.nn.MaxUnpool2d(2)
    to, ti = tp(torch.tensor(x))
    np.testing.assert_array_equal(unpool(out, ind).data, tu(to, ti).numpy())
    assert repr(unpool) == repr(tu)
    with pytest.raises(ValueError, match="invalid max index"):
        F.max_unpool2d(out, ind.data * 100, 2)


@pytest.mark.parametrize("ours, theirs", [
    (nn.MaxPool2d(3, 2, 1, ceil_mode=True), torch.nn.MaxPool2d(3, 2, 1, ceil_mode=True)),
    (nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
     torch.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)),
    (nn.AdaptiveAvgPool2d((3, None)), torch.nn.AdaptiveAvgPool2d((3, None))),
    (nn.AdaptiveMaxPool2d(3), torch.nn.AdaptiveMaxPool2d(3)),
])
def test_modules_match_torch(rng, ours, theirs):
    assert repr(ours) == repr(theirs)
    x = rng.standard_normal((2, 3, 8, 7))
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).numpy(), rtol=1e-12)


def test_bad_arguments():
    with pytest.raises(ValueError, match="dilation"):
        nn.MaxPool2d(2, dilation=2)
    with pytest.raises(ValueError, match="divisor must be not zero"):
        F.avg_pool2d(np.zeros((1, 1, 4, 4)), 2, divisor_override=0)
    with pytest.raises(ValueError, match="output_size"):
        F.adaptive_avg_pool2d(np.zeros((1, 1, 4, 4)), (0, 2))
    with pytest.raises(ValueError, match="indices"):
        F.max_unpool2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 2, 3), np.int64), 2)
