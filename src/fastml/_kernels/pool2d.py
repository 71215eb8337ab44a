"""2-D pooling kernels (csrc/pool2d*.c) behind one facade.

Contract (checked by fastml.nn.functional, trusted here): x is (N, C, H, W)
C-contiguous float32/float64; kernel/stride/padding are (h, w) int pairs with
kernel, stride >= 1, 0 <= padding <= kernel // 2 and OH, OW >= 1; ceil_mode
rounds the output size up (PyTorch's rule: the last window starts inside the
input or its left padding; the kernels clip windows to the input); H*W < 2**31
(argmax is int32: the index ih*W + iw inside each (n, c) plane).

The compiled kernels or their NumPy twins (reference/pool2d.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads
from .reference import pool2d as _reference

out_size = _reference.out_size


def _shapes(x_shape, kernel, stride, padding, ceil_mode=False):
    N, C, H, W = x_shape
    OH = out_size(H, kernel[0], stride[0], padding[0], ceil_mode)
    OW = out_size(W, kernel[1], stride[1], padding[1], ceil_mode)
    return (N * C, H, W), (N * C, OH, OW), (N, C, OH, OW)


def _max_pool2d_forward(x, kernel, stride, padding, ceil_mode=False):
    """(y, argmax int32), both (N, C, OH, OW)."""
    xs, ys, out = _shapes(x.shape, kernel, stride, padding, ceil_mode)
    y = np.empty(out, dtype=x.dtype)
    argmax = np.empty(out, dtype=np.int32)
    _pool2d.maxpool2d_forward(y.reshape(ys), argmax.reshape(ys), x.reshape(xs), tuple(kernel),
                              tuple(stride), tuple(padding), _threads())
    return y, argmax


def _max_pool2d_backward(dy, argmax, x_shape, kernel, stride, padding, ceil_mode=False):
    xs, ys, _ = _shapes(x_shape, kernel, stride, padding, ceil_mode)
    dx = np.empty(x_shape, dtype=dy.dtype)
    _pool2d.maxpool2d_backward(dx.reshape(xs), dy.reshape(ys), argmax.reshape(ys),
                               tuple(kernel), tuple(stride), tuple(padding), _threads())
    return dx


def _avg_pool2d_forward(x, kernel, stride, padding, count_include_pad=True, ceil_mode=False):
    xs, ys, out = _shapes(x.shape, kernel, stride, padding, ceil_mode)
    y = np.empty(out, dtype=x.dtype)
    _pool2d.avgpool2d_forward(y.reshape(ys), x.reshape(xs), tuple(kernel), tuple(stride),
                              tuple(padding), bool(count_include_pad), _threads())
    return y


def _avg_pool2d_backward(dy, x_shape, kernel, stride, padding, count_include_pad=True,
                         ceil_mode=False):
    xs, ys, _ = _shapes(x_shape, kernel, stride, padding, ceil_mode)
    dx = np.empty(x_shape, dtype=dy.dtype)
    _pool2d.avgpool2d_backward(dx.reshape(xs), dy.reshape(ys), tuple(kernel), tuple(stride),
                               tuple(padding), bool(count_include_pad), _threads())
    return dx


def _global_avg_pool_forward(x):
    """(N, C, H, W) -> (N, C, 1, 1) mean over H, W."""
    N, C, H, W = x.shape
    y = np.empty((N, C, 1, 1), dtype=x.dtype)
    _pool2d.global_avgpool_forward(y.reshape(N * C), x.reshape(N * C, H * W), _threads())
    return y


def _global_avg_pool_backward(dy, x_shape):
    N, C, H, W = x_shape
    dx = np.empty(x_shape, dtype=dy.dtype)
    _pool2d.global_avgpool_backward(dx.reshape(N * C, H * W),
                                    np.ascontiguousarray(dy).reshape(N * C), _threads())
    return dx


if COMPILED:
    from . import _pool2d

    max_pool2d_forward = _max_pool2d_forward
    max_pool2d_backward = _max_pool2d_backward
    avg_pool2d_forward = _avg_pool2d_forward
    avg_pool2d_backward = _avg_pool2d_backward
    global_avg_pool_forward = _global_avg_pool_forward
    global_avg_pool_backward = _global_avg_pool_backward
else:
    from .reference.pool2d import (avg_pool2d_backward, avg_pool2d_forward,  # noqa: F401
                                   global_avg_pool_backward, global_avg_pool_forward,
                                   max_pool2d_backward, max_pool2d_forward)
