"""Kernel SVM solver and kernel matrices (csrc/svm*.c) behind one facade.

Contract (checked by the estimators, trusted here):
  X: the points -- a C-contiguous float64 ndarray (n, d), a scipy CSR matrix
     (float64 values; indices converted to int64 here), or for
     kernel="precomputed" the Gram matrix (n, n_all) indexed by `rows`;
  kernel in KERNELS, degree >= 0 int, gamma and coef0 finite floats;
  rows (m,) int64 rows of X that form the problem; y (l,) int8 +-1 with
  l = m or 2 m (variable v uses point v mod m); p, C (l,) float64, C > 0;
  alpha (l,) float64 feasible start, overwritten with the solution.

solve(...) -> (alpha, rho, r, obj, n_iter, hit_max_iter): the SMO solution of
min 1/2 a'Qa + p'a s.t. y'a = const, 0 <= a <= C (nu=True: the nu solver, two
equality constraints). kernel_matrix(A, B, ...) -> K(A_i, B_j) (na, nb); dense
points take their inner products from one BLAS GEMM.
Results do not depend on the thread count. The compiled kernels or their twin
(reference/svm.py, same signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED, ensure_blas
from ._threads import current as _threads
from .reference.svm import KERNELS, row_norms_sq  # noqa: F401


def _parts(X, kernel):
    """(X, vals, ind, ptr, sq) for the boundary; sq only for rbf."""
    if hasattr(X, "indptr"):
        vals = np.ascontiguousarray(X.data, dtype=np.float64)
        ind = np.ascontiguousarray(X.indices, dtype=np.int64)
        ptr = np.ascontiguousarray(X.indptr, dtype=np.int64)
        sq = row_norms_sq(X) if kernel == "rbf" else None
        return None, vals, ind, ptr, sq
    X = np.ascontiguousarray(X, dtype=np.float64)
    sq = row_norms_sq(X) if kernel == "rbf" else None
    return X, None, None, None, sq


def _solve(X, kernel, degree, gamma, coef0, rows, y, p, C, alpha, nu, tol, shrinking,
           cache_size, max_iter):
    if kernel != "precomputed" and not hasattr(X, "indptr"):
        ensure_blas()  # large dense problems take kernel-row blocks from one GEMM
    Xd, vals, ind, ptr, sq = _parts(X, kernel)
    alpha = np.array(alpha, dtype=np.float64, order="C")
    rho, r, obj, n_iter, hit = _svm.solve(
        KERNELS[kernel], int(degree), float(gamma), float(coef0), Xd, vals, ind, ptr,
        X.shape[1], sq, np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(y, dtype=np.int8), np.ascontiguousarray(p, dtype=np.float64),
        np.ascontiguousarray(C, dtype=np.float64), alpha, int(bool(nu)), float(tol),
        int(bool(shrinking)), float(cache_size), int(max_iter), _threads())
    return alpha, rho, r, obj, n_iter, hit


def _kernel_matrix(A, B, kernel, degree, gamma, coef0):
    if kernel == "precomputed":
        raise ValueError("kernel_matrix needs points, not a precomputed kernel")
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"kernel_matrix: A has {A.shape[1]} features, B {B.shape[1]}")
    if not hasattr(A, "indptr"):
        ensure_blas()  # dense points: the inner products go through one GEMM
    XA, va, ia, pa, sa = _parts(A, kernel)
    XB, vb, ib, pb, sb = _parts(B, kernel)
    Kout = np.empty((A.shape[0], B.shape[0]))
    _svm.kernel_matrix(Kout, KERNELS[kernel], int(degree), float(gamma), float(coef0),
                       XA, va, ia, pa, sa, XB, vb, ib, pb, sb, A.shape[1], _threads())
    return Kout


if COMPILED:
    from . import _svm

    assert _svm.RBF == KERNELS["rbf"] and _svm.PRECOMPUTED == KERNELS["precomputed"]
    solve = _solve
    kernel_matrix = _kernel_matrix
else:
    from .reference.svm import kernel_matrix, solve  # noqa: F401
