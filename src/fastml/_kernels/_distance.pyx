# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/distance.c: typed buffers in, GIL released, status -> exception.
`nthreads` comes last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double

METRICS = {"euclidean": 0, "sqeuclidean": 1, "manhattan": 2, "chebyshev": 3,
           "minkowski": 4, "cosine": 5, "hamming": 6}


def pairwise(floating[:, ::1] out, const floating[:, ::1] X, const floating[:, ::1] Y,
             int metric, double p, bint same, bint direct, int nthreads):
    """out[i, j] = dist(X[i], Y[j]). Inputs are trusted (validated by the caller)."""
    cdef int64_t n = X.shape[0], m = Y.shape[0], d = X.shape[1]
    cdef int st
    with nogil:
        if floating is float:
            if direct:
                st = fm_pairwise_direct_f32(&out[0, 0], &X[0, 0], &Y[0, 0], n, m, d, metric, p, nthreads)
            else:
                st = fm_pairwise_f32(&out[0, 0], &X[0, 0], &Y[0, 0], n, m, d, metric, p, same, nthreads)
        else:
            if direct:
                st = fm_pairwise_direct_f64(&out[0, 0], &X[0, 0], &Y[0, 0], n, m, d, metric, p, nthreads)
            else:
                st = fm_pairwise_f64(&out[0, 0], &X[0, 0], &Y[0, 0], n, m, d, metric, p, same, nthreads)
    _check(st)
