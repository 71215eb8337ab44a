"""Recurrent family (csrc/recurrent*.c): LSTM / RNN sequence kernels vs the
NumPy twin at every SIMD level (float32/float64, odd hidden sizes for the
vector tails), the relu RNN at NaN against torch float64, read-only inputs,
thread-count independence, buffer reuse."""
import numpy as np
import pytest

from fastml._kernels import _threads
from fastml._kernels import recurrent as K
from fastml._kernels.reference import recurrent as R
from fastml.utils._testing import read_only


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


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_results_do_not_depend_on_thread_count(kind, rng):
    """Batch rows are split across threads for the time loop: bitwise-equal output."""
    T, B, I, H = 6, 9, 5, 24  # large enough for the threaded path
    x, h0, c0, wi, wh, b = _lstm_args(rng, T, B, I, H, np.float32, G=4 if kind == "lstm" else 1)
    dy = rng.standard_normal((T * B, H)).astype(np.float32)
    outs = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            if kind == "lstm":
                y, c, g = K.lstm_forward(x, h0, c0, wi, wh, b, T, B)
                outs.append((y.copy(), c.copy())
                            + K.lstm_backward(dy, None, None, x, h0, c0, wi, wh, y, c, g, T, B))
            else:
                y = K.rnn_forward(x, h0, wi, wh, b, T, B)
                outs.append((y.copy(),) + K.rnn_backward(dy, None, x, h0, wi, wh, y, T, B))
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


@pytest.mark.parametrize("B,H", [(3, 5), (2, 17)])
def test_relu_rnn_at_nan_matches_torch_float64(rng, cpu_level, B, H):
    """A NaN pre-activation (from the bias) propagates through relu (torch:
    relu(NaN) = NaN) and its backward passes the gradient (mask y <= 0)."""
    torch = pytest.importorskip("torch")
    T, I = 1, 4
    x, h0, _, wi, wh, b = _lstm_args(rng, T, B, I, H, np.float64, G=1)
    b[2] = np.nan
    dy = rng.standard_normal((T * B, H))
    y = K.rnn_forward(x, h0, wi, wh, b, T, B, relu=True)
    got = K.rnn_backward(dy, None, x, h0, wi, wh, y, T, B, relu=True)
    rnn = torch.nn.RNN(I, H, nonlinearity="relu", dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(wi))
        rnn.weight_hh_l0.copy_(torch.tensor(wh))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
    xt = torch.tensor(x.reshape(T, B, I), requires_grad=True)
    ht = torch.tensor(h0[None], requires_grad=True)
    yt, _ = rnn(xt, ht)
    yt.backward(torch.tensor(dy.reshape(T, B, H)))
    np.testing.assert_allclose(y, yt.detach().numpy().reshape(T * B, H), rtol=1e-12)
    want = (xt.grad.reshape(T * B, I), ht.grad[0], rnn.weight_ih_l0.grad, rnn.weight_hh_l0.grad,
            rnn.bias_ih_l0.grad)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-10, atol=1e-12)
    for g, w in zip(got, R.rnn_backward(dy, None, x, h0, wi, wh, y, T, B, relu=True)):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_read_only_inputs(rng, dt):
    T, B, I, H = 3, 2, 4, 9
    x, h0, c0, wi, wh, b = read_only(*_lstm_args(rng, T, B, I, H, dt))
    dy, = read_only(rng.standard_normal((T * B, H)).astype(dt))
    y, c, g = (a.copy() for a in K.lstm_forward(x, h0, c0, wi, wh, b, T, B))
    ref = R.lstm_forward(x, h0, c0, wi, wh, b, T, B)
    tol = 2e-5 if dt == np.float32 else 1e-12
    np.testing.assert_allclose(y, ref[0], rtol=tol, atol=tol)
    y, c, g = read_only(y, c, g)
    K.lstm_backward(dy, None, None, x, h0, c0, wi, wh, y, c, g, T, B)
    xr, h0r, _, wir, whr, br = read_only(*_lstm_args(rng, T, B, I, H, dt, G=1))
    yr = K.rnn_forward(xr, h0r, wir, whr, br, T, B)
    yr, = read_only(yr)
    K.rnn_backward(dy, None, xr, h0r, wir, whr, yr, T, B)


