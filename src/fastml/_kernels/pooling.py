"""2-D pooling kernels (csrc/pool2d.c) behind one facade.

Contract (checked by fastml.nn.functional, trusted here): x is (N, C, H, W)
C-contiguous float32/float64; kernel/stride/padding are (h, w) int pairs with
kernel, stride >= 1, 0 <= padding <= kernel // 2 and OH, OW >= 1; H*W < 2**31
(argmax is int32: the index ih*W + iw inside each (n, c) plane).
"""
import numpy as np

from ._backend import COMPILED
from .reference import pooling as _reference

if COMPILED:
    from . import _pool

out_size = _reference.out_size


def _shapes(x_shape, kernel, stride, padding):
    N, C, H, W = x_shape
    OH = out_size(H, kernel[0], stride[0], padding[0])
    OW = out_size(W, kernel[1], stride[1], padding[1])
    return (N * C, H, W), (N * C, OH, OW), (N, C, OH, OW)


def max_pool2d_forward(x, kernel, stride, padding):
    """(y, argmax int32), both (N, C, OH, OW)."""
    if not COMPILED:
        return _reference.max_pool2d_forward(x, kernel, stride, padding)
    xs, ys, out = _shapes(x.shape, kernel, stride, padding)
    y = np.empty(out, dtype=x.dtype)
    argmax = np.empty(out, dtype=np.int32)
    _pool.maxpool2d_forward(y.reshape(ys), argmax.reshape(ys), x.reshape(xs), tuple(kernel),
                            tuple(stride), tuple(padding))
    return y, argmax


def max_pool2d_backward(dy, argmax, x_shape, kernel, stride, padding):
    if not COMPILED:
        return _reference.max_pool2d_backward(dy, argmax, x_shape)
    xs, ys, _ = _shapes(x_shape, kernel, stride, padding)
    dx = np.empty(x_shape, dtype=dy.dtype)
    _pool.maxpool2d_backward(dx.reshape(xs), dy.reshape(ys), argmax.reshape(ys), tuple(kernel),
                             tuple(stride), tuple(padding))
    return dx


def avg_pool2d_forward(x, kernel, stride, padding, count_include_pad=True):
    if not COMPILED:
        return _reference.avg_pool2d_forward(x, kernel, stride, padding, count_include_pad)
    xs, ys, out = _shapes(x.shape, kernel, stride, padding)
    y = np.empty(out, dtype=x.dtype)
    _pool.avgpool2d_forward(y.reshape(ys), x.reshape(xs), tuple(kernel), tuple(stride),
                            tuple(padding), bool(count_include_pad))
    return y


def avg_pool2d_backward(dy, x_shape, kernel, stride, padding, count_include_pad=True):
    if not COMPILED:
        return _reference.avg_pool2d_backward(dy, x_shape, kernel, stride, padding,
                                              count_include_pad)
    xs, ys, _ = _shapes(x_shape, kernel, stride, padding)
    dx = np.empty(x_shape, dtype=dy.dtype)
    _pool.avgpool2d_backward(dx.reshape(xs), dy.reshape(ys), tuple(kernel), tuple(stride),
                             tuple(padding), bool(count_include_pad))
    return dx


def global_avg_pool_forward(x):
    """(N, C, H, W) -> (N, C, 1, 1) mean over H, W."""
    if not COMPILED:
        return _reference.global_avg_pool_forward(x)
    N, C, H, W = x.shape
    y = np.empty((N, C, 1, 1), dtype=x.dtype)
    _pool.global_avgpool_forward(y.reshape(N * C), x.reshape(N * C, H * W))
    return y


def global_avg_pool_backward(dy, x_shape):
    if not COMPILED:
        return _reference.global_avg_pool_backward(dy, x_shape)
    N, C, H, W = x_shape
    dx = np.empty(x_shape, dtype=dy.dtype)
    _pool.global_avgpool_backward(dx.reshape(N * C, H * W),
                                  np.ascontiguousarray(dy).reshape(N * C))
    return dx
