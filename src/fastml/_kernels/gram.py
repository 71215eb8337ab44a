"""Shifted Gram matrices of tall data (csrc/gram.c) behind one facade: the
one-pass X^T X, X^T Y and column sums of the normal equations and of PCA's
covariance.

Contract (checked by the caller, trusted here): X (n, p) float32/float64 with
unit column stride; Y None or (n, k) (any float dtype, converted to float64
here); w None or (n,) float64; shift (p + k,) float64; p + k + 1 <= MAX_M.
Returns S (m, m) float64, m = p + k + 1, S = sum_i w_i z_i z_i^T with
z_i = [X_i - shift[:p], Y_i - shift[p:], 1]. Sums run in fixed row ranges added
in order: the result does not depend on the thread count. The compiled kernel
or its twin (reference/gram.py, same signature) is chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads
from .reference.gram import MAX_M  # noqa: F401


def _shifted_gram(X, Y, w, shift):
    n, p = X.shape
    Y = np.zeros((n, 0)) if Y is None else \
        np.ascontiguousarray(np.asarray(Y, dtype=np.float64).reshape(n, 1 if np.ndim(Y) == 1 else np.shape(Y)[1]))
    m = p + Y.shape[1] + 1
    S = np.empty((m, m))
    w = None if w is None else np.ascontiguousarray(w, dtype=np.float64)
    _gram.shifted(S, X, Y, w, np.ascontiguousarray(shift, dtype=np.float64), _threads())
    return S


if COMPILED:
    from . import _gram

    assert _gram.MAX_M == MAX_M
    shifted_gram = _shifted_gram
else:
    from .reference.gram import shifted_gram  # noqa: F401
