"""nn.RNNCell / LSTMCell / GRUCell vs torch (float64 values and gradients,
random shapes, a few steps unrolled), gradcheck, state_dict, repr, bad input."""
import numpy as np
import pytest

from fastml import nn

CELLS = [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")), ("RNNCell", dict(bias=False)),
         ("LSTMCell", {}), ("LSTMCell", dict(bias=False)), ("GRUCell", {}),
         ("GRUCell", dict(bias=False))]


def _pair(kind, kw, torch, I, H, dtype=np.float64):
    mod = getattr(nn, kind)(I, H, dtype=dtype, **kw)
    tmod = getattr(torch.nn, kind)(I, H, dtype=torch.float64 if dtype == np.float64
                                   else torch.float32, **kw)
    assert list(mod.state_dict()) == list(tmod.state_dict())
    tmod.load_state_dict({k: torch.tensor(v) for k, v in mod.state_dict().items()})
    return mod, tmod


@pytest.mark.parametrize("kind,kw", CELLS)
@pytest.mark.parametrize("seed", [0, 1])
def test_cell_unrolled_matches_torch_float64(kind, kw, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    B, I, H, steps = (int(v) for v in rng.integers(1, 7, 4))
    nn.manual_seed(seed)
    mod, tmod = _pair(kind, kw, torch, I, H)
    xs = rng.standard_normal((steps, B, I))
    h0d, c0d = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    x = nn.Tensor(xs.copy(), requires_grad=True)
    tx = torch.tensor(xs.copy(), requires_grad=True)
    h0, th0 = nn.Tensor(h0d.copy(), requires_grad=True), torch.tensor(h0d, requires_grad=True)
    c0, tc0 = nn.Tensor(c0d.copy(), requires_grad=True), torch.tensor(c0d, requires_grad=True)
    lstm = kind == "LSTMCell"
    h, th = ((h0, c0), (th0, tc0)) if lstm else (h0, th0)
    loss, tloss = 0, 0
    for t in range(steps):
        h, th = mod(x[t], h), tmod(tx[t], th)
        hh, thh = (h[0] + h[1] * 0.5, th[0] + th[1] * 0.5) if lstm else (h, th)
        w = rng.standard_normal((B, H))
        loss = loss + (hh * nn.Tensor(w)).sum()
        tloss = tloss + (thh * torch.tensor(w)).sum()
    out = h[0] if lstm else h
    np.testing.assert_allclose(out.data, (th[0] if lstm else th).detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(h0.grad, th0.grad.numpy(), rtol=1e-9, atol=1e-11)
    if lstm:
        np.testing.assert_allclose(c0.grad, tc0.grad.numpy(), rtol=1e-9, atol=1e-11)
    for name, p in mod.named_parameters():
        np.testing.assert_allclose(p.grad, getattr(tmod, name).grad.numpy(), rtol=1e-9,
                                   atol=1e-11, err_msg=name)


@pytest.mark.parametrize("kind,kw", CELLS[::2])
def test_cell_float32_default_state_and_unbatched(kind, kw, rng):
    torch = pytest.importorskip("torch")
    nn.manual_seed(3)
    mod, tmod = _pair(kind, kw, torch, 5, 6, dtype=np.float32)
    xd = rng.standard_normal((4, 5)).astype(np.float32)
    out, tout = mod(xd), tmod(torch.tensor(xd))
    if kind == "LSTMCell":
        out, tout = out[1], tout[1]
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    one, tone = mod(xd[0]), tmod(torch.tensor(xd[0]))
    if kind == "LSTMCell":
        assert one[0].shape == (6,) and one[1].shape == (6,)
        one, tone = one[0], tone[0]
    assert one.shape == (6,)
    np.testing.assert_allclose(one.data, tone.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_gradcheck(kind, rng):
    nn.manual_seed(5)
    mod = getattr(nn, kind)(3, 4, dtype=np.float64)
    x = nn.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    h = nn.Tensor(rng.standard_normal((2, 4)), requires_grad=True)

    def fn(x, h, *ps):
        if kind == "LSTMCell":
            a, b = mod(x, (h, h * 0.5))
            return a + b * b
        h1 = mod(x, h)
        return mod(x * 0.5, h1)  # two steps: the gradient flows through the state

    assert nn.gradcheck(fn, (x, h, *mod.parameters()), eps=1e-6, atol=1e-7, rtol=1e-5)


def test_cell_repr_matches_torch_and_bad_inputs():
    torch = pytest.importorskip("torch")
    for kind, kw in CELLS:
        assert repr(getattr(nn, kind)(3, 4, **kw)) == repr(getattr(torch.nn, kind)(3, 4, **kw))
    cell = nn.GRUCell(3, 4)
    with pytest.raises(ValueError, match="inconsistent input_size: got 5 expected 3"):
        cell(np.zeros((2, 5), np.float32))
    with pytest.raises(ValueError, match="1D or 2D"):
        cell(np.zeros((1, 2, 3), np.float32))
    with pytest.raises(ValueError, match="hx"):
        cell(np.zeros((2, 3), np.float32), np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="tuple"):
        nn.LSTMCell(3, 4)(np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNNCell(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="dtype"):
        cell(np.zeros((2, 3)))
