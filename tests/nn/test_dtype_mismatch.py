"""A float64 array fed to a float32 model raises, as torch does (no silent
cast): the error names both dtypes and is a RuntimeError (torch's class for
most layers) as well as a ValueError (fastml's class for bad input)."""
import numpy as np
import pytest

from fastml import nn

X2 = np.random.default_rng(0).standard_normal((2, 8))
X3 = np.random.default_rng(1).standard_normal((5, 2, 8))
X4 = np.random.default_rng(2).standard_normal((2, 4, 8, 8))

LAYERS = [
    ("Linear", (8, 3), X2), ("Conv2d", (4, 3, 3), X4), ("ConvTranspose2d", (4, 3, 3), X4),
    ("LayerNorm", (8,), X2), ("GroupNorm", (2, 4), X4), ("BatchNorm2d", (4,), X4),
    ("GRU", (8, 4), X3), ("LSTM", (8, 4), X3), ("RNN", (8, 4), X3), ("PReLU", (), X2),
    ("GRUCell", (8, 4), X2),
]


@pytest.mark.parametrize("name,args,x", LAYERS, ids=[c[0] for c in LAYERS])
def test_float64_input_to_float32_layer_raises(name, args, x):
    layer = getattr(nn, name)(*args)
    with pytest.raises(RuntimeError, match="float64.*float32|float32.*float64") as info:
        layer(x)
    assert isinstance(info.value, ValueError)
    assert "model.double()" in str(info.value)
    # after converting either side the layer runs, in the shared dtype
    out = layer(nn.Tensor(x).float())
    out = out[0] if isinstance(out, tuple) else out
    assert out.dtype == np.float32
    out = layer.double()(x)
    out = out[0] if isinstance(out, tuple) else out
    assert out.dtype == np.float64


@pytest.mark.parametrize("name,args,x", LAYERS, ids=[c[0] for c in LAYERS])
def test_torch_raises_too(name, args, x):
    torch = pytest.importorskip("torch")
    layer = getattr(torch.nn, name)(*args)
    with pytest.raises((RuntimeError, ValueError)):
        layer(torch.from_numpy(x))


def test_functional_float32_input_with_float64_weight():
    from fastml.nn import functional as F
    w = np.ones((3, 8))
    with pytest.raises(RuntimeError, match="float32"):
        F.linear(X2.astype(np.float32), w)
