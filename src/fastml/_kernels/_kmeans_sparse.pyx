# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/kmeans_sparse.c: typed buffers in, GIL released, status -> exception.

A CSR matrix arrives as its three arrays (data, indices, indptr), non-empty
(the facade pads an all-zero matrix); `sw` may be empty (= ones); `nthreads`
comes last."""
from libc.stdint cimport int32_t, int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused real:
    float
    double

ctypedef fused index:
    int32_t
    int64_t


def step(double[:, ::1] sums, double[::1] wsum, int32_t[::1] labels, real[::1] mind,
         const real[::1] data, const index[::1] indices, const index[::1] indptr,
         const real[::1] sw, const real[:, ::1] C, bint update, int nthreads):
    """One sparse Lloyd step (see kmeans_sparse.h); returns the inertia."""
    cdef int64_t n = labels.shape[0], d = C.shape[1], k = C.shape[0]
    cdef double inertia = 0
    cdef int st
    cdef const real *swp = &sw[0] if sw.shape[0] > 0 else NULL
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_kmeans_sparse_step_f32_i32(&sums[0, 0], &wsum[0], &inertia, &labels[0],
                                                   &mind[0], &data[0], &indices[0], &indptr[0],
                                                   swp, &C[0, 0], n, d, k, update, nthreads)
            else:
                st = fm_kmeans_sparse_step_f32_i64(&sums[0, 0], &wsum[0], &inertia, &labels[0],
                                                   &mind[0], &data[0], &indices[0], &indptr[0],
                                                   swp, &C[0, 0], n, d, k, update, nthreads)
        else:
            if index is int32_t:
                st = fm_kmeans_sparse_step_f64_i32(&sums[0, 0], &wsum[0], &inertia, &labels[0],
                                                   &mind[0], &data[0], &indices[0], &indptr[0],
                                                   swp, &C[0, 0], n, d, k, update, nthreads)
            else:
                st = fm_kmeans_sparse_step_f64_i64(&sums[0, 0], &wsum[0], &inertia, &labels[0],
                                                   &mind[0], &data[0], &indices[0], &indptr[0],
                                                   swp, &C[0, 0], n, d, k, update, nthreads)
    _check(st)
    return inertia


def lloyd(real[:, ::1] centers, int32_t[::1] labels, real[::1] mind, const real[::1] data,
          const index[::1] indices, const index[::1] indptr, const real[::1] sw,
          int64_t max_iter, double tol, int nthreads):
    """Sparse Lloyd loop (see kmeans_sparse.h); centers updated in place;
    returns (inertia, n_iter)."""
    cdef int64_t n = labels.shape[0], d = centers.shape[1], k = centers.shape[0], n_iter = 0
    cdef double inertia = 0
    cdef int st
    cdef const real *swp = &sw[0] if sw.shape[0] > 0 else NULL
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_kmeans_sparse_lloyd_f32_i32(&centers[0, 0], &labels[0], &mind[0],
                                                    &inertia, &n_iter, &data[0], &indices[0],
                                                    &indptr[0], swp, n, d, k, max_iter, tol,
                                                    nthreads)
            else:
                st = fm_kmeans_sparse_lloyd_f32_i64(&centers[0, 0], &labels[0], &mind[0],
                                                    &inertia, &n_iter, &data[0], &indices[0],
                                                    &indptr[0], swp, n, d, k, max_iter, tol,
                                                    nthreads)
        else:
            if index is int32_t:
                st = fm_kmeans_sparse_lloyd_f64_i32(&centers[0, 0], &labels[0], &mind[0],
                                                    &inertia, &n_iter, &data[0], &indices[0],
                                                    &indptr[0], swp, n, d, k, max_iter, tol,
                                                    nthreads)
            else:
                st = fm_kmeans_sparse_lloyd_f64_i64(&centers[0, 0], &labels[0], &mind[0],
                                                    &inertia, &n_iter, &data[0], &indices[0],
                                                    &indptr[0], swp, n, d, k, max_iter, tol,
                                                    nthreads)
    _check(st)
    return inertia, n_iter
