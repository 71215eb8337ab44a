"""Density-clustering kernels (csrc/dbscan*.c) behind one facade: core flags
and cluster expansion for DBSCAN, the mutual-reachability minimum spanning
tree for HDBSCAN.

Contract (checked by fastml.cluster, trusted here): indptr/indices are int64
C-contiguous CSR neighbourhoods (indices in [0, n)); w None or float64 (n,);
X float64 (n, d) C-contiguous and finite; core_dist float64 (n,); metric one of
METRICS; alpha > 0; D float64 (n, n). The compiled kernels or the NumPy twin
(reference/dbscan.py, same signatures) are chosen once, at import; results do
not depend on the thread count.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads

METRICS = ("euclidean", "manhattan", "chebyshev", "minkowski")
_IDS = {"euclidean": 0, "manhattan": 2, "chebyshev": 3, "minkowski": 4}


def _core_flags(indptr, indices, w, min_samples):
    out = np.empty(indptr.shape[0] - 1, dtype=np.uint8)
    _dbscan.core(out, indptr, indices, w, float(min_samples), _threads())
    return out


def _expand(core, indptr, indices):
    labels = np.empty(core.shape[0], dtype=np.int64)
    nc = _dbscan.expand(labels, np.ascontiguousarray(core, dtype=np.uint8), indptr, indices,
                        _threads())
    return labels, int(nc)


def _edges(n):
    m = max(n - 1, 0)
    return np.empty(m, np.int64), np.empty(m, np.int64), np.empty(m, np.float64)


def _mst(X, core_dist, metric="euclidean", p=2.0, alpha=1.0):
    src, dst, w = _edges(X.shape[0])
    _dbscan.mst(src, dst, w, X, core_dist, _IDS[metric], float(p), float(alpha), _threads())
    return src, dst, w


def _mst_dense(D, core_dist, alpha=1.0):
    src, dst, w = _edges(D.shape[0])
    _dbscan.mst_dense(src, dst, w, D, core_dist, float(alpha), _threads())
    return src, dst, w


if COMPILED:
    from . import _dbscan

    core_flags = _core_flags
    expand = _expand
    mst = _mst
    mst_dense = _mst_dense
else:
    from .reference.dbscan import core_flags, expand, mst, mst_dense  # noqa: F401