@pytest.mark.parametrize("relu", [False, True])
def test_need_dx_false_skips_dx(rng, relu):
    T, B, I, H = 2, 3, 4, 5
    x, h0, c0, wi, wh, b = _lstm_args(rng, T, B, I, H, np.float64, G=1)
    y = K.rnn_forward(x, h0, wi, wh, b, T, B, relu)
    dy = rng.standard_normal(y.shape)
    full = K.rnn_backward(dy, None, x, h0, wi, wh, y, T, B, relu)
    part = K.rnn_backward(dy, None, x, h0, wi, wh, y, T, B, relu, need_dx=False)
    assert part[0] is None
    for a, b_ in zip(full[1:], part[1:]):
        np.testing.assert_allclose(a, b_, rtol=1e-13)


def test_float32_tanh_relative_accuracy_near_zero(rng, cpu_level):
    """Issue 11 item 21: the float32 cells' tanh as (1 - e) / (1 + e) lost
    3e-5 to 1.6e-3 relative accuracy for small arguments; the rational kernel
    keeps a few ulp. Positive inputs and weights: no cancellation in the
    pre-activations, so the tanh is what is measured (vs torch float64)."""
    torch = pytest.importorskip("torch")
    T, B, I, H = 3, 4, 3, 9
    x = rng.uniform(1e-4, 1e-3, (T * B, I)).astype(np.float32)
    h0 = np.zeros((B, H), np.float32)
    wi = rng.uniform(0.01, 1.0, (H, I)).astype(np.float32)
    wh = rng.uniform(0.01, 1.0, (H, H)).astype(np.float32)
    y = K.rnn_forward(x, h0, wi, wh, None, T, B)
    rnn = torch.nn.RNN(I, H, bias=False, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(wi.astype(np.float64)))
        rnn.weight_hh_l0.copy_(torch.tensor(wh.astype(np.float64)))
    want, _ = rnn(torch.tensor(x.astype(np.float64).reshape(T, B, I)),
                  torch.tensor(h0.astype(np.float64)[None]))
    np.testing.assert_allclose(y, want.detach().numpy().reshape(T * B, H), rtol=3e-6)
    # LSTM: g = tanh of a small pre-activation, c small, h = o * tanh(c)
    wi4 = rng.uniform(0.01, 1.0, (4 * H, I)).astype(np.float32)
    wh4 = rng.uniform(0.01, 1.0, (4 * H, H)).astype(np.float32) * 1e-3
    y4, c4, _ = K.lstm_forward(x, h0, h0, wi4, wh4, None, T, B)
    ref = R.lstm_forward(*(a.astype(np.float64) for a in (x, h0, h0, wi4, wh4)), None, T, B)
    np.testing.assert_allclose(y4, ref[0], rtol=3e-6)
    np.testing.assert_allclose(c4, ref[1], rtol=3e-6)


# ---- GRU (gates r, z, n; b_hn inside r * (.)) -------------------------------

def _gru_args(rng, T, B, I, H, dt):
    x, h0, _, wi, wh, bi = _lstm_args(rng, T, B, I, H, dt, G=3)
    bh = rng.standard_normal(3 * H).astype(dt)
    return x, h0, wi, wh, bi, bh


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("T,B,I,H", [(1, 1, 1, 1), (4, 3, 5, 7), (3, 2, 9, 17), (2, 5, 3, 33)])
def test_gru_kernel_matches_twin(cpu_level, dt, T, B, I, H, rng):
    x, h0, wi, wh, bi, bh = _gru_args(rng, T, B, I, H, dt)
    tol = dict(rtol=2e-5, atol=2e-5) if dt == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for b_ih, b_hh in ((bi, bh), (None, None)):
        got = [a.copy() for a in K.gru_forward(x, h0, wi, wh, b_ih, b_hh, T, B)]
        ref = R.gru_forward(x, h0, wi, wh, b_ih, b_hh, T, B)
        for g, r in zip(got, ref):
            assert g.dtype == dt
            np.testing.assert_allclose(g, r, **tol)
        dy = rng.standard_normal((T * B, H)).astype(dt)
        for dhn in (rng.standard_normal((B, H)).astype(dt), None):
            g = K.gru_backward(dy, dhn, x, h0, wi, wh, *got, T, B)
            r = R.gru_backward(dy, dhn, x, h0, wi, wh, *ref, T, B)
            for a, b_ in zip(g, r):
                assert a.dtype == dt
                np.testing.assert_allclose(a, b_, rtol=tol["rtol"] * 10,
                                           atol=tol["atol"] * 10 * T)


