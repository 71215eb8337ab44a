"""Pairwise-distance kernels (csrc/distance*.c) behind one facade.

Contract (checked by the caller, trusted here): X (n, d) and Y (m, d) are
2-D, non-empty, finite, C-contiguous arrays of one dtype, float32 or float64;
`metric` is a canonical name from METRICS; for "minkowski" p is finite and
>= 1. The result has the input dtype.

The compiled kernels or the NumPy twin (reference/distance.py, same
signature) are chosen once, at import.
"""
import numpy as np

from . import _magnitude
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


_POWER = {"euclidean": 1, "sqeuclidean": 2, "manhattan": 1, "chebyshev": 1, "minkowski": 1}


def _safe_range(impl):
    """pairwise_distances on extreme values (see _magnitude.py): euclidean-type
    and minkowski metrics run on X and Y scaled together by a power of two when
    their magnitude would overflow or underflow the sums; cosine, invariant
    under positive row scaling, scales each row to max |x| in [0.5, 1) when a
    row's squared norm would. Data in the safe range pays one max |x| pass."""

    def pairwise_distances(X, Y, metric, p=2.0, same=False, direct=False):
        d = X.shape[1]
        if metric == "cosine":
            lo, hi = _magnitude.safe_range(X.dtype, d)
            rows = []
            for A in (X, Y) if Y is not X else (X,):
                m = np.maximum(A.max(axis=1), -A.min(axis=1))
                nz = m[m > 0]
                rows.append(nz.size and (nz.min() < lo or nz.max() > hi))
            if any(rows):
                Xs = np.ascontiguousarray(np.ldexp(X, -_magnitude.row_exponents(X)[:, None])
                                          .astype(X.dtype, copy=False))
                Ys = Xs if Y is X else np.ascontiguousarray(
                    np.ldexp(Y, -_magnitude.row_exponents(Y)[:, None]).astype(Y.dtype,
                                                                               copy=False))
                return impl(Xs, Ys, metric, p, same, direct)
            return impl(X, Y, metric, p, same, direct)
        if metric not in _POWER:
            return impl(X, Y, metric, p, same, direct)
        plan = _magnitude.plan_for(max(_magnitude.absmax(X), _magnitude.absmax(Y)), X.dtype, d)
        if plan is None:
            return impl(X, Y, metric, p, same, direct)
        Xs = plan.prepare(X)
        Ys = Xs if Y is X else plan.prepare(Y)
        return plan.finish(impl(Xs, Ys, metric, p, same, direct), X.dtype, _POWER[metric])

    pairwise_distances.__doc__ = impl.__doc__
    return pairwise_distances


if COMPILED:
    from . import _distance

    pairwise_distances = _safe_range(_pairwise_distances)
else:
    from .reference.distance import pairwise_distances as _pairwise_reference

    pairwise_distances = _safe_range(_pairwise_reference)
