"""Numba kernel of the binning of KBinsDiscretizer (contract:
fastml._kernels.reference.binning): per row and feature a binary search in the
feature's inner edges, written straight into the output (ordinal ids or
one-hot column indices). Serial and parallel-over-rows variants; imported
lazily, compiled on first use and cached on disk.
"""
import numba

_serial = numba.njit(cache=True, nogil=True)
_parallel = numba.njit(cache=True, nogil=True, parallel=True)
_CHUNK = 4096


@_serial
def _count_le(e, lo, hi, x):
    """Number of e[lo:hi] (sorted) that are <= x."""
    a, b = lo, hi
    while a < b:
        mid = (a + b) >> 1
        if e[mid] <= x:
            a = mid + 1
        else:
            b = mid
    return a - lo


def _bin_ids(X, edges, edge_ptr, offsets, out):
    n, p = X.shape
    for ch in numba.prange((n + _CHUNK - 1) // _CHUNK):
        for i in range(ch * _CHUNK, min(n, (ch + 1) * _CHUNK)):
            for j in range(p):
                out[i, j] = offsets[j] + _count_le(edges, edge_ptr[j], edge_ptr[j + 1],
                                                   X[i, j])


bin_ids_serial = _serial(_bin_ids)
bin_ids_parallel = _parallel(_bin_ids)
