# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for the nn-core kernels (csrc/activation.c, loss.c, dropout.c,
dense.c): typed contiguous buffers in, GIL released, status -> exception.
Arrays are trusted (validated in fastml.nn.functional); outputs are
preallocated by the facades. Buffers are taken flat (1-D views of
C-contiguous arrays) with sizes passed explicitly."""
from libc.stdint cimport int64_t, uint64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def act_forward(floating[::1] y, const floating[::1] x, int kind, double alpha):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_activation_forward_f32(&y[0], &x[0], x.shape[0], kind, alpha)
        else:
            st = fm_activation_forward_f64(&y[0], &x[0], x.shape[0], kind, alpha)
    _check(st)


def act_backward(floating[::1] dx, const floating[::1] dy, const floating[::1] x,
                 const floating[::1] y, int kind, double alpha):
    """x or y may be empty (length 0) when the activation does not read it."""
    cdef int st
    cdef const floating *xp = &x[0] if x.shape[0] else NULL
    cdef const floating *yp = &y[0] if y.shape[0] else NULL
    with nogil:
        if floating is float:
            st = fm_activation_backward_f32(&dx[0], &dy[0], xp, yp, dy.shape[0], kind, alpha)
        else:
            st = fm_activation_backward_f64(&dx[0], &dy[0], xp, yp, dy.shape[0], kind, alpha)
    _check(st)


def softmax_forward(floating[:, ::1] y, const floating[:, ::1] x, bint log_):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_softmax_forward_f32(&y[0, 0], &x[0, 0], x.shape[0], x.shape[1], log_)
        else:
            st = fm_softmax_forward_f64(&y[0, 0], &x[0, 0], x.shape[0], x.shape[1], log_)
    _check(st)


def softmax_backward(floating[:, ::1] dx, const floating[:, ::1] dy, const floating[:, ::1] y,
                     bint log_):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_softmax_backward_f32(&dx[0, 0], &dy[0, 0], &y[0, 0], y.shape[0], y.shape[1],
                                         log_)
        else:
            st = fm_softmax_backward_f64(&dx[0, 0], &dy[0, 0], &y[0, 0], y.shape[0], y.shape[1],
                                         log_)
    _check(st)


def ce_forward(floating[::1] loss, floating[::1] lse, const floating[:, ::1] x,
               const int64_t[::1] t):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_cross_entropy_forward_f32(&loss[0], &lse[0], &x[0, 0], &t[0], x.shape[0],
                                              x.shape[1])
        else:
            st = fm_cross_entropy_forward_f64(&loss[0], &lse[0], &x[0, 0], &t[0], x.shape[0],
                                              x.shape[1])
    _check(st)


def ce_backward(floating[:, ::1] dx, const floating[::1] dloss, int64_t dstride,
                const floating[:, ::1] x, const floating[::1] lse, const int64_t[::1] t):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_cross_entropy_backward_f32(&dx[0, 0], &dloss[0], dstride, &x[0, 0], &lse[0],
                                               &t[0], x.shape[0], x.shape[1])
        else:
            st = fm_cross_entropy_backward_f64(&dx[0, 0], &dloss[0], dstride, &x[0, 0], &lse[0],
                                               &t[0], x.shape[0], x.shape[1])
    _check(st)


def ce_forward_ex(floating[::1] loss, floating[::1] lse, floating[::1] wlp,
                  const floating[:, ::1] x, const int64_t[::1] t, const floating[::1] w):
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
                                                 x.shape[0], x.shape[1])
        else:
            st = fm_cross_entropy_forward_ex_f64(&loss[0], &lse[0], wlpp, &x[0, 0], &t[0], wp,
                                                 x.shape[0], x.shape[1])
    _check(st)


def ce_backward_ex(floating[:, ::1] dx, const floating[::1] alpha, const floating[::1] beta,
                   const floating[::1] gamma, const floating[::1] w, const floating[:, ::1] x,
                   const floating[::1] lse, const int64_t[::1] t):
    """w may be None (unit weights)."""
    cdef const floating *wp = NULL
    cdef int st
    if w is not None:
        wp = &w[0]
    with nogil:
        if floating is float:
            st = fm_cross_entropy_backward_ex_f32(&dx[0, 0], &alpha[0], &beta[0], &gamma[0], wp,
                                                  &x[0, 0], &lse[0], &t[0], x.shape[0],
                                                  x.shape[1])
        else:
            st = fm_cross_entropy_backward_ex_f64(&dx[0, 0], &alpha[0], &beta[0], &gamma[0], wp,
                                                  &x[0, 0], &lse[0], &t[0], x.shape[0],
                                                  x.shape[1])
    _check(st)


def loss_pointwise(floating[::1] out, const floating[::1] x, const floating[::1] y, int kind,
                   double param):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_loss_pointwise_f32(&out[0], &x[0], &y[0], x.shape[0], kind, param)
        else:
            st = fm_loss_pointwise_f64(&out[0], &x[0], &y[0], x.shape[0], kind, param)
    _check(st)


def loss_pointwise_sum(const floating[::1] x, const floating[::1] y, int kind, double param):
    cdef int st
    cdef double out = 0
    with nogil:
        if floating is float:
            st = fm_loss_pointwise_sum_f32(&out, &x[0], &y[0], x.shape[0], kind, param)
        else:
            st = fm_loss_pointwise_sum_f64(&out, &x[0], &y[0], x.shape[0], kind, param)
    _check(st)
    return out


def loss_pointwise_backward(floating[::1] dx, const floating[::1] dout, int64_t dstride,
                            const floating[::1] x, const floating[::1] y, int kind,
                            double param):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_loss_pointwise_backward_f32(&dx[0], &dout[0], dstride, &x[0], &y[0],
                                                x.shape[0], kind, param)
        else:
            st = fm_loss_pointwise_backward_f64(&dx[0], &dout[0], dstride, &x[0], &y[0],
                                                x.shape[0], kind, param)
    _check(st)


def dropout(floating[::1] y, const floating[::1] x, double p, uint64_t key):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_dropout_forward_f32(&y[0], &x[0], x.shape[0], p, key)
        else:
            st = fm_dropout_forward_f64(&y[0], &x[0], x.shape[0], p, key)
    _check(st)


def linear_forward(floating[:, ::1] y, const floating[:, ::1] x, const floating[:, ::1] w,
                   const floating[::1] b, int act):
    """b may be empty (no bias). n, in, out >= 1 (the facade handles empties)."""
    cdef int st
    cdef const floating *bp = &b[0] if b.shape[0] else NULL
    with nogil:
        if floating is float:
            st = fm_linear_forward_f32(&y[0, 0], &x[0, 0], &w[0, 0], bp, x.shape[0], x.shape[1],
                                       w.shape[0], act)
        else:
            st = fm_linear_forward_f64(&y[0, 0], &x[0, 0], &w[0, 0], bp, x.shape[0], x.shape[1],
                                       w.shape[0], act)
    _check(st)


def linear_backward(floating[:, ::1] dx, floating[:, ::1] dw, floating[::1] db,
                    const floating[:, ::1] dy, const floating[:, ::1] x,
                    const floating[:, ::1] w, const floating[:, ::1] y, int act):
    """Empty dx / dw / db / y (shape 0) mean: not wanted / not needed."""
    cdef int st
    cdef floating *dxp = &dx[0, 0] if dx.shape[0] else NULL
    cdef floating *dwp = &dw[0, 0] if dw.shape[0] else NULL
    cdef floating *dbp = &db[0] if db.shape[0] else NULL
    cdef const floating *yp = &y[0, 0] if y.shape[0] else NULL
    with nogil:
        if floating is float:
            st = fm_linear_backward_f32(dxp, dwp, dbp, &dy[0, 0], &x[0, 0], &w[0, 0], yp,
                                        x.shape[0], x.shape[1], w.shape[0], act)
        else:
            st = fm_linear_backward_f64(dxp, dwp, dbp, &dy[0, 0], &x[0, 0], &w[0, 0], yp,
                                        x.shape[0], x.shape[1], w.shape[0], act)
    _check(st)
