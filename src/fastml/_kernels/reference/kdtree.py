"""Reference k-d tree: the "tree" is the training data and every query is the
exact brute force of reference/knn.py -- the executable specification of
csrc/kdtree*.c. Same signatures as the facade fastml._kernels.kdtree.

Ranking is by the reduced distance in float64, ties broken by the lower
training index; distances are returned in the input dtype.
"""
import numpy as np

from .knn import finish, knn, reduced_distances


def build_tree(X, leaf_size):
    """The "tree": the training data itself."""
    return {"kind": "reference", "X": X}


def tree_query(tree, Q, k, metric, p=2.0, return_distance=True):
    """(dist or None, ind) of the k nearest training rows of each query."""
    dist, ind = knn(tree["X"], Q, k, metric, p)
    return (dist if return_distance else None), ind


def radius(X, Q, r, metric, p=2.0, sort=False):
    """Lists of (ind, dist) per query with distance <= r[i] (r: array of nq)."""
    inds, dists = [], []
    for i in range(Q.shape[0]):
        d = finish(reduced_distances(Q[i:i + 1], X, metric, p)[0], metric, p)
        sel = np.flatnonzero(d <= r[i])
        dd = d[sel]
        if sort:
            o = np.lexsort((sel, dd))
            sel, dd = sel[o], dd[o]
        inds.append(sel.astype(np.int64))
        dists.append(dd.astype(X.dtype))
    return inds, dists


def tree_radius(tree, Q, r, metric, p=2.0, return_distance=False, sort=False,
                count_only=False):
    """Radius search; r holds 1 or nq radii. counts (count_only) or
    (ind_flat, dist_flat or None, offsets), as the facade."""
    nq = Q.shape[0]
    r = np.ascontiguousarray(r, dtype=np.float64)
    inds, dists = radius(tree["X"], Q, np.broadcast_to(r, (nq,)), metric, p, sort)
    counts = np.array([len(a) for a in inds], dtype=np.int64)
    if count_only:
        return counts
    offsets = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    ind = np.concatenate(inds) if inds else np.empty(0, np.int64)
    dist = (np.concatenate(dists) if dists else np.empty(0, Q.dtype)) if return_distance \
        else None
    return ind, dist, offsets
