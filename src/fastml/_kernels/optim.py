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


if COMPILED:
    from . import _optim

    adam = _adam
    sgd = _sgd
else:
    from .reference.optim import adam, sgd  # noqa: F401
