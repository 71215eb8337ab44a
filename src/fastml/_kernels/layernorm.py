"""Layer / group norm kernels (csrc/layernorm*.c) behind one facade.

Contract (checked by fastml.nn.functional.layer_norm / group_norm, trusted
here): x is C-contiguous float32/float64, (rows, n) for layer norm and
(N, C, L) for group norm (G divides C); weight/bias are contiguous arrays of
x's dtype ((n,) / (C,)) or None. Forward returns (y, mean, rstd); backward
returns (dx, dw, db), each None unless asked for; dx has x's shape, or
out_shape when given (the caller's input shape: dx then owns its memory, so
autograd can keep it as a leaf's .grad without a copy).

The compiled kernels or their NumPy twins (reference/layernorm.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads


def _layer_norm(x, weight, bias, eps):
    rows = x.shape[0]
    y = np.empty_like(x)
    mean = np.empty(rows, x.dtype)
    rstd = np.empty(rows, x.dtype)
    if x.size:
        _layernorm.ln_forward(y, mean, rstd, x, weight, bias, float(eps), _threads())
    return y, mean, rstd


def _dx_buffer(x, need_dx, out_shape):
    """(dx as returned, dx as the kernel sees it): one allocation."""
    if not need_dx:
        return None, None
    dx = np.empty(x.shape if out_shape is None else out_shape, x.dtype)
    return dx, dx.reshape(x.shape)


def _layer_norm_backward(dy, x, mean, rstd, weight, need_dx=True, need_dw=True, need_db=True,
                         out_shape=None):
    n = x.shape[1]
    dx, dxk = _dx_buffer(x, need_dx, out_shape)
    dw = np.zeros(n, x.dtype) if need_dw else None
    db = np.zeros(n, x.dtype) if need_db else None
    if x.size and (need_dx or need_dw or need_db):
        _layernorm.ln_backward(dxk, dw, db, dy, x, mean, rstd, weight, _threads())
    return dx, dw, db


def _group_norm(x, G, weight, bias, eps):
    rows = x.shape[0] * G
    y = np.empty_like(x)
    mean = np.empty(rows, x.dtype)
    rstd = np.empty(rows, x.dtype)
    if x.size:
        _layernorm.gn_forward(y, mean, rstd, x, weight, bias, G, float(eps), _threads())
    return y, mean, rstd


def _group_norm_backward(dy, x, mean, rstd, weight, G, need_dx=True, need_dw=True,
                         need_db=True, out_shape=None):
    C = x.shape[1]
    dx, dxk = _dx_buffer(x, need_dx, out_shape)
    dw = np.zeros(C, x.dtype) if need_dw else None
    db = np.zeros(C, x.dtype) if need_db else None
    if x.size and (need_dx or need_dw or need_db):
        _layernorm.gn_backward(dxk, dw, db, dy, x, mean, rstd, weight, G, _threads())
    return dx, dw, db


if COMPILED:
    from . import _layernorm

    layer_norm = _layer_norm
    layer_norm_backward = _layer_norm_backward
    group_norm = _group_norm
    group_norm_backward = _group_norm_backward
else:
    from .reference.layernorm import (group_norm, group_norm_backward,  # noqa: F401
                                      layer_norm, layer_norm_backward)
