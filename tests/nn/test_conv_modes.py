"""Conv2d / Conv1d modules and F.conv1d against torch: groups, dilation,
padding "same"/"valid" (odd and even kernels), every padding_mode, unbatched
input, torch's parameters/init/state_dict/repr and argument errors."""
import numpy as np
import pytest

from fastml import nn
from fastml.nn import functional as F

torch = pytest.importorskip("torch")
MODES = ["zeros", "reflect", "replicate", "circular"]


def _run(rng, ours, theirs, shape):
    theirs = theirs.double()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal(shape)
    xf, xt = nn.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = ours(xf), theirs(xt)
    assert y.shape == tuple(yt.shape)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-11, atol=1e-11)
    g = rng.standard_normal(tuple(yt.shape))
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xf.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(dict(ours.named_parameters())[name].grad, p.grad.numpy(),
                                   rtol=1e-10, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=3, padding=1), dict(kernel_size=(3, 2), padding=(2, 1), stride=(2, 1)),
    dict(kernel_size=3, padding="same", dilation=2), dict(kernel_size=4, padding="same"),
    dict(kernel_size=(2, 3), padding="same", dilation=(3, 1)), dict(kernel_size=3,
                                                                    padding="valid"),
    dict(kernel_size=3, padding=1, groups=2),
])
def test_conv2d_module_matches_torch(rng, mode, kwargs):
    args = (4, 6)
    _run(rng, nn.Conv2d(*args, padding_mode=mode, dtype=np.float64, **kwargs),
         torch.nn.Conv2d(*args, padding_mode=mode, **kwargs), (2, 4, 7, 8))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=3, padding=1), dict(kernel_size=4, padding="same", dilation=1),
    dict(kernel_size=3, stride=2, padding=2, dilation=2, groups=2), dict(kernel_size=1),
])
def test_conv1d_module_matches_torch(rng, mode, kwargs):
    _run(rng, nn.Conv1d(4, 6, padding_mode=mode, dtype=np.float64, **kwargs),
         torch.nn.Conv1d(4, 6, padding_mode=mode, **kwargs), (3, 4, 11))


def test_unbatched_depthwise_and_float32(rng):
    _run(rng, nn.Conv2d(4, 8, 3, groups=4, dtype=np.float64), torch.nn.Conv2d(4, 8, 3, groups=4),
         (4, 6, 6))
    _run(rng, nn.Conv1d(3, 2, 3, dtype=np.float64), torch.nn.Conv1d(3, 2, 3), (3, 9))
    m, t = nn.Conv2d(3, 5, 3, padding=1, padding_mode="reflect"), \
        torch.nn.Conv2d(3, 5, 3, padding=1, padding_mode="reflect")
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    y = m(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, t(torch.tensor(x)).detach().numpy(), rtol=1e-4,
                               atol=1e-5)


def test_functional_conv1d_and_even_same(rng):
    x, w, b = rng.standard_normal((2, 4, 10)), rng.standard_normal((6, 2, 4)), \
        rng.standard_normal(6)
    y = F.conv1d(x, w, b, padding="same", dilation=1, groups=2)
    yt = torch.nn.functional.conv1d(*(torch.tensor(a) for a in (x, w, b)), padding="same",
                                    groups=2)
    np.testing.assert_allclose(y.data, yt.numpy(), rtol=1e-12, atol=1e-12)
    x2, w2 = rng.standard_normal((1, 2, 5, 6)), rng.standard_normal((3, 2, 2, 4))
    y2 = F.conv2d(x2, w2, padding="same")
    np.testing.assert_allclose(y2.data, torch.nn.functional.conv2d(
        torch.tensor(x2), torch.tensor(w2), padding="same").numpy(), rtol=1e-12, atol=1e-12)
    xv = nn.Tensor(x2, requires_grad=True)
    assert nn.gradcheck(lambda v: F.conv2d(v, w2, padding="same"), (xv,))


@pytest.mark.parametrize("args, kwargs", [
    ((3, 8, 3), dict(padding=1)), ((4, 8, (3, 5)), dict(stride=2, dilation=(1, 2), groups=4,
                                                        bias=False, padding_mode="circular")),
    ((3, 8, 3), dict(padding="same")), ((3, 6, 5), dict(padding="valid")),
])
def test_module_repr_state_dict_and_init(args, kwargs):
    pairs = any(isinstance(v, tuple) for v in list(args) + list(kwargs.values()))
    for cls in ("Conv2d",) if pairs else ("Conv2d", "Conv1d"):
        m, t = getattr(nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
        assert repr(m) == repr(t)
        assert list(m.state_dict()) == list(t.state_dict())
        for k, v in t.state_dict().items():
            assert m.state_dict()[k].shape == tuple(v.shape)
        fan_in = int(np.prod(m.weight.shape[1:]))
        assert np.abs(m.weight.data).max() <= 1 / np.sqrt(fan_in) + 1e-7
        if m.bias is not None:
            assert np.abs(m.bias.data).max() <= 1 / np.sqrt(fan_in) + 1e-7


@pytest.mark.parametrize("kwargs, match", [
    (dict(groups=2), "in_channels must be divisible by groups"),
    (dict(padding="full"), "Invalid padding string"),
    (dict(padding="same", stride=2), "not supported for strided convolutions"),
    (dict(padding_mode="mirror"), "padding_mode must be one of"),
    (dict(dilation=0), "dilation must be an int >= 1"),
    (dict(device="cuda"), "device"),
])
def test_module_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nn.Conv2d(3, 6, 3, **kwargs)
