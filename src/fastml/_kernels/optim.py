"""Fused in-place optimizer updates (csrc/optim.c) behind one facade.

Contract (trusted; fastml.nn.optim prepares it): p, state buffers and g are
C-contiguous arrays of one float dtype and the same size; they are viewed
flat and updated in place. vmax / buf may be None.

The compiled kernels or their NumPy twins (reference/optim.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads


def _flat(a):
    return None if a is None else a.reshape(-1)


def _fn(name, dtype):
    return getattr(_optim, name)["double" if dtype == np.float64 else "float"]


def _adam(p, m, v, vmax, g, lr, beta1, beta2, eps, wd, decoupled, step_size, inv_bc2_sqrt):
    _fn("adam", p.dtype)(_flat(p), _flat(m), _flat(v), _flat(vmax), _flat(g), lr, beta1, beta2,
                         eps, wd, decoupled, step_size, inv_bc2_sqrt, _threads())


def _sgd(p, buf, g, lr, momentum, dampening, wd, nesterov, first):
    _fn("sgd", p.dtype)(_flat(p), _flat(buf), _flat(g), lr, momentum, dampening, wd, nesterov,
                        first, _threads())


def _nadam(p, m, v, g, lr, beta1, beta2, eps, wd, decoupled, bc2, coef_g, coef_m):
    _fn("nadam", p.dtype)(_flat(p), _flat(m), _flat(v), _flat(g), lr, beta1, beta2, eps, wd,
                          decoupled, bc2, coef_g, coef_m, _threads())


def _radam(p, m, v, g, lr, beta1, beta2, eps, wd, decoupled, bc1, bc2_sqrt, rect):
    _fn("radam", p.dtype)(_flat(p), _flat(m), _flat(v), _flat(g), lr, beta1, beta2, eps, wd,
                          decoupled, bc1, bc2_sqrt, rect, _threads())


def _adamax(p, m, u, g, beta1, beta2, eps, wd, neg_clr):
    _fn("adamax", p.dtype)(_flat(p), _flat(m), _flat(u), _flat(g), beta1, beta2, eps, wd,
                           neg_clr, _threads())


def _rprop(p, prev, step, g, etaminus, etaplus, step_min, step_max):
    _fn("rprop", p.dtype)(_flat(p), _flat(prev), _flat(step), _flat(g), etaminus, etaplus,
                          step_min, step_max, _threads())


if COMPILED:
    from . import _optim

    adam = _adam
    sgd = _sgd
    nadam = _nadam
    radam = _radam
    adamax = _adamax
    rprop = _rprop
else:
    from .reference.optim import adam, adamax, nadam, radam, rprop, sgd  # noqa: F401
