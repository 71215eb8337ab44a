"""Activation kernels (csrc/activation.c, activation_simd.c) behind one facade.

Contract (trusted): arrays are C-contiguous float32 or float64, all of one
dtype; softmax inputs are 2-D (rows are reduced). Results have the input
dtype. Activation ids as in reference/activation.py.
"""
import numpy as np

from ._backend import COMPILED
from .reference import activation as _reference
from .reference.activation import ELU, LEAKY_RELU, RELU, SIGMOID, TANH  # noqa: F401

if COMPILED:
    from . import _nn

_EMPTY = {np.dtype(np.float32): np.empty(0, np.float32),
          np.dtype(np.float64): np.empty(0, np.float64)}


def forward(kind, x, alpha=0.0):
    if not COMPILED:
        return _reference.forward(kind, x, alpha)
    y = np.empty_like(x)
    if x.size:
        _nn.act_forward(y.reshape(-1), x.reshape(-1), kind, alpha)
    return y


def backward(kind, dy, x, y, alpha=0.0):
    if not COMPILED:
        return _reference.backward(kind, dy, x, y, alpha)
    dx = np.empty_like(dy)
    if dy.size:
        e = _EMPTY[dy.dtype]
        _nn.act_backward(dx.reshape(-1), dy.reshape(-1), e if x is None else x.reshape(-1),
                         e if y is None else y.reshape(-1), kind, alpha)
    return dx


def softmax(x, log=False):
    if not COMPILED:
        return _reference.softmax(x, log)
    y = np.empty_like(x)
    if x.size:
        _nn.softmax_forward(y, x, log)
    return y


def softmax_backward(dy, y, log=False):
    if not COMPILED:
        return _reference.softmax_backward(dy, y, log)
    dx = np.empty_like(dy)
    if dy.size:
        _nn.softmax_backward(dx, dy, y, log)
    return dx
