# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/knn*.c: typed buffers in, GIL released, status -> exception.
Inputs are trusted (validated by fastml.neighbors); `nthreads` comes last."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def brute(floating[:, ::1] dist, int64_t[:, ::1] ind, const floating[:, ::1] Q,
          const floating[:, ::1] X, int metric, double p, int nthreads):
    cdef int64_t nq = Q.shape[0], n = X.shape[0], d = X.shape[1], k = ind.shape[1]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_knn_brute_f32(&dist[0, 0], &ind[0, 0], &Q[0, 0], nq, &X[0, 0], n, d, k,
                                  metric, p, nthreads)
        else:
            st = fm_knn_brute_f64(&dist[0, 0], &ind[0, 0], &Q[0, 0], nq, &X[0, 0], n, d, k,
                                  metric, p, nthreads)
    _check(st)
