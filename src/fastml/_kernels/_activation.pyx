# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/activation.c: typed contiguous buffers in, GIL released,
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


def act_forward(floating[::1] y, const floating[::1] x, int kind, double alpha, int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_activation_forward_f32(&y[0], &x[0], x.shape[0], kind, alpha, nthreads)
        else:
            st = fm_activation_forward_f64(&y[0], &x[0], x.shape[0], kind, alpha, nthreads)
    _check(st)


def act_backward(floating[::1] dx, const floating[::1] dy, const floating[::1] x,
                 const floating[::1] y, int kind, double alpha, int nthreads):
    """x or y may be empty (length 0) when the activation does not read it."""
    cdef int st
    cdef const floating *xp = &x[0] if x.shape[0] else NULL
    cdef const floating *yp = &y[0] if y.shape[0] else NULL
    with nogil:
        if floating is float:
            st = fm_activation_backward_f32(&dx[0], &dy[0], xp, yp, dy.shape[0], kind, alpha,
                                            nthreads)
        else:
            st = fm_activation_backward_f64(&dx[0], &dy[0], xp, yp, dy.shape[0], kind, alpha,
                                            nthreads)
    _check(st)


def softmax_forward(floating[:, ::1] y, const floating[:, ::1] x, bint log_, int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_softmax_forward_f32(&y[0, 0], &x[0, 0], x.shape[0], x.shape[1], log_, nthreads)
        else:
            st = fm_softmax_forward_f64(&y[0, 0], &x[0, 0], x.shape[0], x.shape[1], log_, nthreads)
    _check(st)


def softmax_backward(floating[:, ::1] dx, const floating[:, ::1] dy, const floating[:, ::1] y,
                     bint log_, int nthreads):
    cdef int st
    with nogil:
        if floating is float:
            st = fm_softmax_backward_f32(&dx[0, 0], &dy[0, 0], &y[0, 0], y.shape[0], y.shape[1],
                                         log_, nthreads)
        else:
            st = fm_softmax_backward_f64(&dx[0, 0], &dy[0, 0], &y[0, 0], y.shape[0], y.shape[1],
                                         log_, nthreads)
    _check(st)


def act2_forward(floating[::1] y, const floating[::1] x, int kind, double a, double b,
                 int nthreads):
    """Kinds 0-14 with two parameters (see csrc/activation.h)."""
    cdef int st
    with nogil:
        if floating is float:
            st = fm_activation2_forward_f32(&y[0], &x[0], x.shape[0], kind, a, b, nthreads)
        else:
            st = fm_activation2_forward_f64(&y[0], &x[0], x.shape[0], kind, a, b, nthreads)
    _check(st)


def act2_backward(floating[::1] dx, const floating[::1] dy, const floating[::1] x,
                  const floating[::1] y, int kind, double a, double b, int nthreads):
    """x or y may be empty (length 0) when the activation does not read it."""
    cdef int st
    cdef const floating *xp = &x[0] if x.shape[0] else NULL
    cdef const floating *yp = &y[0] if y.shape[0] else NULL
    with nogil:
        if floating is float:
            st = fm_activation2_backward_f32(&dx[0], &dy[0], xp, yp, dy.shape[0], kind, a, b,
                                             nthreads)
        else:
            st = fm_activation2_backward_f64(&dx[0], &dy[0], xp, yp, dy.shape[0], kind, a, b,
                                             nthreads)
    _check(st)
