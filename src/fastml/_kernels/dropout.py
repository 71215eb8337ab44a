"""Dropout kernel (csrc/dropout*.c) behind one facade.

Contract (trusted): x C-contiguous float32/float64; 0 < p < 1; key is a
64-bit unsigned int. The mask is a pure function of (key, flat index), so
backward regenerates it (bit-identical to the NumPy twin).

The compiled kernel or its NumPy twin (reference/dropout.py, same signatures)
is chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads


def _dropout(x, p, key):
    y = np.empty_like(x)
    if x.size:
        _dropout_mod.dropout(y.reshape(-1), x.reshape(-1), p, key, _threads())
    return y


def _dropout_backward(dy, p, key):
    return _dropout(dy, p, key)


if COMPILED:
    from . import _dropout as _dropout_mod

    dropout = _dropout
    dropout_backward = _dropout_backward
else:
    from .reference.dropout import dropout, dropout_backward  # noqa: F401
