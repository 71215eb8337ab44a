# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/svm*.c: typed buffers in, GIL released, status -> exception.

Points are given as one of: a dense C-contiguous X (vals None), CSR arrays
vals/ind/ptr with int64 indices (X None), or for kernel PRECOMPUTED the Gram
matrix as X. Every function takes `nthreads` last."""
from libc.stdint cimport int8_t, int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

LINEAR = FM_SVM_LINEAR
POLY = FM_SVM_POLY
RBF = FM_SVM_RBF
SIGMOID = FM_SVM_SIGMOID
PRECOMPUTED = FM_SVM_PRECOMPUTED


cdef fm_svm_data _data(int kernel, int degree, double gamma, double coef0,
                       const double[:, ::1] X, const double[::1] vals, const int64_t[::1] ind,
                       const int64_t[::1] ptr, int64_t d, const double[::1] sq):
    cdef fm_svm_data D
    D.kernel = kernel
    D.degree = degree
    D.gamma = gamma
    D.coef0 = coef0
    D.X = NULL
    D.ldx = 0
    D.vals = NULL
    D.ind = NULL
    D.ptr = NULL
    D.sq = NULL
    D.d = d
    if X is not None:
        D.ldx = X.shape[1]
        if X.shape[0] > 0 and X.shape[1] > 0:
            D.X = &X[0, 0]
    else:
        D.ptr = &ptr[0]
        if vals.shape[0] > 0:
            D.vals = &vals[0]
            D.ind = &ind[0]
        else:
            # an all-zero CSR matrix: a non-NULL pointer marks the representation
            D.vals = <const double *>D.ptr
            D.ind = D.ptr
    if sq is not None and sq.shape[0] > 0:
        D.sq = &sq[0]
    return D


def solve(int kernel, int degree, double gamma, double coef0, const double[:, ::1] X,
          const double[::1] vals, const int64_t[::1] ind, const int64_t[::1] ptr, int64_t d,
          const double[::1] sq, const int64_t[::1] rows, const int8_t[::1] y,
          const double[::1] p, const double[::1] C, double[::1] alpha, int nu, double tol,
          int shrinking, double cache_mb, int64_t max_iter, int nthreads):
    """One SMO solve (alpha in/out). Returns (rho, r, obj, n_iter, hit_max_iter)."""
    cdef fm_svm_data D = _data(kernel, degree, gamma, coef0, X, vals, ind, ptr, d, sq)
    cdef double out[5]
    cdef int st
    cdef int64_t m = rows.shape[0], l = y.shape[0]
    with nogil:
        st = fm_svm_solve(&alpha[0], out, &D, &rows[0], m, &y[0], &p[0], &C[0], l, nu, tol,
                          shrinking, cache_mb, max_iter, nthreads)
    _check(st)
    return out[0], out[1], out[2], int(out[3]), bool(out[4])


def kernel_matrix(double[:, ::1] Kout, int kernel, int degree, double gamma, double coef0,
                  const double[:, ::1] XA, const double[::1] valsA, const int64_t[::1] indA,
                  const int64_t[::1] ptrA, const double[::1] sqA,
                  const double[:, ::1] XB, const double[::1] valsB, const int64_t[::1] indB,
                  const int64_t[::1] ptrB, const double[::1] sqB, int64_t d, int nthreads):
    """Kout (na, nb) <- K(A_i, B_j)."""
    cdef fm_svm_data A = _data(kernel, degree, gamma, coef0, XA, valsA, indA, ptrA, d, sqA)
    cdef fm_svm_data B = _data(kernel, degree, gamma, coef0, XB, valsB, indB, ptrB, d, sqB)
    cdef int64_t na = Kout.shape[0], nb = Kout.shape[1]
    cdef int st
    if na == 0 or nb == 0:
        return
    with nogil:
        st = fm_svm_kernel_matrix(&Kout[0, 0], &A, na, &B, nb, nthreads)
    _check(st)
