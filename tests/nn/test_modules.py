"""Module API, Linear/activations vs torch, init, save/load, DataLoader,
transforms, Trainer and early stopping."""
import io
import math

import numpy as np
import pytest

from fastml import nn
from fastml.nn import init
from fastml.nn.data import GaussianNoise, RandomFlip, RandomShift
from fastml.nn.training import EarlyStopping, Trainer, accuracy


def _mlp(dtype=np.float32):
    return nn.Sequential(nn.Linear(4, 8, dtype=dtype), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(8, 3, dtype=dtype))


def test_registration_and_traversal():
    nn.manual_seed(0)
    m = _mlp()
    assert [n for n, _ in m.named_parameters()] == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert len(list(m.children())) == 4
    assert [n for n, _ in m.named_modules()][:2] == ["", "0"]
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    assert "Linear(in_features=4, out_features=8, bias=True)" in repr(m)
    bn = nn.BatchNorm1d(3)
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                  "num_batches_tracked"]


def test_linear_and_activations_match_torch(rng):
    torch = pytest.importorskip("torch")
    nn.manual_seed(1)
    lin = nn.Linear(5, 3, dtype=np.float64)
    tlin = torch.nn.Linear(5, 3, dtype=torch.float64)
    with torch.no_grad():
        tlin.weight.copy_(torch.tensor(lin.weight.data))
        tlin.bias.copy_(torch.tensor(lin.bias.data))
    xd = rng.standard_normal((7, 5))
    for mod, tmod in [(nn.ReLU(), torch.nn.ReLU()), (nn.Tanh(), torch.nn.Tanh()),
                      (nn.Sigmoid(), torch.nn.Sigmoid()), (nn.ELU(0.7), torch.nn.ELU(0.7)),
                      (nn.LeakyReLU(0.1), torch.nn.LeakyReLU(0.1)),
                      (nn.Softmax(1), torch.nn.Softmax(1)), (nn.Identity(), torch.nn.Identity())]:
        lin.zero_grad()
        tlin.zero_grad()
        x, tx = nn.Tensor(xd.copy(), requires_grad=True), torch.tensor(xd, requires_grad=True)
        y, ty = mod(lin(x)), tmod(tlin(tx))
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-14)
        w = rng.standard_normal(y.shape)
        (y * nn.Tensor(w)).sum().backward()
        (ty * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(lin.weight.grad, tlin.weight.grad.numpy(), rtol=1e-10)


def test_default_init_bounds_and_seed():
    nn.manual_seed(5)
    a = nn.Linear(50, 40)
    nn.manual_seed(5)
    b = nn.Linear(50, 40)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    bound = 1 / math.sqrt(50)
    assert np.abs(a.weight.data).max() <= bound and np.abs(a.weight.data).max() > 0.9 * bound
    assert a.weight.data.dtype == np.float32
    lstm = nn.LSTM(3, 16)
    assert np.abs(lstm.weight_hh_l0.data).max() <= 0.25


def test_init_functions_statistics():
    nn.manual_seed(0)
    w = nn.Parameter(np.empty((400, 300)))
    init.xavier_uniform_(w)
    assert w.data.std() == pytest.approx(math.sqrt(2 / 700), rel=0.02)
    init.kaiming_normal_(w, nonlinearity="relu")
    assert w.data.std() == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    init.normal_(w, 1.0, 0.5)
    assert w.data.mean() == pytest.approx(1.0, abs=0.01)
    init.zeros_(w)
    assert not w.data.any()
    init.constant_(w, 3)
    assert (w.data == 3).all()
    with pytest.raises(ValueError):
        init.xavier_uniform_(nn.Parameter(np.zeros(3)))


def test_state_dict_roundtrip_and_errors(tmp_path):
    nn.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.Linear(5, 2))
    m[1].running_mean[...] = 0.5
    sd = m.state_dict()
    assert "1.running_var" in sd and sd["0.weight"] is not m[0].weight.data
    path = tmp_path / "m.npz"
    nn.save(sd, path)
    loaded = nn.load(path)
    assert list(loaded) == list(sd)
    nn.manual_seed(1)
    m2 = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.Linear(5, 2))
    m2.load_state_dict(loaded)
    for k, v in m2.state_dict().items():
        np.testing.assert_array_equal(v, sd[k])
    bad = dict(sd)
    bad.pop("0.bias")
    with pytest.raises(KeyError, match="0.bias"):
        m2.load_state_dict(bad)
    extra = dict(sd, foo=np.zeros(1))
    with pytest.raises(KeyError, match="foo"):
        m2.load_state_dict(extra)
    assert m2.load_state_dict(extra, strict=False) == ([], ["foo"])
    wrong = dict(sd)
    wrong["2.weight"] = np.zeros((3, 5))
    with pytest.raises(ValueError, match="size mismatch for 2.weight"):
        m2.load_state_dict(wrong)


