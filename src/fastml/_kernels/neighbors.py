"""Nearest-neighbour kernels (csrc/kdtree*.c, csrc/knn*.c) behind one facade.

Contract (checked by fastml.neighbors, trusted here): arrays are 2-D,
non-empty, finite, C-contiguous, of one dtype (float32 or float64); `metric`
is one of METRICS (minkowski with finite p >= 1); 1 <= k <= n. Results have
the input dtype; rows are ordered by (distance, training index).

A tree is a dict of NumPy arrays (picklable as is). With
FASTML_BACKEND=reference the "tree" is the training data and every query is
the brute-force twin in reference/neighbors.py.
"""
import numpy as np

from ._backend import COMPILED, ensure_blas
from .reference import neighbors as _reference

if COMPILED:
    from . import _neighbors

METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski")
_NOIND = np.empty(0, dtype=np.int64)  # "no array" for the boundary's optional outputs
_IDS = {"euclidean": 0, "sqeuclidean": 1, "manhattan": 2, "chebyshev": 3, "minkowski": 4}


def build_tree(X, leaf_size):
    """Builds a k-d tree over X (n, d); returns its arrays as a dict."""
    n, d = X.shape
    if not COMPILED:
        return {"kind": "reference", "X": X}
    nn = _neighbors.node_count(n, leaf_size)
    tree = {
        "kind": "kdtree",
        # + spare rows: leaf scans read up to one vector (<= 64 values) past a leaf
        "data": np.zeros((n + -(-64 // d), d), dtype=X.dtype),
        "idx": np.empty(n, dtype=np.int64),
        "nodes": np.empty((nn, 4), dtype=np.int64),
        "splits": np.empty((nn, 2), dtype=X.dtype),
        "bounds": np.empty((2 * nn, d), dtype=X.dtype),  # tight box of every node
        "max_leaf": int(_neighbors.max_leaf(n, leaf_size)),
    }
    _neighbors.build(tree["data"], tree["idx"], tree["nodes"], tree["splits"], tree["bounds"],
                     X, int(leaf_size))
    return tree


def _targs(tree):
    return (tree["data"], tree["idx"], tree["nodes"], tree["splits"], tree["bounds"],
            tree["max_leaf"])


def tree_query(tree, Q, k, metric, p=2.0, return_distance=True):
    """(dist or None, ind) of the k nearest training rows of each query."""
    if tree["kind"] == "reference":
        dist, ind = _reference.knn(tree["X"], Q, k, metric, p)
        return (dist if return_distance else None), ind
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    dist = np.empty((Q.shape[0], k), dtype=Q.dtype) if return_distance else None
    if Q.shape[0]:
        _neighbors.query(dist if return_distance else np.empty((0, k), Q.dtype), ind,
                         *_targs(tree), Q, _IDS[metric], float(p))
    return dist, ind


def tree_radius(tree, Q, r, metric, p=2.0, return_distance=False, sort=False,
                count_only=False):
    """Radius search; r is a float64 array of 1 or nq radii.

    Returns counts (count_only) or (ind_flat, dist_flat or None, offsets): the
    neighbours of query i are ind_flat[offsets[i]:offsets[i+1]].
    """
    nq = Q.shape[0]
    r = np.ascontiguousarray(r, dtype=np.float64)
    if tree["kind"] == "reference":
        inds, dists = _reference.radius(tree["X"], Q, np.broadcast_to(r, (nq,)), metric, p,
                                        sort)
        counts = np.array([len(a) for a in inds], dtype=np.int64)
        if count_only:
            return counts
        offsets = np.zeros(nq + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        ind = np.concatenate(inds) if inds else np.empty(0, np.int64)
        dist = (np.concatenate(dists) if dists else np.empty(0, Q.dtype)) if return_distance \
            else None
        return ind, dist, offsets
    counts = np.empty(nq, dtype=np.int64)
    if nq:
        _neighbors.radius(counts, _NOIND, np.empty(0, Q.dtype), _NOIND, *_targs(tree), Q, r,
                          _IDS[metric], float(p), False)
    if count_only:
        return counts
    offsets = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    ind = np.empty(total, dtype=np.int64)
    dist = np.empty(total, dtype=Q.dtype) if (return_distance or sort) else None
    if nq and total:
        _neighbors.radius(_NOIND, ind, np.empty(0, Q.dtype) if dist is None else dist,
                          offsets, *_targs(tree), Q, r, _IDS[metric], float(p), bool(sort))
    return ind, (dist if return_distance else None), offsets


def brute_knn(X, Q, k, metric, p=2.0):
    """(dist, ind) by exact brute force (BLAS-tiled for euclidean)."""
    if not COMPILED:
        return _reference.knn(X, Q, k, metric, p)
    dist = np.empty((Q.shape[0], k), dtype=X.dtype)
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    if Q.shape[0]:
        if metric in ("euclidean", "sqeuclidean"):
            ensure_blas()
        _neighbors.brute(dist, ind, Q, X, _IDS[metric], float(p))
    return dist, ind


def brute_knn_callable(X, Q, k, func):
    """(dist, ind) for a user metric func(x, y) -> float, compiled with Numba
    (parallel over queries); the reference twin calls func in Python."""
    if not COMPILED:
        return _reference.knn_callable(X, Q, k, func)
    from . import jit_neighbors

    return jit_neighbors.knn_callable(X, Q, k, func)
