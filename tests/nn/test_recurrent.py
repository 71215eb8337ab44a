"""RNN/LSTM: compiled kernels vs the NumPy twin (every SIMD level, f32/f64),
modules vs torch.nn.LSTM/RNN in float64 with copied weights, and
finite-difference gradient checks."""
import numpy as np
import pytest

from fastml import nn
from fastml._kernels import recurrent as K
from fastml._kernels.reference import recurrent as R


def _lstm_args(rng, T, B, I, H, dt, G=4):
    x = rng.standard_normal((T * B, I)).astype(dt)
    h0 = rng.standard_normal((B, H)).astype(dt)
    c0 = rng.standard_normal((B, H)).astype(dt)
    wi = (rng.standard_normal((G * H, I)) * 0.5).astype(dt)
    wh = (rng.standard_normal((G * H, H)) * 0.5).astype(dt)
    b = rng.standard_normal(G * H).astype(dt)
    return x, h0, c0, wi, wh, b


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("T,B,I,H", [(1, 1, 1, 1), (4, 3, 5, 7), (3, 2, 9, 17), (2, 5, 3, 33)])
def test_lstm_kernel_matches_twin(cpu_level, dt, T, B, I, H, rng):
    x, h0, c0, wi, wh, b = _lstm_args(rng, T, B, I, H, dt)
    tol = dict(rtol=2e-5, atol=2e-5) if dt == np.float32 else dict(rtol=1e-12, atol=1e-12)
    got = K.lstm_forward(x, h0, c0, wi, wh, b, T, B)
    ref = R.lstm_forward(x, h0, c0, wi, wh, b, T, B)
    for g, r in zip(got, ref):
        assert g.dtype == dt
        np.testing.assert_allclose(g, r, **tol)
    dy = rng.standard_normal((T * B, H)).astype(dt)
    dcn = rng.standard_normal((B, H)).astype(dt)
    for bias, dhn in ((b, rng.standard_normal((B, H)).astype(dt)), (None, None)):
        y, c, gates = K.lstm_forward(x, h0, c0, wi, wh, bias, T, B)
        got = K.lstm_backward(dy, dhn, dcn, x, h0, c0, wi, wh, y, c, gates, T, B)
        ref = R.lstm_backward(dy, dhn, dcn, x, h0, c0, wi, wh, *R.lstm_forward(
            x, h0, c0, wi, wh, bias, T, B), T, B)
        for g, r in zip(got, ref):
            assert g.dtype == dt
            np.testing.assert_allclose(g, r, rtol=tol["rtol"] * 10, atol=tol["atol"] * 10 * T)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("T,B,I,H", [(1, 1, 1, 1), (5, 3, 4, 9), (3, 2, 6, 17)])
def test_rnn_kernel_matches_twin(cpu_level, dt, relu, T, B, I, H, rng):
    x, h0, _, wi, wh, b = _lstm_args(rng, T, B, I, H, dt, G=1)
    tol = dict(rtol=2e-5, atol=2e-5) if dt == np.float32 else dict(rtol=1e-12, atol=1e-12)
    y = K.rnn_forward(x, h0, wi, wh, b, T, B, relu)
    np.testing.assert_allclose(y, R.rnn_forward(x, h0, wi, wh, b, T, B, relu), **tol)
    dy = rng.standard_normal((T * B, H)).astype(dt)
    dhn = rng.standard_normal((B, H)).astype(dt)
    got = K.rnn_backward(dy, dhn, x, h0, wi, wh, y, T, B, relu)
    ref = R.rnn_backward(dy, dhn, x, h0, wi, wh, y, T, B, relu)
    for g, r in zip(got, ref):
        assert g.dtype == dt
        np.testing.assert_allclose(g, r, rtol=tol["rtol"] * 10, atol=tol["atol"] * 10 * T)


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
])
def test_module_matches_torch(kind, kw, rng):
    torch = pytest.importorskip("torch")
    nn.manual_seed(3)
    T, B, I, H = 6, 3, 4, 5
    mod = getattr(nn, kind)(I, H, dtype=np.float64, **kw)
    tmod = getattr(torch.nn, kind)(I, H, dtype=torch.float64, **kw)
    _copy_to_torch(mod, tmod, torch)
    L = mod.num_layers
    shape = (B, T, I) if mod.batch_first else (T, B, I)
    xd = rng.standard_normal(shape)
    h0d = rng.standard_normal((L, B, H))
    c0d = rng.standard_normal((L, B, H))
    x, h0, c0 = (nn.Tensor(a.copy(), requires_grad=True) for a in (xd, h0d, c0d))
    tx, th0, tc0 = (torch.tensor(a.copy(), requires_grad=True) for a in (xd, h0d, c0d))
    wy = rng.standard_normal((B, T, H) if mod.batch_first else (T, B, H))
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


@pytest.mark.parametrize("kind", ["LSTM", "RNN"])
def test_gradcheck(kind, rng):
    nn.manual_seed(1)
    mod = getattr(nn, kind)(3, 4, num_layers=2, dtype=np.float64)
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


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_results_do_not_depend_on_thread_count(kind, rng):
    """Batch rows are split across threads for the time loop: bitwise-equal output."""
    import fastml

    T, B, I, H = 6, 9, 5, 24  # large enough for the threaded path
    x, h0, c0, wi, wh, b = _lstm_args(rng, T, B, I, H, np.float32, G=4 if kind == "lstm" else 1)
    dy = rng.standard_normal((T * B, H)).astype(np.float32)
    outs = []
    prev = fastml.get_num_threads()
    try:
        for n in (1, 2, 3):
            fastml.set_num_threads(n)
            if kind == "lstm":
                y, c, g = K.lstm_forward(x, h0, c0, wi, wh, b, T, B)
                outs.append((y, c) + K.lstm_backward(dy, None, None, x, h0, c0, wi, wh, y, c, g,
                                                      T, B))
            else:
                y = K.rnn_forward(x, h0, wi, wh, b, T, B)
                outs.append((y,) + K.rnn_backward(dy, None, x, h0, wi, wh, y, T, B))
    finally:
        fastml.set_num_threads(prev)
    for other in outs[1:]:
        for a, b_ in zip(outs[0], other):
            np.testing.assert_array_equal(a, b_)


def test_buffer_reuse_never_touches_live_arrays(rng):
    """The facade reuses sequence buffers only when nothing references them."""
    T, B, I, H = 4, 3, 2, 5
    x, h0, c0, wi, wh, b = _lstm_args(rng, T, B, I, H, np.float32)
    y1, c1, g1 = K.lstm_forward(x, h0, c0, wi, wh, b, T, B)
    keep = (y1.copy(), c1.copy(), g1.copy())
    view = y1[1:]
    del y1
    for _ in range(6):
        K.lstm_forward(x * 2, h0, c0, wi, wh, b, T, B)
    np.testing.assert_array_equal(view, keep[0][1:])
    np.testing.assert_array_equal(c1, keep[1])
    np.testing.assert_array_equal(g1, keep[2])
