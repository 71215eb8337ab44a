"""Dropout kernel (csrc/dropout.c) behind one facade.

Contract (trusted): 0 < p < 1; key is a 64-bit unsigned int; the mask is a
pure function of (key, flat index) so backward regenerates it.
"""
from .reference import dropout as _reference


def dropout(x, p, key):
    return _reference.dropout(x, p, key)


def dropout_backward(dy, p, key):
    return _reference.dropout_backward(dy, p, key)
