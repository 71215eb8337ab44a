# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/logistic.c: typed contiguous buffers in, GIL released,
status -> exception. `nthreads` comes last (the facade passes the caller's
thread count); curv may be None."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def binary(double[::1] out, double[::1] curv, const floating[:, ::1] X, const double[::1] ypm,
           const double[::1] sn, const double[::1] w, double b, int nthreads):
    cdef double *cp = NULL
    cdef int st
    if curv is not None:
        cp = &curv[0]
    with nogil:
        if floating is float:
            st = fm_logistic_binary_f32(&out[0], cp, &X[0, 0], &ypm[0], &sn[0], &w[0], b,
                                        X.shape[0], X.shape[1], nthreads)
        else:
            st = fm_logistic_binary_f64(&out[0], cp, &X[0, 0], &ypm[0], &sn[0], &w[0], b,
                                        X.shape[0], X.shape[1], nthreads)
    _check(st)
