# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/pool2d.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count).

Arrays are (NC, H, W) planes (N and C merged by the facade)."""
from libc.stdint cimport int32_t, int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


cdef fm_pool2d_geom _geom(tuple xs, tuple ys, tuple kernel, tuple stride, tuple padding):
    cdef fm_pool2d_geom g
    g.NC, g.H, g.W = xs
    g.OH, g.OW = ys[1], ys[2]
    g.kh, g.kw = kernel
    g.stride_h, g.stride_w = stride
    g.pad_h, g.pad_w = padding
    return g


def maxpool2d_forward(floating[:, :, ::1] y, int32_t[:, :, ::1] argmax,
                      const floating[:, :, ::1] x, tuple kernel, tuple stride, tuple padding, int nthreads):
    cdef fm_pool2d_geom g = _geom((x.shape[0], x.shape[1], x.shape[2]),
                                  (y.shape[0], y.shape[1], y.shape[2]), kernel, stride,
                                  padding)
    cdef int st
    with nogil:
        if floating is float:
            st = fm_maxpool2d_forward_f32(&y[0, 0, 0], &argmax[0, 0, 0], &x[0, 0, 0], &g, nthreads)
        else:
            st = fm_maxpool2d_forward_f64(&y[0, 0, 0], &argmax[0, 0, 0], &x[0, 0, 0], &g, nthreads)
    _check(st)


def maxpool2d_backward(floating[:, :, ::1] dx, const floating[:, :, ::1] dy,
                       const int32_t[:, :, ::1] argmax, tuple kernel, tuple stride,
                       tuple padding, int nthreads):
    cdef fm_pool2d_geom g = _geom((dx.shape[0], dx.shape[1], dx.shape[2]),
                                  (dy.shape[0], dy.shape[1], dy.shape[2]), kernel, stride,
                                  padding)
    cdef int st
    with nogil:
        if floating is float:
            st = fm_maxpool2d_backward_f32(&dx[0, 0, 0], &dy[0, 0, 0], &argmax[0, 0, 0], &g, nthreads)
        else:
            st = fm_maxpool2d_backward_f64(&dx[0, 0, 0], &dy[0, 0, 0], &argmax[0, 0, 0], &g, nthreads)
    _check(st)


def avgpool2d_forward(floating[:, :, ::1] y, const floating[:, :, ::1] x, tuple kernel,
                      tuple stride, tuple padding, bint count_include_pad, int nthreads):
    cdef fm_pool2d_geom g = _geom((x.shape[0], x.shape[1], x.shape[2]),
                                  (y.shape[0], y.shape[1], y.shape[2]), kernel, stride,
                                  padding)
    cdef int st
    with nogil:
        if floating is float:
            st = fm_avgpool2d_forward_f32(&y[0, 0, 0], &x[0, 0, 0], &g, count_include_pad, nthreads)
        else:
            st = fm_avgpool2d_forward_f64(&y[0, 0, 0], &x[0, 0, 0], &g, count_include_pad, nthreads)
    _check(st)


def avgpool2d_backward(floating[:, :, ::1] dx, const floating[:, :, ::1] dy, tuple kernel,
                       tuple stride, tuple padding, bint count_include_pad, int nthreads):
    cdef fm_pool2d_geom g = _geom((dx.shape[0], dx.shape[1], dx.shape[2]),
                                  (dy.shape[0], dy.shape[1], dy.shape[2]), kernel, stride,
                                  padding)
    cdef int st
    with nogil:
        if floating is float:
            st = fm_avgpool2d_backward_f32(&dx[0, 0, 0], &dy[0, 0, 0], &g, count_include_pad, nthreads)
        else:
            st = fm_avgpool2d_backward_f64(&dx[0, 0, 0], &dy[0, 0, 0], &g, count_include_pad, nthreads)
    _check(st)


def global_avgpool_forward(floating[::1] y, const floating[:, ::1] x, int nthreads):
    cdef int64_t NC = x.shape[0], L = x.shape[1]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_global_avgpool_forward_f32(&y[0], &x[0, 0], NC, L, nthreads)
        else:
            st = fm_global_avgpool_forward_f64(&y[0], &x[0, 0], NC, L, nthreads)
    _check(st)


def global_avgpool_backward(floating[:, ::1] dx, const floating[::1] dy, int nthreads):
    cdef int64_t NC = dx.shape[0], L = dx.shape[1]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_global_avgpool_backward_f32(&dx[0, 0], &dy[0], NC, L, nthreads)
        else:
            st = fm_global_avgpool_backward_f64(&dx[0, 0], &dy[0], NC, L, nthreads)
    _check(st)
