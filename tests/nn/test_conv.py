"""F.conv2d: float64 gradient checks, agreement with torch.nn.functional.conv2d,
dtype and unbatched input, bad input, non-contiguous input (the kernels
against their twin: tests/kernels/test_conv2d.py)."""
import numpy as np
import pytest

from fastml import nn
from fastml._kernels.reference import conv2d as ref
from fastml.nn import functional as F
from fastml.utils._testing import CONV2D_CONFIGS

CONFIGS = CONV2D_CONFIGS  # (N, C, H, W, K, R, S, stride, padding, dilation, groups)


def _data(rng, cfg, dtype):
    N, C, H, W, K, R, S, st, pd, dl, g = cfg
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    w = rng.standard_normal((K, C // g, R, S)).astype(dtype)
    b = rng.standard_normal(K).astype(dtype)
    return x, w, b


@pytest.mark.parametrize("cfg", [CONFIGS[1], CONFIGS[2], CONFIGS[6]])
def test_gradcheck(rng, cfg):
    N, C, H, W, K, R, S, st, pd, dl, g = cfg
    N, C = 1, C if C <= 6 else 2
    x = nn.Tensor(rng.standard_normal((N, C, H, W)), requires_grad=True)
    w = nn.Tensor(rng.standard_normal((K, C // g, R, S)), requires_grad=True)
    b = nn.Tensor(rng.standard_normal(K), requires_grad=True)
    assert nn.gradcheck(lambda x, w, b: F.conv2d(x, w, b, st, pd, dl, g), (x, w, b))


@pytest.mark.parametrize("cfg", CONFIGS[:4] + [CONFIGS[6]])
def test_matches_torch_float64(rng, cfg):
    torch = pytest.importorskip("torch")
    x, w, b = _data(rng, cfg, np.float64)
    st, pd, dl, g = cfg[7:]
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.nn.functional.conv2d(xt, wt, bt, st, pd, dl, g)
    dy = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(dy))
    xf, wf, bf = (nn.Tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv2d(xf, wf, bf, st, pd, dl, g)
    y.backward(dy)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-11, atol=1e-11)
    for a, t in ((xf, xt), (wf, wt), (bf, bt)):
        np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_float32_stays_float32_and_unbatched(rng):
    x = rng.standard_normal((3, 6, 5)).astype(np.float32)
    w = rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
    xt, wt = nn.Tensor(x, requires_grad=True), nn.Tensor(w, requires_grad=True)
    y = F.conv2d(xt, wt, padding="same")
    assert y.dtype == np.float32 and y.shape == (2, 6, 5)
    y.sum().backward()
    assert xt.grad.dtype == np.float32 and xt.grad.shape == x.shape
    yb = F.conv2d(x[None], w, padding=1)
    np.testing.assert_allclose(y.data, yb.data[0], rtol=1e-6)


def test_only_weight_needs_grad(rng):
    x = nn.Tensor(rng.standard_normal((2, 3, 6, 6)))
    w = nn.Tensor(rng.standard_normal((4, 3, 3, 3)), requires_grad=True)
    F.conv2d(x, w, stride=2).sum().backward()
    assert x.grad is None and w.grad.shape == (4, 3, 3, 3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(x=np.zeros((2, 3, 4))[0]), "4-D"),
    (dict(w=np.zeros((4, 2, 3, 3))), "channel mismatch"),
    (dict(w=np.zeros((4, 3, 7, 3))), "larger than the padded input"),
    (dict(padding=-1), "padding must be >= 0"),
    (dict(groups=2), "groups=2 does not divide"),
    (dict(stride=0), "stride must be >= 1"),
    (dict(b=np.zeros(3)), "bias must have shape"),
    (dict(w=np.zeros((4, 3, 3, 3), dtype=np.float32)), "dtype"),
    (dict(padding="same", stride=2), "stride 1"),
])
def test_bad_input(kwargs, match):
    args = dict(x=np.zeros((2, 3, 5, 5)), w=np.zeros((4, 3, 3, 3)), b=None)
    args.update(kwargs)
    x, w, b = args.pop("x"), args.pop("w"), args.pop("b")
    with pytest.raises(ValueError, match=match):
        F.conv2d(x, w, b, **args)


def test_non_contiguous_inputs(rng):
    x = rng.standard_normal((2, 3, 9, 16))[:, :, :, ::2]
    w = rng.standard_normal((2, 3, 4, 3)).transpose(0, 1, 3, 2)  # (2, 3, 3, 4) strided view
    y = F.conv2d(x, w, padding=(1, 2))
    yr = ref.conv2d_forward(np.ascontiguousarray(x), np.ascontiguousarray(w), None, (1, 1),
                            (1, 2), (1, 1), 1)
    np.testing.assert_allclose(y.data, yr, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("where", ["x", "w"])
def test_nonfinite_matches_torch_float32(rng, where):
    # issue 11 item 19: an inf in x or w must not reach neighbouring gradients
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((3, 2, 6, 9)).astype(np.float32)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    (x if where == "x" else w)[1, 1, 2, 0] = np.inf
    xt, wt = (torch.tensor(a, requires_grad=True) for a in (x, w))
    torch.nn.functional.conv2d(xt, wt, padding=1).sum().backward()
    xf, wf = (nn.Tensor(a, requires_grad=True) for a in (x, w))
    F.conv2d(xf, wf, padding=1).sum().backward()
    for a, t in ((xf, xt), (wf, wt)):
        g = t.grad.numpy()
        np.testing.assert_array_equal(np.isnan(a.grad), np.isnan(g))
        np.testing.assert_array_equal(np.isinf(a.grad), np.isinf(g))
        fin = np.isfinite(g)
        np.testing.assert_allclose(a.grad[fin], g[fin], rtol=1e-4, atol=1e-4)
