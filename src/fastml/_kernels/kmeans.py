"""k-means Lloyd step and loop (csrc/kmeans*.c) behind one facade.

Contract (checked by the caller, trusted here): X (n, d) and C (k, d) are
C-contiguous, finite, of one dtype (float32 or float64), n, k >= 1;
sample_weight is None or a (n,) array of X's dtype.

The compiled kernels or their NumPy twins (reference/kmeans.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads

GEMM_MIN_D = 24   # KM_GEMM_MIN_D in csrc/kmeans.c (dot-product tiles from here on)


def _lloyd_step(X, C, sample_weight=None, update=True, XT=None):
    """Assign every row of X to its nearest centre and (update=True) sum them.

    XT: optional C-contiguous transpose of X (d, n) made once by callers that
    iterate; it only changes speed.

    Returns (labels int32 (n,), mind (n,) squared distance to that centre in
    X's dtype, inertia float, sums float64 (k, d) or None, wsum float64 (k,)
    or None).
    """
    n, d = X.shape
    k = C.shape[0]
    labels = np.empty(n, dtype=np.int32)
    mind = np.empty(n, dtype=X.dtype)
    sums = np.empty((k, d) if update else (1, 1), dtype=np.float64)
    wsum = np.empty(k if update else 1, dtype=np.float64)
    sw = np.empty(0, dtype=X.dtype) if sample_weight is None else sample_weight
    xt = np.empty((0, 0), dtype=X.dtype) if XT is None else XT
    inertia = _kmeans.step(sums, wsum, labels, mind, X, xt, sw, C, bool(update), _threads())
    if not update:
        return labels, mind, inertia, None, None
    return labels, mind, inertia, sums, wsum


def _lloyd(X, centers, sample_weight=None, max_iter=300, tol=0.0):
    """Lloyd iterations from `centers` (k, d) in compiled code (scikit-learn's
    semantics: stop when labels repeat or the squared centre shift <= tol;
    empty clusters re-seeded with the farthest points; final assignment).

    Returns (labels int32, inertia float, centers (k, d) X's dtype, n_iter).
    """
    n, d = X.shape
    # feature-major copy, once: the direct SIMD search loads lanes from it
    XT = np.ascontiguousarray(X.T) if d < GEMM_MIN_D else np.empty((0, 0), X.dtype)
    C = np.array(centers, dtype=X.dtype, order="C", copy=True)
    labels = np.empty(n, dtype=np.int32)
    mind = np.empty(n, dtype=X.dtype)
    sw = np.empty(0, dtype=X.dtype) if sample_weight is None else sample_weight
    inertia, n_iter = _kmeans.lloyd(C, labels, mind, X, XT, sw, int(max_iter), float(tol),
                                    _threads())
    return labels, inertia, C, int(n_iter)


def _plusplus(X, n_clusters, sample_weight, first, uniform, n_local_trials):
    """Greedy k-means++ from row `first`, candidates drawn from `uniform`
    ((n_clusters - 1) * n_local_trials values in [0, 1), consumed in order).

    Returns (centers (n_clusters, d) X's dtype, indices int64 (n_clusters,)).
    """
    d = X.shape[1]
    centers = np.empty((n_clusters, d), dtype=X.dtype)
    indices = np.empty(n_clusters, dtype=np.int64)
    sw = np.empty(0, dtype=X.dtype) if sample_weight is None else sample_weight
    u = np.ascontiguousarray(uniform, dtype=np.float64).reshape(-1)
    if u.size == 0:
        u = np.zeros(1)
    _kmeans.plusplus(centers, indices, X, sw, u, int(first), int(n_local_trials), _threads())
    return centers, indices


if COMPILED:
    from . import _kmeans

    lloyd_step = _lloyd_step
    lloyd = _lloyd
    plusplus = _plusplus
else:
    from .reference.kmeans import lloyd, lloyd_step, plusplus  # noqa: F401
