"""Linear-SVM solvers (liblinear's dual coordinate descent for SVC / SVR,
primal coordinate descent for L1-regularised squared-hinge SVC) behind one
facade.

Compiled backend: Numba (fastml._kernels.linear_svm_jit; imported and
compiled on the first fit, not at import); FASTML_BACKEND=reference: the
NumPy twin (fastml._kernels.reference.linear_svm, same functions, same
visiting order). Chosen once, at import. The caller passes float64 X (dense
C-contiguous or CSR), +-1 / float64 y and positive per-sample costs, and
trusts nothing else. Each solve is sequential; the nogil kernels let
one-vs-rest problems run on parallel threads.
"""
import numpy as np

from ._backend import COMPILED
from .reference import linear_svm as _reference

HINGE, SQUARED_HINGE = _reference.HINGE, _reference.SQUARED_HINGE
EPS_INSENSITIVE = _reference.EPS_INSENSITIVE
SQUARED_EPS_INSENSITIVE = _reference.SQUARED_EPS_INSENSITIVE

if COMPILED:
    def _impl():
        from . import linear_svm_jit  # cached after the first call
        return linear_svm_jit
else:
    def _impl():
        return _reference

_EMPTY_F = np.zeros(0)
_EMPTY_I = np.zeros(1, dtype=np.int64)
_EMPTY_2D = np.zeros((1, 1))


def _parts(X):
    """(Xd, data, indices, indptr, dense) of dense or CSR X (float64)."""
    if hasattr(X, "indptr"):
        return (_EMPTY_2D, np.ascontiguousarray(X.data, dtype=np.float64),
                np.ascontiguousarray(X.indices, dtype=np.int64),
                np.ascontiguousarray(X.indptr, dtype=np.int64), False)
    return (np.ascontiguousarray(X, dtype=np.float64), _EMPTY_F, _EMPTY_I, _EMPTY_I, True)


def dual_cd_svc(w, alpha, X, y, Ci, B, loss, tol, max_iter, seed):
    """Dual CD for L2-regularised hinge (loss 0) / squared hinge (1) SVC on
    X (n, p) dense or CSR; w (p + 1,), alpha (n,) updated in place (start from
    zeros, or from a consistent pair). Returns iterations run."""
    parts = _parts(X)
    impl = _impl()
    if impl is _reference:
        return int(impl.dual_cd_svc(w, alpha, parts, y, Ci, float(B), int(loss), float(tol),
                                    int(max_iter), seed))
    return int(impl.dual_cd_svc(w, alpha, *parts, y, Ci, float(B), int(loss), float(tol),
                                int(max_iter), _reference.seed_state(seed)))


def dual_cd_svr(w, beta, X, y, Ci, B, loss, epsilon, tol, max_iter, seed):
    """Dual CD for L2-regularised epsilon-insensitive (loss 0) / squared (1)
    SVR; w (p + 1,), beta (n,) updated in place. Returns iterations run."""
    parts = _parts(X)
    impl = _impl()
    if impl is _reference:
        return int(impl.dual_cd_svr(w, beta, parts, y, Ci, float(B), int(loss), float(epsilon),
                                    float(tol), int(max_iter), seed))
    return int(impl.dual_cd_svr(w, beta, *parts, y, Ci, float(B), int(loss), float(epsilon),
                                float(tol), int(max_iter), _reference.seed_state(seed)))


def primal_cd_l1(w, b, XT, y, Ci, B, tol, max_iter, seed):
    """Primal CD for L1-regularised squared-hinge SVC; XT is X transposed
    (p, n) dense or CSR (= X in CSC); w (p + 1,) and the margins
    b = 1 - y * (X w) (n,) updated in place. Returns iterations run."""
    parts = _parts(XT)
    impl = _impl()
    if impl is _reference:
        return int(impl.primal_cd_l1(w, b, parts, y, Ci, float(B), float(tol), int(max_iter),
                                     seed))
    return int(impl.primal_cd_l1(w, b, *parts, y, Ci, float(B), float(tol), int(max_iter),
                                 _reference.seed_state(seed)))


def crammer_singer(W, alpha, X, yk, Ci, B, tol, max_iter, seed):
    """Crammer-Singer multi-class SVM dual (liblinear's MCSVM_CS) on X (n, p)
    dense or CSR, class indices yk (n,) int64, per-sample costs Ci; W (K, p + 1)
    and alpha (n, K) start at zero, updated in place. Returns iterations run."""
    parts = _parts(X)
    yk = np.ascontiguousarray(yk, dtype=np.int64)
    impl = _impl()
    if impl is _reference:
        return int(impl.crammer_singer(W, alpha, parts, yk, Ci, float(B), float(tol),
                                       int(max_iter), seed))
    return int(impl.crammer_singer(W, alpha, *parts, yk, Ci, float(B), float(tol),
                                   int(max_iter), _reference.seed_state(seed)))
