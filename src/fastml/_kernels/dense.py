"""Dense (fully connected) kernels (csrc/dense.c) behind one facade.

Contract (trusted): x (n, in), w (out, in), b (out,) or None, dy (n, out),
all C-contiguous, one float dtype. act: -1 none, 0 relu (fused epilogue).
The matrix products run on SciPy's BLAS (ensure_blas()).
"""
import numpy as np

from ._backend import COMPILED, ensure_blas
from .reference import dense as _reference
from .reference.dense import NONE, RELU  # noqa: F401

if COMPILED:
    from . import _nn

_E1 = {np.dtype(np.float32): np.empty(0, np.float32), np.dtype(np.float64): np.empty(0, np.float64)}
_E2 = {k: v.reshape(0, 0) for k, v in _E1.items()}


def linear_forward(x, w, b=None, act=-1):
    if not COMPILED or x.size == 0 or w.size == 0:
        return _reference.linear_forward(x, w, b, act)
    ensure_blas()
    y = np.empty((x.shape[0], w.shape[0]), dtype=x.dtype)
    _nn.linear_forward(y, x, w, _E1[x.dtype] if b is None else b, act)
    return y


def linear_backward(dy, x, w, need_dx=True, need_dw=True, need_db=True, y=None, act=-1):
    if not COMPILED or x.size == 0 or w.size == 0:
        return _reference.linear_backward(dy, x, w, need_dx, need_dw, need_db, y, act)
    ensure_blas()
    t = x.dtype
    dx = np.empty(x.shape, dtype=t) if need_dx else None
    dw = np.empty(w.shape, dtype=t) if need_dw else None
    db = np.empty(w.shape[0], dtype=t) if need_db else None
    _nn.linear_backward(_E2[t] if dx is None else dx, _E2[t] if dw is None else dw,
                        _E1[t] if db is None else db, dy, x, w,
                        y if act == RELU else _E2[t], act)
    return dx, dw, db
