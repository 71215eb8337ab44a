"""Dense (fully connected) kernels (csrc/dense.c) behind one facade.

Contract (trusted): x (n, in), w (out, in), b (out,) or None, dy (n, out),
one float dtype. act: -1 none, 0 relu (fused epilogue).
"""
from .reference import dense as _reference
from .reference.dense import NONE, RELU  # noqa: F401


def linear_forward(x, w, b=None, act=-1):
    return _reference.linear_forward(x, w, b, act)


def linear_backward(dy, x, w, need_dx=True, need_dw=True, need_db=True, y=None, act=-1):
    return _reference.linear_backward(dy, x, w, need_dx, need_dw, need_db, y, act)
