"""Autograd Tensor: every op checked against float64 central differences,
broadcasting reductions, accumulation, no_grad, dtype rules, errors."""
import numpy as np
import pytest

import fastml.nn as nn
from fastml.nn import Parameter, Tensor, gradcheck


def T(rng, *shape, positive=False):
    a = rng.standard_normal(shape)
    if positive:
        a = np.abs(a) + 0.5
    return Tensor(a, requires_grad=True)


@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: b - 2.5 * a + 1, lambda a, b: 3.0 / b, lambda a, b: -a * b ** 2,
])
def test_binary_broadcast(rng, op):
    a = T(rng, 3, 1, 5)
    b = T(rng, 4, 1, positive=True)
    assert gradcheck(op, (a, b))


def test_pow_variants(rng):
    a = T(rng, 2, 3, positive=True)
    b = T(rng, 3)
    assert gradcheck(lambda a, b: a ** b + a ** 3 + 2.0 ** b + a ** 0.5, (a, b))


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((4,), (4, 3)),
                                    ((3, 4), (4,)), ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2))])
def test_matmul(rng, shapes):
    a, b = T(rng, *shapes[0]), T(rng, *shapes[1])
    assert gradcheck(lambda a, b: a @ b, (a, b))


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ((0, 2), False),
                                           (-1, True)])
def test_reductions(rng, axis, keepdims):
    a = T(rng, 3, 4, 5)
    assert gradcheck(lambda a: a.sum(axis=axis, keepdims=keepdims) * 1.5, (a,))
    assert gradcheck(lambda a: a.mean(axis=axis, keepdims=keepdims), (a,))
    assert gradcheck(lambda a: a.max(axis=axis, keepdims=keepdims), (a,))
    assert gradcheck(lambda a: a.min(axis=axis, keepdims=keepdims), (a,))


def test_max_ties_share_gradient():
    a = Tensor(np.array([1.0, 3.0, 3.0, 2.0]), requires_grad=True)
    a.max().backward()
    np.testing.assert_allclose(a.grad, [0, 0.5, 0.5, 0])


def test_shape_ops(rng):
    a = T(rng, 2, 3, 4)
    assert gradcheck(lambda a: a.reshape(4, 6)[1:3] * 2, (a,))
    assert gradcheck(lambda a: a.view(-1, 2).T.sum(axis=0), (a,))
    assert gradcheck(lambda a: a.transpose(0, 2) * np.arange(24.0).reshape(4, 3, 2), (a,))
    assert gradcheck(lambda a: a.permute(1, 2, 0).flatten(1), (a,))
    assert gradcheck(lambda a: a.unsqueeze(1).squeeze(1).expand(5, 2, 3, 4), (a,))
    assert a.flatten().shape == (24,) and a.T.shape == (4, 3, 2)


@pytest.mark.parametrize("idx", [1, (slice(None), 2), (Ellipsis, slice(1, 4, 2)),
                                 np.array([0, 2, 0, 1]), (np.array([1, 1]), np.array([0, 2])),
                                 (slice(None), np.array([True, False, True])), -1])
def test_indexing(rng, idx):
    a = T(rng, 3, 3, 4)
    assert gradcheck(lambda a: a[idx] * 2.0, (a,))


def test_repeated_index_accumulates():
    a = Tensor(np.zeros(3), requires_grad=True)
    a[np.array([0, 0, 2])].sum().backward()
    np.testing.assert_array_equal(a.grad, [2, 0, 1])


def test_unary(rng):
    a = T(rng, 3, 5, positive=True)
    b = T(rng, 3, 5)
    assert gradcheck(lambda a: a.exp() + a.log() + a.sqrt(), (a,))
    assert gradcheck(lambda b: b.abs() + b.clip(-0.5, 0.7) + b.clamp(min=0.1), (b,))


def test_concat_stack(rng):
    a, b = T(rng, 2, 3), T(rng, 4, 3)
    assert gradcheck(lambda a, b: nn.concat([a, b, a], axis=0) * 2, (a, b))
    c = T(rng, 2, 3)
    assert gradcheck(lambda a, c: nn.stack([a, c], axis=1), (a, c))
    assert gradcheck(lambda a, c: nn.stack([a, c], axis=-1), (a, c))


def test_accumulation_and_shared_nodes(rng):
    x = Tensor(rng.standard_normal(4), requires_grad=True)
    y = x * x + x          # x used twice
    y.sum().backward()
    g1 = x.grad.copy()
    np.testing.assert_allclose(g1, 2 * x.data + 1)
    y.sum().backward()     # graph reused: grads add up
    np.testing.assert_allclose(x.grad, 2 * g1)
    x.zero_grad()
    assert x.grad is None


def test_leaf_grads_do_not_alias(rng):
    a = Tensor(rng.standard_normal(3), requires_grad=True)
    b = Tensor(rng.standard_normal(3), requires_grad=True)
    (a + b).backward(np.ones(3))
    a.grad += 1
    np.testing.assert_array_equal(b.grad, np.ones(3))
    g = np.ones(3)
    c = Tensor(np.zeros(3), requires_grad=True)
    (c + 0.0).backward(g)
    c.grad *= 5
    np.testing.assert_array_equal(g, np.ones(3))


