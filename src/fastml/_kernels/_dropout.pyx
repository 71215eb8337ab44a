# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/dropout.c: typed contiguous buffers in (flat), GIL
released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count).
Arrays are trusted (validated in fastml.nn.functional); outputs are preallocated
by the facade."""
from libc.stdint cimport int64_t, uint64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def dropout(floating[::1] y, const floating[::1] x, double p, uint64_t key, int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_dropout_forward_f32(&y[0], &x[0], x.shape[0], p, key, nthreads)
        else:
            st = fm_dropout_forward_f64(&y[0], &x[0], x.shape[0], p, key, nthreads)
    _check(st)
