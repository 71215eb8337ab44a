"""LayerNorm / GroupNorm / Dropout2d / Unflatten agree with torch: values and
gradients in float64 over random shapes and parameters, float32 within
tolerance, gradcheck, parameter names / init / state_dict / repr, errors."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import fastml.nn as nn
import fastml.nn.functional as F
from fastml.nn import gradcheck

torch = pytest.importorskip("torch")


def _both(a, requires_grad=True):
    return nn.Tensor(a.copy(), requires_grad=requires_grad), \
        torch.tensor(a.copy(), requires_grad=requires_grad)


def _grads_match(ours, theirs, leaves, tleaves, rng, rtol):
    assert_allclose(ours.data, theirs.detach().numpy(), rtol=rtol, atol=rtol)
    w = rng.standard_normal(theirs.shape)
    (ours * nn.Tensor(w.astype(ours.dtype))).sum().backward()
    (theirs * torch.tensor(w, dtype=theirs.dtype)).sum().backward()
    for a, b in zip(leaves, tleaves):
        assert_allclose(a.grad, b.grad.numpy(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("seed", range(6))
def test_layer_norm_matches_torch_float64(seed):
    rng = np.random.default_rng(seed)
    nd = int(rng.integers(1, 3))
    lead = tuple(int(s) for s in rng.integers(1, 6, int(rng.integers(1, 3))))
    shape = tuple(int(s) for s in rng.integers(1, 40, nd))
    x = rng.standard_normal(lead + shape) * rng.uniform(0.1, 10) + rng.uniform(-5, 5)
    eps = float(rng.choice([1e-5, 1e-3, 0.1]))
    xa, xb = _both(x)
    wa, wb = _both(rng.standard_normal(shape))
    ba, bb = _both(rng.standard_normal(shape))
    out = F.layer_norm(xa, shape, wa, ba, eps)
    ref = torch.nn.functional.layer_norm(xb, shape, wb, bb, eps)
    _grads_match(out, ref, (xa, wa, ba), (xb, wb, bb), rng, 1e-10)


@pytest.mark.parametrize("seed", range(6))
def test_group_norm_matches_torch_float64(seed):
    rng = np.random.default_rng(seed)
    G = int(rng.integers(1, 5))
    C = G * int(rng.integers(1, 4))
    spatial = rng.integers(1, 9, int(rng.integers(0, 3)))
    shape = (int(rng.integers(2, 4)), C) + tuple(int(s) for s in spatial)
    x = rng.standard_normal(shape) * 3 + 1
    xa, xb = _both(x)
    wa, wb = _both(rng.standard_normal(C))
    ba, bb = _both(rng.standard_normal(C))
    out = F.group_norm(xa, G, wa, ba, 1e-5)
    ref = torch.nn.functional.group_norm(xb, G, wb, bb, 1e-5)
    _grads_match(out, ref, (xa, wa, ba), (xb, wb, bb), rng, 1e-10)


def test_norms_float32_within_tolerance():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((32, 16, 64)).astype(np.float32)
    xa, xb = _both(x)
    ln, tln = nn.LayerNorm(64), torch.nn.LayerNorm(64)
    ln.weight.data[:] = rng.standard_normal(64)
    tln.load_state_dict({k: torch.tensor(v) for k, v in ln.state_dict().items()})
    _grads_match(ln(xa), tln(xb), (xa, ln.weight, ln.bias), (xb, tln.weight, tln.bias), rng,
                 2e-4)
    xa, xb = _both(x.reshape(32, 16, 8, 8))
    gn, tgn = nn.GroupNorm(4, 16), torch.nn.GroupNorm(4, 16)
    _grads_match(gn(xa), tgn(xb), (xa, gn.weight), (xb, tgn.weight), rng, 2e-4)


def test_gradcheck():
    rng = np.random.default_rng(0)
    x = nn.Tensor(rng.standard_normal((3, 4, 5)), requires_grad=True)
    w = nn.Tensor(rng.standard_normal((4, 5)), requires_grad=True)
    b = nn.Tensor(rng.standard_normal((4, 5)), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.layer_norm(x, (4, 5), w, b), (x, w, b))
    gw = nn.Tensor(rng.standard_normal(4), requires_grad=True)
    gb = nn.Tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x, gw, gb))
    assert gradcheck(lambda x: F.layer_norm(x, 5), (x,))


@pytest.mark.parametrize("make,tmake", [
    (lambda: nn.LayerNorm(6), lambda: torch.nn.LayerNorm(6)),
    (lambda: nn.LayerNorm((2, 3), bias=False), lambda: torch.nn.LayerNorm((2, 3), bias=False)),
    (lambda: nn.LayerNorm(3, eps=1e-3, elementwise_affine=False),
     lambda: torch.nn.LayerNorm(3, eps=1e-3, elementwise_affine=False)),
    (lambda: nn.GroupNorm(2, 6), lambda: torch.nn.GroupNorm(2, 6)),
    (lambda: nn.GroupNorm(3, 6, affine=False), lambda: torch.nn.GroupNorm(3, 6, affine=False)),
    (lambda: nn.GroupNorm(1, 6, bias=False), lambda: torch.nn.GroupNorm(1, 6, bias=False)),
    (lambda: nn.Dropout2d(0.3), lambda: torch.nn.Dropout2d(0.3)),
    (lambda: nn.Dropout(), lambda: torch.nn.Dropout()),
    (lambda: nn.Unflatten(1, (2, 3)), lambda: torch.nn.Unflatten(1, (2, 3))),
    (lambda: nn.Flatten(0, 1), lambda: torch.nn.Flatten(0, 1)),
])
def test_repr_state_dict_and_init_like_torch(make, tmake):
    m, t = make(), tmake()
    assert repr(m) == repr(t)
    sd, tsd = m.state_dict(), t.state_dict()
    assert list(sd) == list(tsd)
    for k in sd:
        assert_allclose(sd[k], tsd[k].numpy())
        assert sd[k].dtype == np.float32
    t.load_state_dict({k: torch.tensor(np.asarray(v) + 0.5) for k, v in sd.items()})
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})


def test_torch_state_dict_loads_and_modules_agree():
    rng = np.random.default_rng(5)
    t = torch.nn.GroupNorm(2, 4)
    with torch.no_grad():
        t.weight.normal_()
        t.bias.normal_()
    m = nn.GroupNorm(2, 4)
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    x = rng.standard_normal((2, 4, 3, 3)).astype(np.float32)
    assert_allclose(m(x).data, t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        F.group_norm(nn.Tensor(np.zeros((2, 6, 3))), 4)
    with pytest.raises(ValueError, match=r"normalized_shape=\[5\].*\[\*, 5\]"):
        F.layer_norm(nn.Tensor(np.zeros((2, 4))), 5)
    with pytest.raises(ValueError, match="weight must have shape"):
        F.layer_norm(nn.Tensor(np.zeros((2, 4))), 4, nn.Tensor(np.zeros(3)))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.group_norm(nn.Tensor(np.zeros((1, 4))), 2)
    with pytest.raises(ValueError, match="eps"):
        nn.LayerNorm(4, eps=-1.0)
    with pytest.raises(ValueError, match="between 0 and 1.*1.5"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match="dropout2d"):
        F.dropout2d(nn.Tensor(np.zeros((2, 3))), 0.5)
    with pytest.raises(ValueError, match="unflattened_size"):
        nn.Unflatten(1, (4, 4))(nn.Tensor(np.zeros((2, 6))))


def test_dropout2d_zeroes_whole_channels_with_torch_scaling():
    nn.manual_seed(0)
    x = nn.Tensor(np.ones((64, 32, 3, 5)), requires_grad=True)
    y = F.dropout2d(x, 0.25)
    d = y.data
    per = d.reshape(64, 32, -1)
    assert np.all((per == 0).all(axis=2) | (per == 1 / 0.75).all(axis=2))
    kept = (per != 0).all(axis=2).mean()
    assert 0.7 < kept < 0.8
    y.backward(np.full(d.shape, 2.0))
    assert_allclose(x.grad, 2 * d)
    m = nn.Dropout2d(0.25)
    m.eval()
    assert m(x) is x or np.array_equal(m(x).data, x.data)
    assert F.dropout2d(x, 1.0).data.max() == 0
    assert_allclose(F.dropout2d(nn.Tensor(np.ones((2, 3, 4))), 0.5, training=True).data.reshape(
        6, 4).std(axis=1), 0)


def test_unflatten_matches_torch():
    a = np.arange(24.0).reshape(2, 12)
    xa, xb = _both(a)
    out, ref = nn.Unflatten(1, (3, -1))(xa), torch.nn.Unflatten(1, (3, -1))(xb)
    assert tuple(out.shape) == tuple(ref.shape) == (2, 3, 4)
    _grads_match(out, ref, (xa,), (xb,), np.random.default_rng(0), 1e-12)
