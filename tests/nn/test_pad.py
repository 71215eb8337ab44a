"""F.pad and the padding modules against torch (values and gradients in float64),
gradcheck, and torch's errors for bad arguments."""
import numpy as np
import pytest

from fastml import nn
from fastml.nn import functional as F

torch = pytest.importorskip("torch")
CASES = [
    ("constant", (2, 3, 5, 6), (1, 2, 2, 1)),
    ("constant", (2, 3, 5, 6), (-1, 2, 0, 1, 1, 1)),  # crops, and pads the channel dim
    ("constant", (4, 5), (0, 0, 3, -2)),
    ("reflect", (2, 3, 5, 6), (1, 2, 4, 1)),
    ("reflect", (2, 3, 6), (3, 2)),
    ("replicate", (2, 3, 5, 6), (3, 0, 2, 5)),
    ("replicate", (3, 4), (2, 7)),
    ("circular", (2, 3, 5, 6), (1, 2, 5, 1)),
    ("circular", (1, 2, 3, 4, 5), (1, 1, 2, 0, 1, 3)),
]


@pytest.mark.parametrize("mode, shape, pad", CASES)
def test_matches_torch(rng, mode, shape, pad):
    x = rng.standard_normal(shape)
    xf, xt = nn.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    kw = dict(value=2.5) if mode == "constant" else {}
    y, yt = F.pad(xf, pad, mode, **kw), torch.nn.functional.pad(xt, pad, mode, **kw)
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    g = rng.standard_normal(tuple(yt.shape))
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xf.grad, xt.grad.numpy(), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_gradcheck_and_float32(rng, mode):
    x = nn.Tensor(rng.standard_normal((1, 2, 4, 3)), requires_grad=True)
    assert nn.gradcheck(lambda x: F.pad(x, (2, 1, 1, 3), mode), (x,))
    y = F.pad(x.data.astype(np.float32), (1, 1, 1, 1), mode)
    assert y.dtype == np.float32


@pytest.mark.parametrize("cls, args, shape", [
    ("ZeroPad2d", (2,), (1, 2, 3, 4)), ("ConstantPad2d", ((1, 0, 2, 3), 1.5), (2, 3, 4)),
    ("ConstantPad1d", (2, -1.0), (2, 3, 4)), ("ReflectionPad2d", ((1, 2, 0, 1),), (1, 2, 3, 4)),
    ("ReflectionPad1d", (2,), (2, 3, 4)), ("ReplicationPad2d", (3,), (1, 2, 3, 4)),
    ("ReplicationPad1d", ((0, 4),), (2, 3, 4)), ("CircularPad2d", (1,), (1, 2, 3, 4)),
    ("CircularPad1d", (2,), (2, 3, 4)),
])
def test_modules_match_torch(rng, cls, args, shape):
    m, t = getattr(nn, cls)(*args), getattr(torch.nn, cls)(*args)
    assert repr(m) == repr(t)
    x = rng.standard_normal(shape)
    np.testing.assert_array_equal(m(x).data, t(torch.tensor(x)).numpy())


@pytest.mark.parametrize("call, exc, match", [
    (lambda x: F.pad(x, (1,)), ValueError, "even length"),
    (lambda x: F.pad(x, (1, 1) * 5), ValueError, "too large"),
    (lambda x: F.pad(x, (5, 0, 0, 0), "reflect"), ValueError, "should be less than"),
    (lambda x: F.pad(x, (1, 1), "wrap"), NotImplementedError, "padding mode"),
    (lambda x: F.pad(x, (1, 1), "reflect", value=1.0), ValueError, "value"),
    (lambda x: F.pad(x, (7, 0, 0, 0), "circular"), ValueError, "more than once"),
    (lambda x: F.pad(x, (-9, 0)), ValueError, "negative"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call(np.zeros((2, 3, 4, 5)))
