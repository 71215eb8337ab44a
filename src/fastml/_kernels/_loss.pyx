# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/loss.c: typed contiguous buffers in, GIL released,
status -> exception. Element-wise buffers are taken flat (1-D views of
C-contiguous arrays).

Every function takes `nthreads` last (the facade passes the caller's thread count).
Arrays are trusted (validated in fastml.nn.functional); outputs are preallocated
by the facade."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def ce_forward(floating[::1] loss, floating[::1] lse, const floating[:, ::1] x,
               const int64_t[::1] t, int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_cross_entropy_forward_f32(&loss[0], &lse[0], &x[0, 0], &t[0], x.shape[0],
                                              x.shape[1], nthreads)
        else:
            st = fm_cross_entropy_forward_f64(&loss[0], &lse[0], &x[0, 0], &t[0], x.shape[0],
                                              x.shape[1], nthreads)
    _check(st)


def ce_backward(floating[:, ::1] dx, const floating[::1] dloss, int64_t dstride,
                const floating[:, ::1] x, const floating[::1] lse, const int64_t[::1] t,
                int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_cross_entropy_backward_f32(&dx[0, 0], &dloss[0], dstride, &x[0, 0], &lse[0],
                                               &t[0], x.shape[0], x.shape[1], nthreads)
        else:
            st = fm_cross_entropy_backward_f64(&dx[0, 0], &dloss[0], dstride, &x[0, 0], &lse[0],
                                               &t[0], x.shape[0], x.shape[1], nthreads)
    _check(st)


def ce_forward_ex(floating[::1] loss, floating[::1] lse, floating[::1] wlp,
                  const floating[:, ::1] x, const int64_t[::1] t, const floating[::1] w,
                  int nthreads):
    """wlp / w may be None (no smoothing sum / unit weights)."""
    cdef floating *wlpp = NULL
    cdef const floating *wp = NULL
    cdef int st
    if wlp is not None:
        wlpp = &wlp[0]
    if w is not None:
        wp = &w[0]
    with nogil:
        if floating is float:
            st = fm_cross_entropy_forward_ex_f32(&loss[0], &lse[0], wlpp, &x[0, 0], &t[0], wp,
                                                 x.shape[0], x.shape[1], nthreads)
        else:
            st = fm_cross_entropy_forward_ex_f64(&loss[0], &lse[0], wlpp, &x[0, 0], &t[0], wp,
                                                 x.shape[0], x.shape[1], nthreads)
    _check(st)


def ce_backward_ex(floating[:, ::1] dx, const floating[::1] alpha, const floating[::1] beta,
                   const floating[::1] gamma, const floating[::1] w, const floating[:, ::1] x,
                   const floating[::1] lse, const int64_t[::1] t, int nthreads):
    """w may be None (unit weights)."""
    cdef const floating *wp = NULL
    cdef int st
    if w is not None:
        wp = &w[0]
    with nogil:
        if floating is float:
            st = fm_cross_entropy_backward_ex_f32(&dx[0, 0], &alpha[0], &beta[0], &gamma[0], wp,
                                                  &x[0, 0], &lse[0], &t[0], x.shape[0],
                                                  x.shape[1], nthreads)
        else:
            st = fm_cross_entropy_backward_ex_f64(&dx[0, 0], &alpha[0], &beta[0], &gamma[0], wp,
                                                  &x[0, 0], &lse[0], &t[0], x.shape[0],
                                                  x.shape[1], nthreads)
    _check(st)


def loss_pointwise(floating[::1] out, const floating[::1] x, const floating[::1] y, int kind,
                   double param, int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_loss_pointwise_f32(&out[0], &x[0], &y[0], x.shape[0], kind, param, nthreads)
        else:
            st = fm_loss_pointwise_f64(&out[0], &x[0], &y[0], x.shape[0], kind, param, nthreads)
    _check(st)


def loss_pointwise_sum(const floating[::1] x, const floating[::1] y, int kind, double param,
                       int nthreads):
    cdef int st
    cdef double out = 0
    with nogil:
        if floating is float:
            st = fm_loss_pointwise_sum_f32(&out, &x[0], &y[0], x.shape[0], kind, param, nthreads)
        else:
            st = fm_loss_pointwise_sum_f64(&out, &x[0], &y[0], x.shape[0], kind, param, nthreads)
    _check(st)
    return out


def loss_pointwise_backward(floating[::1] dx, const floating[::1] dout, int64_t dstride,
                            const floating[::1] x, const floating[::1] y, int kind,
                            double param, int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_loss_pointwise_backward_f32(&dx[0], &dout[0], dstride, &x[0], &y[0],
                                                x.shape[0], kind, param, nthreads)
        else:
            st = fm_loss_pointwise_backward_f64(&dx[0], &dout[0], dstride, &x[0], &y[0],
                                                x.shape[0], kind, param, nthreads)
    _check(st)
