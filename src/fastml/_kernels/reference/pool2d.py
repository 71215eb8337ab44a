"""Reference 2-D pooling through stride-trick windows (NCHW or (NC, H, W)).

Max pooling: -inf padding; np.argmax gives the first maximum in row-major
window order and treats NaN as the maximum (the last NaN, as PyTorch), which is the spec.
argmax is the int32 index ih*W + iw inside each plane. Avg pooling follows
PyTorch's count_include_pad rule. kernel/stride/padding are (h, w) pairs.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def _windows(xp, kernel, stride, OH, OW):
    (kh, kw), (sh, sw) = kernel, stride
    s = xp.strides
    return as_strided(xp, shape=xp.shape[:-2] + (OH, OW, kh, kw),
                      strides=s[:-2] + (s[-2] * sh, s[-1] * sw, s[-2], s[-1]),
                      writeable=False)


def out_size(size, k, stride, pad, ceil_mode=False):
    """PyTorch's pooling output size; ceil_mode rounds up, but the last window
    must start inside the input or its left padding."""
    if not ceil_mode:
        return (size + 2 * pad - k) // stride + 1
    n = -(-(size + 2 * pad - k) // stride) + 1
    if (n - 1) * stride >= size + pad:
        n -= 1
    return n


def _pad(x, padding, value, extra=(0, 0)):
    """Pad by padding on both sides, plus extra rows/columns at the end (ceil_mode)."""
    (ph, pw) = padding
    width = [(0, 0)] * (x.ndim - 2) + [(ph, ph + extra[0]), (pw, pw + extra[1])]
    return np.pad(x, width, constant_values=value)


def _extra(H, W, kernel, stride, padding, OH, OW):
    """Cells the last ceil_mode window reaches past the padded input."""
    return (max((OH - 1) * stride[0] + kernel[0] - H - 2 * padding[0], 0),
            max((OW - 1) * stride[1] + kernel[1] - W - 2 * padding[1], 0))


def max_pool2d_forward(x, kernel, stride, padding, ceil_mode=False):
    """(y, argmax)."""
    H, W = x.shape[-2:]
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    OH, OW = out_size(H, kh, sh, ph, ceil_mode), out_size(W, kw, sw, pw, ceil_mode)
    extra = _extra(H, W, kernel, stride, padding, OH, OW)
    win = _windows(_pad(x, padding, -np.inf, extra).astype(x.dtype), kernel, stride, OH, OW)
    flat = win.reshape(x.shape[:-2] + (OH, OW, kh * kw))
    k = np.argmax(flat, axis=-1)  # first maximum; a NaN window takes its last NaN
    isnan = np.isnan(flat)
    last_nan = flat.shape[-1] - 1 - np.argmax(isnan[..., ::-1], axis=-1)
    k = np.where(isnan.any(axis=-1), last_nan, k)
    y = np.take_along_axis(flat, k[..., None], axis=-1)[..., 0]
    oh = np.arange(OH)[:, None]
    ow = np.arange(OW)[None, :]
    ih = oh * sh - ph + k // kw
    iw = ow * sw - pw + k % kw
    # a window of only -inf may pick a padding cell: use its first in-bounds cell
    pad_hit = (ih < 0) | (ih >= H) | (iw < 0) | (iw >= W)
    ih = np.where(pad_hit, np.maximum(oh * sh - ph, 0), ih)
    iw = np.where(pad_hit, np.maximum(ow * sw - pw, 0), iw)
    return y.astype(x.dtype), (ih * W + iw).astype(np.int32)


def max_pool2d_backward(dy, argmax, x_shape, kernel=None, stride=None, padding=None,
                        ceil_mode=False):
    """dx from the argmax of the forward (the geometry arguments match the facade's)."""
    H, W = x_shape[-2:]
    planes = int(np.prod(x_shape[:-2]))
    dx = np.zeros((planes, H * W), dtype=dy.dtype)
    a = argmax.reshape(planes, -1)
    rows = np.repeat(np.arange(planes), a.shape[1])
    np.add.at(dx, (rows, a.ravel()), dy.reshape(planes, -1).ravel())
    return dx.reshape(x_shape)


def _avg_divisor(H, W, kernel, stride, padding, OH, OW, count_include_pad, dtype):
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding

    def counts(size, k, s, p, n):
        start = np.arange(n) * s - p
        end = np.minimum(start + k, size + p)
        if count_include_pad:
            return end - start
        return np.minimum(end, size) - np.maximum(start, 0)

    return (counts(H, kh, sh, ph, OH)[:, None] * counts(W, kw, sw, pw, OW)[None, :]).astype(
        dtype)


def avg_pool2d_forward(x, kernel, stride, padding, count_include_pad=True, ceil_mode=False):
    H, W = x.shape[-2:]
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    OH, OW = out_size(H, kh, sh, ph, ceil_mode), out_size(W, kw, sw, pw, ceil_mode)
    extra = _extra(H, W, kernel, stride, padding, OH, OW)
    win = _windows(_pad(x, padding, 0, extra), kernel, stride, OH, OW)
    div = _avg_divisor(H, W, kernel, stride, padding, OH, OW, count_include_pad, np.float64)
    return (win.sum(axis=(-2, -1), dtype=np.float64) / div).astype(x.dtype)


def avg_pool2d_backward(dy, x_shape, kernel, stride, padding, count_include_pad=True,
                        ceil_mode=False):
    H, W = x_shape[-2:]
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    OH, OW = dy.shape[-2:]
    g = dy / _avg_divisor(H, W, kernel, stride, padding, OH, OW, count_include_pad, dy.dtype)
    eh, ew = _extra(H, W, kernel, stride, padding, OH, OW)
    dxp = np.zeros(tuple(x_shape[:-2]) + (H + 2 * ph + eh, W + 2 * pw + ew), dtype=dy.dtype)
    for r in range(kh):
        for c in range(kw):
            dxp[..., r:r + sh * (OH - 1) + 1:sh, c:c + sw * (OW - 1) + 1:sw] += g
    return np.ascontiguousarray(dxp[..., ph:ph + H, pw:pw + W])


def global_avg_pool_forward(x):
    """(N, C, H, W) -> (N, C, 1, 1) mean."""
    return x.mean(axis=(-2, -1), keepdims=True, dtype=np.float64).astype(x.dtype)


def global_avg_pool_backward(dy, x_shape):
    H, W = x_shape[-2:]
    return np.broadcast_to(dy / dy.dtype.type(H * W), x_shape).astype(dy.dtype)
