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


if COMPILED:
    from . import _knn

    brute_knn = _brute_knn
    brute_knn_callable = _brute_knn_callable
else:
    from .reference.knn import brute_knn, brute_knn_callable  # noqa: F401
