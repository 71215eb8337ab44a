"""Reference batch norm for x (N, C) or (N, C, H, W), per-channel statistics
over every axis but 1, computed in float64 (two-pass), cast back to x.dtype.

forward_train returns (y, mean, invstd) (statistics in float64) and updates running_mean/var in place
(unbiased variance, momentum); backward takes the saved mean/invstd.
"""
import numpy as np


def _axes(x):
    return (0,) + tuple(range(2, x.ndim))


def _bcast(v, x):
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))


def forward_train(x, running_mean, running_var, weight, bias, momentum=0.1, eps=1e-5):
    ax = _axes(x)
    xd = x.astype(np.float64)
    M = x.size // x.shape[1]
    mean = xd.mean(axis=ax)
    var = ((xd - _bcast(mean, x)) ** 2).mean(axis=ax)
    invstd = 1.0 / np.sqrt(var + eps)
    y = (xd - _bcast(mean, x)) * _bcast(invstd, x)
    if weight is not None:
        y = y * _bcast(weight.astype(np.float64), x)
    if bias is not None:
        y = y + _bcast(bias.astype(np.float64), x)
    if running_mean is not None:
        unbiased = var * M / max(M - 1, 1)
        running_mean[...] = (1 - momentum) * running_mean + momentum * mean
        running_var[...] = (1 - momentum) * running_var + momentum * unbiased
    return y.astype(x.dtype), mean, invstd


def eval_stats(running_mean, running_var, eps, dtype):
    """(mean, invstd) used by eval mode, float64 like the saved training statistics."""
    rv = running_var.astype(np.float64)
    return running_mean.astype(np.float64), 1.0 / np.sqrt(rv + eps)


def forward_eval(x, mean, invstd, weight, bias):
    xd = x.astype(np.float64)
    y = (xd - _bcast(mean.astype(np.float64), x)) * _bcast(invstd.astype(np.float64), x)
    if weight is not None:
        y = y * _bcast(weight.astype(np.float64), x)
    if bias is not None:
        y = y + _bcast(bias.astype(np.float64), x)
    return y.astype(x.dtype)


def backward(dy, x, mean, invstd, weight, training, need_dx=True, need_dw=True, need_db=True):
    """(dx, dweight, dbias); entries not needed are None."""
    ax = _axes(x)
    M = x.size // x.shape[1]
    dyd = dy.astype(np.float64)
    inv = invstd.astype(np.float64)
    xhat = (x.astype(np.float64) - _bcast(mean.astype(np.float64), x)) * _bcast(inv, x)
    sdy = dyd.sum(axis=ax)
    sdyxh = (dyd * xhat).sum(axis=ax)
    w = np.ones_like(inv) if weight is None else weight.astype(np.float64)
    dx = dweight = dbias = None
    if need_dx:
        k = _bcast(w * inv, x)
        if training:
            dx = k * (dyd - _bcast(sdy / M, x) - xhat * _bcast(sdyxh / M, x))
        else:
            dx = k * dyd
        dx = dx.astype(x.dtype)
    if need_dw:
        dweight = sdyxh.astype(x.dtype)
    if need_db:
        dbias = sdy.astype(x.dtype)
    return dx, dweight, dbias
