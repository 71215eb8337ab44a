# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/batchnorm.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count).

x is passed as (N, C, L) (L = H*W, 1 for (N, C) input)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def forward_train(floating[:, :, ::1] y, double[::1] save_mean, double[::1] save_invstd,
                  floating[::1] running_mean, floating[::1] running_var,
                  const floating[:, :, ::1] x, const floating[::1] weight,
                  const floating[::1] bias, double momentum, double eps, int nthreads):
    """running_* / weight / bias may be None."""
    cdef int64_t N = x.shape[0], C = x.shape[1], L = x.shape[2]
    cdef floating *rm = NULL
    cdef floating *rv = NULL
    cdef const floating *wp = NULL
    cdef const floating *bp = NULL
    cdef int st
    if running_mean is not None:
        rm = &running_mean[0]
        rv = &running_var[0]
    if weight is not None:
        wp = &weight[0]
    if bias is not None:
        bp = &bias[0]
    with nogil:
        if floating is float:
            st = fm_batchnorm_forward_train_f32(&y[0, 0, 0], &save_mean[0], &save_invstd[0],
                                                rm, rv, &x[0, 0, 0], wp, bp, N, C, L,
                                                momentum, eps, nthreads)
        else:
            st = fm_batchnorm_forward_train_f64(&y[0, 0, 0], &save_mean[0], &save_invstd[0],
                                                rm, rv, &x[0, 0, 0], wp, bp, N, C, L,
                                                momentum, eps, nthreads)
    _check(st)


def forward_eval(floating[:, :, ::1] y, const floating[:, :, ::1] x, const double[::1] mean,
                 const double[::1] invstd, const floating[::1] weight,
                 const floating[::1] bias, int nthreads):
    cdef int64_t N = x.shape[0], C = x.shape[1], L = x.shape[2]
    cdef const floating *wp = NULL
    cdef const floating *bp = NULL
    cdef int st
    if weight is not None:
        wp = &weight[0]
    if bias is not None:
        bp = &bias[0]
    with nogil:
        if floating is float:
            st = fm_batchnorm_forward_eval_f32(&y[0, 0, 0], &x[0, 0, 0], &mean[0], &invstd[0],
                                               wp, bp, N, C, L, nthreads)
        else:
            st = fm_batchnorm_forward_eval_f64(&y[0, 0, 0], &x[0, 0, 0], &mean[0], &invstd[0],
                                               wp, bp, N, C, L, nthreads)
    _check(st)


def backward(floating[:, :, ::1] dx, floating[::1] dweight, floating[::1] dbias,
             const floating[:, :, ::1] dy, const floating[:, :, ::1] x,
             const double[::1] mean, const double[::1] invstd,
             const floating[::1] weight, bint training, int nthreads):
    """dx / dweight / dbias / weight may be None."""
    cdef int64_t N = x.shape[0], C = x.shape[1], L = x.shape[2]
    cdef floating *dxp = NULL
    cdef floating *dwp = NULL
    cdef floating *dbp = NULL
    cdef const floating *wp = NULL
    cdef int st
    if dx is not None:
        dxp = &dx[0, 0, 0]
    if dweight is not None:
        dwp = &dweight[0]
    if dbias is not None:
        dbp = &dbias[0]
    if weight is not None:
        wp = &weight[0]
    with nogil:
        if floating is float:
            st = fm_batchnorm_backward_f32(dxp, dwp, dbp, &dy[0, 0, 0], &x[0, 0, 0], &mean[0],
                                           &invstd[0], wp, N, C, L, training,
                                           nthreads)
        else:
            st = fm_batchnorm_backward_f64(dxp, dwp, dbp, &dy[0, 0, 0], &x[0, 0, 0], &mean[0],
                                           &invstd[0], wp, N, C, L, training,
                                           nthreads)
    _check(st)
