"""NumPy twin of csrc/kmeans.c: one Lloyd step, written plainly.

Squared distances are the direct sum_j (x_j - c_j)^2 in X's dtype (the same
formula as the compiled kernel; rows in blocks to bound memory); ties keep
the lowest centre index; sums and weights accumulate in float64.
"""
import numpy as np


_BLOCK = 4096  # rows per distance block (bounds the (b, k, d) temporary)


def lloyd_step(X, C, sample_weight=None, update=True, XT=None):
    """Twin of fm_kmeans_step (XT, a transposed copy for speed, is ignored)."""
    block = _BLOCK
    n, d = X.shape
    k = C.shape[0]
    labels = np.empty(n, dtype=np.int32)
    mind = np.empty(n, dtype=X.dtype)
    for i0 in range(0, n, block):
        xb = X[i0:i0 + block]
        d2 = ((xb[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)   # (b, k)
        lab = np.argmin(d2, axis=1)
        labels[i0:i0 + block] = lab
        mind[i0:i0 + block] = d2[np.arange(len(xb)), lab]
    w = np.ones(n) if sample_weight is None else sample_weight.astype(np.float64)
    inertia = float(w @ mind.astype(np.float64))
    if not update:
        return labels, mind, inertia, None, None
    sums = np.zeros((k, d))
    np.add.at(sums, labels, w[:, None] * X.astype(np.float64))
    wsum = np.bincount(labels, weights=w, minlength=k).astype(np.float64)
    return labels, mind, inertia, sums, wsum


def _relocate_empty(X, sw, sums, wsum, labels, mind):
    """Empty clusters (in increasing order) take the points farthest from
    their centres (largest mind first, lowest row on ties); those points
    leave their old cluster's sums."""
    empty = np.flatnonzero(wsum == 0)
    if empty.size == 0 or not (mind.max() > 0):
        return
    far = np.argsort(-mind.astype(np.float64), kind="stable")[:empty.size]
    for new, idx in zip(empty, far):
        w = 1.0 if sw is None else float(sw[idx])
        old = labels[idx]
        x = X[idx].astype(np.float64)
        sums[old] -= w * x
        wsum[old] -= w
        sums[new] = w * x
        wsum[new] = w


def lloyd(X, centers, sample_weight=None, max_iter=300, tol=0.0):
    """Twin of fm_kmeans_lloyd: (labels, inertia, centers, n_iter)."""
    centers = np.array(centers, dtype=X.dtype, copy=True)
    labels_old = None
    for it in range(max_iter):
        labels, mind, _, sums, wsum = lloyd_step(X, centers, sample_weight)
        _relocate_empty(X, sample_weight, sums, wsum, labels, mind)
        nz = wsum > 0
        new = centers.astype(np.float64)
        new[nz] = sums[nz] / wsum[nz, None]
        new = new.astype(X.dtype)
        shift = float(((new.astype(np.float64) - centers) ** 2).sum())
        centers = new
        if labels_old is not None and np.array_equal(labels, labels_old):
            break
        if shift <= tol:
            break
        labels_old = labels
    labels, _, inertia, _, _ = lloyd_step(X, centers, sample_weight, update=False)
    return labels, inertia, centers, it + 1


def plusplus(X, n_clusters, sample_weight, first, uniform, n_local_trials):
    """Twin of fm_kmeans_plusplus: (centers, indices)."""
    n = X.shape[0]
    w = np.ones(n) if sample_weight is None else sample_weight.astype(np.float64)
    u = np.asarray(uniform, dtype=np.float64).reshape(-1)
    idx = [int(first)]
    closest = ((X - X[first]) ** 2).sum(axis=1)          # in X's dtype
    for c in range(1, n_clusters):
        cum = np.cumsum(w * closest.astype(np.float64))
        rv = u[(c - 1) * n_local_trials:c * n_local_trials] * cum[-1]
        cand = np.minimum(np.searchsorted(cum, rv), n - 1)
        dist = ((X[None, :, :] - X[cand][:, None, :]) ** 2).sum(axis=2)   # (trials, n)
        dist = np.minimum(dist, closest[None, :])
        pots = dist.astype(np.float64) @ w
        best = int(np.argmin(pots))
        closest = dist[best]
        idx.append(int(cand[best]))
    idx = np.asarray(idx, dtype=np.int64)
    return X[idx].copy(), idx
