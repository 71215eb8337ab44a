# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/embedding.c: typed contiguous buffers in, GIL released,
status -> exception. `nthreads` comes last (the facade passes the caller's
thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def backward(floating[:, ::1] dw, const floating[:, ::1] g, const int64_t[::1] idx,
             int64_t skip, int nthreads):
    """dw (V, D) <- the scatter-add of g (ntok, D) rows at idx (ntok,)."""
    cdef int64_t V = dw.shape[0], D = dw.shape[1], ntok = idx.shape[0]
    cdef int st
    if V == 0 or D == 0:
        return
    with nogil:
        if floating is float:
            st = fm_embedding_backward_f32(&dw[0, 0], &g[0, 0] if ntok else NULL,
                                           &idx[0] if ntok else NULL, ntok, V, D, skip,
                                           nthreads)
        else:
            st = fm_embedding_backward_f64(&dw[0, 0], &g[0, 0] if ntok else NULL,
                                           &idx[0] if ntok else NULL, ntok, V, D, skip,
                                           nthreads)
    _check(st)
