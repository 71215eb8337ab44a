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

from . import _magnitude
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


# ---- extreme values (see _magnitude.py) --------------------------------------
# A tree over data outside the safe range is built on the data prepared by its
# plan (float64 for float32 data; float64 data scaled by 2**-e), kept as
# tree["plan"] = (compute dtype, e), and queried with queries prepared alike;
# distances come back in the caller's units and dtype. A query row still
# outside the safe range after that (far from every point, e.g. 1e200 against
# data near 0) would overflow the search's incremental bounds: such rows
# (rare) are answered by exact brute force on the tree's points.

_POWER = {"euclidean": 1, "sqeuclidean": 2, "manhattan": 1, "chebyshev": 1, "minkowski": 1}


def _plan(tree):
    dt, e = tree.get("plan", (None, 0))
    return None if dt is None else _magnitude.Plan(dt, e)


def _tree_rows(tree):
    """The tree's (prepared) points in training-row order (leaves are stored
    feature-major in tree order)."""
    data, idx, nodes = tree["data"], tree["idx"], tree["nodes"]
    n, d = idx.shape[0], data.shape[1]
    flat = data.reshape(-1)
    rows = np.empty((n, d), dtype=data.dtype)
    for s, e in nodes[nodes[:, 2] == 0][:, :2]:
        rows[idx[s:e]] = flat[s * d:e * d].reshape(d, e - s).T
    return rows


def _far_rows(tree, Qs):
    """Rows of Qs outside the safe range (one global max |q| check first)."""
    if not Qs.shape[0]:
        return np.empty(0, np.int64)
    lo, hi = _magnitude.safe_range(Qs.dtype, Qs.shape[1])
    if _magnitude.absmax(Qs) <= hi:
        return np.empty(0, np.int64)
    m = np.maximum(Qs.max(axis=1), -Qs.min(axis=1))
    return np.flatnonzero(m > hi)


def _prepare(tree, Q):
    plan = _plan(tree)
    return plan, (Q if plan is None else plan.prepare(Q))


def _finish(plan, dist, dtype, metric):
    if plan is None or dist is None:
        return dist
    return plan.finish(dist, dtype, _POWER[metric])


def _scaled_build(impl):
    def build_tree(X, leaf_size):
        tree = impl(X, leaf_size)
        # the root's tight box (bounds rows 0, 1) gives max |x| at no cost; the build
        # itself only compares coordinates, safe for any finite data
        box = tree["bounds"][:2] if tree["kind"] == "kdtree" else X
        plan = _magnitude.plan_for(_magnitude.absmax(box), X.dtype, X.shape[1])
        if plan is None:
            return tree
        tree = impl(plan.prepare(X), leaf_size)
        tree["plan"] = (plan.dtype.name, plan.e)
        return tree

    build_tree.__doc__ = impl.__doc__
    return build_tree


def _scaled_query(impl):
    def tree_query(tree, Q, k, metric, p=2.0, return_distance=True):
        plan, Qs = _prepare(tree, Q)
        far = _far_rows(tree, Qs)
        if plan is None and not far.size:
            return impl(tree, Q, k, metric, p, return_distance)
        dist, ind = impl(tree, Qs, k, metric, p, True)
        if plan is not None and plan.e > 0:  # scaled down: the distances measured again
            dist, ind = _magnitude.remeasure(Qs, tree_points(tree), ind, metric, p, plan.e)
        elif plan is not None:
            dist = plan.finish(dist, np.float64, _POWER[metric])
        if far.size:  # by brute force, in the data's units (its own plan)
            from .knn import brute_knn
            pts = tree_points(tree)
            if plan is not None and plan.e:
                pts = np.ldexp(pts, plan.e)
            dist[far], ind[far] = brute_knn(np.ascontiguousarray(pts, dtype=np.float64),
                                            np.ascontiguousarray(Q[far], dtype=np.float64),
                                            k, metric, p)
        if not return_distance:
            return None, ind
        with np.errstate(over="ignore"):
            return dist.astype(Q.dtype, copy=False), ind

    tree_query.__doc__ = impl.__doc__
    return tree_query


def _far_radius(X, Q, r, metric, p):
    """(ind list, dist list) of the brute-force radius search of Q."""
    from .distance import pairwise_distances
    D = pairwise_distances(Q, X, metric, p)
    inds = [np.flatnonzero(D[i] <= r[i if r.size > 1 else 0]) for i in range(Q.shape[0])]
    return inds, [D[i, j] for i, j in enumerate(inds)]


def _scaled_radius(impl):
    def tree_radius(tree, Q, r, metric, p=2.0, return_distance=False, sort=False,
                    count_only=False):
        plan, Qs = _prepare(tree, Q)
        rs = np.asarray(r, dtype=np.float64)
        if plan is not None and plan.e:
            rs = np.ldexp(rs, -plan.e)
        far = _far_rows(tree, Qs)
        if not far.size:
            res = impl(tree, Qs, rs, metric, p, return_distance or (plan is not None and sort),
                       sort, count_only)
            if count_only:
                return res
            ind, dist, off = res
            dist = _finish(plan, dist, Q.dtype, metric) if return_distance else None
            return ind, dist, off
        near = np.setdiff1d(np.arange(Q.shape[0]), far)
        ind_n, dist_n, off_n = impl(tree, np.ascontiguousarray(Qs[near]),
                                    rs if rs.size == 1 else rs[near], metric, p, True, sort,
                                    False)
        far_ind, far_dist = _far_radius(tree_points(tree), np.ascontiguousarray(Qs[far]),
                                        rs if rs.size == 1 else rs[far], metric, p)
        rows_i, rows_d = [None] * Q.shape[0], [None] * Q.shape[0]
        for j, i in enumerate(near):
            rows_i[i] = ind_n[off_n[j]:off_n[j + 1]]
            rows_d[i] = dist_n[off_n[j]:off_n[j + 1]]
        for j, i in enumerate(far):
            order = np.lexsort((far_ind[j], far_dist[j])) if sort else slice(None)
            rows_i[i] = far_ind[j][order]
            rows_d[i] = far_dist[j][order].astype(Qs.dtype)
        counts = np.array([len(a) for a in rows_i], dtype=np.int64)
        if count_only:
            return counts
        off = np.zeros(Q.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=off[1:])
        ind = np.concatenate(rows_i).astype(np.int64)
        dist = np.concatenate(rows_d).astype(Qs.dtype, copy=False)
        if plan is not None:
            dist = _finish(plan, dist, Q.dtype, metric)
        return ind, (dist.astype(Q.dtype, copy=False) if return_distance else None), off

    tree_radius.__doc__ = impl.__doc__
    return tree_radius


if COMPILED:
    from . import _kdtree

    build_tree = _scaled_build(_build_tree)
    tree_query = _scaled_query(_tree_query)
    tree_radius = _scaled_radius(_tree_radius)
else:
    from .reference import kdtree as _twin

    build_tree = _scaled_build(_twin.build_tree)
    tree_query = _scaled_query(_twin.tree_query)
    tree_radius = _scaled_radius(_twin.tree_radius)


def tree_points(tree):
    """The tree's (prepared, maybe rescaled) points in training-row order, for
    a tree of either backend (plain NumPy: both kinds can be read anywhere)."""
    return tree["X"] if tree["kind"] == "reference" else _tree_rows(tree)
