"""Pooling like torch.nn.functional (NCHW; x is (N, C, H, W) or unbatched (C, H, W)).

max_pool2d pads with -inf, the first maximum in row-major window order wins
ties, and a NaN in the window is the maximum (it propagates); the argmax of
the forward routes the gradient and is returned (int64, index ih*W + iw in the
plane, torch's convention) with return_indices=True. avg_pool2d follows
PyTorch's count_include_pad and divisor_override rules. ceil_mode rounds the
output size up as torch does. Both run on the compiled pool2d kernels.

adaptive_avg_pool2d / adaptive_max_pool2d take any output size: window i
covers [floor(i*H/OH), ceil((i+1)*H/OH)) as in torch. The average is separable:
two small matrix products (BLAS) per direction; the 1x1 output (global average
pooling) has its own kernel, divisible sizes run on the avg_pool2d kernel. The
adaptive max is separable too (the first maximum of each window row, then the
first row holding the window's maximum = the first maximum in row-major
order, torch's tie rule); it runs as NumPy reductions over the OH + OW window
strips. A NaN in an adaptive-max window propagates (its index is the first
NaN, where torch reports the last one).

max_unpool2d scatters values back to their indices (torch's MaxUnpool2d).
"""
import numpy as np

from ..._kernels import pool2d as _k
from ..tensor import Tensor, make_op
from ._util import contiguous, float_tensor
from .conv import _pair

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
           "max_unpool2d"]


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


def _indices(x, argmax):
    idx = argmax.astype(np.int64)
    return Tensor(idx[0] if x.ndim == 3 else idx)


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    x, xd = _prepare(x, "max_pool2d")
    if _pair(dilation, "dilation", 1) != (1, 1):
        raise ValueError(f"max_pool2d: dilation {dilation!r} is not supported (only 1)")
    kernel, stride, padding = _geometry("max_pool2d", xd, kernel_size, stride, padding)
    ceil_mode = bool(ceil_mode)
    y, argmax = _k.max_pool2d_forward(xd, kernel, stride, padding, ceil_mode)
    shape = xd.shape
    out = _wrap(x, y, lambda g: _k.max_pool2d_backward(contiguous(g), argmax, shape, kernel,
                                                        stride, padding, ceil_mode))
    return (out, _indices(x, argmax)) if return_indices else out


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    x, xd = _prepare(x, "avg_pool2d")
    kernel, stride, padding = _geometry("avg_pool2d", xd, kernel_size, stride, padding)
    ceil_mode = bool(ceil_mode)
    cip = bool(count_include_pad)
    scale = None
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(
                divisor_override, (int, np.integer)) or divisor_override == 0:
            raise ValueError(f"divisor must be not zero, got divisor_override="
                             f"{divisor_override!r}")
        cip = False  # the mean over the in-bounds cells, times count / divisor
    y = _k.avg_pool2d_forward(xd, kernel, stride, padding, cip, ceil_mode)
    if divisor_override is not None:
        cnt = _inbounds(xd.shape[2], kernel[0], stride[0], padding[0], y.shape[2])[:, None] * \
            _inbounds(xd.shape[3], kernel[1], stride[1], padding[1], y.shape[3])[None, :]
        scale = (cnt / float(divisor_override)).astype(xd.dtype)
        y *= scale
    shape = xd.shape

    def backward(g):
        g = contiguous(g if scale is None else g * scale)
        return _k.avg_pool2d_backward(g, shape, kernel, stride, padding, cip, ceil_mode)

    return _wrap(x, y, backward)


def _inbounds(size, k, s, p, n):
    """In-bounds cells of each of the n windows along one dim."""
    start = np.arange(n) * s - p
    return np.minimum(start + k, size) - np.maximum(start, 0)


def _adaptive_size(output_size, H, W, name):
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        output_size = tuple(d if o is None else o for o, d in zip(output_size, (H, W)))
    return _pair(output_size, "output_size", 1)


def _bounds(n_in, n_out):
    i = np.arange(n_out)
    return (i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)


def _avg_matrix(n_in, n_out, dtype):
    """(n_out, n_in): row i averages torch's adaptive window i."""
    lo, hi = _bounds(n_in, n_out)
    j = np.arange(n_in)
    inside = (j[None, :] >= lo[:, None]) & (j[None, :] < hi[:, None])
    return (inside / (hi - lo)[:, None]).astype(dtype)


