"""Weight initialisers (PyTorch's fastml.nn.init counterparts), in place on a
Parameter/Tensor's ``.data`` (or an ndarray), drawing from the generator that
``fastml.nn.manual_seed`` seeds. Each returns its argument."""
import math

import numpy as np

from ._random import generator

_default_generator = generator

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
           "orthogonal_", "trunc_normal_"]


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


def orthogonal_(t, gain=1.0):
    """Fill t (viewed as rows = shape[0] x cols = the rest) with a (semi-)orthogonal
    matrix times gain, as torch: the Q factor of a Gaussian matrix's QR with the
    signs of R's diagonal folded in (uniform over the orthogonal group). Rows are
    orthonormal when rows <= cols, columns otherwise."""
    a = _arr(t)
    if a.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported, got shape "
                         f"{a.shape}")
    if a.size == 0:
        return t
    rows = a.shape[0]
    cols = a.size // rows
    flat = generator().normal(0.0, 1.0, size=(rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    d = np.sign(np.diag(r))
    d[d == 0] = 1.0
    q = q * d
    if rows < cols:
        q = q.T
    return _fill(t, (gain * q).reshape(a.shape))


def trunc_normal_(t, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Draws from N(mean, std^2) truncated to [a, b] (a and b are absolute bounds, as
    torch's), by the inverse CDF: u ~ U(Phi(alpha), Phi(beta)) with alpha, beta the
    standardised bounds, x = mean + std Phi^-1(u), clipped to [a, b]. Warns (as torch)
    when mean is more than 2 std outside [a, b]. generator: a numpy Generator
    (default: the one manual_seed seeds)."""
    import warnings

    from scipy.special import log_ndtr, ndtr, ndtri

    arr = _arr(t)
    if not std > 0:
        raise ValueError(f"std must be > 0, got {std!r}")
    if not a < b:
        raise ValueError(f"need a < b, got a={a!r}, b={b!r}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    rng = generator if generator is not None else _default_generator()
    alpha, beta = (a - mean) / std, (b - mean) / std
    u = rng.random(size=arr.shape)
    if alpha > 0:  # upper tail: mirror so the CDF values stay away from 1
        alpha, beta, sign = -beta, -alpha, -1.0
    else:
        sign = 1.0
    lo, hi = ndtr(alpha), ndtr(beta)
    if hi - lo > 1e-12:
        z = ndtri(lo + u * (hi - lo))
    else:  # far tail: interpolate in log-CDF space
        la, lb = log_ndtr(alpha), log_ndtr(beta)
        z = ndtri(np.exp(la + np.log1p(u * np.expm1(lb - la))))
    x = np.clip(mean + sign * std * z, a, b)
    return _fill(t, x)
