# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/dense.c (the fully connected layer): typed contiguous
buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count).
Arrays are trusted (validated in fastml.nn.functional); outputs are preallocated
by the facade."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def dense_forward(floating[:, ::1] y, const floating[:, ::1] x, const floating[:, ::1] w,
                  const floating[::1] b, int act, int nthreads):
    """b may be empty (no bias). n, in, out >= 1 (the facade handles empties)."""
    cdef int st
    cdef const floating *bp = &b[0] if b.shape[0] else NULL
    with nogil:
        if floating is float:
            st = fm_dense_forward_f32(&y[0, 0], &x[0, 0], &w[0, 0], bp, x.shape[0], x.shape[1],
                                      w.shape[0], act, nthreads)
        else:
            st = fm_dense_forward_f64(&y[0, 0], &x[0, 0], &w[0, 0], bp, x.shape[0], x.shape[1],
                                      w.shape[0], act, nthreads)
    _check(st)


def dense_backward(floating[:, ::1] dx, floating[:, ::1] dw, floating[::1] db,
                   const floating[:, ::1] dy, const floating[:, ::1] x,
                   const floating[:, ::1] w, const floating[:, ::1] y, int act, int nthreads):
    """Empty dx / dw / db / y (shape 0) mean: not wanted / not needed."""
    cdef int st
    cdef floating *dxp = &dx[0, 0] if dx.shape[0] else NULL
    cdef floating *dwp = &dw[0, 0] if dw.shape[0] else NULL
    cdef floating *dbp = &db[0] if db.shape[0] else NULL
    cdef const floating *yp = &y[0, 0] if y.shape[0] else NULL
    with nogil:
        if floating is float:
            st = fm_dense_backward_f32(dxp, dwp, dbp, &dy[0, 0], &x[0, 0], &w[0, 0], yp,
                                       x.shape[0], x.shape[1], w.shape[0], act, nthreads)
        else:
            st = fm_dense_backward_f64(dxp, dwp, dbp, &dy[0, 0], &x[0, 0], &w[0, 0], yp,
                                       x.shape[0], x.shape[1], w.shape[0], act, nthreads)
    _check(st)

