# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/conv2d.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


cdef fm_conv2d_geom _geom(tuple xs, tuple ws, tuple ys, tuple stride, tuple padding,
                          tuple dilation, int64_t groups):
    cdef fm_conv2d_geom g
    g.N, g.C, g.H, g.W = xs
    g.K, _, g.R, g.S = ws
    g.OH, g.OW = ys[2], ys[3]
    g.stride_h, g.stride_w = stride
    g.pad_h, g.pad_w = padding
    g.dil_h, g.dil_w = dilation
    g.groups = groups
    return g


def conv2d_forward(floating[:, :, :, ::1] y, const floating[:, :, :, ::1] x,
                   const floating[:, :, :, ::1] w, const floating[::1] b,
                   tuple stride, tuple padding, tuple dilation, int64_t groups, int nthreads):
    """y = conv2d(x, w) + b (b may be None). Inputs are trusted."""
    cdef fm_conv2d_geom g = _geom((x.shape[0], x.shape[1], x.shape[2], x.shape[3]),
                                  (w.shape[0], w.shape[1], w.shape[2], w.shape[3]),
                                  (y.shape[0], y.shape[1], y.shape[2], y.shape[3]),
                                  stride, padding, dilation, groups)
    cdef const floating *bp = NULL
    cdef int st
    if b is not None:
        bp = &b[0]
    with nogil:
        if floating is float:
            st = fm_conv2d_forward_f32(&y[0, 0, 0, 0], &x[0, 0, 0, 0], &w[0, 0, 0, 0], bp, &g,
                                       nthreads)
        else:
            st = fm_conv2d_forward_f64(&y[0, 0, 0, 0], &x[0, 0, 0, 0], &w[0, 0, 0, 0], bp, &g,
                                       nthreads)
    _check(st)


def conv2d_backward(floating[:, :, :, ::1] dx, floating[:, :, :, ::1] dw, floating[::1] db,
                    const floating[:, :, :, ::1] dy, const floating[:, :, :, ::1] x,
                    const floating[:, :, :, ::1] w, tuple stride, tuple padding,
                    tuple dilation, int64_t groups, int nthreads):
    """Writes dx, dw, db; any of them may be None (not needed)."""
    cdef fm_conv2d_geom g = _geom((x.shape[0], x.shape[1], x.shape[2], x.shape[3]),
                                  (w.shape[0], w.shape[1], w.shape[2], w.shape[3]),
                                  (dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3]),
                                  stride, padding, dilation, groups)
    cdef floating *dxp = NULL
    cdef floating *dwp = NULL
    cdef floating *dbp = NULL
    cdef int st
    if dx is not None:
        dxp = &dx[0, 0, 0, 0]
    if dw is not None:
        dwp = &dw[0, 0, 0, 0]
    if db is not None:
        dbp = &db[0]
    with nogil:
        if floating is float:
            st = fm_conv2d_backward_f32(dxp, dwp, dbp, &dy[0, 0, 0, 0], &x[0, 0, 0, 0],
                                        &w[0, 0, 0, 0], &g, nthreads)
        else:
            st = fm_conv2d_backward_f64(dxp, dwp, dbp, &dy[0, 0, 0, 0], &x[0, 0, 0, 0],
                                        &w[0, 0, 0, 0], &g, nthreads)
    _check(st)


def conv2d_dx_bias(float[:, :, :, ::1] dx, const float[::1] b, const float[:, :, :, ::1] dy,
                   const float[:, :, :, ::1] w, tuple stride, tuple padding, tuple dilation,
                   int64_t groups, int nthreads):
    """dx = the input gradient of the conv (x of dx's shape) + b per channel (b may be
    None): conv_transpose2d's forward (float32). Inputs are trusted."""
    cdef fm_conv2d_geom g = _geom((dx.shape[0], dx.shape[1], dx.shape[2], dx.shape[3]),
                                  (w.shape[0], w.shape[1], w.shape[2], w.shape[3]),
                                  (dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3]),
                                  stride, padding, dilation, groups)
    cdef const float *bp = NULL
    cdef int st
    if b is not None:
        bp = &b[0]
    with nogil:
        st = fm_conv2d_dx_bias_f32(&dx[0, 0, 0, 0], bp, &dy[0, 0, 0, 0], &w[0, 0, 0, 0], &g,
                                   nthreads)
    _check(st)
