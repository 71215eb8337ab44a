"""Polynomial expansion of a CSR matrix from its stored entries (the sparse
path of PolynomialFeatures) behind one facade.

Compiled backend: Numba (fastml._kernels.polyexp_jit, compiled on first use);
widths whose rank arithmetic could overflow int64 (e.g. 3e6 features at
degree 3) and FASTML_BACKEND=reference use the NumPy twin
(fastml._kernels.reference.polyexp, which holds the contract). One thread:
the walk is memory-bound and writes each output value once.
"""
import numpy as np

from ._backend import COMPILED
from .reference import polyexp as _reference


def csr_expand(indptr, indices, data, n, degrees, offsets, interaction_only, include_bias,
               out_ptr):
    """(out_idx int64, out_val): see fastml._kernels.reference.polyexp."""
    args = (np.ascontiguousarray(indptr, dtype=np.int64),
            np.ascontiguousarray(indices, dtype=np.int64), np.ascontiguousarray(data), int(n),
            np.asarray(degrees, dtype=np.int64), np.asarray(offsets, dtype=np.int64),
            bool(interaction_only), bool(include_bias),
            np.ascontiguousarray(out_ptr, dtype=np.int64))
    top = int(args[4].max()) if args[4].size else 1
    if COMPILED and not _reference.needs_big_ints(int(n), top):
        from . import polyexp_jit  # cached after the first call
        return polyexp_jit.csr_expand(*args)
    return _reference.csr_expand(*args)