def test_gru_kernel_matches_torch_float64(rng, cpu_level):
    torch = pytest.importorskip("torch")
    T, B, I, H = 5, 3, 4, 6
    x, h0, wi, wh, bi, bh = _gru_args(rng, T, B, I, H, np.float64)
    y, gates = K.gru_forward(x, h0, wi, wh, bi, bh, T, B)
    dy = rng.standard_normal((T * B, H))
    dhn = rng.standard_normal((B, H))
    got = K.gru_backward(dy, dhn, x, h0, wi, wh, y, gates, T, B)
    gru = torch.nn.GRU(I, H, dtype=torch.float64)
    with torch.no_grad():
        for name, a in (("weight_ih_l0", wi), ("weight_hh_l0", wh), ("bias_ih_l0", bi),
                        ("bias_hh_l0", bh)):
            getattr(gru, name).copy_(torch.tensor(a))
    xt = torch.tensor(x.reshape(T, B, I), requires_grad=True)
    ht = torch.tensor(h0[None], requires_grad=True)
    yt, hnt = gru(xt, ht)
    torch.autograd.backward([yt, hnt], [torch.tensor(dy.reshape(T, B, H)),
                                        torch.tensor(dhn[None])])
    np.testing.assert_allclose(y, yt.detach().numpy().reshape(T * B, H), rtol=1e-12, atol=1e-14)
    want = (xt.grad.reshape(T * B, I), ht.grad[0], gru.weight_ih_l0.grad, gru.weight_hh_l0.grad,
            gru.bias_ih_l0.grad, gru.bias_hh_l0.grad)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-10, atol=1e-12)


def test_gru_results_do_not_depend_on_thread_count(rng):
    T, B, I, H = 6, 9, 5, 24
    x, h0, wi, wh, bi, bh = _gru_args(rng, T, B, I, H, np.float32)
    dy = rng.standard_normal((T * B, H)).astype(np.float32)
    outs = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            y, g = K.gru_forward(x, h0, wi, wh, bi, bh, T, B)
            outs.append((y.copy(), g.copy())
                        + K.gru_backward(dy, None, x, h0, wi, wh, y, g, T, B))
    for other in outs[1:]:
        for a, b_ in zip(outs[0], other):
            np.testing.assert_array_equal(a, b_)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_gru_read_only_inputs_and_need_dx(rng, dt):
    T, B, I, H = 3, 2, 4, 9
    x, h0, wi, wh, bi, bh = read_only(*_gru_args(rng, T, B, I, H, dt))
    dy, = read_only(rng.standard_normal((T * B, H)).astype(dt))
    y, g = read_only(*(a.copy() for a in K.gru_forward(x, h0, wi, wh, bi, bh, T, B)))
    ref = R.gru_forward(x, h0, wi, wh, bi, bh, T, B)
    tol = 2e-5 if dt == np.float32 else 1e-12
    np.testing.assert_allclose(y, ref[0], rtol=tol, atol=tol)
    full = K.gru_backward(dy, None, x, h0, wi, wh, y, g, T, B)
    full = [a.copy() for a in full]
    part = K.gru_backward(dy, None, x, h0, wi, wh, y, g, T, B, need_dx=False)
    assert part[0] is None
    for a, b_ in zip(full[1:], part[1:]):
        np.testing.assert_array_equal(a, b_)


def test_gru_large_hidden_uses_blas_path(rng):
    """3H * H above the small-kernel limit: the serial BLAS per-step path."""
    T, B, I, H = 2, 3, 4, 600
    x, h0, wi, wh, bi, bh = _gru_args(rng, T, B, I, H, np.float64)
    wh *= 0.05
    y, g = K.gru_forward(x, h0, wi, wh, bi, bh, T, B)
    ref = R.gru_forward(x, h0, wi, wh, bi, bh, T, B)
    np.testing.assert_allclose(y, ref[0], rtol=1e-11, atol=1e-12)
    dy = rng.standard_normal((T * B, H))
    got = K.gru_backward(dy, None, x, h0, wi, wh, y.copy(), g.copy(), T, B)
    want = R.gru_backward(dy, None, x, h0, wi, wh, *ref, T, B)
    for a, b_ in zip(got, want):
        np.testing.assert_allclose(a, b_, rtol=1e-10, atol=1e-11)