def adaptive_avg_pool2d(x, output_size):
    x, xd = _prepare(x, "adaptive_avg_pool2d")
    H, W = xd.shape[2:]
    oh, ow = _adaptive_size(output_size, H, W, "adaptive_avg_pool2d")
    shape = xd.shape
    if (oh, ow) == (1, 1):
        y = _k.global_avg_pool_forward(xd)
        return _wrap(x, y, lambda g: _k.global_avg_pool_backward(contiguous(g), shape))
    if H % oh == 0 and W % ow == 0:
        kernel = (H // oh, W // ow)
        y = _k.avg_pool2d_forward(xd, kernel, kernel, (0, 0), True)
        return _wrap(x, y, lambda g: _k.avg_pool2d_backward(contiguous(g), shape, kernel,
                                                             kernel, (0, 0), True))
    Ah, Aw = _avg_matrix(H, oh, xd.dtype), _avg_matrix(W, ow, xd.dtype)
    y = np.ascontiguousarray(Ah @ (xd @ Aw.T))
    return _wrap(x, y, lambda g: np.ascontiguousarray(Ah.T @ (g @ Aw)))


def adaptive_max_pool2d(x, output_size, return_indices=False):
    x, xd = _prepare(x, "adaptive_max_pool2d")
    N, C, H, W = xd.shape
    oh, ow = _adaptive_size(output_size, H, W, "adaptive_max_pool2d")
    (hlo, hhi), (wlo, whi) = _bounds(H, oh), _bounds(W, ow)
    # the maximum of every window row: (N, C, H, ow) values and column indices
    m1 = np.empty((N, C, H, ow), xd.dtype)
    c1 = np.empty((N, C, H, ow), np.int64)
    for j in range(ow):
        strip = xd[..., wlo[j]:whi[j]]
        a = _first_max(strip, -1)
        c1[..., j] = a + wlo[j]
        m1[..., j] = np.take_along_axis(strip, a[..., None], -1)[..., 0]
    y = np.empty((N, C, oh, ow), xd.dtype)
    idx = np.empty((N, C, oh, ow), np.int64)
    for i in range(oh):
        strip = m1[..., hlo[i]:hhi[i], :]
        a = _first_max(strip, -2)
        y[..., i, :] = np.take_along_axis(strip, a[..., None, :], -2)[..., 0, :]
        col = np.take_along_axis(c1[..., hlo[i]:hhi[i], :], a[..., None, :], -2)[..., 0, :]
        idx[..., i, :] = (a + hlo[i]) * W + col
    out = _wrap(x, y, lambda g: _scatter_add(g, idx, (N, C, H, W)))
    return (out, Tensor(idx[0] if x.ndim == 3 else idx)) if return_indices else out


def _first_max(a, axis):
    """Index of the first maximum along axis; a NaN is the maximum (the first NaN)."""
    k = np.argmax(a, axis=axis)
    nan = np.isnan(a)
    if nan.any():
        k = np.where(nan.any(axis=axis), np.argmax(nan, axis=axis), k)
    return k


def _scatter_add(g, idx, shape):
    """dx (shape) with g added at the plane indices idx (windows may overlap)."""
    N, C, H, W = shape
    planes = N * C
    flat = (np.arange(planes)[:, None] * (H * W) + idx.reshape(planes, -1)).ravel()
    dx = np.bincount(flat, weights=g.reshape(-1).astype(np.float64, copy=False),
                     minlength=planes * H * W)
    return dx.astype(g.dtype).reshape(shape)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: input values placed at indices (int, as
    returned by max_pool2d(..., return_indices=True)) in a zero plane of
    (H - 1)*stride - 2*padding + kernel_size (or the last two of output_size)."""
    x = float_tensor(input, "input")
    if x.ndim not in (3, 4):
        raise ValueError(f"max_unpool2d: input must be 4-D (N, C, H, W) or 3-D (C, H, W), got "
                         f"shape {x.shape}")
    ind = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    if ind.shape != x.shape or ind.dtype.kind not in "iu":
        raise ValueError(f"max_unpool2d: indices must be an integer tensor of the input's shape "
                         f"{x.shape}, got {ind.dtype} {ind.shape}")
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    xd = x.data[None] if x.ndim == 3 else x.data
    ind = ind[None] if x.ndim == 3 else ind
    N, C, H, W = xd.shape
    if output_size is None:
        Ho = (H - 1) * stride[0] - 2 * padding[0] + kernel[0]
        Wo = (W - 1) * stride[1] - 2 * padding[1] + kernel[1]
    else:
        Ho, Wo = (int(v) for v in tuple(output_size)[-2:])
    if Ho < 1 or Wo < 1:
        raise ValueError(f"max_unpool2d: the output size {(Ho, Wo)} is not positive")
    flat = ind.reshape(N * C, H * W).astype(np.int64)
    if flat.size and (flat.min() < 0 or flat.max() >= Ho * Wo):
        raise ValueError(f"Found an invalid max index: {int(flat.max())} (output volumes are of "
                         f"size {Ho}x{Wo})")
    y = np.zeros((N * C, Ho * Wo), xd.dtype)
    np.put_along_axis(y, flat, xd.reshape(N * C, H * W), axis=1)
    y = y.reshape(N, C, Ho, Wo)

    def backward(g):
        dx = np.take_along_axis(g.reshape(N * C, Ho * Wo), flat, axis=1).reshape(xd.shape)
        return (dx[0] if x.ndim == 3 else dx,)

    return make_op(y[0] if x.ndim == 3 else y, (x,), backward)
