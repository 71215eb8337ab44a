"""NumPy twins of csrc/activation.c: element-wise activations and row-wise
softmax / log-softmax, forward and backward (dtype in = dtype out).

Activation ids (shared with the C kernels and fastml._kernels.activation):
RELU=0, LEAKY_RELU=1 (alpha = negative slope), ELU=2 (alpha), SIGMOID=3, TANH=4,
GELU=5, GELU_TANH=6, SILU=7, SOFTPLUS=8 (alpha = beta, beta = threshold), MISH=9,
HARDSWISH=10, SELU=11, SOFTSIGN=12, LOGSIGMOID=13, HARDTANH=14 (alpha = min_val,
beta = max_val). Formulas as torch's CPU kernels (reference/activation_extra.py).
"""
import numpy as np

from .activation_extra import extra_backward, extra_forward

RELU, LEAKY_RELU, ELU, SIGMOID, TANH = 0, 1, 2, 3, 4
GELU, GELU_TANH, SILU, SOFTPLUS, MISH = 5, 6, 7, 8, 9
HARDSWISH, SELU, SOFTSIGN, LOGSIGMOID, HARDTANH = 10, 11, 12, 13, 14


def forward(kind, x, alpha=0.0, beta=0.0):
    """y = act(x) element-wise."""
    if 5 <= kind <= 14:
        return extra_forward(kind, x, alpha, beta)
    a = x.dtype.type(alpha)
    if kind == RELU:
        return np.maximum(x, 0).astype(x.dtype, copy=False)
    if kind == LEAKY_RELU:
        return np.where(x > 0, x, x * a)
    if kind == ELU:
        return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))
    if kind == SIGMOID:
        # stable both ways: exp of a non-positive argument only
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
    if kind == TANH:
        return np.tanh(x)
    raise ValueError(f"unknown activation id {kind}")


def backward(kind, dy, x, y, alpha=0.0, beta=0.0):
    """dx from dy; x is the forward input and y its output (either may be
    unused by a given activation)."""
    if 5 <= kind <= 14:
        return extra_backward(kind, dy, x, y, alpha, beta)
    a = x.dtype.type(alpha) if x is not None else y.dtype.type(alpha)
    if kind == RELU:
        # torch's threshold_backward: zero where y <= 0, so a NaN output passes dy
        return np.where(y <= 0, 0, dy).astype(dy.dtype, copy=False)
    if kind == LEAKY_RELU:
        return np.where(x > 0, dy, dy * a)
    if kind == ELU:
        return np.where(x > 0, dy, dy * (y + a))
    if kind == SIGMOID:
        return dy * y * (1 - y)
    if kind == TANH:
        return dy * (1 - y * y)
    raise ValueError(f"unknown activation id {kind}")


def softmax(x, log=False):
    """Row-wise (last axis) softmax or log-softmax of a 2-D array, max-shifted."""
    z = x - x.max(axis=1, keepdims=True)
    if log:
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_backward(dy, y, log=False):
    """dx for softmax (y = softmax) or log-softmax (y = log-softmax), rows."""
    if log:
        return dy - np.exp(y) * dy.sum(axis=1, keepdims=True)
    return y * (dy - (dy * y).sum(axis=1, keepdims=True))
