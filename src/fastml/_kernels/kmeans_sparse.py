"""k-means Lloyd step and loop on CSR rows (csrc/kmeans_sparse.c) behind one facade.

Contract (checked by the caller, trusted here): X is a CSR matrix (anything
with .data, .indices, .indptr and .shape; this module does not import scipy)
without duplicate columns within a row, finite, values float32 or float64;
C (k, d) is C-contiguous in X's value dtype, n, k >= 1; sample_weight is None
or a (n,) array of X's dtype. Results do not depend on the thread count.

The compiled kernels or their NumPy twins (reference/kmeans_sparse.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads


def _parts(X):
    """(data, indices, indptr) contiguous, one index dtype, never empty (a
    one-element pad keeps &a[0] valid; nnz comes from indptr)."""
    vdt = X.data.dtype
    idt = np.int32 if (X.indices.dtype == np.int32 and X.indptr.dtype == np.int32) else np.int64
    d = np.ascontiguousarray(X.data, dtype=vdt)
    i = np.ascontiguousarray(X.indices, dtype=idt)
    if d.size == 0:
        d, i = np.zeros(1, vdt), np.zeros(1, idt)
    return d, i, np.ascontiguousarray(X.indptr, dtype=idt)


def _sw(X, sample_weight):
    return np.empty(0, dtype=X.data.dtype) if sample_weight is None else sample_weight


def _lloyd_step(X, C, sample_weight=None, update=True):
    """Assign every row of CSR X to its nearest centre (ranking by
    |c|^2 - 2 x.c, lowest index on ties) and (update=True) sum them.

    Returns (labels int32 (n,), mind (n,) squared distance to that centre in
    X's dtype, inertia float, sums float64 (k, d) or None, wsum float64 (k,)
    or None)."""
    n, d = X.shape
    k = C.shape[0]
    labels = np.empty(n, dtype=np.int32)
    mind = np.empty(n, dtype=X.data.dtype)
    sums = np.empty((k, d) if update else (1, 1), dtype=np.float64)
    wsum = np.empty(k if update else 1, dtype=np.float64)
    data, ind, ptr = _parts(X)
    inertia = _kmeans_sparse.step(sums, wsum, labels, mind, data, ind, ptr,
                                  _sw(X, sample_weight), C, bool(update), _threads())
    if not update:
        return labels, mind, inertia, None, None
    return labels, mind, inertia, sums, wsum


def _lloyd(X, centers, sample_weight=None, max_iter=300, tol=0.0):
    """Lloyd iterations on CSR X from dense `centers` (k, d), scikit-learn's
    loop (stop when labels repeat or the squared centre shift <= tol; empty
    clusters re-seeded with the farthest rows; final assignment).

    Returns (labels int32, inertia float, centers (k, d) X's dtype, n_iter)."""
    n = X.shape[0]
    C = np.array(centers, dtype=X.data.dtype, order="C", copy=True)
    labels = np.empty(n, dtype=np.int32)
    mind = np.empty(n, dtype=X.data.dtype)
    data, ind, ptr = _parts(X)
    inertia, n_iter = _kmeans_sparse.lloyd(C, labels, mind, data, ind, ptr,
                                           _sw(X, sample_weight), int(max_iter), float(tol),
                                           _threads())
    return labels, inertia, C, int(n_iter)


if COMPILED:
    from . import _kmeans_sparse

    lloyd_step = _lloyd_step
    lloyd = _lloyd
else:
    from .reference.kmeans_sparse import lloyd, lloyd_step  # noqa: F401
