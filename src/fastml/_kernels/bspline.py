"""B-spline basis of every feature (SplineTransformer) behind one facade.

Compiled backend: Numba (fastml._kernels.bspline_jit, compiled on first use
and cached on disk), serial or parallel over rows with the thread count of
the current scope (fastml._kernels._threads.current(); small inputs stay on
one thread). FASTML_BACKEND=reference: the NumPy twin
(fastml._kernels.reference.bspline, which holds the contract). Both compute
in float64 and agree with SciPy's BSpline bit for bit.
"""
import numpy as np

from . import _threads
from ._backend import COMPILED
from .reference import bspline as _reference

MODES = _reference.MODES
edge_table = _reference.edge_table

_PARALLEL_MIN = 1 << 15  # rows x features below which one thread is used

if COMPILED:
    def _impl():
        from . import bspline_jit  # cached after the first call
        return bspline_jit
else:
    def _impl():
        return None


def _pick(jit, name, work):
    """The serial or parallel jitted kernel for `work` values."""
    nthreads = _threads.current()
    if nthreads > 1 and work >= _PARALLEL_MIN:
        import numba

        numba.set_num_threads(max(1, min(nthreads, numba.config.NUMBA_NUM_THREADS)))
        return getattr(jit, name + "_parallel")
    return getattr(jit, name + "_serial")


def spline_dense(X, T, degree, mode, include_bias, nan_zero, edges, out):
    """Write the basis into zero-initialised out (n, p * w), C or F order;
    returns the number of values outside the knots in "error" mode."""
    jit = _impl()
    if jit is None:
        return _reference.spline_dense(X, T, degree, mode, include_bias, nan_zero, edges, out)
    kern = _pick(jit, "dense", X.shape[0] * X.shape[1])
    return int(kern(X, np.ascontiguousarray(T, dtype=np.float64), int(degree),
                    MODES.index(mode), bool(include_bias), bool(nan_zero),
                    np.ascontiguousarray(edges, dtype=np.float64), out))


def spline_csr(X, T, degree, mode, include_bias, nan_zero, edges, dtype):
    """(indptr, indices, data, n out of range): the basis as CSR arrays with
    sorted column indices (int64 indices)."""
    jit = _impl()
    if jit is None:
        return _reference.spline_csr(X, T, degree, mode, include_bias, nan_zero, edges, dtype)
    n, p = X.shape
    L = int(degree) + 1
    cols = np.empty((n, p * L), dtype=np.int64)
    data = np.empty((n, p * L), dtype=dtype)
    kern = _pick(jit, "csr_slots", n * p)
    bad = int(kern(X, np.ascontiguousarray(T, dtype=np.float64), int(degree),
                   MODES.index(mode), bool(include_bias), bool(nan_zero),
                   np.ascontiguousarray(edges, dtype=np.float64), cols, data))
    keep = cols >= 0
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(keep.sum(axis=1), out=indptr[1:])
    return indptr, cols[keep], data[keep], bad
