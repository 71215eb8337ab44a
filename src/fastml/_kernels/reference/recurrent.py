"""Pure-NumPy twin of csrc/recurrent.c (LSTM / GRU / vanilla RNN over a sequence).

Same contract, layouts and signatures as the facade (fastml._kernels.recurrent): one layer,
one direction, time-major rows x (T*B, I); gates in PyTorch order i, f, g, o;
bias = b_ih + b_hh or None. Written step by step for clarity; dtype in =
dtype out.
"""
import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_forward(x, h0, c0, w_ih, w_hh, bias, T, B):
    """-> y (T*B, H), c_all (T*B, H), gates (T*B, 4H) activated."""
    H = h0.shape[1]
    dt = x.dtype
    gates = (x @ w_ih.T).astype(dt)
    y = np.empty((T * B, H), dt)
    c_all = np.empty((T * B, H), dt)
    h, c = h0, c0
    for t in range(T):
        rows = slice(t * B, (t + 1) * B)
        z = gates[rows] + h @ w_hh.T
        if bias is not None:
            z = z + bias
        i, f = _sigmoid(z[:, :H]), _sigmoid(z[:, H:2 * H])
        g, o = np.tanh(z[:, 2 * H:3 * H]), _sigmoid(z[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        gates[rows] = np.concatenate([i, f, g, o], axis=1)
        c_all[rows], y[rows] = c, h
    return y, c_all, gates


def lstm_backward(dy, dhn, dcn, x, h0, c0, w_ih, w_hh, y, c_all, gates, T, B, need_dx=True):
    """-> dx, dh0, dc0, dw_ih, dw_hh, dbias (dhn/dcn (B, H) or None; dx None
    unless need_dx)."""
    H = h0.shape[1]
    dt = x.dtype
    dG = np.empty_like(gates)
    dh = dy[(T - 1) * B:].copy()
    if dhn is not None:
        dh += dhn.reshape(B, H)
    dc = np.zeros((B, H), dt) if dcn is None else dcn.reshape(B, H).copy()
    for t in range(T - 1, -1, -1):
        rows = slice(t * B, (t + 1) * B)
        g4 = gates[rows]
        i, f, g, o = g4[:, :H], g4[:, H:2 * H], g4[:, 2 * H:3 * H], g4[:, 3 * H:]
        tc = np.tanh(c_all[rows])
        cp = c_all[(t - 1) * B:t * B] if t else c0
        dc = dc + dh * o * (1 - tc * tc)
        dG[rows] = np.concatenate([dc * g * i * (1 - i), dc * cp * f * (1 - f),
                                   dc * i * (1 - g * g), dh * tc * o * (1 - o)], axis=1)
        dc = dc * f
        dh = dG[rows] @ w_hh + (dy[(t - 1) * B:t * B] if t else 0)
    h_prev = np.concatenate([h0, y[:(T - 1) * B]], axis=0)
    return (dG @ w_ih if need_dx else None, dh.astype(dt), dc.astype(dt), dG.T @ x,
            dG.T @ h_prev, dG.sum(axis=0))


def rnn_forward(x, h0, w_ih, w_hh, bias, T, B, relu=False):
    H = h0.shape[1]
    y = np.empty((T * B, H), x.dtype)
    h = h0
    for t in range(T):
        z = x[t * B:(t + 1) * B] @ w_ih.T + h @ w_hh.T
        if bias is not None:
            z = z + bias
        h = np.maximum(z, 0) if relu else np.tanh(z)
        y[t * B:(t + 1) * B] = h
    return y


def rnn_backward(dy, dhn, x, h0, w_ih, w_hh, y, T, B, relu=False, need_dx=True):
    """-> dx, dh0, dw_ih, dw_hh, dbias (dx None unless need_dx). relu: the
    gradient is zeroed where y <= 0 (a NaN output passes it, as torch)."""
    H = h0.shape[1]
    dG = np.empty_like(y)
    dh = dy[(T - 1) * B:].copy()
    if dhn is not None:
        dh += dhn.reshape(B, H)
    for t in range(T - 1, -1, -1):
        rows = slice(t * B, (t + 1) * B)
        yt = y[rows]
        dG[rows] = np.where(yt <= 0, 0, dh) if relu else dh * (1 - yt * yt)
        dh = dG[rows] @ w_hh + (dy[(t - 1) * B:t * B] if t else 0)
    h_prev = np.concatenate([h0, y[:(T - 1) * B]], axis=0)
    return (dG @ w_ih if need_dx else None, dh.astype(y.dtype), dG.T @ x, dG.T @ h_prev,
            dG.sum(axis=0))


def gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, T, B):
    """-> y (T*B, H), gates (T*B, 4H) = [r | z | n | hn] per step (PyTorch GRU:
    n = tanh(x W_in^T + b_in + r * hn), hn = h W_hn^T + b_hn, h' = n + z (h - n))."""
    H = h0.shape[1]
    dt = x.dtype
    gx = x @ w_ih.T
    if b_ih is not None:
        gx = gx + b_ih
    y = np.empty((T * B, H), dt)
    gates = np.empty((T * B, 4 * H), dt)
    h = h0
    for t in range(T):
        rows = slice(t * B, (t + 1) * B)
        gh = h @ w_hh.T
        if b_hh is not None:
            gh = gh + b_hh
        r = _sigmoid(gx[rows, :H] + gh[:, :H])
        z = _sigmoid(gx[rows, H:2 * H] + gh[:, H:2 * H])
        hn = gh[:, 2 * H:]
        n = np.tanh(gx[rows, 2 * H:] + r * hn)
        h = n + z * (h - n)
        gates[rows] = np.concatenate([r, z, n, hn], axis=1)
        y[rows] = h
    return y, gates


def gru_backward(dy, dhn, x, h0, w_ih, w_hh, y, gates, T, B, need_dx=True):
    """-> dx, dh0, dw_ih, dw_hh, db_ih, db_hh (dhn (B, H) or None; dx None unless
    need_dx)."""
    H = h0.shape[1]
    dt = x.dtype
    dGi = np.empty((T * B, 3 * H), dt)  # input-side pre-activation gradients
    dGh = np.empty((T * B, 3 * H), dt)  # hidden-side
    dh = dy[(T - 1) * B:].copy()
    if dhn is not None:
        dh += dhn.reshape(B, H)
    for t in range(T - 1, -1, -1):
        rows = slice(t * B, (t + 1) * B)
        g = gates[rows]
        r, z, n, hn = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]
        hp = y[(t - 1) * B:t * B] if t else h0
        dn = dh * (1 - z) * (1 - n * n)
        dz = dh * (hp - n) * z * (1 - z)
        dr = dn * hn * r * (1 - r)
        dGi[rows] = np.concatenate([dr, dz, dn], axis=1)
        dGh[rows] = np.concatenate([dr, dz, dn * r], axis=1)
        dh = dh * z + dGh[rows] @ w_hh + (dy[(t - 1) * B:t * B] if t else 0)
    h_prev = np.concatenate([h0, y[:(T - 1) * B]], axis=0)
    return (dGi @ w_ih if need_dx else None, dh.astype(dt), dGi.T @ x, dGh.T @ h_prev,
            dGi.sum(axis=0), dGh.sum(axis=0))
