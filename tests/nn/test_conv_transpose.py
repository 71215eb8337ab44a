"""F.conv_transpose2d / conv_transpose1d and the ConvTranspose modules against
torch (float64 values and gradients over random geometries, float32 within
tolerance), gradcheck, the NumPy twin, torch's parameters/init/state_dict/repr
and bad arguments."""
import numpy as np
import pytest

from fastml import nn
from fastml._kernels import conv2d as kc
from fastml._kernels.reference import conv2d as ref
from fastml.nn import functional as F

# (N, Cin, H, W, Cout, R, S, stride, padding, output_padding, groups, dilation)
CONFIGS = [
    (2, 4, 5, 5, 6, 3, 3, 1, 0, 0, 1, 1),
    (3, 64, 7, 7, 32, 4, 4, 2, 1, 0, 1, 1),           # the VAE decoder layer
    (2, 32, 14, 14, 1, 4, 4, 2, 1, 0, 1, 1),          # ... and its last layer
    (2, 4, 7, 7, 6, 4, 4, 2, 1, 0, 2, 1),             # groups
    (2, 4, 5, 6, 6, 3, 2, (2, 3), (1, 0), (1, 2), 1, 1),
    (1, 3, 5, 5, 2, 3, 3, 1, 1, 0, 1, 2),             # dilation
    (2, 2, 4, 4, 4, 3, 3, 1, 0, 1, 1, 2),             # output_padding >= stride (< dilation)
    (2, 6, 4, 5, 9, 3, 3, 3, 2, 2, 3, 2),
    (1, 3, 1, 1, 5, 1, 1, 1, 0, 0, 1, 1),
]


def _random_config(rng):
    g = int(rng.choice([1, 2, 3]))
    R, S = (int(v) for v in rng.integers(1, 5, 2))
    st = tuple(int(v) for v in rng.integers(1, 4, 2))
    dl = tuple(int(v) for v in rng.integers(1, 3, 2))
    pd = (int(rng.integers(0, dl[0] * (R - 1) + 1)), int(rng.integers(0, dl[1] * (S - 1) + 1)))
    op = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(st, dl))
    H, W = (int(v) for v in rng.integers(2, 7, 2))
    return (int(rng.integers(1, 4)), g * int(rng.integers(1, 4)), H, W,
            g * int(rng.integers(1, 4)), R, S, st, pd, op, g, dl)


def _data(rng, cfg, dtype):
    N, Cin, H, W, Cout, R, S = cfg[:7]
    g = cfg[10]
    return (rng.standard_normal((N, Cin, H, W)).astype(dtype),
            rng.standard_normal((Cin, Cout // g, R, S)).astype(dtype),
            rng.standard_normal(Cout).astype(dtype))


def _against_torch(rng, cfg, dtype, rtol, atol):
    torch = pytest.importorskip("torch")
    x, w, b = _data(rng, cfg, dtype)
    st, pd, op, g, dl = cfg[7:]
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.nn.functional.conv_transpose2d(xt, wt, bt, st, pd, op, g, dl)
    dy = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    yt.backward(torch.tensor(dy))
    xf, wf, bf = (nn.Tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv_transpose2d(xf, wf, bf, st, pd, op, g, dl)
    assert y.shape == tuple(yt.shape) and y.dtype == dtype
    y.backward(dy)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=rtol, atol=atol)
    for a, t in ((xf, xt), (wf, wt), (bf, bt)):
        np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=rtol, atol=atol * 10)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_matches_torch_float64(rng, cfg):
    _against_torch(rng, cfg, np.float64, 1e-11, 1e-11)


@pytest.mark.parametrize("seed", range(12))
def test_random_geometries_match_torch_float64(seed):
    rng = np.random.default_rng(seed)
    _against_torch(rng, _random_config(rng), np.float64, 1e-11, 1e-11)


@pytest.mark.parametrize("cfg", CONFIGS[:4])
def test_float32_matches_torch(rng, cfg):
    _against_torch(rng, cfg, np.float32, 1e-4, 1e-4)


@pytest.mark.parametrize("cfg", [CONFIGS[0], CONFIGS[3], CONFIGS[4], CONFIGS[6]])
def test_gradcheck(rng, cfg):
    cfg = (1,) + cfg[1:]
    x, w, b = (nn.Tensor(a, requires_grad=True) for a in _data(rng, cfg, np.float64))
    st, pd, op, g, dl = cfg[7:]
    assert nn.gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, st, pd, op, g, dl),
                        (x, w, b))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cfg", CONFIGS)
