"""LSTM / GRU / vanilla-RNN sequence kernels (csrc/recurrent.c) behind one facade.

Contract (checked by fastml.nn's RNN/LSTM modules, trusted here): all arrays
C-contiguous, one dtype (float32 or float64); x (T*B, I) time-major, h0/c0
(B, H), w_ih (G*H, I), w_hh (G*H, H), bias (G*H,) = b_ih + b_hh or None, with
G = 4 for the LSTM (gates i, f, g, o), 3 for the GRU (r, z, n; separate b_ih,
b_hh, both or None) and 1 for the RNN; T, B >= 1.
Backward returns fresh gradient arrays (dx is None when need_dx is False).
The relu RNN propagates NaN and its backward masks the gradient where y <= 0
(a NaN output passes it, as torch).

The compiled kernels or their NumPy twins (reference/recurrent.py, same
signatures) are chosen once, at import.
"""
import sys

import numpy as np

from ._backend import COMPILED, ensure_blas
from ._threads import current as _threads

_POOL: dict[tuple, list] = {}  # (shape, dtype) -> arrays handed out before


def _buffer(shape, dtype):
    """np.empty(shape, dtype), reusing an earlier array nobody references any more.

    A sequence's buffers are MBs: fresh ones cost a page fault per 4 KiB on
    every call (~1 ms per LSTM step of the benchmark size), reused ones are
    warm. An array is free when only the pool (and this scan) refer to it; any
    user reference, including a view, keeps it out of reuse.
    """
    key = (shape, np.dtype(dtype))
    arrs = _POOL.setdefault(key, [])
    for a in arrs:
        if sys.getrefcount(a) <= 3:  # the list, the loop variable, the argument
            return a
    a = np.empty(shape, dtype)
    if len(arrs) < 4:
        arrs.append(a)
    return a


def _fn(name, dtype):
    # Explicit fused-type specialisation: optional (None) buffers would
    # otherwise confuse Cython's dispatch on the first argument.
    return getattr(_recurrent, name)["double" if dtype == np.float64 else "float"]


def _lstm_forward(x, h0, c0, w_ih, w_hh, bias, T, B):
    """-> y (T*B, H) hidden states, c_all (T*B, H) cells, gates (T*B, 4H)."""
    ensure_blas()
    H = h0.shape[1]
    y = _buffer((T * B, H), x.dtype)
    c_all = _buffer((T * B, H), x.dtype)
    gates = _buffer((T * B, 4 * H), x.dtype)
    _fn("lstm_forward", x.dtype)(y, c_all, gates, x, h0, c0, w_ih, w_hh, bias, T, B,
                                  _threads())
    return y, c_all, gates


def _lstm_backward(dy, dhn, dcn, x, h0, c0, w_ih, w_hh, y, c_all, gates, T, B, need_dx=True):
    """-> dx, dh0, dc0, dw_ih, dw_hh, dbias. dhn/dcn (B, H) or None."""
    ensure_blas()
    dt = x.dtype
    H = h0.shape[1]
    dx = _buffer(x.shape, dt) if need_dx else None
    dh0 = np.empty((B, H), dt)
    dc0 = np.empty((B, H), dt)
    dw_ih = np.empty(w_ih.shape, dt)
    dw_hh = np.empty(w_hh.shape, dt)
    dbias = np.empty(4 * H, dt)
    work = _buffer((T * B, 4 * H), dt)
    _fn("lstm_backward", x.dtype)(dx, dh0, dc0, dw_ih, dw_hh, dbias, work, dy,
                             None if dhn is None else dhn.reshape(-1),
                             None if dcn is None else dcn.reshape(-1),
                             x, h0, c0, w_ih, w_hh, y, c_all, gates, T, B, _threads())
    return dx, dh0, dc0, dw_ih, dw_hh, dbias


def _rnn_forward(x, h0, w_ih, w_hh, bias, T, B, relu=False):
    """-> y (T*B, H); act = tanh, or relu when relu is True."""
    ensure_blas()
    y = _buffer((T * B, h0.shape[1]), x.dtype)
    _fn("rnn_forward", x.dtype)(y, x, h0, w_ih, w_hh, bias, T, B, bool(relu), _threads())
    return y


def _rnn_backward(dy, dhn, x, h0, w_ih, w_hh, y, T, B, relu=False, need_dx=True):
    """-> dx, dh0, dw_ih, dw_hh, dbias. dhn (B, H) or None."""
    ensure_blas()
    dt = x.dtype
    H = h0.shape[1]
    dx = _buffer(x.shape, dt) if need_dx else None
    dh0 = np.empty((B, H), dt)
    dw_ih = np.empty(w_ih.shape, dt)
    dw_hh = np.empty(w_hh.shape, dt)
    dbias = np.empty(H, dt)
    work = _buffer((T * B, H), dt)
    _fn("rnn_backward", x.dtype)(dx, dh0, dw_ih, dw_hh, dbias, work, dy,
                            None if dhn is None else dhn.reshape(-1),
                            x, h0, w_ih, w_hh, y, T, B, bool(relu), _threads())
    return dx, dh0, dw_ih, dw_hh, dbias


def _gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, T, B):
    """-> y (T*B, H), gates (T*B, 4H) = [r | z | n | hn]. b_ih/b_hh both or None."""
    ensure_blas()
    H = h0.shape[1]
    y = _buffer((T * B, H), x.dtype)
    gates = _buffer((T * B, 4 * H), x.dtype)
    _fn("gru_forward", x.dtype)(y, gates, x, h0, w_ih, w_hh, b_ih, b_hh, T, B, _threads())
    return y, gates


def _gru_backward(dy, dhn, x, h0, w_ih, w_hh, y, gates, T, B, need_dx=True):
    """-> dx, dh0, dw_ih, dw_hh, db_ih, db_hh. dhn (B, H) or None."""
    ensure_blas()
    dt = x.dtype
    H = h0.shape[1]
    dx = _buffer(x.shape, dt) if need_dx else None
    dh0 = np.empty((B, H), dt)
    dw_ih = np.empty(w_ih.shape, dt)
    dw_hh = np.empty(w_hh.shape, dt)
    db_ih = np.empty(3 * H, dt)
    db_hh = np.empty(3 * H, dt)
    work = _buffer((T * B, 4 * H), dt)
    _fn("gru_backward", dt)(dx, dh0, dw_ih, dw_hh, db_ih, db_hh, work, dy,
                            None if dhn is None else dhn.reshape(-1),
                            x, h0, w_ih, w_hh, y, gates, T, B, _threads())
    return dx, dh0, dw_ih, dw_hh, db_ih, db_hh


if COMPILED:
    from . import _recurrent

    lstm_forward = _lstm_forward
    lstm_backward = _lstm_backward
    rnn_forward = _rnn_forward
    rnn_backward = _rnn_backward
    gru_forward = _gru_forward
    gru_backward = _gru_backward
else:
    from .reference.recurrent import (gru_backward, gru_forward, lstm_backward,  # noqa: F401
                                      lstm_forward, rnn_backward, rnn_forward)
