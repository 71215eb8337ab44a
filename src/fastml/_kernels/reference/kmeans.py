"""NumPy twin of csrc/kmeans.c: one Lloyd step, written plainly.

Squared distances are the direct sum_j (x_j - c_j)^2 in X's dtype (the same
formula as the compiled kernel; rows in blocks to bound memory); ties keep
the lowest centre index; sums and weights accumulate in float64.
"""
import numpy as np


def lloyd_step(X, C, sample_weight=None, update=True, XT=None, block=4096):
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