def test_backward_requires_scalar_or_grad(rng):
    x = Tensor(rng.standard_normal(3), requires_grad=True)
    with pytest.raises(RuntimeError):
        (x * 2).backward()
    with pytest.raises(ValueError):
        (x * 2).backward(np.ones(4))
    with pytest.raises(RuntimeError):
        Tensor([1.0]).backward()


def test_no_grad_and_detach(rng):
    x = Tensor(rng.standard_normal(3), requires_grad=True)
    with nn.no_grad():
        assert not nn.is_grad_enabled()
        y = x * 2
    assert nn.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    assert not x.detach().requires_grad

    @nn.no_grad()
    def f(t):
        return t * 3
    assert not f(x).requires_grad


def test_dtypes():
    assert Tensor([1, 2]).dtype == np.float32
    assert Tensor(2.0).dtype == np.float32
    assert Tensor(np.zeros(2)).dtype == np.float64
    assert Tensor(np.zeros(2, np.float32)).dtype == np.float32
    assert Tensor(np.arange(3)).dtype == np.arange(3).dtype
    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    y = (x * 2.5 + 1) / 3 - x ** 2
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32
    with pytest.raises(ValueError):
        Tensor(np.arange(3), requires_grad=True)


def test_parameter_and_misc():
    p = Parameter(np.zeros((2, 3), np.float32))
    assert p.requires_grad and isinstance(p, Tensor) and p.is_leaf
    assert len(p) == 2 and p.ndim == 2 and p.shape == (2, 3)
    assert "Parameter" in repr(p) and "requires_grad" in repr(p)
    assert Tensor([3.0]).item() == 3.0
    assert isinstance(Tensor([1.0]).numpy(), np.ndarray)
    m = Tensor([1.0, 2.0]) > 1.5
    assert m.dtype == bool and not m.requires_grad
    np.testing.assert_array_equal((Tensor([1.0, 2.0]) == 2.0).numpy(), [False, True])
    # ndarray on the left defers to the Tensor
    r = np.ones(2) * Tensor(np.ones(2), requires_grad=True)
    assert isinstance(r, Tensor) and r.requires_grad


def test_make_op_extension_point(rng):
    x = Tensor(rng.standard_normal(5), requires_grad=True)
    const = rng.standard_normal(5)
    out = nn.make_op(x.data * 3, (x, const), lambda g: (g * 3, None))
    assert out.requires_grad
    out.sum().backward()
    np.testing.assert_allclose(x.grad, 3)
    with nn.no_grad():
        assert not nn.make_op(x.data, (x,), None).requires_grad
    assert not nn.make_op(const, (Tensor(const),), None).requires_grad


def test_retain_grad(rng):
    x = Tensor(rng.standard_normal(3), requires_grad=True)
    h = (x * 2).retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, 2 * h.data)


def test_gradcheck_catches_wrong_gradient(rng):
    x = Tensor(rng.standard_normal(4), requires_grad=True)
    bad = lambda x: nn.make_op(x.data ** 2, (x,), lambda g: (g * x.data,))  # noqa: E731
    with pytest.raises(AssertionError, match="gradcheck failed"):
        gradcheck(bad, (x,))
    with pytest.raises(ValueError):
        gradcheck(lambda x: x * 2, (Tensor(np.ones(2, np.float32), requires_grad=True),))


def test_against_torch(rng):
    torch = pytest.importorskip("torch")
    a_np, b_np = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    a, b = Tensor(a_np, requires_grad=True), Tensor(b_np, requires_grad=True)
    ta = torch.tensor(a_np, requires_grad=True)
    tb = torch.tensor(b_np, requires_grad=True)
    out = ((a @ b).exp().sum(axis=0) / (a.abs() + 1).sum()).mean()
    tout = ((ta @ tb).exp().sum(0) / (ta.abs() + 1).sum()).mean()
    out.backward()
    tout.backward()
    np.testing.assert_allclose(out.item(), tout.item(), rtol=1e-12)
    np.testing.assert_allclose(a.grad, ta.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(b.grad, tb.grad.numpy(), rtol=1e-10)


def test_tensor_of_numpy_scalar_keeps_dtype_like_torch():
    """torch.tensor(np.float64(1.5)) is float64 (issue 11, item 22): a NumPy
    scalar keeps its dtype as a 0-d array does; Python floats stay float32."""
    assert Tensor(np.float64(1.5)).dtype == np.float64
    assert Tensor(np.float64(1.5)).item() == 1.5
    assert Tensor(np.float32(1.5)).dtype == np.float32
    assert Tensor(np.int64(3)).dtype == np.int64
    assert Tensor(np.float16(1.5)).dtype == np.float32
    assert Tensor(1.5).dtype == np.float32
    assert Tensor(np.float64(1.5), requires_grad=True).requires_grad
    torch = pytest.importorskip("torch")
    assert str(torch.tensor(np.float64(1.5)).dtype) == "torch.float64"
