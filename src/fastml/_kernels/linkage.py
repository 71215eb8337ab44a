"""Hierarchical-clustering kernels (csrc/linkage*.c) behind one facade.

Contract (checked by the caller, trusted here): X (n, d) finite float64;
D a finite condensed distance vector of n (n - 1) / 2 values; metric one of
METRICS, method one of METHODS. Merge lists M are (n - 1, 3) rows
(a, b, distance) in the order they were made; `label` turns one into SciPy's
linkage matrix. Results do not depend on the thread count. The compiled
kernels or their twin (reference/linkage.py, same signatures) are chosen once,
at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads
from .reference.linkage import METHODS, METRICS, _unit_rows  # noqa: F401


def _c64(X):
    return np.ascontiguousarray(X, dtype=np.float64)


def _merges(n):
    return np.empty((max(n - 1, 0), 3))


def _pdist(X, metric):
    X = _c64(_unit_rows(X) if metric == "cosine" else X)
    n = X.shape[0]
    D = np.empty(n * (n - 1) // 2)
    _linkage.pdist(D, X, _linkage.METRICS[metric], _threads())
    return D


def _chain(D, n, method):
    M = _merges(n)
    _linkage.chain(M, np.array(D, dtype=np.float64), n, _linkage.METHODS[method], _threads())
    return M


def _ward(X):
    X = _c64(X)
    M = _merges(X.shape[0])
    _linkage.ward(M, X, _threads())
    return M


def _mst(X, metric):
    X = _c64(X)
    M = _merges(X.shape[0])
    _linkage.mst(M, X, _linkage.METRICS[metric], _threads())
    return M


def _mst_condensed(D, n):
    M = _merges(n)
    _linkage.mst_condensed(M, _c64(D), n, _threads())
    return M


def _label(M, ordered):
    M = np.asarray(M, dtype=np.float64)
    Z = np.zeros((M.shape[0], 4))
    Z[:, :3] = M[np.argsort(M[:, 2], kind="stable")]
    _linkage.label(Z, int(bool(ordered)), _threads())
    return Z


if COMPILED:
    from . import _linkage

    pdist, chain, ward, mst, mst_condensed, label = (
        _pdist, _chain, _ward, _mst, _mst_condensed, _label)
else:
    from .reference.linkage import chain, label, mst, mst_condensed, pdist, ward  # noqa: F401
