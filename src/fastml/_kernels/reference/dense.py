"""NumPy twin of csrc/dense.c: fully connected layer y = x @ w.T + b with an
optional fused activation (act = -1: none, 0: relu), and its backward."""
import numpy as np

NONE, RELU = -1, 0


def linear_forward(x, w, b=None, act=NONE):
    """x (n, in), w (out, in), b (out,) or None -> y (n, out)."""
    y = x @ w.T
    if b is not None:
        y += b
    if act == RELU:
        np.maximum(y, 0, out=y)
    return y


def linear_backward(dy, x, w, need_dx=True, need_dw=True, need_db=True, y=None, act=NONE):
    """(dx, dw, db) for dy (n, out); with act == RELU, y is the forward output
    and dy is first zeroed where y <= 0 (a NaN output passes it, as torch).
    Entries not needed are None."""
    if act == RELU:
        dy = np.where(y <= 0, 0, dy).astype(dy.dtype, copy=False)
    dx = dy @ w if need_dx else None
    dw = dy.T @ x if need_dw else None
    db = dy.sum(axis=0) if need_db else None
    return dx, dw, db
