"""Batch norm kernels (csrc/batchnorm*.c) behind one facade.

Contract (checked by fastml.nn.functional.batch_norm, trusted here): x is
(N, C) or (N, C, H, W), C-contiguous float32/float64 with N*H*W >= 2 in
training; weight/bias/running arrays are (C,) of x's dtype, or None.
running_mean/var are updated in place (any layout: a contiguous temporary is
written back when needed).

The compiled kernels or their NumPy twins (reference/batchnorm.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads
from .reference.batchnorm import eval_stats  # noqa: F401  (float64 statistics, both backends)

_FUSED = {"f": "float", "d": "double"}


def _ncl(a):
    return a.reshape(a.shape[0], a.shape[1], -1)


def _stat(a):
    return np.ascontiguousarray(a, dtype=np.float64)


def _vec(a, dtype):
    return None if a is None else np.ascontiguousarray(a, dtype=dtype)


def _forward_train(x, running_mean, running_var, weight, bias, momentum=0.1, eps=1e-5):
    """(y, save_mean, save_invstd); the statistics are float64 (C,) arrays.
    Updates running_mean/var in place."""
    C = x.shape[1]
    y = np.empty_like(x)
    mean = np.empty(C, dtype=np.float64)
    invstd = np.empty(C, dtype=np.float64)
    rm = _vec(running_mean, x.dtype)
    rv = _vec(running_var, x.dtype)
    _batchnorm.forward_train(_ncl(y), mean, invstd, rm, rv, _ncl(x), _vec(weight, x.dtype),
                             _vec(bias, x.dtype), float(momentum), float(eps), _threads())
    if rm is not None:
        if rm is not running_mean:
            running_mean[...] = rm
        if rv is not running_var:
            running_var[...] = rv
    return y, mean, invstd


def _forward_eval(x, mean, invstd, weight, bias):
    y = np.empty_like(x)
    _batchnorm.forward_eval(_ncl(y), _ncl(x), _stat(mean), _stat(invstd),
                            _vec(weight, x.dtype), _vec(bias, x.dtype), _threads())
    return y


def _backward(dy, x, mean, invstd, weight, training, need_dx=True, need_dw=True,
              need_db=True):
    """(dx, dweight, dbias); entries not needed are None."""
    C = x.shape[1]
    dx = np.empty_like(x) if need_dx else None
    dw = np.empty(C, dtype=x.dtype) if need_dw else None
    db = np.empty(C, dtype=x.dtype) if need_db else None
    # explicit specialisation: the fused-type dispatch cannot infer it from None
    _batchnorm.backward[_FUSED[x.dtype.char]](
        None if dx is None else _ncl(dx), dw, db, _ncl(dy), _ncl(x), _stat(mean),
        _stat(invstd), _vec(weight, x.dtype), bool(training), _threads())
    return dx, dw, db


if COMPILED:
    from . import _batchnorm

    forward_train = _forward_train
    forward_eval = _forward_eval
    backward = _backward
else:
    from .reference.batchnorm import backward, forward_eval, forward_train  # noqa: F401
