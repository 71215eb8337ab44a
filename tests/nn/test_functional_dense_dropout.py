"""linear (BLAS + fused epilogues) and dropout (counter-based RNG): gradient
checks, torch, seeding, mask reuse, bad input (the kernels vs their twins are
in tests/kernels/test_dense.py and test_dropout.py)."""
import numpy as np
import pytest

import fastml.nn as nn
from fastml.nn import F, Tensor, gradcheck


@pytest.mark.parametrize("xshape", [(5, 7), (2, 3, 7), (7,)])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("act", [None, "relu"])
def test_linear_gradcheck(rng, xshape, bias, act):
    x = Tensor(rng.standard_normal(xshape), requires_grad=True)
    w = Tensor(rng.standard_normal((4, 7)), requires_grad=True)
    ins = (x, w)
    if bias:
        ins += (Tensor(rng.standard_normal(4), requires_grad=True),)
    assert gradcheck(lambda *a: F.linear(*a, activation=act), ins)


def test_linear_fused_relu_equals_unfused(rng):
    x = Tensor(rng.standard_normal((6, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal((3, 5)), requires_grad=True)
    b = Tensor(rng.standard_normal(3), requires_grad=True)
    y1 = F.linear(x, w, b, activation="relu")
    y2 = F.relu(F.linear(x, w, b))
    np.testing.assert_allclose(y1.numpy(), y2.numpy(), rtol=1e-13)


def test_linear_against_torch(rng):
    torch = pytest.importorskip("torch")
    xn, wn, bn = rng.standard_normal((2, 5, 6)), rng.standard_normal((3, 6)), rng.standard_normal(3)
    x, w, b = (Tensor(a, requires_grad=True) for a in (xn, wn, bn))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (xn, wn, bn))
    y, ty = F.linear(x, w, b), torch.nn.functional.linear(tx, tw, tb)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
    for ours, theirs in ((x, tx), (w, tw), (b, tb)):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12)


def test_linear_bad_input(rng):
    x = Tensor(rng.standard_normal((4, 5)))
    with pytest.raises(ValueError, match="in_features"):
        F.linear(x, Tensor(rng.standard_normal((3, 4))))
    with pytest.raises(ValueError, match="2-D"):
        F.linear(x, Tensor(rng.standard_normal(5)))
    with pytest.raises(ValueError, match="bias"):
        F.linear(x, Tensor(rng.standard_normal((3, 5))), Tensor(np.ones(4)))
    with pytest.raises(ValueError, match="dtype"):
        F.linear(x, Tensor(rng.standard_normal((3, 5)).astype(np.float32)))
    with pytest.raises(ValueError, match="activation"):
        F.linear(x, Tensor(rng.standard_normal((3, 5))), activation="gelu")


def test_dropout_statistics_and_scale():
    x = np.ones(200_000, np.float32)
    for p in (0.1, 0.5, 0.8):
        y = F.dropout(Tensor(x), p).numpy()
        kept = y != 0
        assert abs(kept.mean() - (1 - p)) < 0.005
        np.testing.assert_allclose(y[kept], np.float32(1) / np.float32(1 - p))
        assert y.dtype == np.float32


def test_dropout_mask_reused_in_backward(rng):
    x = Tensor(rng.standard_normal((50, 40)), requires_grad=True)
    y = F.dropout(x, 0.3)
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(x.grad != 0, y.numpy() != 0)
    np.testing.assert_allclose(x.grad[x.grad != 0], 1 / 0.7)


def test_dropout_gradcheck(rng):
    x = Tensor(rng.standard_normal((4, 9)), requires_grad=True)

    def f(x):
        nn.manual_seed(7)
        return F.dropout(x, 0.4)
    assert gradcheck(f, (x,))


def test_dropout_seeding_and_modes(rng):
    x = Tensor(rng.standard_normal(1000))
    nn.manual_seed(123)
    a, b = F.dropout(x, 0.5).numpy(), F.dropout(x, 0.5).numpy()
    nn.manual_seed(123)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), a)
    assert not np.array_equal(a, b)  # a fresh key per call
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    z = Tensor(np.ones(5), requires_grad=True)
    out = F.dropout(z, 1.0)
    np.testing.assert_array_equal(out.numpy(), 0)
    out.sum().backward()
    np.testing.assert_array_equal(z.grad, 0)


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", None, float("nan")])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError, match="p must be in"):
        F.dropout(Tensor(np.ones(3)), p)


def test_manual_seed_validation():
    with pytest.raises(ValueError):
        nn.manual_seed(-1)
    with pytest.raises(ValueError):
        nn.manual_seed(1.5)


