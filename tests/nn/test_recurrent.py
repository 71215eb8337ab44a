"""RNN/LSTM modules: vs torch.nn.LSTM/RNN in float64 with copied weights,
finite-difference gradient checks, bad input (the kernels vs their twin are in
tests/kernels/test_recurrent.py)."""
import numpy as np
import pytest

from fastml import nn


def _copy_to_torch(mod, tmod, torch):
    with torch.no_grad():
        for name, p in mod.named_parameters():
            getattr(tmod, name).copy_(torch.tensor(p.data))


@pytest.mark.parametrize("kind,kw", [
    ("LSTM", dict(num_layers=1)),
    ("LSTM", dict(num_layers=2, batch_first=True)),
    ("LSTM", dict(num_layers=1, bias=False)),
    ("RNN", dict(num_layers=2)),
    ("RNN", dict(num_layers=1, nonlinearity="relu", batch_first=True)),
    ("LSTM", dict(num_layers=1, bidirectional=True)),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("LSTM", dict(num_layers=2, bidirectional=True, bias=False)),
    ("RNN", dict(num_layers=2, bidirectional=True)),
    ("RNN", dict(num_layers=3, bidirectional=True, nonlinearity="relu", batch_first=True)),
])
def test_module_matches_torch(kind, kw, rng):
    torch = pytest.importorskip("torch")
    nn.manual_seed(3)
    T, B, I, H = 6, 3, 4, 5
    mod = getattr(nn, kind)(I, H, dtype=np.float64, **kw)
    tmod = getattr(torch.nn, kind)(I, H, dtype=torch.float64, **kw)
    _copy_to_torch(mod, tmod, torch)
    assert [n for n, _ in mod.named_parameters()] == [n for n, _ in tmod.named_parameters()]
    L = mod.num_layers * (2 if kw.get("bidirectional") else 1)
    HY = H * (2 if kw.get("bidirectional") else 1)
    shape = (B, T, I) if mod.batch_first else (T, B, I)
    xd = rng.standard_normal(shape)
    h0d = rng.standard_normal((L, B, H))
    c0d = rng.standard_normal((L, B, H))
    x, h0, c0 = (nn.Tensor(a.copy(), requires_grad=True) for a in (xd, h0d, c0d))
    tx, th0, tc0 = (torch.tensor(a.copy(), requires_grad=True) for a in (xd, h0d, c0d))
    wy = rng.standard_normal((B, T, HY) if mod.batch_first else (T, B, HY))
    wh = rng.standard_normal((L, B, H))
    if kind == "LSTM":
        y, (hn, cn) = mod(x, (h0, c0))
        ty, (thn, tcn) = tmod(tx, (th0, tc0))
        np.testing.assert_allclose(cn.data, tcn.detach().numpy(), rtol=1e-10, atol=1e-12)
        loss = (y * nn.Tensor(wy)).sum() + (hn * nn.Tensor(wh)).sum() + (cn * cn).sum()
        tloss = (ty * torch.tensor(wy)).sum() + (thn * torch.tensor(wh)).sum() + (tcn * tcn).sum()
        inputs = ((x, tx), (h0, th0), (c0, tc0))
    else:
        y, hn = mod(x, h0)
        ty, thn = tmod(tx, th0)
        loss = (y * nn.Tensor(wy)).sum() + (hn * nn.Tensor(wh)).sum()
        tloss = (ty * torch.tensor(wy)).sum() + (thn * torch.tensor(wh)).sum()
        inputs = ((x, tx), (h0, th0))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hn.data, thn.detach().numpy(), rtol=1e-10, atol=1e-12)
    loss.backward()
    tloss.backward()
    for a, ta in inputs:
        np.testing.assert_allclose(a.grad, ta.grad.numpy(), rtol=1e-9, atol=1e-11)
    for name, p in mod.named_parameters():
        np.testing.assert_allclose(p.grad, getattr(tmod, name).grad.numpy(), rtol=1e-9,
                                   atol=1e-11, err_msg=name)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", ["LSTM", "RNN"])
def test_gradcheck(kind, bidirectional, rng):
    nn.manual_seed(1)
    mod = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=bidirectional, dtype=np.float64)
    x = nn.Tensor(rng.standard_normal((5, 2, 3)), requires_grad=True)
    params = list(mod.parameters())

    def fn(x, *ps):
        out = mod(x)
        h = out[1][0] if kind == "LSTM" else out[1]
        return out[0].sum(axis=2) + h.sum() * 0.5 + (out[1][1].sum() if kind == "LSTM" else 0)

    assert nn.gradcheck(fn, (x, *params), eps=1e-6, atol=1e-7, rtol=1e-5)


def test_bad_inputs():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match="input_size=3"):
        lstm(np.zeros((5, 2, 4), np.float32))
    with pytest.raises(ValueError, match="h0"):
        lstm(np.zeros((5, 2, 3), np.float32), (np.zeros((1, 3, 4), np.float32),
                                               np.zeros((1, 2, 4), np.float32)))
    with pytest.raises(ValueError, match="dtype"):
        lstm(np.zeros((5, 2, 3), np.float64))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="gelu")


def test_unbatched_and_float32_dtype(rng):
    nn.manual_seed(0)
    lstm = nn.LSTM(3, 4)
    x = rng.standard_normal((6, 3)).astype(np.float32)
    y, (h, c) = lstm(x)
    assert y.shape == (6, 4) and h.shape == (1, 4) and y.data.dtype == np.float32
    yb, (hb, _) = lstm(x[:, None, :])
    np.testing.assert_allclose(y.data, yb.data[:, 0], rtol=1e-6)
    np.testing.assert_allclose(h.data, hb.data[:, 0], rtol=1e-6)




@pytest.mark.parametrize("kind", ["LSTM", "RNN"])
def test_bidirectional_unbatched_shapes_and_states(kind, rng):
    """Unbatched input, h_n of shape (num_layers * 2, H), and the reverse
    direction's final state is its hidden state at time 0 of the output."""
    nn.manual_seed(2)
    mod = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, dtype=np.float64)
    x = rng.standard_normal((7, 3))
    y, st = mod(x)
    hn = st[0] if kind == "LSTM" else st
    assert y.shape == (7, 8) and hn.shape == (4, 4)
    np.testing.assert_allclose(hn.data[2], y.data[-1, :4], rtol=1e-12)  # last layer, forward
    np.testing.assert_allclose(hn.data[3], y.data[0, 4:], rtol=1e-12)   # last layer, reverse
    with pytest.raises(ValueError, match=r"\(4, 1, 4\)"):
        mod(x[:, None, :], np.zeros((2, 1, 4)) if kind == "RNN"
            else (np.zeros((2, 1, 4)), np.zeros((2, 1, 4))))
    assert "bidirectional=True" in repr(mod)
