"""Brute-force k-nearest-neighbour kernels (csrc/knn*.c; callable metrics in
jit_neighbors.py, Numba) behind one facade.

Contract (checked by fastml.neighbors, trusted here): X (n, d) and Q (nq, d)
are 2-D, non-empty, finite, C-contiguous, of one dtype (float32 or float64);
`metric` is one of METRICS (minkowski with finite p >= 1); 1 <= k <= n.
Results have the input dtype; rows are ordered by (distance, training index),
at any thread count.

The compiled kernels or the NumPy twin (reference/knn.py, same signatures)
are chosen once, at import.
"""
import numpy as np

from . import _magnitude
from ._backend import COMPILED, ensure_blas
from ._threads import current as _threads

METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski")
_IDS = {"euclidean": 0, "sqeuclidean": 1, "manhattan": 2, "chebyshev": 3, "minkowski": 4}


def _brute_knn(X, Q, k, metric, p=2.0):
    """(dist, ind) by exact brute force (GEMM-tiled for euclidean)."""
    dist = np.empty((Q.shape[0], k), dtype=X.dtype)
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    if Q.shape[0]:
        if metric in ("euclidean", "sqeuclidean"):
            ensure_blas()
        _knn.brute(dist, ind, Q, X, _IDS[metric], float(p), _threads())
    return dist, ind


def _brute_knn_callable(X, Q, k, func):
    """(dist, ind) for a user metric func(x, y) -> float, compiled with Numba
    (parallel over queries); the twin calls func in Python."""
    from . import jit_neighbors

    return jit_neighbors.knn_callable(X, Q, k, func, _threads())


def _safe_range(impl):
    """brute_knn on extreme values (see _magnitude.py): computed on prepared
    copies when the magnitude of X and Q leaves the safe range; x_absmax, when
    the caller knows it, spares a pass over X."""

    def brute_knn(X, Q, k, metric, p=2.0, x_absmax=None):
        xm = _magnitude.absmax(X) if x_absmax is None else x_absmax
        plan = _magnitude.plan_for(max(xm, _magnitude.absmax(Q)), X.dtype, X.shape[1])
        if plan is None:
            return impl(X, Q, k, metric, p)
        Xs, Qs = plan.prepare(X), plan.prepare(Q)
        dist, ind = impl(Xs, Qs, k, metric, p)
        if plan.e:  # scaled down: the neighbours' distances measured again
            dist, ind = _magnitude.remeasure(Qs, Xs, ind, metric, p, plan.e)
            return dist.astype(X.dtype), ind
        return plan.finish(dist, X.dtype, 2 if metric == "sqeuclidean" else 1), ind

    brute_knn.__doc__ = impl.__doc__
    return brute_knn


if COMPILED:
    from . import _knn

    brute_knn = _safe_range(_brute_knn)
    brute_knn_callable = _brute_knn_callable
else:
    from .reference.knn import brute_knn as _brute_knn_reference
    from .reference.knn import brute_knn_callable  # noqa: F401

    brute_knn = _safe_range(_brute_knn_reference)
