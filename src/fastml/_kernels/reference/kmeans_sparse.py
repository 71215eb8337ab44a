"""NumPy twin of csrc/kmeans_sparse.c: the sparse Lloyd step and loop, written
plainly on the CSR arrays (no scipy needed).

Ranking key |c|^2 - 2 x.c (a dense product per block of rows), lowest index
on ties; mind is the winner's distance recomputed on the row's columns plus
|c|^2 for the others, clipped at 0; sums and weights in float64.
"""
import numpy as np

_BLOCK = 1024  # rows densified at a time (bounds the (b, d) temporary)


def _dense_rows(X, i0, i1):
    """Rows [i0, i1) of CSR X as a dense float64 block."""
    d = X.shape[1]
    out = np.zeros((i1 - i0, d))
    ptr = np.asarray(X.indptr)
    for r in range(i0, i1):
        sl = slice(ptr[r], ptr[r + 1])
        out[r - i0, np.asarray(X.indices)[sl]] = np.asarray(X.data)[sl]
    return out


def lloyd_step(X, C, sample_weight=None, update=True):
    """Twin of fm_kmeans_sparse_step: (labels, mind, inertia, sums, wsum)."""
    n, d = X.shape
    k = C.shape[0]
    Cd = np.asarray(C, dtype=np.float64)
    cn = (Cd ** 2).sum(axis=1)
    labels = np.empty(n, dtype=np.int32)
    mind = np.empty(n, dtype=np.asarray(X.data).dtype)
    sums = np.zeros((k, d)) if update else None
    for i0 in range(0, n, _BLOCK):
        i1 = min(n, i0 + _BLOCK)
        xb = _dense_rows(X, i0, i1)
        key = cn[None, :] - 2.0 * xb @ Cd.T
        lab = np.argmin(key, axis=1)
        labels[i0:i1] = lab
        nzmask = xb != 0
        cb = Cd[lab]
        on = (((xb - cb) ** 2) * nzmask).sum(axis=1)
        part = ((cb ** 2) * nzmask).sum(axis=1)
        mind[i0:i1] = np.maximum(on + (cn[lab] - part), 0)
        if update:
            w = np.ones(i1 - i0) if sample_weight is None else \
                np.asarray(sample_weight[i0:i1], dtype=np.float64)
            np.add.at(sums, lab, w[:, None] * xb)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    inertia = float(w @ mind.astype(np.float64))
    if not update:
        return labels, mind, inertia, None, None
    wsum = np.bincount(labels, weights=w, minlength=k).astype(np.float64)
    return labels, mind, inertia, sums, wsum


def lloyd(X, centers, sample_weight=None, max_iter=300, tol=0.0):
    """Twin of fm_kmeans_sparse_lloyd: (labels, inertia, centers, n_iter)."""
    dt = np.asarray(X.data).dtype
    centers = np.array(centers, dtype=dt, copy=True)
    labels_old = None
    for it in range(max_iter):
        labels, mind, _, sums, wsum = lloyd_step(X, centers, sample_weight)
        empty = np.flatnonzero(wsum == 0)
        if empty.size and mind.max() > 0:
            far = np.argsort(-mind.astype(np.float64), kind="stable")[:empty.size]
            for new, idx in zip(empty, far):
                w = 1.0 if sample_weight is None else float(sample_weight[idx])
                x = _dense_rows(X, idx, idx + 1)[0]
                sums[labels[idx]] -= w * x
                wsum[labels[idx]] -= w
                sums[new] = w * x
                wsum[new] = w
        nz = wsum > 0
        new = centers.astype(np.float64)
        new[nz] = sums[nz] / wsum[nz, None]
        new = new.astype(dt)
        shift = float(((new.astype(np.float64) - centers) ** 2).sum())
        centers = new
        if labels_old is not None and np.array_equal(labels, labels_old):
            break
        if shift <= tol:
            break
        labels_old = labels
    labels, _, inertia, _, _ = lloyd_step(X, centers, sample_weight, update=False)
    return labels, inertia, centers, it + 1
