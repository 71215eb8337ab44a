"""Hierarchical clustering in SciPy's linkage-matrix format (scipy.cluster.hierarchy style).

`linkage` returns the (n - 1, 4) matrix SciPy's `dendrogram`, `fcluster` and
`cut_tree` read: row k merges clusters Z[k, 0] < Z[k, 1] (ids < n are samples,
n + j is the cluster made by row j) at distance Z[k, 2] into a cluster of
Z[k, 3] samples, rows sorted by distance. The trees are built in compiled
code in O(n^2) time (fastml._kernels.linkage): the nearest-neighbour chain for
complete, average, weighted and Ward linkage, Prim's algorithm for single
linkage; Ward and single linkage on observations need no distance matrix.
Merges, distances and tie order are SciPy's (distances agree to rounding).

`fcluster` and `maxdists` cut a tree into flat clusters like SciPy's
functions of the same names (criteria "distance", "maxclust",
"inconsistent", "monocrit", "maxclust_monocrit"); `cut_tree` gives the
labels for several cluster counts at once.
"""
import numbers

import numpy as np

from .._kernels import linkage as _lk
from ._agglomerative_tree import (_OWN_METRICS, _SCIPY_METRICS, _condensed,
                                  _power_of_two_scale)

__all__ = ["linkage", "fcluster", "maxdists", "inconsistent", "cut_tree", "num_obs_linkage"]

_METHODS = ("single", "complete", "average", "weighted", "ward")


def _n_from_condensed(m):
    n = int(np.ceil(np.sqrt(m * 2)))
    if n * (n - 1) // 2 != m:
        raise ValueError(f"Length {m} of the condensed distance matrix y is not n (n - 1) / 2 "
                         f"for any integer n.")
    return n


def linkage(y, method="single", metric="euclidean", optimal_ordering=False):
    """Hierarchical clustering of observations or of a condensed distance matrix.

    y: 1-D condensed distances (n (n - 1) / 2 values) or 2-D observations (n, d).
    method: "single", "complete", "average", "weighted" or "ward" (SciPy's
    "centroid" and "median" are not provided). metric (2-D y only):
    "euclidean", "cityblock"/"manhattan"/"l1", "cosine", another
    scipy.spatial.distance.pdist name, or a callable (u, v) -> float.
    optimal_ordering=True reorders the leaves with SciPy's
    optimal_leaf_ordering. Returns Z (n - 1, 4) float64.
    """
    if method not in _METHODS:
        raise ValueError(f"Invalid method: {method!r}; fastml supports {list(_METHODS)}.")
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        n = _n_from_condensed(y.shape[0])
        D = np.ascontiguousarray(y)
        X = None
    elif y.ndim == 2:
        X = np.ascontiguousarray(y)
        n = X.shape[0]
        D = None
    else:
        raise ValueError(f"y must be 1 or 2 dimensional, got {y.ndim} dimensions.")
    if not np.all(np.isfinite(y)):
        raise ValueError("The condensed distance matrix or observations y must contain only "
                         "finite values.")
    if n < 2:
        raise ValueError(f"linkage needs at least 2 observations, got {n}.")
    homogeneous = X is None or (isinstance(metric, str) and metric in _OWN_METRICS)
    # an exact power-of-two scale keeps squares and Ward's updates finite
    scale = _power_of_two_scale(y) if homogeneous else 1.0
    if scale != 1.0:
        Z = linkage(y / scale, method, metric, optimal_ordering=False)
        Z[:, 2] *= scale
        return _reorder(Z, y, metric, optimal_ordering)
    if X is not None:
        own = _OWN_METRICS.get(metric) if isinstance(metric, str) else None
        if method == "ward" and own == "euclidean":
            Z = _lk.label(_lk.ward(X), True)
            return _reorder(Z, X, metric, optimal_ordering)
        if method == "single" and own in ("euclidean", "manhattan"):
            Z = _lk.label(_lk.mst(X, own), True)
            return _reorder(Z, X, metric, optimal_ordering)
        if callable(metric):
            from scipy.spatial.distance import pdist
            D = np.ascontiguousarray(pdist(X, metric), dtype=np.float64)
        elif own is None and metric not in _SCIPY_METRICS:
            raise ValueError(f"Unknown metric {metric!r}.")
        else:
            D = _condensed(X, metric)
    M = _lk.mst_condensed(D, n) if method == "single" else _lk.chain(D, n, method)
    return _reorder(_lk.label(M, True), D if X is None else X, metric, optimal_ordering)


def _reorder(Z, y, metric, optimal_ordering):
    if not optimal_ordering:
        return Z
    from scipy.cluster.hierarchy import optimal_leaf_ordering
    return optimal_leaf_ordering(Z, y, metric=metric)


def _check_Z(Z):
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2 or Z.shape[1] != 4 or Z.shape[0] < 1:
        raise ValueError(f"Z must be a linkage matrix of shape (n - 1, 4), got {Z.shape}.")
    n = Z.shape[0] + 1
    ids = Z[:, :2]
    if (ids < 0).any() or (ids >= n + np.arange(n - 1)[:, None]).any():
        raise ValueError("Z is not a valid linkage matrix: row k may only merge samples and "
                         "clusters made by earlier rows.")
    return Z, n


def num_obs_linkage(Z):
    """Number of observations of the linkage matrix Z."""
    return _check_Z(Z)[1]


def maxdists(Z):
    """MD (n - 1,): the largest merge distance in the subtree of each cluster."""
    Z, n = _check_Z(Z)
    MD = Z[:, 2].copy()
    left, right = Z[:, 0].astype(np.int64), Z[:, 1].astype(np.int64)
    for k in range(n - 1):
        a, b = left[k], right[k]
        if a >= n:
            MD[k] = max(MD[k], MD[a - n])
        if b >= n:
            MD[k] = max(MD[k], MD[b - n])
    return MD