def test_wrong_input_size_errors():
    with pytest.raises(ValueError, match="in_features=4"):
        nn.Linear(4, 2)(np.zeros((3, 5), np.float32))
    with pytest.raises(ValueError):
        nn.Linear(0, 2)
    with pytest.raises(ValueError):
        nn.Dropout(1.5)


def test_dropout_train_eval(rng):
    nn.manual_seed(0)
    d = nn.Dropout(0.5)
    x = np.ones((100, 100), np.float32)
    y = d(x).data
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6
    d.eval()
    np.testing.assert_array_equal(d(nn.Tensor(x)).data, x)


def test_dataloader(rng):
    X = np.arange(10, dtype=np.float32)[:, None]
    y = np.arange(10)
    dl = nn.DataLoader(nn.TensorDataset(X, y), batch_size=4)
    assert [len(b[0]) for b in dl] == [4, 4, 2] and len(dl) == 3
    dl = nn.DataLoader((X, y), batch_size=4, drop_last=True, shuffle=True, seed=0)
    batches = list(dl)
    assert len(batches) == 2 == len(dl)
    xs = np.concatenate([b[0].data[:, 0] for b in batches])
    np.testing.assert_array_equal(xs, np.concatenate([b[1].data for b in batches]))
    assert len(set(xs)) == 8 and not np.array_equal(xs, np.arange(8))
    again = [b[1].data for b in nn.DataLoader((X, y), batch_size=4, drop_last=True,
                                              shuffle=True, seed=0)]
    np.testing.assert_array_equal(np.concatenate(again), np.concatenate(
        [b[1].data for b in batches]))
    with pytest.raises(ValueError):
        nn.DataLoader((X, y[:5]))
    with pytest.raises(ValueError):
        nn.DataLoader((X, y), batch_size=0)


def test_transforms(rng):
    x = rng.standard_normal((6, 1, 5, 5)).astype(np.float32)
    r = np.random.default_rng(0)
    f = RandomFlip(p=1.0)(x, r)
    np.testing.assert_array_equal(f, x[..., ::-1])
    s = RandomShift(2)(x, r)
    assert s.shape == x.shape and s.dtype == x.dtype
    assert np.isclose(np.abs(s).sum(axis=(1, 2, 3)), 0).sum() == 0
    n = GaussianNoise(0.5)(x, r)
    assert n.dtype == np.float32 and 0.4 < (n - x).std() < 0.6
    np.testing.assert_array_equal(RandomShift(0)(x, r), x)


def test_trainer_learns_and_early_stopping_restores(rng):
    nn.manual_seed(0)
    X = rng.standard_normal((300, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    model = _mlp()
    opt = nn.optim.Adam(model.parameters(), lr=0.02)
    trainer = Trainer(model, nn.functional.cross_entropy, opt, {"acc": accuracy})
    es = EarlyStopping("val_loss", patience=2)
    buf = io.StringIO()
    hist = trainer.fit((X[:240], y[:240]), epochs=30, val_data=(X[240:], y[240:]),
                       batch_size=32, seed=0, early_stopping=es, verbose=2, file=buf)
    assert hist["val_acc"][es.best_epoch] > 0.9
    assert buf.getvalue().count("epoch") == len(hist["loss"])
    model.eval()
    _, mets = trainer.evaluate(nn.DataLoader((X[240:], y[240:]), batch_size=64))
    assert mets["acc"] == pytest.approx(hist["val_acc"][es.best_epoch])
    log = io.StringIO()  # not a terminal: verbose=1 (the default) still reports epochs
    Trainer(model, nn.functional.cross_entropy, opt).fit((X, y), epochs=1, file=log)
    assert log.getvalue().startswith("epoch 1/1  loss ")
    quiet = io.StringIO()
    Trainer(model, nn.functional.cross_entropy, opt).fit((X, y), epochs=1, file=quiet,
                                                          verbose=0)
    assert quiet.getvalue() == ""


def test_early_stopping_logic():
    es = EarlyStopping("val_acc", patience=1)
    assert es.mode == "max"
    assert [es.step(v, epoch=i) for i, v in enumerate([0.5, 0.6, 0.55, 0.58])] == \
        [False, False, False, True]
    assert es.best == 0.6 and es.best_epoch == 1
