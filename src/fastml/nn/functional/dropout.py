"""dropout(x, p=0.5, training=True): inverted dropout with a counter-based RNG.

Each call takes a fresh key from fastml.nn.manual_seed's stream; the kernel
keeps element i iff hash(key, i) >= p * 2**32 and scales it by 1 / (1 - p).
Backward regenerates the same mask from the key (nothing is stored).
"""
import numpy as np

from ..._kernels import dropout as _k
from .. import _random
from ..tensor import make_op
from ._util import contiguous, float_tensor

__all__ = ["dropout", "dropout2d"]


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) \
            or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1], got {p!r}")
    return float(p)


def dropout(x, p=0.5, training=True, inplace=False):
    x = float_tensor(x, "x")
    p = _check_p(p)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        zeros = np.zeros_like(x.data)
        return make_op(zeros, (x,), lambda g: (np.zeros_like(g),))
    key = _random.next_key()
    y = _k.dropout(contiguous(x.data), p, key)
    return make_op(y, (x,), lambda g: (_k.dropout_backward(contiguous(g), p, key),))


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout for (N, C, H, W) or (N, C, L) input: each (sample,
    channel) is zeroed as a whole with probability p and the kept ones are
    scaled by 1 / (1 - p) (torch's Dropout2d). The per-channel mask comes from
    the dropout kernel's counter-based stream (fastml.nn.manual_seed); inplace
    is accepted for torch compatibility and computes out of place."""
    x = float_tensor(input, "input")
    p = _check_p(p)
    if x.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input, "
                         f"got shape {x.shape}")
    if not training or p == 0.0:
        return x
    shape = x.shape[:2] + (1,) * (x.ndim - 2)
    if p == 1.0:
        mask = np.zeros(shape, x.dtype)
    else:
        mask = _k.dropout(np.ones(shape, x.dtype), p, _random.next_key())
    y = x.data * mask
    return make_op(y, (x,), lambda g: (g * mask,))
