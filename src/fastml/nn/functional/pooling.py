"""max_pool2d, avg_pool2d, adaptive_avg_pool2d (NCHW, like torch.nn.functional).

max_pool2d pads with -inf, the first maximum in row-major window order wins
ties, and a NaN in the window is the maximum (it propagates); the int32
argmax of the forward routes the gradient. avg_pool2d follows PyTorch's
count_include_pad rule. adaptive_avg_pool2d supports output sizes that
divide the input (1x1 = global average pooling, its own kernel).
x is (N, C, H, W) or unbatched (C, H, W).
"""

from ..._kernels import pool2d as _k
from ..tensor import make_op
from ._util import contiguous, float_tensor
from .conv import _pair

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d"]


def _prepare(x, name):
    x = float_tensor(x, "x")
    if x.ndim not in (3, 4):
        raise ValueError(f"{name}: x must be 4-D (N, C, H, W) or 3-D (C, H, W), got shape "
                         f"{x.shape}")
    xd = x.data[None] if x.ndim == 3 else x.data
    if min(xd.shape) < 1:
        raise ValueError(f"{name}: empty input of shape {x.shape}")
    if xd.shape[2] * xd.shape[3] >= 2 ** 31:
        raise ValueError(f"{name}: a plane of {xd.shape[2]}x{xd.shape[3]} is too large")
    return x, contiguous(xd)


def _geometry(name, xd, kernel_size, stride, padding):
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and
                                          len(stride) == 0) else _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{name}: padding {padding} must be at most half the kernel size "
                         f"{kernel}")
    H, W = xd.shape[2:]
    if H + 2 * padding[0] < kernel[0] or W + 2 * padding[1] < kernel[1]:
        raise ValueError(f"{name}: kernel_size {kernel} is larger than the padded input "
                         f"{(H + 2 * padding[0], W + 2 * padding[1])}")
    return kernel, stride, padding


def _wrap(x, out, backward):
    unbatched = x.ndim == 3
    if unbatched:
        return make_op(out[0], (x,), lambda g: (backward(g[None])[0],))
    return make_op(out, (x,), lambda g: (backward(g),))


def max_pool2d(x, kernel_size, stride=None, padding=0):
    x, xd = _prepare(x, "max_pool2d")
    kernel, stride, padding = _geometry("max_pool2d", xd, kernel_size, stride, padding)
    y, argmax = _k.max_pool2d_forward(xd, kernel, stride, padding)
    shape = xd.shape
    return _wrap(x, y, lambda g: _k.max_pool2d_backward(contiguous(g), argmax, shape, kernel,
                                                         stride, padding))


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    x, xd = _prepare(x, "avg_pool2d")
    kernel, stride, padding = _geometry("avg_pool2d", xd, kernel_size, stride, padding)
    cip = bool(count_include_pad)
    y = _k.avg_pool2d_forward(xd, kernel, stride, padding, cip)
    shape = xd.shape
    return _wrap(x, y, lambda g: _k.avg_pool2d_backward(contiguous(g), shape, kernel, stride,
                                                         padding, cip))


def adaptive_avg_pool2d(x, output_size):
    x, xd = _prepare(x, "adaptive_avg_pool2d")
    H, W = xd.shape[2:]
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        output_size = tuple(H if o is None else o for o in output_size)
    oh, ow = _pair(output_size, "output_size", 1)
    shape = xd.shape
    if (oh, ow) == (1, 1):
        y = _k.global_avg_pool_forward(xd)
        return _wrap(x, y, lambda g: _k.global_avg_pool_backward(contiguous(g), shape))
    if H % oh or W % ow:
        raise ValueError(f"adaptive_avg_pool2d: output_size {(oh, ow)} must divide the input "
                         f"size {(H, W)} (other sizes are not supported)")
    kernel = (H // oh, W // ow)
    y = _k.avg_pool2d_forward(xd, kernel, kernel, (0, 0), True)
    return _wrap(x, y, lambda g: _k.avg_pool2d_backward(contiguous(g), shape, kernel, kernel,
                                                         (0, 0), True))


