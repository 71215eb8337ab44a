"""Activation kernels (csrc/activation*.c) behind one facade.

Contract (trusted): arrays are C-contiguous float32 or float64, all of one
dtype; softmax inputs are 2-D (rows are reduced). Results have the input
dtype. Activation ids as in reference/activation.py (alpha, beta: the
activation's parameters).

The compiled kernels or their NumPy twins (reference/activation.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads
from .reference.activation import (ELU, GELU, GELU_TANH, HARDSWISH, HARDTANH,  # noqa: F401
                                   LEAKY_RELU, LOGSIGMOID, MISH, RELU, SELU, SIGMOID, SILU,
                                   SOFTPLUS, SOFTSIGN, TANH)

_EMPTY = {np.dtype(np.float32): np.empty(0, np.float32),
          np.dtype(np.float64): np.empty(0, np.float64)}


def _forward(kind, x, alpha=0.0, beta=0.0):
    y = np.empty_like(x)
    if x.size:
        _activation.act2_forward(y.reshape(-1), x.reshape(-1), kind, alpha, beta, _threads())
    return y


def _backward(kind, dy, x, y, alpha=0.0, beta=0.0):
    dx = np.empty_like(dy)
    if dy.size:
        e = _EMPTY[dy.dtype]
        _activation.act2_backward(dx.reshape(-1), dy.reshape(-1),
                                  e if x is None else x.reshape(-1),
                                  e if y is None else y.reshape(-1), kind, alpha, beta,
                                  _threads())
    return dx


def _softmax(x, log=False):
    y = np.empty_like(x)
    if x.size:
        _activation.softmax_forward(y, x, log, _threads())
    return y


def _softmax_backward(dy, y, log=False):
    dx = np.empty_like(dy)
    if dy.size:
        _activation.softmax_backward(dx, dy, y, log, _threads())
    return dx


if COMPILED:
    from . import _activation

    forward = _forward
    backward = _backward
    softmax = _softmax
    softmax_backward = _softmax_backward
else:
    from .reference.activation import backward, forward, softmax, softmax_backward  # noqa: F401