def test_compiled_matches_twin(rng, cfg, dtype, cpu_level):
    x, w, b = _data(rng, cfg, dtype)
    st, pd, op, g, dl = cfg[7:]
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    args = (pair(st), pair(pd), pair(op), pair(dl), g)
    y = kc.conv_transpose2d_forward(x, w, b, *args)
    yr = ref.conv_transpose2d_forward(x, w, b, *args)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(y, yr, **tol)
    dy = rng.standard_normal(y.shape).astype(dtype)
    for a, e in zip(kc.conv_transpose2d_backward(dy, x, w, *args),
                    ref.conv_transpose2d_backward(dy, x, w, *args)):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, e, **tol)


def test_unbatched_and_only_weight_grad(rng):
    x = rng.standard_normal((4, 5, 5))
    w = nn.Tensor(rng.standard_normal((4, 3, 3, 3)), requires_grad=True)
    y = F.conv_transpose2d(x, w, stride=2)
    yb = F.conv_transpose2d(x[None], w.data, stride=2)
    assert y.shape == (3, 11, 11)
    np.testing.assert_allclose(y.data, yb.data[0], rtol=1e-12)
    y.sum().backward()
    assert w.grad.shape == w.shape


def test_conv_transpose1d_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x, w, b = rng.standard_normal((2, 4, 9)), rng.standard_normal((4, 3, 3)), \
        rng.standard_normal(6)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.nn.functional.conv_transpose1d(xt, wt, bt, 2, 1, 1, 2, 1)
    yt.sum().backward()
    xf, wf, bf = (nn.Tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv_transpose1d(xf, wf, bf, 2, 1, 1, 2, 1)
    y.sum().backward()
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    for a, t in ((xf, xt), (wf, wt), (bf, bt)):
        np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("args", [
    (64, 32, 4, 2, 1), (4, 6, (3, 2), (2, 1), (1, 0), (1, 0), 2, False, (1, 2)),
])
def test_module_like_torch(args):
    torch = pytest.importorskip("torch")
    m, t = nn.ConvTranspose2d(*args), torch.nn.ConvTranspose2d(*args)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    for k, v in t.state_dict().items():
        assert m.state_dict()[k].shape == tuple(v.shape)
    # torch's init bounds: kaiming_uniform(a=sqrt(5)) on fan_in = weight.shape[1] * R * S
    fan_in = m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
    assert np.abs(m.weight.data).max() <= 1 / np.sqrt(fan_in) + 1e-7
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, args[0], 5, 5)).astype(np.float32)
    np.testing.assert_allclose(m(x).data, t(torch.tensor(x)).detach().numpy(), rtol=1e-4,
                               atol=1e-5)


def test_module_output_size_and_1d():
    torch = pytest.importorskip("torch")
    m, t = nn.ConvTranspose2d(3, 2, 3, stride=2), torch.nn.ConvTranspose2d(3, 2, 3, stride=2)
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((1, 3, 4, 4)).astype(np.float32)
    y = m(x, output_size=[10, 10])
    assert y.shape == tuple(t(torch.tensor(x), output_size=[10, 10]).shape) == (1, 2, 10, 10)
    with pytest.raises(ValueError, match="valid sizes"):
        m(x, output_size=(12, 12))
    m1, t1 = nn.ConvTranspose1d(3, 4, 3, 2), torch.nn.ConvTranspose1d(3, 4, 3, 2)
    assert repr(m1) == repr(t1)
    m1.load_state_dict({k: v.numpy() for k, v in t1.state_dict().items()})
    x1 = x[0, :, 0]
    np.testing.assert_allclose(m1(x1).data, t1(torch.tensor(x1)).detach().numpy(), rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(output_padding=2, stride=2), "output padding must be smaller"),
    (dict(groups=3), "in_channels must be divisible by groups"),
    (dict(padding_mode="reflect"), "zeros"),
    (dict(padding="same"), "padding must be an int"),
    (dict(stride=0), "stride must be an int >= 1"),
])
def test_module_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nn.ConvTranspose2d(4, 6, 3, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(x=np.zeros((2, 3, 4, 4))), "channel mismatch"),
    (dict(output_padding=1), "output padding must be smaller"),
    (dict(b=np.zeros(5)), "bias must have shape"),
    (dict(w=np.zeros((4, 2, 3, 3), np.float32)), "dtype"),
    (dict(groups=3), "groups=3 does not divide"),
    (dict(padding=5), "too small"),
    (dict(x=np.zeros((4, 4))), "4-D"),
])
def test_functional_bad_input(kwargs, match):
    args = dict(x=np.zeros((2, 4, 4, 4)), w=np.zeros((4, 2, 3, 3)), b=None, stride=1,
                padding=0, output_padding=0, groups=1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        F.conv_transpose2d(args["x"], args["w"], args["b"], args["stride"], args["padding"],
                           args["output_padding"], args["groups"])
