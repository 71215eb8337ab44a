"""nn.GRU vs torch.nn.GRU (float64 values and gradients over random shapes and
options, float32 within tolerance), gradcheck, torch's state_dict, repr and
bad input. The kernels vs their twin are in tests/kernels/test_recurrent.py."""
import numpy as np
import pytest

from fastml import nn


def _torch_twin(mod, torch, **kw):
    tmod = torch.nn.GRU(mod.input_size, mod.hidden_size, num_layers=mod.num_layers,
                        bias=mod.bias, batch_first=mod.batch_first,
                        bidirectional=mod.bidirectional, dtype=torch.float64, **kw)
    tmod.load_state_dict({k: torch.tensor(np.asarray(v, np.float64))
                          for k, v in mod.state_dict().items()})
    return tmod


@pytest.mark.parametrize("seed", range(8))
def test_gru_matches_torch_float64_random_configs(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    T, B, I, H = (int(v) for v in rng.integers(1, 7, 4))
    kw = dict(num_layers=int(rng.integers(1, 4)), bias=bool(rng.integers(0, 2) or seed == 0),
              batch_first=bool(rng.integers(0, 2)), bidirectional=bool(rng.integers(0, 2)))
    nn.manual_seed(seed)
    mod = nn.GRU(I, H, dtype=np.float64, **kw)
    tmod = _torch_twin(mod, torch)
    assert [n for n, _ in mod.named_parameters()] == [n for n, _ in tmod.named_parameters()]
    D = 2 if kw["bidirectional"] else 1
    L = kw["num_layers"] * D
    shape = (B, T, I) if kw["batch_first"] else (T, B, I)
    xd, h0d = rng.standard_normal(shape), rng.standard_normal((L, B, H))
    use_h0 = seed % 3 != 0
    x = nn.Tensor(xd.copy(), requires_grad=True)
    tx = torch.tensor(xd.copy(), requires_grad=True)
    h0 = nn.Tensor(h0d.copy(), requires_grad=True)
    th0 = torch.tensor(h0d.copy(), requires_grad=True)
    y, hn = mod(x, h0) if use_h0 else mod(x)
    ty, thn = tmod(tx, th0) if use_h0 else tmod(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hn.data, thn.detach().numpy(), rtol=1e-10, atol=1e-12)
    wy, wh = rng.standard_normal(y.shape), rng.standard_normal(hn.shape)
    ((y * nn.Tensor(wy)).sum() + (hn * nn.Tensor(wh)).sum()).backward()
    ((ty * torch.tensor(wy)).sum() + (thn * torch.tensor(wh)).sum()).backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
    if use_h0:
        np.testing.assert_allclose(h0.grad, th0.grad.numpy(), rtol=1e-9, atol=1e-11)
    for name, p in mod.named_parameters():
        np.testing.assert_allclose(p.grad, getattr(tmod, name).grad.numpy(), rtol=1e-9,
                                   atol=1e-11, err_msg=name)


def test_gru_float32_matches_torch(rng):
    torch = pytest.importorskip("torch")
    nn.manual_seed(4)
    mod = nn.GRU(8, 16, num_layers=2, bidirectional=True)
    tmod = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True)
    tmod.load_state_dict({k: torch.tensor(v) for k, v in mod.state_dict().items()})
    xd = rng.standard_normal((10, 4, 8)).astype(np.float32)
    x = nn.Tensor(xd, requires_grad=True)
    tx = torch.tensor(xd, requires_grad=True)
    y, hn = mod(x)
    ty, thn = tmod(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-4, atol=2e-6)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-3, atol=1e-5)
    for name, p in mod.named_parameters():
        np.testing.assert_allclose(p.grad, getattr(tmod, name).grad.numpy(), rtol=1e-3,
                                   atol=2e-5, err_msg=name)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_gru_gradcheck(bidirectional, rng):
    nn.manual_seed(1)
    mod = nn.GRU(3, 4, num_layers=2, bidirectional=bidirectional, dtype=np.float64)
    x = nn.Tensor(rng.standard_normal((5, 2, 3)), requires_grad=True)
    h0 = nn.Tensor(rng.standard_normal((2 * (2 if bidirectional else 1), 2, 4)),
                   requires_grad=True)

    def fn(x, h0, *ps):
        y, hn = mod(x, h0)
        return y.sum(axis=2) + (hn * hn).sum() * 0.5

    assert nn.gradcheck(fn, (x, h0, *mod.parameters()), eps=1e-6, atol=1e-7, rtol=1e-5)


def test_gru_torch_state_dict_init_and_repr():
    torch = pytest.importorskip("torch")
    tmod = torch.nn.GRU(5, 7, num_layers=2, batch_first=True, dropout=0.25,
                        bidirectional=True)
    mod = nn.GRU(5, 7, num_layers=2, batch_first=True, dropout=0.25, bidirectional=True)
    assert list(mod.state_dict()) == list(tmod.state_dict())
    mod.load_state_dict({k: v.numpy() for k, v in tmod.state_dict().items()})
    assert repr(mod) == repr(tmod)
    assert repr(nn.GRU(3, 4, bias=False)) == repr(torch.nn.GRU(3, 4, bias=False))
    bound = 1 / np.sqrt(7)  # U(-1/sqrt(H), 1/sqrt(H)) like torch
    w = nn.GRU(5, 7).weight_hh_l0.data
    assert w.shape == (21, 7) and np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound


def test_gru_dropout_between_layers_train_and_eval(rng):
    nn.manual_seed(0)
    mod = nn.GRU(3, 5, num_layers=2, dropout=0.5, dtype=np.float64)
    x = rng.standard_normal((4, 2, 3))
    mod.eval()
    a, _ = mod(x)
    b, _ = mod(x)
    np.testing.assert_array_equal(a.data, b.data)
    mod.train()
    nn.manual_seed(1)
    c, _ = mod(x)
    assert not np.allclose(a.data, c.data)
    # single layer: dropout has no effect (torch warns and ignores it)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        one = nn.GRU(3, 5, dropout=0.5, dtype=np.float64)
    one.train()
    np.testing.assert_array_equal(one(x)[0].data, one(x)[0].data)


def test_gru_unbatched_and_bad_inputs(rng):
    nn.manual_seed(2)
    mod = nn.GRU(3, 4, num_layers=2, bidirectional=True, dtype=np.float64)
    x = rng.standard_normal((7, 3))
    y, hn = mod(x)
    assert y.shape == (7, 8) and hn.shape == (4, 4)
    np.testing.assert_allclose(hn.data[2], y.data[-1, :4], rtol=1e-12)
    np.testing.assert_allclose(hn.data[3], y.data[0, 4:], rtol=1e-12)
    yb, hb = mod(x[:, None, :])
    np.testing.assert_allclose(y.data, yb.data[:, 0], rtol=1e-12)
    with pytest.raises(ValueError, match="input_size=3"):
        mod(rng.standard_normal((5, 2, 4)))
    with pytest.raises(ValueError, match=r"hx of shape \(4, 2, 4\)"):
        mod(rng.standard_normal((5, 2, 3)), np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match="dtype"):
        nn.GRU(3, 4)(rng.standard_normal((5, 2, 3)))
    with pytest.raises(ValueError, match="hidden_size"):
        nn.GRU(3, 0)
    with pytest.raises(ValueError, match="dropout"):
        nn.GRU(3, 4, dropout=1.5)