def inconsistent(Z, d=2):
    """R (n - 1, 4): mean and standard deviation of the merge heights within d
    levels below each merge, their count and the inconsistency coefficient."""
    Z, n = _check_Z(Z)
    if not isinstance(d, numbers.Integral) or d < 0:
        raise ValueError(f"The depth d must be a non-negative integer, got {d!r}.")
    R = np.zeros((n - 1, 4))
    for k in range(n - 1):
        heights, frontier = [], [n + k]
        for _ in range(d):
            nxt = []
            for node in frontier:
                if node >= n:
                    heights.append(Z[node - n, 2])
                    nxt.extend((int(Z[node - n, 0]), int(Z[node - n, 1])))
            frontier = nxt
        h = np.asarray(heights)
        mean = h.mean() if h.size else 0.0
        std = h.std(ddof=1) if h.size > 1 else 0.0
        R[k] = (mean, std, h.size, (Z[k, 2] - mean) / std if std > 0 else 0.0)
    return R


def _monocrit_labels(Z, n, MC, cutoff):
    """SciPy's flat clusters, numbered 1, 2, ... in SciPy's walk: depth first
    from the root, internal children left then right, a node's leaf children
    numbered when the node is left; the first node on a path with
    MC <= cutoff numbers its whole subtree as one cluster."""
    T = np.zeros(n, dtype=np.int32)
    left, right = Z[:, 0].astype(np.int64), Z[:, 1].astype(np.int64)
    count, leader = 0, -1
    stack = [(2 * n - 2, False)]
    while stack:
        node, done = stack.pop()
        a, b = left[node - n], right[node - n]
        if not done:
            if leader < 0 and MC[node - n] <= cutoff:
                count += 1
                leader = node
            stack.append((node, True))
            if b >= n:
                stack.append((b, False))
            if a >= n:
                stack.append((a, False))
            continue
        for c in (a, b):
            if c < n:
                if leader < 0:
                    count += 1
                T[c] = count
        if leader == node:
            leader = -1
    return T


def _maxclust_cutoff(MC, n, t):
    """The smallest cut leaving at most t clusters (MC grows towards the root,
    so a cut at c leaves n - #{MC <= c} clusters; below every MC: n)."""
    if t >= n:
        return -np.inf
    s = np.sort(MC)
    counts = n - np.searchsorted(s, s, side="right")
    return s[np.argmax(counts <= t)]


def fcluster(Z, t, criterion="inconsistent", depth=2, R=None, monocrit=None):
    """Flat cluster ids (1-based, int32) of each observation, as SciPy's fcluster."""
    Z, n = _check_Z(Z)
    if criterion == "inconsistent":
        R = inconsistent(Z, depth) if R is None else np.asarray(R, dtype=np.float64)
        MC = maxdists(np.column_stack([Z[:, :2], R[:, 3], Z[:, 3]]))
        return _monocrit_labels(Z, n, MC, t)
    if criterion == "distance":
        return _monocrit_labels(Z, n, maxdists(Z), t)
    if criterion in ("maxclust", "maxclust_monocrit") and t >= n:
        return np.arange(1, n + 1, dtype=np.int32)  # SciPy: singletons in sample order
    if criterion == "maxclust":
        MD = maxdists(Z)
        return _monocrit_labels(Z, n, MD, _maxclust_cutoff(MD, n, t))
    if criterion in ("monocrit", "maxclust_monocrit"):
        if monocrit is None:
            raise ValueError(f"criterion={criterion!r} needs a monocrit array.")
        MC = np.asarray(monocrit, dtype=np.float64)
        if criterion == "monocrit":
            return _monocrit_labels(Z, n, MC, t)
        return _monocrit_labels(Z, n, MC, _maxclust_cutoff(MC, n, t))
    raise ValueError(f"Invalid cluster formation criterion: {criterion!r}.")


def cut_tree(Z, n_clusters=None, height=None):
    """(n, k) labels 0.. of the tree cut into each of the given cluster counts
    (or at each height), columns in the order given; numbering as SciPy's
    cut_tree (a cluster keeps its number as the cut moves up; the merged
    cluster takes the smaller)."""
    Z, n = _check_Z(Z)
    if height is not None and n_clusters is not None:
        raise ValueError("At least one of either height or n_clusters must be None")
    if n_clusters is None and height is None:
        wanted = np.arange(n, 0, -1)
    elif height is not None:
        h = np.atleast_1d(np.asarray(height, dtype=np.float64))
        wanted = np.array([n - int(np.count_nonzero(Z[:, 2] <= v)) for v in h])
    else:
        wanted = np.atleast_1d(np.asarray(n_clusters, dtype=np.int64))
        if (wanted < 1).any() or (wanted > n).any():
            raise ValueError(f"n_clusters must be between 1 and {n}.")
    groups = np.arange(n)
    out = {}
    if n in wanted:
        out[n] = groups.copy()
    members = {i: [i] for i in range(n)}
    for k in range(n - 1):
        a, b = int(Z[k, 0]), int(Z[k, 1])
        ma, mb = members.pop(a), members.pop(b)
        merged = ma + mb
        ga, gb = groups[ma[0]], groups[mb[0]]
        lo, hi = min(ga, gb), max(ga, gb)
        groups[merged] = lo
        groups[groups > hi] -= 1
        members[n + k] = merged
        if n - k - 1 in wanted:
            out[n - k - 1] = groups.copy()
    return np.column_stack([out[int(c)] for c in wanted])
