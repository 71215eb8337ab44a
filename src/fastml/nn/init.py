"""Weight initialisers (PyTorch's fastml.nn.init counterparts), in place on a
Parameter/Tensor's ``.data`` (or an ndarray), drawing from the generator that
``fastml.nn.manual_seed`` seeds. Each returns its argument."""
import math

import numpy as np

from ._random import generator

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]


def _arr(t):
    a = t.data if hasattr(t, "data") and not isinstance(t, np.ndarray) else t
    if not isinstance(a, np.ndarray):
        raise TypeError(f"expected a Tensor or ndarray, got {type(t).__name__}")
    return a


def _fill(t, values):
    a = _arr(t)
    a[...] = values.astype(a.dtype, copy=False) if isinstance(values, np.ndarray) else values
    return t


def calculate_gain(nonlinearity, param=None):
    linear = ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "identity")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity!r}")


def _fans(a):
    if a.ndim < 2:
        raise ValueError("fan in and fan out can not be computed for a tensor with fewer "
                         f"than 2 dimensions (shape {a.shape})")
    receptive = int(np.prod(a.shape[2:])) if a.ndim > 2 else 1
    return a.shape[1] * receptive, a.shape[0] * receptive


def uniform_(t, a=0.0, b=1.0):
    arr = _arr(t)
    return _fill(t, generator().uniform(a, b, size=arr.shape))


def normal_(t, mean=0.0, std=1.0):
    arr = _arr(t)
    return _fill(t, generator().normal(mean, std, size=arr.shape))


def constant_(t, val):
    _arr(t)[...] = val
    return t


def zeros_(t):
    return constant_(t, 0.0)


def ones_(t):
    return constant_(t, 1.0)


def xavier_uniform_(t, gain=1.0):
    fan_in, fan_out = _fans(_arr(t))
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -bound, bound)


def xavier_normal_(t, gain=1.0):
    fan_in, fan_out = _fans(_arr(t))
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(t, a, mode, nonlinearity):
    fan_in, fan_out = _fans(_arr(t))
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    bound = math.sqrt(3.0) * _kaiming_std(t, a, mode, nonlinearity)
    return uniform_(t, -bound, bound)


def kaiming_normal_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    return normal_(t, 0.0, _kaiming_std(t, a, mode, nonlinearity))
