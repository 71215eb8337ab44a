"""Dropout kernel (csrc/dropout.c, dropout_simd.c) behind one facade.

Contract (trusted): x C-contiguous float32/float64; 0 < p < 1; key is a
64-bit unsigned int. The mask is a pure function of (key, flat index), so
backward regenerates it (bit-identical to the NumPy twin).
"""
import numpy as np

from ._backend import COMPILED
from .reference import dropout as _reference

if COMPILED:
    from . import _nn


def dropout(x, p, key):
    if not COMPILED:
        return _reference.dropout(x, p, key)
    y = np.empty_like(x)
    if x.size:
        _nn.dropout(y.reshape(-1), x.reshape(-1), p, key)
    return y


dropout_backward = dropout
