"""k-d tree kernels (csrc/kdtree*.c) behind one facade.

Contract (checked by fastml.neighbors, trusted here): arrays are 2-D,
non-empty, finite, C-contiguous, of one dtype (float32 or float64); `metric`
is one of METRICS (minkowski with finite p >= 1); 1 <= k <= n. Results have
the input dtype; rows are ordered by (distance, training index).

A tree is a dict of NumPy arrays (picklable as is). The compiled kernels or
the NumPy twin (reference/kdtree.py, same signatures: there the "tree" is the
training data and every query is brute force) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads
from .reference import kdtree as _reference

METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski")
_NOIND = np.empty(0, dtype=np.int64)  # "no array" for the boundary's optional outputs
_IDS = {"euclidean": 0, "sqeuclidean": 1, "manhattan": 2, "chebyshev": 3, "minkowski": 4}


def _build_tree(X, leaf_size):
    """Builds a k-d tree over X (n, d); returns its arrays as a dict."""
    n, d = X.shape
    nn = _kdtree.node_count(n, leaf_size)
    tree = {
        "kind": "kdtree",
        # + spare rows: leaf scans read up to one vector (<= 64 values) past a leaf
        "data": np.zeros((n + -(-64 // d), d), dtype=X.dtype),
        "idx": np.empty(n, dtype=np.int64),
        "nodes": np.empty((nn, 4), dtype=np.int64),
        "splits": np.empty((nn, 2), dtype=X.dtype),
        "bounds": np.empty((2 * nn, d), dtype=X.dtype),  # tight box of every node
        "max_leaf": int(_kdtree.max_leaf(n, leaf_size)),
    }
    _kdtree.build(tree["data"], tree["idx"], tree["nodes"], tree["splits"], tree["bounds"],
                  X, int(leaf_size), _threads())
    return tree


def _targs(tree):
    return (tree["data"], tree["idx"], tree["nodes"], tree["splits"], tree["bounds"],
            tree["max_leaf"])


def _tree_query(tree, Q, k, metric, p=2.0, return_distance=True):
    """(dist or None, ind) of the k nearest training rows of each query."""
    if tree["kind"] == "reference":  # a tree pickled under FASTML_BACKEND=reference
        return _reference.tree_query(tree, Q, k, metric, p, return_distance)
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    dist = np.empty((Q.shape[0], k), dtype=Q.dtype) if return_distance else None
    if Q.shape[0]:
        _kdtree.query(dist if return_distance else np.empty((0, k), Q.dtype), ind,
                      *_targs(tree), Q, _IDS[metric], float(p), _threads())
    return dist, ind


def _tree_radius(tree, Q, r, metric, p=2.0, return_distance=False, sort=False,
                 count_only=False):
    """Radius search; r is a float64 array of 1 or nq radii.

    Returns counts (count_only) or (ind_flat, dist_flat or None, offsets): the
    neighbours of query i are ind_flat[offsets[i]:offsets[i+1]].
    """
    if tree["kind"] == "reference":  # a tree pickled under FASTML_BACKEND=reference
        return _reference.tree_radius(tree, Q, r, metric, p, return_distance, sort, count_only)
    nq = Q.shape[0]
    r = np.ascontiguousarray(r, dtype=np.float64)
    nthreads = _threads()
    counts = np.empty(nq, dtype=np.int64)
    if nq:
        _kdtree.radius(counts, _NOIND, np.empty(0, Q.dtype), _NOIND, *_targs(tree), Q, r,
                       _IDS[metric], float(p), False, nthreads)
    if count_only:
        return counts
    offsets = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    ind = np.empty(total, dtype=np.int64)
    dist = np.empty(total, dtype=Q.dtype) if (return_distance or sort) else None
    if nq and total:
        _kdtree.radius(_NOIND, ind, np.empty(0, Q.dtype) if dist is None else dist,
                       offsets, *_targs(tree), Q, r, _IDS[metric], float(p), bool(sort),
                       nthreads)
    return ind, (dist if return_distance else None), offsets


if COMPILED:
    from . import _kdtree

    build_tree = _build_tree
    tree_query = _tree_query
    tree_radius = _tree_radius
else:
    from .reference.kdtree import build_tree, tree_query, tree_radius  # noqa: F401
