"""Tree builders behind AgglomerativeClustering, with scikit-learn's semantics.

Unstructured trees (no connectivity) come from the compiled linkage family
(fastml._kernels.linkage): Ward by the nearest-neighbour chain over centroids
(O(n d) memory), complete / average by the chain with Lance-Williams updates
on the condensed distance matrix, single by Prim's algorithm. Each merge list
is sorted stably by distance and labelled exactly as SciPy (and scikit-learn,
for single linkage on a DistanceMetric metric) label theirs, so children_ and
distances_ agree with scikit-learn's.

Structured trees (a connectivity graph) follow scikit-learn's heap algorithms
step for step (same heap entries and ties), in Python.
"""
import heapq
import numbers
import warnings

import numpy as np
from scipy import sparse

from .._kernels import linkage as _lk

__all__ = ["ward_tree", "linkage_tree"]

# metrics fastml computes itself (name -> kernel metric)
_OWN_METRICS = {"euclidean": "euclidean", "l2": "euclidean", "l1": "manhattan",
                "manhattan": "manhattan", "cityblock": "manhattan", "cosine": "cosine"}
# further metric names accepted (condensed distances by scipy.spatial.distance.pdist)
_SCIPY_METRICS = ("braycurtis", "canberra", "chebyshev", "correlation", "dice", "hamming",
                  "jaccard", "mahalanobis", "minkowski", "rogerstanimoto", "russellrao",
                  "seuclidean", "sokalmichener", "sokalsneath", "sqeuclidean", "yule")
VALID_METRICS = frozenset(_OWN_METRICS) | frozenset(_SCIPY_METRICS)
# scikit-learn builds single linkage from a DistanceMetric for these names (its
# merge rows keep their (tree node, new node) order); other metrics go through
# SciPy's linkage (rows ordered smaller id first)
_DISTANCE_METRIC_NAMES = frozenset({
    "euclidean", "manhattan", "cityblock", "chebyshev", "minkowski", "hamming", "canberra",
    "braycurtis", "jaccard", "dice", "rogerstanimoto", "russellrao", "sokalmichener",
    "sokalsneath", "seuclidean", "mahalanobis"})
# scikit-learn's paired distances (structured trees with a string metric)
_PAIRED = ("euclidean", "l2", "l1", "manhattan", "cityblock", "cosine")

_PARTIAL_MSG = ("Partial build of the tree is implemented only for structured clustering "
                "(i.e. with explicit connectivity). The algorithm will build the full tree "
                "and only retain the lower branches required for the specified number of "
                "clusters")


def _as_2d(X):
    X = np.asarray(X)
    return X.reshape(-1, 1) if X.ndim == 1 else X


def _check_finite(D, what):
    if not np.all(np.isfinite(D)):
        raise ValueError(f"The {what} must be finite (no NaN or infinity).")


# ---- unstructured trees -------------------------------------------------------

def _condensed(X, metric):
    n = X.shape[0]
    if metric == "precomputed":
        if X.shape[0] != X.shape[1]:
            raise ValueError(f"Distance matrix should be square, got matrix of shape {X.shape}")
        D = X[np.triu_indices(n, k=1)]
    elif callable(metric):
        S = np.asarray(metric(X), dtype=np.float64)
        if S.shape != (n, n):
            raise ValueError(f"The metric callable must return a square ({n}, {n}) distance "
                             f"matrix, got shape {S.shape}.")
        D = S[np.triu_indices(n, k=1)]
    elif metric in _OWN_METRICS:
        return _lk.pdist(X, _OWN_METRICS[metric])
    else:
        from scipy.spatial.distance import pdist
        D = pdist(X, metric)
    D = np.ascontiguousarray(D, dtype=np.float64)
    _check_finite(D, "pairwise distances")
    return D


