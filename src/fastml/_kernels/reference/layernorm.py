"""NumPy twins of csrc/layernorm.c: layer norm over the last axis of a 2-D
(rows, n) array and group norm over (N, C, L) with G groups, forward and
backward (dtype in = dtype out; statistics accumulated in float64).

Forward returns (y, mean, rstd) with mean/rstd of x's dtype (one per row /
per (sample, group)); backward returns (dx, dw, db), each None unless asked,
dx reshaped to out_shape when given (a fresh array that owns its memory).
"""
import numpy as np


def _stats(x2, eps):
    x64 = x2.astype(np.float64)
    mu = x64.mean(axis=1)
    var = ((x64 - mu[:, None]) ** 2).mean(axis=1)
    return mu, 1.0 / np.sqrt(var + eps)


def layer_norm(x, weight, bias, eps):
    """x (rows, n); weight/bias (n,) or None."""
    mu, rs = _stats(x, eps)
    dt = x.dtype
    mu, rs = mu.astype(dt), rs.astype(dt)
    y = (x - mu[:, None]) * rs[:, None]
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y.astype(dt, copy=False), mu, rs


def _owned(dx, out_shape):
    if out_shape is None:
        return dx
    out = np.empty(out_shape, dx.dtype)
    out.reshape(dx.shape)[...] = dx
    return out


def layer_norm_backward(dy, x, mean, rstd, weight, need_dx=True, need_dw=True, need_db=True,
                        out_shape=None):
    dt = x.dtype
    xh = (x.astype(np.float64) - mean[:, None]) * rstd[:, None]
    d64 = dy.astype(np.float64)
    g = d64 * weight if weight is not None else d64
    dx = dw = db = None
    if need_dx:
        n = x.shape[1]
        dx = rstd[:, None] * (g - g.sum(axis=1, keepdims=True) / n
                              - xh * (g * xh).sum(axis=1, keepdims=True) / n)
        dx = _owned(dx.astype(dt), out_shape)
    if need_dw:
        dw = (d64 * xh).sum(axis=0).astype(dt)
    if need_db:
        db = d64.sum(axis=0).astype(dt)
    return dx, dw, db


def group_norm(x, G, weight, bias, eps):
    """x (N, C, L); weight/bias (C,) or None."""
    N, C, L = x.shape
    mu, rs = _stats(x.reshape(N * G, -1), eps)
    dt = x.dtype
    mu, rs = mu.astype(dt), rs.astype(dt)
    xh = (x.reshape(N * G, -1) - mu[:, None]) * rs[:, None]
    y = xh.reshape(N, C, L)
    if weight is not None:
        y = y * weight[None, :, None]
    if bias is not None:
        y = y + bias[None, :, None]
    return y.astype(dt, copy=False), mu, rs


def group_norm_backward(dy, x, mean, rstd, weight, G, need_dx=True, need_dw=True,
                        need_db=True, out_shape=None):
    N, C, L = x.shape
    dt = x.dtype
    xh = ((x.astype(np.float64).reshape(N * G, -1) - mean[:, None]) * rstd[:, None])
    xh = xh.reshape(N, C, L)
    d64 = dy.astype(np.float64)
    g = d64 * weight[None, :, None] if weight is not None else d64
    dx = dw = db = None
    if need_dx:
        g2, xh2 = g.reshape(N * G, -1), xh.reshape(N * G, -1)
        m = g2.shape[1]
        dx = rstd[:, None] * (g2 - g2.sum(axis=1, keepdims=True) / m
                              - xh2 * (g2 * xh2).sum(axis=1, keepdims=True) / m)
        dx = _owned(dx.reshape(N, C, L).astype(dt), out_shape)
    if need_dw:
        dw = (d64 * xh).sum(axis=(0, 2)).astype(dt)
    if need_db:
        db = d64.sum(axis=(0, 2)).astype(dt)
    return dx, dw, db
