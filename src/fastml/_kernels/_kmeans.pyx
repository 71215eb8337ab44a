# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/kmeans.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int32_t, int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def step(double[:, ::1] sums, double[::1] wsum, int32_t[::1] labels, floating[::1] mind,
         const floating[:, ::1] X, const floating[:, ::1] XT, const floating[::1] sw,
         const floating[:, ::1] C, bint update, int nthreads):
    """One Lloyd step (see kmeans.h); returns the inertia. sw may be empty (= ones),
    XT may be (0, 0) (no transposed copy)."""
    cdef int64_t n = X.shape[0], d = X.shape[1], k = C.shape[0]
    cdef double inertia = 0
    cdef int st
    cdef const floating *swp = &sw[0] if sw.shape[0] > 0 else NULL
    cdef const floating *xtp = &XT[0, 0] if XT.shape[0] > 0 else NULL
    with nogil:
        if floating is float:
            st = fm_kmeans_step_f32(&sums[0, 0], &wsum[0], &inertia, &labels[0], &mind[0],
                                    &X[0, 0], xtp, swp, &C[0, 0], n, d, k, update, nthreads)
        else:
            st = fm_kmeans_step_f64(&sums[0, 0], &wsum[0], &inertia, &labels[0], &mind[0],
                                    &X[0, 0], xtp, swp, &C[0, 0], n, d, k, update, nthreads)
    _check(st)
    return inertia


def lloyd(floating[:, ::1] centers, int32_t[::1] labels, floating[::1] mind,
          const floating[:, ::1] X, const floating[:, ::1] XT, const floating[::1] sw,
          int64_t max_iter, double tol, int nthreads):
    """Lloyd loop (see kmeans.h); centers updated in place; returns (inertia, n_iter)."""
    cdef int64_t n = X.shape[0], d = X.shape[1], k = centers.shape[0], n_iter = 0
    cdef double inertia = 0
    cdef int st
    cdef const floating *swp = &sw[0] if sw.shape[0] > 0 else NULL
    cdef const floating *xtp = &XT[0, 0] if XT.shape[0] > 0 else NULL
    with nogil:
        if floating is float:
            st = fm_kmeans_lloyd_f32(&centers[0, 0], &labels[0], &mind[0], &inertia, &n_iter,
                                     &X[0, 0], xtp, swp, n, d, k, max_iter, tol, nthreads)
        else:
            st = fm_kmeans_lloyd_f64(&centers[0, 0], &labels[0], &mind[0], &inertia, &n_iter,
                                     &X[0, 0], xtp, swp, n, d, k, max_iter, tol, nthreads)
    _check(st)
    return inertia, n_iter


def plusplus(floating[:, ::1] centers, int64_t[::1] indices, const floating[:, ::1] X,
             const floating[::1] sw, const double[::1] uniform, int64_t first, int64_t trials,
             int nthreads):
    """Greedy k-means++ seeding (see kmeans.h); fills centers (k, d) and indices (k).
    sw may be empty (= ones); uniform holds (k - 1) * trials values in [0, 1)."""
    cdef int64_t n = X.shape[0], d = X.shape[1], k = centers.shape[0]
    cdef int st
    cdef const floating *swp = &sw[0] if sw.shape[0] > 0 else NULL
    cdef const double *up = &uniform[0] if uniform.shape[0] > 0 else NULL
    with nogil:
        if floating is float:
            st = fm_kmeans_plusplus_f32(&centers[0, 0], &indices[0], &X[0, 0], swp, up, first,
                                        n, d, k, trials, nthreads)
        else:
            st = fm_kmeans_plusplus_f64(&centers[0, 0], &indices[0], &X[0, 0], swp, up, first,
                                        n, d, k, trials, nthreads)
    _check(st)