def _power_of_two_scale(A):
    """A power of two s bringing max|A| / s near 1 when max|A| is beyond 2**300
    or below 2**-300 (else 1): dividing by s is exact, and the squares of the
    scaled values neither overflow nor underflow to zero."""
    big = float(np.max(np.abs(A))) if A.size else 0.0
    if big == 0.0 or 2.0 ** -300 <= big <= 2.0 ** 300:
        return 1.0
    return float(np.ldexp(1.0, int(np.frexp(big)[1])))


def linkage_matrix(X, linkage, metric):
    """SciPy's linkage matrix (n - 1, 4) of the full unstructured tree of X.

    Inputs beyond 2**300 in magnitude are scaled by an exact power of two
    first (and the merge distances back), so squared distances and Ward's
    updates do not overflow."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    homogeneous = metric == "precomputed" or (isinstance(metric, str) and metric in _OWN_METRICS)
    scale = _power_of_two_scale(X) if homogeneous else 1.0
    if scale != 1.0:
        Z = _linkage_matrix(X / scale, linkage, metric)
        Z[:, 2] *= scale
        return Z
    return _linkage_matrix(X, linkage, metric)


def _linkage_matrix(X, linkage, metric):
    n = X.shape[0]
    if linkage == "ward":
        if metric == "precomputed" or callable(metric):
            return _lk.label(_lk.chain(_condensed(X, metric), n, "ward"), True)
        return _lk.label(_lk.ward(X), True)
    if (linkage == "single" and not callable(metric) and metric != "precomputed"
            and (_OWN_METRICS.get(metric, metric) in _DISTANCE_METRIC_NAMES
                 or metric in _DISTANCE_METRIC_NAMES)):
        own = _OWN_METRICS.get(metric)
        if own in ("euclidean", "manhattan"):
            return _lk.label(_lk.mst(X, own), False)
        return _lk.label(_lk.mst_condensed(_condensed(X, metric), n), False)
    D = _condensed(X, metric)
    M = _lk.mst_condensed(D, n) if linkage == "single" else _lk.chain(D, n, linkage)
    return _lk.label(M, True)


# ---- connectivity ---------------------------------------------------------------

def _pairwise(A, B, metric):
    from ..metrics.pairwise import pairwise_distances
    return pairwise_distances(A, B, metric=metric)


def _fix_connectivity(X, connectivity, affinity):
    """Symmetric LIL connectivity, completed with the closest pair between every two
    components (with a UserWarning) when the graph is not connected; and the
    number of connected components."""
    from scipy.sparse.csgraph import connected_components

    n = X.shape[0]
    if connectivity.shape[0] != n or connectivity.shape[1] != n:
        raise ValueError(f"Wrong shape for connectivity matrix: {connectivity.shape} "
                         f"when X is {X.shape}")
    connectivity = connectivity + connectivity.T
    connectivity = sparse.lil_matrix(connectivity) if not sparse.issparse(connectivity) \
        else connectivity.tolil()
    n_comp, labels = connected_components(connectivity)
    if n_comp > 1:
        warnings.warn(f"the number of connected components of the connectivity matrix is "
                      f"{n_comp} > 1. Completing it to avoid stopping the tree early.",
                      stacklevel=2)
        for i in range(n_comp):
            idx_i = np.flatnonzero(labels == i)
            for j in range(i):
                idx_j = np.flatnonzero(labels == j)
                if affinity == "precomputed":
                    D = X[np.ix_(idx_i, idx_j)]
                else:
                    D = _pairwise(X[idx_i], X[idx_j], affinity)
                ii, jj = np.unravel_index(np.argmin(D, axis=None), D.shape)
                connectivity[idx_i[ii], idx_j[jj]] = 1
                connectivity[idx_j[jj], idx_i[ii]] = 1
    return connectivity, n_comp


def _paired_distances(A, B, metric):
    if callable(metric):
        return np.array([metric(a, b) for a, b in zip(A, B)], dtype=np.float64)
    if metric not in _PAIRED:
        raise ValueError(f"Unknown distance {metric}")
    if metric == "cosine":
        def unit(Z):
            nrm = np.sqrt(np.einsum("ij,ij->i", Z, Z))
            return Z / np.where(nrm > 0, nrm, 1.0)[:, None]
        diff = unit(A) - unit(B)
        return 0.5 * np.einsum("ij,ij->i", diff, diff)
    diff = A - B
    if metric in ("l1", "manhattan", "cityblock"):
        return np.abs(diff).sum(axis=1)
    return np.sqrt(np.einsum("ij,ij->i", diff, diff))


def _get_parents(nodes, heads, parents, not_visited):
    for node in nodes:
        parent = parents[node]
        while parent != node:
            node = parent
            parent = parents[node]
        if not_visited[node]:
            not_visited[node] = False
            heads.append(node)


def _ward_dist(m1, m2, rows, cols):
    n = m1[rows] * m1[cols] / (m1[rows] + m1[cols])
    diff = m2[rows] / m1[rows][:, None] - m2[cols] / m1[cols][:, None]
    return n * np.einsum("ij,ij->i", diff, diff)


def _n_nodes(n_samples, n_clusters):
    if n_clusters is None:
        return 2 * n_samples - 1
    if n_clusters > n_samples:
        raise ValueError(f"Cannot provide more clusters than samples. {n_clusters} n_clusters "
                         f"was asked, and there are {n_samples} samples.")
    return 2 * n_samples - n_clusters


def _structured_ward(X, connectivity, n_clusters, return_distance):
    n_samples, n_features = X.shape
    connectivity, n_comp = _fix_connectivity(X, connectivity, "euclidean")
    n_nodes = _n_nodes(n_samples, n_clusters)
    A = [list(row) for row in connectivity.rows]
    pairs = [(ind, c) for ind, row in enumerate(A) for c in row if c < ind]
    rows = np.array([p[0] for p in pairs], dtype=np.intp)
    cols = np.array([p[1] for p in pairs], dtype=np.intp)
    m1 = np.zeros(n_nodes)
    m1[:n_samples] = 1
    m2 = np.zeros((n_nodes, n_features))
    m2[:n_samples] = X
    heap = list(zip(_ward_dist(m1, m2, rows, cols).tolist(), rows.tolist(), cols.tolist()))
    heapq.heapify(heap)
    parent = np.arange(n_nodes, dtype=np.intp)
    used = np.ones(n_nodes, dtype=bool)
    children = []
    distances = np.empty(n_nodes - n_samples)
    not_visited = np.empty(n_nodes, dtype=bool)
    for k in range(n_samples, n_nodes):
        while True:
            inert, i, j = heapq.heappop(heap)
            if used[i] and used[j]:
                break
        parent[i] = parent[j] = k
        children.append((j, i))
        used[i] = used[j] = False
        distances[k - n_samples] = inert
        m1[k] = m1[i] + m1[j]
        m2[k] = m2[i] + m2[j]
        heads = []
        not_visited.fill(True)
        not_visited[k] = False
        _get_parents(A[i], heads, parent, not_visited)
        _get_parents(A[j], heads, parent, not_visited)
        for col in heads:
            A[col].append(k)
        A.append(heads)
        if heads:
            hc = np.array(heads, dtype=np.intp)
            ini = _ward_dist(m1, m2, np.full(len(hc), k, dtype=np.intp), hc)
            for d, c in zip(ini.tolist(), heads):
                heapq.heappush(heap, (d, k, c))
    children = np.array(children, dtype=np.intp).reshape(-1, 2)
    if return_distance:
        return children, n_comp, n_samples, parent, np.sqrt(2.0 * distances)
    return children, n_comp, n_samples, parent


class _Edge:
    """Heap entry ordered by weight only (ties resolved by the heap's own order)."""
    __slots__ = ("weight", "a", "b")

    def __init__(self, weight, a, b):
        self.weight, self.a, self.b = weight, a, b

    def __lt__(self, other):
        return self.weight < other.weight


def _join(a, b, sizes, n_a, n_b, average):
    out = {key: v for key, v in sorted(a.items()) if sizes[key]}
    n_out = n_a + n_b
    for key, v in sorted(b.items()):
        if not sizes[key]:
            continue
        if key in out:
            out[key] = (n_a * out[key] + n_b * v) / n_out if average else max(out[key], v)
        else:
            out[key] = v
    return dict(sorted(out.items()))


def _structured_linkage(X, connectivity, n_clusters, linkage, affinity, return_distance):
    n_samples = X.shape[0]
    connectivity, n_comp = _fix_connectivity(X, connectivity, affinity)
    coo = connectivity.tocoo()
    keep = coo.row != coo.col
    row, col = coo.row[keep], coo.col[keep]
    if affinity == "precomputed":
        dist = np.asarray(X[row, col], dtype=np.float64)
    else:
        dist = _paired_distances(X[row], X[col], affinity)
    graph = sparse.coo_matrix((dist, (row, col)), shape=coo.shape)
    n_nodes = _n_nodes(n_samples, n_clusters)
    if linkage == "single":
        return _structured_single(graph, n_samples, n_nodes, n_clusters, n_comp,
                                  return_distance)
    lil = graph.tolil()
    A = [None] * n_nodes
    heap = []
    for ind, (data, nbrs) in enumerate(zip(lil.data, lil.rows)):
        A[ind] = dict(zip((int(r) for r in nbrs), (float(d) for d in data)))
        heap.extend(_Edge(d, ind, r) for r, d in zip(nbrs, data) if r < ind)
    heapq.heapify(heap)
    parent = np.arange(n_nodes, dtype=np.intp)
    sizes = np.ones(n_nodes, dtype=np.intp)
    children = []
    distances = np.empty(n_nodes - n_samples)
    for k in range(n_samples, n_nodes):
        while True:
            e = heapq.heappop(heap)
            if sizes[e.a] and sizes[e.b]:
                break
        i, j = e.a, e.b
        distances[k - n_samples] = e.weight
        parent[i] = parent[j] = k
        children.append((j, i))
        n_i, n_j = sizes[i], sizes[j]
        sizes[k] = n_i + n_j
        sizes[i] = sizes[j] = 0
        merged = _join(A[i], A[j], sizes, n_i, n_j, linkage == "average")
        for c, d in merged.items():
            A[c][k] = d
            heapq.heappush(heap, _Edge(d, k, c))
        A[k] = merged
        A[i] = A[j] = None
    children = np.array(children, dtype=np.intp).reshape(-1, 2)
    if return_distance:
        return children, n_comp, n_samples, parent, distances
    return children, n_comp, n_samples, parent


def _structured_single(graph, n_samples, n_nodes, n_clusters, n_comp, return_distance):
    from scipy.sparse.csgraph import minimum_spanning_tree

    graph = graph.astype(np.float64)
    eps = np.finfo(np.float64).eps
    graph.data[graph.data == 0] = eps  # keep zero distances as edges
    mst = minimum_spanning_tree(graph.tocsr()).tocoo()
    mst.data[mst.data == eps] = 0
    M = np.column_stack([mst.row, mst.col, mst.data]).astype(np.float64)
    Z = _lk.label(M, False)
    children = Z[:, :2].astype(np.intp)
    parent = np.arange(n_nodes, dtype=np.intp)
    for i, (left, right) in enumerate(children, n_samples):
        if n_clusters is not None and i >= n_nodes:
            break
        if left < n_nodes:
            parent[left] = i
        if right < n_nodes:
            parent[right] = i
    if return_distance:
        return children, n_comp, n_samples, parent, Z[:, 2].copy()
    return children, n_comp, n_samples, parent


# ---- public builders --------------------------------------------------------------

def _check_n_clusters(n_clusters):
    if n_clusters is not None and (isinstance(n_clusters, bool) or not isinstance(
            n_clusters, numbers.Integral) or n_clusters < 1):
        raise ValueError(f"n_clusters must be an int >= 1 or None, got {n_clusters!r}.")


def _check_connectivity(connectivity):
    from ..utils.validation import check_array
    if sparse.issparse(connectivity):
        return connectivity.tocsr() if connectivity.format not in ("csr", "coo", "lil") \
            else connectivity
    return check_array(connectivity)


def ward_tree(X, *, connectivity=None, n_clusters=None, return_distance=False):
    """Ward clustering tree of X: (children, n_connected_components, n_leaves,
    parents[, distances]) as scikit-learn's ward_tree. Without connectivity the
    full tree is built (a UserWarning when n_clusters is given) and parents is
    None; merge distances are sqrt(2 x increase of the within-cluster sum of
    squares)."""
    _check_n_clusters(n_clusters)
    X = _as_2d(X)
    n_samples = X.shape[0]
    if connectivity is None:
        if n_clusters is not None:
            warnings.warn(_PARTIAL_MSG, stacklevel=2)
        Z = linkage_matrix(X, "ward", "euclidean")
        children = Z[:, :2].astype(np.intp)
        if return_distance:
            return children, 1, n_samples, None, Z[:, 2].copy()
        return children, 1, n_samples, None
    X = np.asarray(X, dtype=np.float64)
    return _structured_ward(X, _check_connectivity(connectivity), n_clusters, return_distance)


def linkage_tree(X, connectivity=None, n_clusters=None, linkage="complete",
                 affinity="euclidean", return_distance=False):
    """Complete, average or single linkage tree of X, as scikit-learn's
    linkage_tree: (children, n_connected_components, n_leaves, parents[,
    distances]); parents is None without connectivity."""
    _check_n_clusters(n_clusters)
    X = _as_2d(X)
    n_samples = X.shape[0]
    if linkage not in ("complete", "average", "single"):
        raise ValueError("Unknown linkage option, linkage should be one of "
                         f"('complete', 'average', 'single'), but {linkage} was given")
    if isinstance(affinity, str) and affinity == "cosine" and np.any(~np.any(X, axis=1)):
        raise ValueError("Cosine affinity cannot be used when X contains zero vectors")
    if connectivity is None:
        if n_clusters is not None:
            warnings.warn(_PARTIAL_MSG, stacklevel=2)
        Z = linkage_matrix(X, linkage, affinity)
        children = Z[:, :2].astype(np.intp)
        if return_distance:
            return children, 1, n_samples, None, Z[:, 2].copy()
        return children, 1, n_samples, None
    X = np.asarray(X, dtype=np.float64)
    return _structured_linkage(X, _check_connectivity(connectivity), n_clusters, linkage,
                               affinity, return_distance)


# ---- cutting ------------------------------------------------------------------------

def _hc_cut(n_clusters, children, n_leaves):
    """Labels of the n_clusters clusters left by undoing the last merges (the heap
    order of scikit-learn's cut: label i goes to the i-th node of its heap)."""
    if n_clusters > n_leaves:
        raise ValueError("Cannot extract more clusters than samples: "
                         f"{n_clusters} clusters were given for a tree with {n_leaves} leaves.")
    nodes = [-(int(max(children[-1])) + 1)] if len(children) else [0]
    for _ in range(n_clusters - 1):
        these = children[-nodes[0] - n_leaves]
        heapq.heappush(nodes, -int(these[0]))
        heapq.heappushpop(nodes, -int(these[1]))
    n_nodes = n_leaves + len(children)
    lab = np.full(n_nodes, -1, dtype=np.intp)
    for i, node in enumerate(nodes):
        lab[-node] = i
    for k in range(len(children) - 1, -1, -1):
        owner = lab[n_leaves + k]
        if owner >= 0:
            lab[children[k][0]] = lab[children[k][1]] = owner
    return lab[:n_leaves].copy()


def _hc_heads(parents, n_samples):
    """Labels 0.. of the roots each sample's parent chain reaches (partial trees)."""
    heads = np.asarray(parents, dtype=np.intp).copy()
    while True:
        nxt = heads[heads]
        if np.array_equal(nxt, heads):
            break
        heads = nxt
    heads = heads[:n_samples]
    return np.searchsorted(np.unique(heads), heads)
