"""Tensor methods, factories and loss modules in PyTorch's spelling agree with
torch (values, shapes, dtypes and gradients)."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import fastml.nn as nn
from fastml.nn import gradcheck

torch = pytest.importorskip("torch")


def _pair(shape=(3, 4), seed=0, dtype=np.float64, requires_grad=True):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return (nn.Tensor(a.copy(), requires_grad=requires_grad),
            torch.tensor(a.copy(), requires_grad=requires_grad))


def _check(ours, theirs, rtol=1e-10):
    if isinstance(theirs, torch.Tensor):
        assert_allclose(np.asarray(ours.data if isinstance(ours, nn.Tensor) else ours),
                        theirs.detach().numpy(), rtol=rtol, atol=1e-12)
    else:
        assert ours == theirs


@pytest.mark.parametrize("call", [
    lambda x: x.sum(dim=1), lambda x: x.sum(1, keepdim=True), lambda x: x.sum(dim=(0, 1)),
    lambda x: x.mean(dim=0), lambda x: x.mean(), lambda x: x.max(), lambda x: x.min(),
    lambda x: x.max(1)[0], lambda x: x.min(dim=0, keepdim=True).values,
    lambda x: x.var(1), lambda x: x.std(), lambda x: x.var(0, unbiased=False),
    lambda x: x.t(), lambda x: x.view(2, 6), lambda x: x.view(-1), lambda x: x.unsqueeze(1),
    lambda x: x.unsqueeze(0).squeeze(0), lambda x: x.squeeze(1), lambda x: x.repeat(2, 3),
    lambda x: x.repeat(2, 1, 1), lambda x: x.transpose(0, 1), lambda x: x.permute(1, 0),
    lambda x: x.flatten(), lambda x: x.clone(), lambda x: x.pow(3), lambda x: x.square(),
    lambda x: x.neg(), lambda x: x.abs().log1p(), lambda x: x.exp(), lambda x: x.clamp(-0.5, 0.5),
    lambda x: x.maximum(x * 0.5), lambda x: x.mul(2).add(1).sub(0.5).div(3),
    lambda x: x.mm(x.t()), lambda x: x.matmul(x.T), lambda x: x.expand(2, 3, 4),
    lambda x: x[x > 0], lambda x: x.softmax(1), lambda x: x.log_softmax(dim=1),
])
def test_method_matches_torch_values_and_gradients(call):
    a, b = _pair()
    out_a, out_b = call(a), call(b)
    _check(out_a, out_b)
    assert tuple(out_a.shape) == tuple(out_b.shape)
    if out_b.requires_grad:
        w = np.random.default_rng(1).standard_normal(tuple(out_b.shape))
        (out_a * nn.Tensor(w)).sum().backward()
        (out_b * torch.tensor(w)).sum().backward()
        assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_max_dim_returns_values_and_indices_like_torch():
    x = np.array([[1.0, 5.0, 5.0], [4.0, 2.0, 6.0]])
    a, b = nn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    va, ia = a.max(1)
    vb, ib = b.max(1)
    assert_array_equal(ia.numpy(), ib.numpy())
    assert ia.dtype == np.int64
    va.sum().backward()
    vb.sum().backward()
    assert_array_equal(a.grad, b.grad.numpy())  # the tie's gradient goes to one index
    _, pred = a.max(1)
    assert_array_equal(pred.numpy(), [1, 2])
    assert_array_equal(a.argmax(dim=1).numpy(), b.argmax(dim=1).numpy())
    assert int(a.argmax()) == int(b.argmax())
    assert gradcheck(lambda t: t.max(0)[0], (nn.Tensor(np.random.rand(4, 3),
                                                       requires_grad=True),))


def test_size_shape_and_counts():
    a, b = _pair((2, 3, 4), requires_grad=False)
    assert a.size() == tuple(b.size()) and a.size(1) == b.size(1) == 3 and a.size(-1) == 4
    assert a.numel() == b.numel() == 24 and a.dim() == b.dim() == 3
    assert a.size().numel() == 24


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1.0, 2.0]), lambda m: m.tensor([1, 2]), lambda m: m.tensor([True]),
    lambda m: m.tensor(np.float64(1.5)), lambda m: m.zeros(2, 3), lambda m: m.ones((2, 3)),
    lambda m: m.full((2, 2), 7), lambda m: m.full((2,), 1.5), lambda m: m.arange(5),
    lambda m: m.arange(0, 1, 0.25), lambda m: m.linspace(0, 1, 5),
    lambda m: m.zeros(2, dtype=m.float64), lambda m: m.ones(3, dtype=m.long),
    lambda m: m.zeros_like(m.ones(2, 2)), lambda m: m.full_like(m.ones(2), 3.0),
    lambda m: m.cat([m.ones(2, 1), m.zeros(2, 2)], dim=1),
    lambda m: m.stack([m.ones(2), m.zeros(2)], dim=1),
    lambda m: m.where(m.arange(4) > 1, m.ones(4), m.zeros(4)),
    lambda m: m.exp(m.zeros(2)), lambda m: m.sum(m.ones(2, 3), dim=1),
    lambda m: m.max(m.arange(6.0).reshape(2, 3), 1)[1], lambda m: m.argmax(m.arange(4)),
    lambda m: m.ones(2, 3).long(), lambda m: m.ones(2).to(m.float64),
    lambda m: m.ones(2).double().float(), lambda m: m.ones(3).new_zeros(2),
])
def test_factories_match_torch_dtype_and_values(make):
    ours, theirs = make(nn), make(torch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64))


def test_random_factories_are_seeded():
    nn.manual_seed(3)
    a = nn.randn(4, 5)
    b = nn.rand(3)
    c = nn.randint(0, 10, (100,))
    nn.manual_seed(3)
    assert_array_equal(nn.randn(4, 5).numpy(), a.numpy())
    assert a.dtype == np.float32 and b.numpy().min() >= 0 and b.numpy().max() < 1
    assert c.dtype == np.int64 and c.numpy().min() >= 0 and c.numpy().max() < 10


def test_in_place_updates_and_the_grad_guard():
    p = nn.Parameter(np.ones(3, dtype=np.float32))
    p.grad = np.full(3, 2.0, dtype=np.float32)
    with pytest.raises(RuntimeError, match="no_grad"):
        p.add_(p.grad, alpha=-0.1)
    with nn.no_grad():
        p.add_(nn.Tensor(p.grad), alpha=-0.1)          # torch >= 1.5 spelling
        p.add_(-0.1, nn.Tensor(p.grad))                 # torch's old add_(alpha, other)
        p.mul_(2).clamp_(max=1.1)
    assert_allclose(p.numpy(), [1.1, 1.1, 1.1], rtol=1e-6)
    t = nn.zeros(4)
    t.fill_(2).sub_(nn.ones(4), alpha=0.5).div_(3)
    assert_allclose(t.numpy(), [0.5] * 4)
    t[t > 0] = 7.0
    t.zero_()
    t.copy_(nn.arange(4.0))
    assert_array_equal(t.numpy(), [0, 1, 2, 3])


def test_devices_and_import_as_torch():
    x = nn.ones(2)
    assert x.to("cpu") is x and x.cpu() is x and x.contiguous() is x
    with pytest.raises(RuntimeError, match="CPU only"):
        x.cuda()
    with pytest.raises(RuntimeError, match="CPU only"):
        x.to("cuda")
    assert nn.nn is nn and nn.nn.Linear is nn.Linear and nn.nn.functional is nn.F


def _loss_pair(name, kwargs, inputs):
    ours = getattr(nn, name)(**kwargs)
    theirs = getattr(torch.nn, name)(**{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                                        for k, v in kwargs.items()})
    ta = [nn.Tensor(v, requires_grad=v.dtype.kind == "f" and i == 0) if isinstance(v, np.ndarray)
          else v for i, v in enumerate(inputs)]
    tb = [torch.tensor(v, requires_grad=v.dtype.kind == "f" and i == 0) for i, v in
          enumerate(inputs)]
    return ours(*ta), theirs(*tb), ta[0], tb[0]


_rng = np.random.default_rng(5)
_X = _rng.standard_normal((6, 4))
_Y = _rng.integers(0, 4, 6)
_P = np.exp(_X) / np.exp(_X).sum(1, keepdims=True)
_B = _rng.random((6, 4))
_T = (_rng.random((6, 4)) > 0.5).astype(np.float64)
_PM = np.where(_rng.random(6) > 0.5, 1.0, -1.0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, kwargs, inputs", [
    ("CrossEntropyLoss", {}, (_X, _Y)),
    ("CrossEntropyLoss", {"weight": np.array([1.0, 2.0, 0.5, 1.0])}, (_X, _Y)),
    ("CrossEntropyLoss", {"label_smoothing": 0.1, "ignore_index": 2}, (_X, _Y)),
    ("CrossEntropyLoss", {}, (_X, _P[::-1].copy())),  # soft targets
    ("CrossEntropyLoss", {"weight": np.array([1.0, 2.0, 0.5, 1.0]), "label_smoothing": 0.2},
     (_X, _P.copy())),
    ("NLLLoss", {}, (np.log(_P), _Y)),
    ("NLLLoss", {"weight": np.array([1.0, 2.0, 0.5, 1.0]), "ignore_index": 1}, (np.log(_P), _Y)),
    ("BCELoss", {}, (_B, _T)),
    ("BCELoss", {"weight": np.linspace(0.5, 2, 4)}, (_B, _T)),
    ("BCEWithLogitsLoss", {}, (_X, _T)),
    ("BCEWithLogitsLoss", {"pos_weight": np.array([1.0, 3.0, 0.5, 2.0])}, (_X * 10, _T)),
    ("BCEWithLogitsLoss", {"weight": np.linspace(0.5, 2, 4)}, (_X, _T)),
    ("MSELoss", {}, (_X, _B)), ("L1Loss", {}, (_X, _B)),
    ("HuberLoss", {"delta": 0.5}, (_X, _B)), ("SmoothL1Loss", {"beta": 0.5}, (_X, _B)),
    ("SmoothL1Loss", {"beta": 0.0}, (_X, _B)),
    ("KLDivLoss", {}, (np.log(_P), _P[::-1].copy())),
    ("HingeEmbeddingLoss", {"margin": 0.7}, (_X[:, 0].copy(), _PM)),
    ("MarginRankingLoss", {"margin": 0.3}, (_X[:, 0].copy(), _X[:, 1].copy(), _PM)),
    ("CosineEmbeddingLoss", {"margin": 0.2}, (_X, _B, _PM)),
])
def test_loss_modules_match_torch(name, kwargs, inputs, reduction):
    a, b, xa, xb = _loss_pair(name, dict(kwargs, reduction=reduction), inputs)
    assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-12)
    w = np.random.default_rng(0).standard_normal(tuple(b.shape))
    (a * nn.Tensor(w)).sum().backward()
    (b * torch.tensor(w)).sum().backward()
    assert_allclose(xa.grad, xb.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_loss_module_bad_reduction_and_repr():
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss(reduction="avg")
    assert "reduction='sum'" in repr(nn.L1Loss(reduction="sum"))
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
