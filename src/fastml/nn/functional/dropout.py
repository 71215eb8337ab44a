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

__all__ = ["dropout"]


def dropout(x, p=0.5, training=True):
    x = float_tensor(x, "x")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) \
            or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1], got {p!r}")
    p = float(p)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        zeros = np.zeros_like(x.data)
        return make_op(zeros, (x,), lambda g: (np.zeros_like(g),))
    key = _random.next_key()
    y = _k.dropout(contiguous(x.data), p, key)
    return make_op(y, (x,), lambda g: (_k.dropout_backward(contiguous(g), p, key),))
