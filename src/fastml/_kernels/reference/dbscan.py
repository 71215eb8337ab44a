"""Reference density-clustering kernels: the executable spec of csrc/dbscan*.c.

core_flags(indptr, indices, w, min_samples) -> uint8 (n,): 1 where the weight
    of the row's neighbourhood (counts when w is None) is >= min_samples.
expand(core, indptr, indices) -> (labels int64 (n,), n_clusters): clusters
    grown from the core points in row order (depth-first); a border point joins
    the first cluster that reaches it; -1 is noise.
mst(X, core_dist, metric, p, alpha) -> (src, dst, w): Prim's minimum spanning
    tree of the mutual-reachability graph max(core[a], core[b], dist(a, b) / alpha)
    from row 0; each step adds the lightest edge leaving the tree (ties: lowest
    row), src in the tree, dst the row added.
mst_dense(D, core_dist, alpha): the same over a dense distance matrix.
"""
import numpy as np

METRICS = ("euclidean", "manhattan", "chebyshev", "minkowski")


def core_flags(indptr, indices, w, min_samples):
    n = indptr.shape[0] - 1
    rows = np.repeat(np.arange(n), np.diff(indptr))
    vals = np.ones(indices.shape[0]) if w is None else np.asarray(w, np.float64)[indices]
    s = np.bincount(rows, weights=vals, minlength=n) if n else np.zeros(0)
    return (s >= min_samples).astype(np.uint8)


def expand(core, indptr, indices):
    n = core.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    nc = 0
    for i in range(n):
        if labels[i] != -1 or not core[i]:
            continue
        labels[i] = nc
        stack = [i]
        while stack:
            u = stack.pop()
            if not core[u]:
                continue
            for v in indices[indptr[u]:indptr[u + 1]]:
                if labels[v] == -1:
                    labels[v] = nc
                    stack.append(v)
        nc += 1
    return labels, nc


def _row_dist(X, q, metric, p):
    t = np.abs(X - q)
    if metric == "manhattan":
        return t.sum(axis=1)
    if metric == "chebyshev":
        return t.max(axis=1)
    if metric == "minkowski":
        return (t ** p).sum(axis=1) ** (1.0 / p)
    return np.sqrt((t * t).sum(axis=1))


def _prim(n, row, core_dist, alpha):
    src = np.empty(max(n - 1, 0), np.int64)
    dst = np.empty(max(n - 1, 0), np.int64)
    w = np.empty(max(n - 1, 0), np.float64)
    minr = np.full(n, np.inf)
    frm = np.zeros(n, np.int64)
    intree = np.zeros(n, bool)
    cur = 0
    for e in range(n - 1):
        intree[cur] = True
        d = row(cur)
        if alpha != 1.0:
            d = d / alpha
        r = np.maximum(np.maximum(core_dist[cur], core_dist), d)
        better = (r < minr) & ~intree
        minr[better] = r[better]
        frm[better] = cur
        cand = np.where(intree, np.inf, minr)
        j = int(np.flatnonzero(~intree)[np.argmin(cand[~intree])])
        src[e], dst[e], w[e] = frm[j], j, minr[j]
        cur = j
    return src, dst, w


def mst(X, core_dist, metric="euclidean", p=2.0, alpha=1.0):
    X = np.asarray(X, np.float64)
    return _prim(X.shape[0], lambda i: _row_dist(X, X[i], metric, p), core_dist, alpha)


def mst_dense(D, core_dist, alpha=1.0):
    D = np.asarray(D, np.float64)
    return _prim(D.shape[0], lambda i: D[i].copy(), core_dist, alpha)
