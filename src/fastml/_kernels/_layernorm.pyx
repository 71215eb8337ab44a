# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/layernorm.c: typed contiguous buffers in, GIL released,
status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count).
Layer norm sees x as (rows, n); group norm as (N, C, L). Optional buffers
(weight, bias, and the gradients) may be None."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def ln_forward(floating[:, ::1] y, floating[::1] mean, floating[::1] rstd,
               const floating[:, ::1] x, const floating[::1] w, const floating[::1] b,
               double eps, int nthreads):
    cdef const floating *wp = NULL
    cdef const floating *bp = NULL
    cdef int st
    if w is not None:
        wp = &w[0]
    if b is not None:
        bp = &b[0]
    with nogil:
        if floating is float:
            st = fm_layernorm_forward_f32(&y[0, 0], &mean[0], &rstd[0], &x[0, 0], wp, bp,
                                          x.shape[0], x.shape[1], eps, nthreads)
        else:
            st = fm_layernorm_forward_f64(&y[0, 0], &mean[0], &rstd[0], &x[0, 0], wp, bp,
                                          x.shape[0], x.shape[1], eps, nthreads)
    _check(st)


def ln_backward(floating[:, ::1] dx, floating[::1] dw, floating[::1] db,
                const floating[:, ::1] dy, const floating[:, ::1] x, const floating[::1] mean,
                const floating[::1] rstd, const floating[::1] w, int nthreads):
    cdef floating *dxp = NULL
    cdef floating *dwp = NULL
    cdef floating *dbp = NULL
    cdef const floating *wp = NULL
    cdef int st
    if dx is not None:
        dxp = &dx[0, 0]
    if dw is not None:
        dwp = &dw[0]
    if db is not None:
        dbp = &db[0]
    if w is not None:
        wp = &w[0]
    with nogil:
        if floating is float:
            st = fm_layernorm_backward_f32(dxp, dwp, dbp, &dy[0, 0], &x[0, 0], &mean[0],
                                           &rstd[0], wp, x.shape[0], x.shape[1], nthreads)
        else:
            st = fm_layernorm_backward_f64(dxp, dwp, dbp, &dy[0, 0], &x[0, 0], &mean[0],
                                           &rstd[0], wp, x.shape[0], x.shape[1], nthreads)
    _check(st)


def gn_forward(floating[:, :, ::1] y, floating[::1] mean, floating[::1] rstd,
               const floating[:, :, ::1] x, const floating[::1] w, const floating[::1] b,
               int64_t G, double eps, int nthreads):
    cdef const floating *wp = NULL
    cdef const floating *bp = NULL
    cdef int st
    if w is not None:
        wp = &w[0]
    if b is not None:
        bp = &b[0]
    with nogil:
        if floating is float:
            st = fm_groupnorm_forward_f32(&y[0, 0, 0], &mean[0], &rstd[0], &x[0, 0, 0], wp, bp,
                                          x.shape[0], x.shape[1], x.shape[2], G, eps, nthreads)
        else:
            st = fm_groupnorm_forward_f64(&y[0, 0, 0], &mean[0], &rstd[0], &x[0, 0, 0], wp, bp,
                                          x.shape[0], x.shape[1], x.shape[2], G, eps, nthreads)
    _check(st)


def gn_backward(floating[:, :, ::1] dx, floating[::1] dw, floating[::1] db,
                const floating[:, :, ::1] dy, const floating[:, :, ::1] x,
                const floating[::1] mean, const floating[::1] rstd, const floating[::1] w,
                int64_t G, int nthreads):
    cdef floating *dxp = NULL
    cdef floating *dwp = NULL
    cdef floating *dbp = NULL
    cdef const floating *wp = NULL
    cdef int st
    if dx is not None:
        dxp = &dx[0, 0, 0]
    if dw is not None:
        dwp = &dw[0]
    if db is not None:
        dbp = &db[0]
    if w is not None:
        wp = &w[0]
    with nogil:
        if floating is float:
            st = fm_groupnorm_backward_f32(dxp, dwp, dbp, &dy[0, 0, 0], &x[0, 0, 0], &mean[0],
                                           &rstd[0], wp, x.shape[0], x.shape[1], x.shape[2], G,
                                           nthreads)
        else:
            st = fm_groupnorm_backward_f64(dxp, dwp, dbp, &dy[0, 0, 0], &x[0, 0, 0], &mean[0],
                                           &rstd[0], wp, x.shape[0], x.shape[1], x.shape[2], G,
                                           nthreads)
    _check(st)
