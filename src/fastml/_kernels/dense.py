"""Dense (fully connected) kernels (csrc/dense*.c) behind one facade.

Contract (trusted): x (n, in), w (out, in), b (out,) or None, dy (n, out),
all C-contiguous, one float dtype. act: -1 none, 0 relu (fused epilogue; the
backward zeroes the gradient where y <= 0, so a NaN output passes it, as
torch). The matrix products run on SciPy's BLAS (ensure_blas()).

The compiled kernels or their NumPy twins (reference/dense.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED, ensure_blas
from ._threads import current as _threads
from .reference import dense as _reference
from .reference.dense import NONE, RELU  # noqa: F401

_E1: dict[np.dtype, np.ndarray] = {np.dtype(np.float32): np.empty(0, np.float32), np.dtype(np.float64): np.empty(0, np.float64)}
_E2 = {k: v.reshape(0, 0) for k, v in _E1.items()}


def _linear_forward(x, w, b=None, act=NONE):
    if x.size == 0 or w.size == 0:
        return _reference.linear_forward(x, w, b, act)
    ensure_blas()
    y = np.empty((x.shape[0], w.shape[0]), dtype=x.dtype)
    _dense.dense_forward(y, x, w, _E1[x.dtype] if b is None else b, act, _threads())
    return y


def _linear_backward(dy, x, w, need_dx=True, need_dw=True, need_db=True, y=None, act=NONE):
    if x.size == 0 or w.size == 0:
        return _reference.linear_backward(dy, x, w, need_dx, need_dw, need_db, y, act)
    ensure_blas()
    t = x.dtype
    dx = np.empty(x.shape, dtype=t) if need_dx else None
    dw = np.empty(w.shape, dtype=t) if need_dw else None
    db = np.empty(w.shape[0], dtype=t) if need_db else None
    _dense.dense_backward(_E2[t] if dx is None else dx, _E2[t] if dw is None else dw,
                          _E1[t] if db is None else db, dy, x, w,
                          y if act == RELU else _E2[t], act, _threads())
    return dx, dw, db


if COMPILED:
    from . import _dense

    linear_forward = _linear_forward
    linear_backward = _linear_backward
else:
    from .reference.dense import linear_backward, linear_forward  # noqa: F401
