"""F.interpolate / nn.Upsample against torch: nearest, nearest-exact, linear and
bilinear (align_corners False/True), size or scale_factor, float64 values and
gradients, float32 within tolerance, gradcheck and bad arguments."""
import numpy as np
import pytest

from fastml import nn
from fastml.nn import functional as F

torch = pytest.importorskip("torch")
CASES = [
    (dict(scale_factor=2), (2, 3, 5, 7)),
    (dict(size=(9, 4)), (2, 3, 5, 7)),
    (dict(scale_factor=1.7), (2, 3, 5, 7)),
    (dict(scale_factor=(0.5, 2.3)), (2, 3, 5, 7)),
    (dict(size=(9, 4), mode="nearest-exact"), (2, 3, 5, 7)),
    (dict(size=(9, 13), mode="bilinear"), (2, 3, 5, 7)),
    (dict(size=(9, 13), mode="bilinear", align_corners=True), (2, 3, 5, 7)),
    (dict(scale_factor=2.5, mode="bilinear"), (2, 3, 5, 7)),
    (dict(scale_factor=2.5, mode="bilinear", recompute_scale_factor=True), (2, 3, 5, 7)),
    (dict(size=(3, 2), mode="bilinear"), (2, 3, 5, 7)),
    (dict(size=(1, 4), mode="bilinear", align_corners=True), (1, 2, 5, 7)),
    (dict(scale_factor=2, mode="bilinear"), (4, 8, 14, 14)),
    (dict(size=11, mode="linear"), (2, 3, 5)),
    (dict(size=11, mode="linear", align_corners=True), (2, 3, 5)),
    (dict(scale_factor=3), (2, 3, 5)),
]


def _compare(rng, kw, shape, dtype, rtol):
    x = rng.standard_normal(shape).astype(dtype)
    xf, xt = nn.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = F.interpolate(xf, **kw), torch.nn.functional.interpolate(xt, **kw)
    assert y.shape == tuple(yt.shape) and y.dtype == dtype
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=rtol, atol=rtol)
    g = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xf.grad, xt.grad.numpy(), rtol=rtol, atol=rtol * 10)


@pytest.mark.parametrize("kw, shape", CASES)
def test_matches_torch_float64(rng, kw, shape):
    _compare(rng, kw, shape, np.float64, 1e-12)


@pytest.mark.parametrize("kw, shape", CASES)
def test_matches_torch_float32(rng, kw, shape):
    _compare(rng, kw, shape, np.float32, 1e-5)


@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=(4, 7), mode="bilinear"),
                                dict(size=(6, 3), mode="bilinear", align_corners=True)])
def test_gradcheck(rng, kw):
    x = nn.Tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    assert nn.gradcheck(lambda x: F.interpolate(x, **kw), (x,))


@pytest.mark.parametrize("cls, kwargs", [
    ("Upsample", dict(scale_factor=2)), ("Upsample", dict(size=(4, 5), mode="bilinear")),
    ("Upsample", dict(scale_factor=2, mode="bilinear", align_corners=True)),
    ("UpsamplingNearest2d", dict(scale_factor=3)), ("UpsamplingBilinear2d", dict(size=(7, 6))),
])
def test_modules_match_torch(rng, cls, kwargs):
    m, t = getattr(nn, cls)(**kwargs), getattr(torch.nn, cls)(**kwargs)
    assert repr(m) == repr(t)
    x = rng.standard_normal((2, 3, 4, 5))
    np.testing.assert_allclose(m(x).data, t(torch.tensor(x)).numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(), ValueError, "either size or scale_factor"),
    (dict(size=4, scale_factor=2), ValueError, "not both"),
    (dict(size=4, mode="linear"), NotImplementedError, "linear mode needs 3D"),
    (dict(size=4, align_corners=True), ValueError, "align_corners option"),
    (dict(size=4, mode="bicubic"), NotImplementedError, "modes are supported"),
    (dict(size=(4, 4, 4)), ValueError, "same number of spatial"),
    (dict(scale_factor=0.01), ValueError, "empty output"),
])
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        F.interpolate(np.zeros((1, 2, 5, 5)), **kwargs)
