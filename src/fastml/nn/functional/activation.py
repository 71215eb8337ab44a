"""Activations: element-wise (relu, leaky_relu, elu, sigmoid, tanh, identity,
gelu, silu, softplus, mish, hardswish, selu, softsign, logsigmoid, hardtanh,
prelu) and softmax / log_softmax over one dim (max-shifted, stable).

Functions taking torch's ``inplace=`` flag compute out of place (the values
and gradients are torch's; the input is left unchanged)."""
import numpy as np

from ..._kernels import activation as _k
from ..tensor import make_op
from ._util import DtypeMismatchError, contiguous, float_tensor, norm_dim

__all__ = ["relu", "leaky_relu", "elu", "sigmoid", "tanh", "identity", "softmax",
           "log_softmax", "gelu", "silu", "softplus", "mish", "hardswish", "selu", "softsign",
           "logsigmoid", "hardtanh", "prelu"]


def relu(x):
    """Rectified linear unit, elementwise: ``max(0, x)``.

    Parameters
    ----------
    x : Tensor or array-like
        Input of any shape (converted to a floating-point tensor).

    Returns
    -------
    Tensor
        Same shape and dtype as ``x``; differentiable.

    See Also
    --------
    fastml.nn.ReLU : the same operation as a module.

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.functional.relu(nn.tensor([-1.0, 0.0, 2.0]))
    >>> y.tolist()
    [0.0, 0.0, 2.0]
    """
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
    """Logistic sigmoid, elementwise: ``1 / (1 + exp(-x))`` (no overflow for large ``|x|``).

    Parameters
    ----------
    x : Tensor or array-like
        Input of any shape (converted to a floating-point tensor).

    Returns
    -------
    Tensor
        Same shape and dtype as ``x``; differentiable.

    See Also
    --------
    fastml.nn.Sigmoid : the same operation as a module.

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.functional.sigmoid(nn.tensor([-1.0, 0.0, 2.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [0.2689, 0.5, 0.8808]
    """
    x = float_tensor(x, "x")
    y = _k.forward(_k.SIGMOID, contiguous(x.data))
    return make_op(y, (x,), lambda g: (_k.backward(_k.SIGMOID, contiguous(g), None, y),))


def tanh(x):
    """Hyperbolic tangent, elementwise.

    Parameters
    ----------
    x : Tensor or array-like
        Input of any shape (converted to a floating-point tensor).

    Returns
    -------
    Tensor
        Same shape and dtype as ``x``; differentiable.

    See Also
    --------
    fastml.nn.Tanh : the same operation as a module.

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.functional.tanh(nn.tensor([-1.0, 0.0, 2.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [-0.7616, 0.0, 0.964]
    """
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


# ---- kinds 5-14 of the activation kernels: the backward reads x -------------
def _unary(kind, x, a=0.0, b=0.0, keep_y=False):
    x = float_tensor(x, "input")
    xd = contiguous(x.data)
    y = _k.forward(kind, xd, a, b)
    ys = y if keep_y else None
    return make_op(y, (x,), lambda g: (_k.backward(kind, contiguous(g), xd, ys, a, b),))


def _number(name, v):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(v).__name__}")
    return float(v)


def gelu(input, approximate="none"):
    """x * Phi(x) (Phi the standard normal CDF); approximate='tanh' uses
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate argument must be either none or tanh, got "
                         f"{approximate!r}")
    return _unary(_k.GELU if approximate == "none" else _k.GELU_TANH, input)


def silu(input, inplace=False):
    """x * sigmoid(x) (swish)."""
    return _unary(_k.SILU, input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    return _unary(_k.SOFTPLUS, input, _number("beta", beta), _number("threshold", threshold))


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _unary(_k.MISH, input)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _unary(_k.HARDSWISH, input)


def selu(input, inplace=False):
    """scale * (max(0, x) + min(0, alpha (exp(x) - 1))) with torch's constants."""
    return _unary(_k.SELU, input, keep_y=True)


def softsign(input):
    """x / (1 + |x|)."""
    return _unary(_k.SOFTSIGN, input)


def logsigmoid(input):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)) (stable both ways)."""
    return _unary(_k.LOGSIGMOID, input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(x, min_val, max_val); the gradient is zero outside (min_val, max_val)."""
    lo, hi = _number("min_val", min_val), _number("max_val", max_val)
    if lo > hi:
        raise ValueError(f"min_val cannot be greater than max_val, got min_val={lo} and "
                         f"max_val={hi}")
    return _unary(_k.HARDTANH, input, lo, hi)


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), weight of one value or one per channel
    (dim 1); learnable."""
    x = float_tensor(input, "input")
    w = float_tensor(weight, "weight")
    if w.ndim > 1:
        raise ValueError(f"prelu: weight must be 0-D or 1-D, got shape {w.shape}")
    nw = w.data.size
    if w.dtype != x.dtype:
        raise DtypeMismatchError(f"prelu: weight dtype {w.dtype} does not match input dtype {x.dtype}")
    cdim = 1
    if nw != 1:
        C = x.shape[1] if x.ndim >= 2 else 1
        if C != nw:
            raise ValueError(f"Mismatch of parameter numbers and input channel size. Found "
                             f"parameter numbers = {nw} and channel size = {C}.")
        bshape = [1] * x.ndim
        bshape[cdim] = nw
        wb = w.data.reshape(bshape)
    else:
        wb = w.data.reshape(())
    xd = x.data
    neg = xd <= 0
    y = np.where(neg, wb * xd, xd).astype(x.dtype, copy=False)

    def backward(g):
        dx = np.where(neg, wb * g, g).astype(x.dtype, copy=False) if x.requires_grad else None
        dw = None
        if w.requires_grad:
            t = np.where(neg, xd * g, 0)
            if nw == 1:
                dw = np.asarray(t.sum(dtype=np.float64), x.dtype).reshape(w.shape)
            else:
                axes = tuple(i for i in range(x.ndim) if i != cdim)
                dw = t.sum(axis=axes, dtype=np.float64).astype(x.dtype).reshape(w.shape)
        return dx, dw

    return make_op(y, (x, w), backward)
