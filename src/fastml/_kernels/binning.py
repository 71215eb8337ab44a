"""Binning of every feature (KBinsDiscretizer.transform) behind one facade.

Compiled backend: Numba (fastml._kernels.binning_jit), serial or parallel over
rows with the thread count of the current scope (small inputs on one
thread); FASTML_BACKEND=reference: the NumPy twin
(fastml._kernels.reference.binning, which holds the contract).
"""
import numpy as np

from . import _threads
from ._backend import COMPILED
from .reference import binning as _reference

_PARALLEL_MIN = 1 << 15

if COMPILED:
    def _impl():
        from . import binning_jit  # cached after the first call
        return binning_jit
else:
    def _impl():
        return None


def bin_ids(X, edges, edge_ptr, offsets, out):
    """out[i, j] = offsets[j] + searchsorted(inner edges of j, X[i, j], "right")."""
    jit = _impl()
    args = (X, np.ascontiguousarray(edges, dtype=np.float64),
            np.ascontiguousarray(edge_ptr, dtype=np.int64),
            np.ascontiguousarray(offsets, dtype=np.int64), out)
    if jit is None:
        return _reference.bin_ids(*args)
    nthreads = _threads.current()
    if nthreads > 1 and X.shape[0] * X.shape[1] >= _PARALLEL_MIN:
        import numba

        numba.set_num_threads(max(1, min(nthreads, numba.config.NUMBA_NUM_THREADS)))
        return jit.bin_ids_parallel(*args)
    return jit.bin_ids_serial(*args)
