"""Activations and softmax: gradients (float64 central differences),
torch.nn.functional in float64, dtype preservation, edge values (the kernels vs
their twin are in tests/kernels/test_activation.py)."""
import numpy as np
import pytest

import fastml.nn as nn
from fastml.nn import F, Tensor, gradcheck

ACTS = [("relu", F.relu, {}), ("leaky_relu", F.leaky_relu, {"negative_slope": 0.07}),
        ("elu", F.elu, {"alpha": 1.3}), ("sigmoid", F.sigmoid, {}), ("tanh", F.tanh, {})]


@pytest.mark.parametrize("name,fn,kw", ACTS)
def test_gradcheck(rng, name, fn, kw):
    x = Tensor(rng.standard_normal((3, 7)) * 2, requires_grad=True)
    x.data[np.abs(x.data) < 1e-3] = 0.5  # keep away from the kinks
    assert gradcheck(lambda x: fn(x, **kw), (x,))


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_gradcheck(rng, fn, dim):
    x = Tensor(rng.standard_normal((3, 5, 4)), requires_grad=True)
    assert gradcheck(lambda x: fn(x, dim), (x,))


def test_edge_values():
    x = np.array([np.nan, np.inf, -np.inf, 1e4, -1e4, 0.0], np.float32)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(F.sigmoid(x).numpy()[1:], [1, 0, 1, 0, 0.5])
        np.testing.assert_array_equal(F.tanh(x).numpy()[1:], [1, -1, 1, -1, 0])
        np.testing.assert_array_equal(F.elu(x).numpy()[1:], [np.inf, -1, 1e4, -1, 0])
        for fn in (F.relu, F.sigmoid, F.tanh, F.elu, F.leaky_relu):
            assert np.isnan(fn(x).numpy()[0])
    big = np.array([[1000.0, 0.0, -1000.0]], np.float32)
    np.testing.assert_allclose(F.softmax(big).numpy(), [[1, 0, 0]])
    np.testing.assert_allclose(F.log_softmax(big).numpy(), [[0, -1000, -2000]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(dtype):
    x = Tensor(np.linspace(-2, 2, 12).astype(dtype).reshape(3, 4), requires_grad=True)
    outs = [fn(x, **kw) for _, fn, kw in ACTS] + [F.softmax(x, 0), F.log_softmax(x),
                                                  F.identity(x)]
    for o in outs:
        assert o.dtype == dtype
    sum(o.sum() for o in outs).backward()
    assert x.grad.dtype == dtype


def test_bad_input():
    with pytest.raises(ValueError, match="dim"):
        F.softmax(Tensor(np.ones((2, 3))), 2)
    with pytest.raises(ValueError, match="floating"):
        F.relu(Tensor(np.arange(3)))


def test_against_torch(rng):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    xn = rng.standard_normal((4, 6)) * 3
    dy = rng.standard_normal((4, 6))
    pairs = [(F.relu, tf.relu), (lambda t: F.leaky_relu(t, 0.1), lambda t: tf.leaky_relu(t, 0.1)),
             (lambda t: F.elu(t, 0.7), lambda t: tf.elu(t, 0.7)), (F.sigmoid, torch.sigmoid),
             (F.tanh, torch.tanh), (lambda t: F.softmax(t, 0), lambda t: tf.softmax(t, 0)),
             (lambda t: F.log_softmax(t, 1), lambda t: tf.log_softmax(t, 1))]
    for ours, theirs in pairs:
        x = Tensor(xn.copy(), requires_grad=True)
        tx = torch.tensor(xn, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        y.backward(dy)
        ty.backward(torch.tensor(dy))
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_tensor_methods_route_to_functional(rng):
    x = Tensor(rng.standard_normal(5))
    np.testing.assert_array_equal(x.relu().numpy(), F.relu(x).numpy())
    np.testing.assert_array_equal(x.softmax(0).numpy(), F.softmax(x, 0).numpy())
    assert nn.F is nn.functional


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_backward_at_nan_passes_gradient_like_torch(dtype):
    """Issue 11, item 22: torch.relu(nan) is nan with gradient 1."""
    torch = pytest.importorskip("torch")
    x = np.array([np.nan, -1.0, 0.0, 2.0], dtype)
    xf = Tensor(x.copy(), requires_grad=True)
    F.relu(xf).sum().backward()
    xt = torch.tensor(x.copy(), requires_grad=True)
    torch.relu(xt).sum().backward()
    np.testing.assert_array_equal(xf.grad, xt.grad.numpy())
