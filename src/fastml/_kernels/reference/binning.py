"""NumPy reference twin of the binning kernel (fastml._kernels.binning).

Contract of ``bin_ids(X, edges, edge_ptr, offsets, out)``: X (n, p) float32
or float64 without NaN; ``edges`` float64, the inner bin edges of feature j
sorted in ``edges[edge_ptr[j]:edge_ptr[j + 1]]``; ``offsets`` (p,) int64.
Writes out[i, j] = offsets[j] + (number of inner edges of j that are <= X[i,
j]) (NumPy's searchsorted(side="right")), in out's dtype (float ordinal ids
with zero offsets, or int64 one-hot column indices).
"""
import numpy as np


def bin_ids(X, edges, edge_ptr, offsets, out):
    for j in range(X.shape[1]):
        e = edges[edge_ptr[j]:edge_ptr[j + 1]]
        out[:, j] = offsets[j] + np.searchsorted(e, X[:, j], side="right")
