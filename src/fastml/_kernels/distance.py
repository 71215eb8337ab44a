"""Pairwise-distance kernels (csrc/distance*.c) behind one facade.

Contract (checked by the caller, trusted here): X (n, d) and Y (m, d) are
2-D, non-empty, finite, C-contiguous arrays of one dtype, float32 or float64;
`metric` is a canonical name from METRICS; for "minkowski" p is finite and
>= 1. The result has the input dtype.

The compiled kernels or the NumPy twin (reference/distance.py, same
signature) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED, ensure_blas
from ._threads import current as _threads

METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski", "cosine",
           "hamming")
_IDS = {name: i for i, name in enumerate(METRICS)}
_BLAS_METRICS = ("euclidean", "sqeuclidean", "cosine")


def _pairwise_distances(X, Y, metric, p=2.0, same=False, direct=False):
    """(n, m) distance matrix. `same` says Y is X (diagonal set to exact 0).

    direct=True forces the non-BLAS SIMD kernel (not for cosine); used by
    tests to cover both euclidean paths.
    """
    if metric in _BLAS_METRICS and not direct:
        ensure_blas()
    out = np.empty((X.shape[0], Y.shape[0]), dtype=X.dtype)
    _distance.pairwise(out, X, Y, _IDS[metric], float(p), bool(same), bool(direct),
                       _threads())
    return out


if COMPILED:
    from . import _distance

    pairwise_distances = _pairwise_distances
else:
    from .reference.distance import pairwise_distances  # noqa: F401
