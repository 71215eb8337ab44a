# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/dbscan*.c: typed buffers in, GIL released, status -> exception.
Inputs are trusted (validated by fastml.cluster); `nthreads` comes last."""
from libc.stdint cimport int64_t, uint8_t

include "_common.pxi"

from fastml._kernels.fastml cimport *


def core(uint8_t[::1] out, const int64_t[::1] indptr, const int64_t[::1] indices, w,
         double min_samples, int nthreads):
    """out[i] = (weight of row i's neighbourhood >= min_samples); w None: counts."""
    cdef const double[::1] wv
    cdef const double *wp = NULL
    cdef int64_t n = out.shape[0]
    cdef int64_t dummy = 0
    if w is not None:
        wv = w
        wp = &wv[0] if wv.shape[0] else NULL
    cdef const int64_t *ip = &indices[0] if indices.shape[0] else &dummy
    cdef int st
    with nogil:
        st = fm_dbscan_core(&out[0] if n else NULL, &indptr[0], ip, wp, n, min_samples,
                            nthreads)
    _check(st)


def expand(int64_t[::1] labels, const uint8_t[::1] core, const int64_t[::1] indptr,
           const int64_t[::1] indices, int nthreads):
    """labels <- clusters grown from the core points; returns the cluster count."""
    cdef int64_t n = labels.shape[0]
    cdef int64_t dummy = 0
    cdef const int64_t *ip = &indices[0] if indices.shape[0] else &dummy
    cdef int64_t nc
    with nogil:
        nc = fm_dbscan_expand(&labels[0] if n else NULL, &core[0] if n else NULL, &indptr[0],
                              ip, n, nthreads)
    if nc < 0:
        _check(<int>nc)
    return nc


def mst(int64_t[::1] src, int64_t[::1] dst, double[::1] w, const double[:, ::1] X,
        const double[::1] core, int metric, double p, double alpha, int nthreads):
    """Prim's MST of the mutual-reachability graph over the rows of X."""
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef int64_t dummy = 0
    cdef double ddummy = 0
    cdef int st
    with nogil:
        st = fm_dbscan_mst_f64(&src[0] if n > 1 else &dummy, &dst[0] if n > 1 else &dummy,
                               &w[0] if n > 1 else &ddummy, &X[0, 0], &core[0], n, d, metric,
                               p, alpha, nthreads)
    _check(st)


def mst_dense(int64_t[::1] src, int64_t[::1] dst, double[::1] w, const double[:, ::1] D,
              const double[::1] core, double alpha, int nthreads):
    """Prim's MST of the mutual-reachability graph over a dense distance matrix."""
    cdef int64_t n = D.shape[0]
    cdef int64_t dummy = 0
    cdef double ddummy = 0
    cdef int st
    with nogil:
        st = fm_dbscan_mst_dense_f64(&src[0] if n > 1 else &dummy,
                                     &dst[0] if n > 1 else &dummy,
                                     &w[0] if n > 1 else &ddummy, &D[0, 0], &core[0], n,
                                     alpha, nthreads)
    _check(st)
