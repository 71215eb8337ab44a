"""The binary logistic objective in one pass over X (csrc/logistic*.c) behind
one facade.

Contract (checked by fastml.linear_model's LogisticLoss, trusted here): X is a
C-contiguous float32/float64 (n, p) array with n >= 1 and p >= 1; ypm, sn are
float64 (n,) (labels +-1, sample weights), w float64 (p,), b a float.

    binary(X, ypm, sn, w, b, need_curv) -> (loss, grad_w, grad_b, curv)

with z = X w + b, t = ypm z: loss = sum sn log(1 + exp(-t)),
grad_w = X^T d, grad_b = sum d for d = -ypm sn sigmoid(-t), and
curv = sn q (1 - q), q = sigmoid(-t) (None unless need_curv). All of it in
float64; the sums have an order fixed by the shape, whatever the thread count.

The compiled kernels or their NumPy twin (reference/logistic.py, same
signature) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads


def _binary(X, ypm, sn, w, b, need_curv=False):
    n, p = X.shape
    out = np.empty(p + 2)
    curv = np.empty(n) if need_curv else None
    _logistic.binary(out, curv, X, ypm, sn, w, float(b), _threads())
    return float(out[0]), out[1:1 + p], float(out[1 + p]), curv


if COMPILED:
    from . import _logistic

    binary = _binary
else:
    from .reference.logistic import binary  # noqa: F401
