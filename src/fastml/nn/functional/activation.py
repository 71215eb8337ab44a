"""Activations: element-wise (relu, leaky_relu, elu, sigmoid, tanh, identity)
and softmax / log_softmax over one dim (max-shifted, stable)."""
import numpy as np

from ..._kernels import activation as _k
from ..tensor import make_op
from ._util import contiguous, float_tensor, norm_dim

__all__ = ["relu", "leaky_relu", "elu", "sigmoid", "tanh", "identity", "softmax",
           "log_softmax"]


def relu(x):
    x = float_tensor(x, "x")
    y = _k.forward(_k.RELU, contiguous(x.data))
    return make_op(y, (x,), lambda g: (_k.backward(_k.RELU, contiguous(g), None, y),))


def leaky_relu(x, negative_slope=0.01):
    x = float_tensor(x, "x")
    a = float(negative_slope)
    xd = contiguous(x.data)
    y = _k.forward(_k.LEAKY_RELU, xd, a)
    return make_op(y, (x,), lambda g: (_k.backward(_k.LEAKY_RELU, contiguous(g), xd, y, a),))


def elu(x, alpha=1.0):
    x = float_tensor(x, "x")
    a = float(alpha)
    xd = contiguous(x.data)
    y = _k.forward(_k.ELU, xd, a)
    return make_op(y, (x,), lambda g: (_k.backward(_k.ELU, contiguous(g), xd, y, a),))


def sigmoid(x):
    x = float_tensor(x, "x")
    y = _k.forward(_k.SIGMOID, contiguous(x.data))
    return make_op(y, (x,), lambda g: (_k.backward(_k.SIGMOID, contiguous(g), None, y),))


def tanh(x):
    x = float_tensor(x, "x")
    y = _k.forward(_k.TANH, contiguous(x.data))
    return make_op(y, (x,), lambda g: (_k.backward(_k.TANH, contiguous(g), None, y),))


def identity(x):
    """The linear (identity) activation: returns x itself."""
    return float_tensor(x, "x")


def _rowwise(x, dim, log):
    x = float_tensor(x, "x")
    d = norm_dim(dim, x.ndim)
    a = x.data
    last = d == a.ndim - 1
    moved = a if last else np.moveaxis(a, d, -1)
    shape = moved.shape
    y2 = _k.softmax(contiguous(moved.reshape(-1, shape[-1])), log)

    def backward(g):
        gm = g if last else np.moveaxis(g, d, -1)
        dx = _k.softmax_backward(contiguous(gm.reshape(-1, shape[-1])), y2, log).reshape(shape)
        return (dx if last else np.moveaxis(dx, -1, d),)

    y = y2.reshape(shape)
    return make_op(y if last else np.moveaxis(y, -1, d), (x,), backward)


def softmax(x, dim=-1):
    return _rowwise(x, dim, False)


def log_softmax(x, dim=-1):
    return _rowwise(x, dim, True)
