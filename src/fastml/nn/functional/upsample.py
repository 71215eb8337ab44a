"""interpolate / upsample like torch.nn.functional.interpolate.

Modes "nearest", "nearest-exact" (1-D or 2-D: input (N, C, L) or
(N, C, H, W)), "linear" (3-D input) and "bilinear" (4-D input, align_corners
False or True), with torch's source-index rules, in the input's precision
(float32 index arithmetic for float32 input, as torch's CPU kernels).

Both directions are separable: the forward gathers the one (nearest) or two
(linear) source cells of every output cell along W, then along H; the
backward multiplies by the transposed interpolation matrices, (out, in) per
dim, two small matrix products on the BLAS.
"""
import math

import numpy as np

from ..tensor import make_op
from ._util import contiguous, float_tensor

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

_MODES = ("nearest", "nearest-exact", "linear", "bilinear")
_DIMS = {"linear": 1, "bilinear": 2}


def _output_size(in_sizes, size, scale_factor, d):
    if (size is None) == (scale_factor is None):
        raise ValueError("either size or scale_factor should be defined, not both"
                         if size is not None else "either size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * d
        if len(sizes) != d:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(in_sizes)} and output size of {list(sizes)}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and output "
                             f"size in (o1, o2, ...,oK) format.")
        sizes = tuple(int(s) for s in sizes)
        if min(sizes) < 1:
            raise ValueError(f"interpolate: output size {sizes} must be positive")
        return sizes, (None,) * d
    scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else \
        (scale_factor,) * d
    if len(scales) != d:
        raise ValueError(f"Input and scale_factor must have the same number of spatial "
                         f"dimensions, but got input with spatial dimensions of "
                         f"{list(in_sizes)} and scale_factor of shape {list(scales)}.")
    scales = tuple(float(s) for s in scales)
    sizes = tuple(int(math.floor(n * s)) for n, s in zip(in_sizes, scales))
    if min(scales) <= 0 or min(sizes) < 1:
        raise ValueError(f"interpolate: scale_factor {scale_factor!r} gives an empty output "
                         f"{sizes}")
    return sizes, scales


def _scale(n_in, n_out, scale, align_corners, ft):
    """torch's area_pixel_compute_scale in the dtype ft."""
    if align_corners:
        return ft((n_in - 1) / (n_out - 1)) if n_out > 1 else ft(0)
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(n_in / n_out)


def _nearest_index(n_in, n_out, scale, exact):
    if n_out == n_in and not exact:
        return np.arange(n_out)
    if n_out == 2 * n_in and not exact:
        return np.arange(n_out) >> 1
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else \
        np.float32(np.float32(n_in) / np.float32(n_out))
    dst = np.arange(n_out, dtype=np.float32)
    if exact:
        dst = dst + np.float32(0.5)
    return np.minimum(np.floor(dst * s).astype(np.int64), n_in - 1)


def _linear_index(n_in, n_out, scale, align_corners, dtype):
    ft = np.dtype(dtype).type
    s = _scale(n_in, n_out, scale, align_corners, ft)
    dst = np.arange(n_out).astype(dtype)
    src = dst * s if align_corners else np.maximum((dst + ft(0.5)) * s - ft(0.5), ft(0))
    i0 = src.astype(np.int64)
    i0 = np.minimum(i0, n_in - 1)
    i1 = i0 + (i0 < n_in - 1)
    l1 = (src - i0.astype(dtype)).astype(dtype)
    l0 = (ft(1) - l1).astype(dtype)
    return i0, i1, l0, l1


def _matrix(n_in, n_out, parts, dtype):
    m = np.zeros((n_out, n_in), dtype)
    rows = np.arange(n_out)
    for idx, lam in parts:
        np.add.at(m, (rows, idx), lam)
    return m


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    x = float_tensor(input, "input")
    if mode not in _MODES:
        raise NotImplementedError(f"Input Error: only {', '.join(_MODES)} modes are supported "
                                  f"(got {mode!r})")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    d = x.ndim - 2
    if d not in (1, 2):
        raise NotImplementedError(f"Input Error: Only 3D and 4D input Tensors supported (got "
                                  f"{x.ndim}D) for the modes: {', '.join(_MODES)}")
    if mode in _DIMS and _DIMS[mode] != d:
        raise NotImplementedError(f"Got {x.ndim}D input, but {mode} mode needs "
                                  f"{_DIMS[mode] + 2}D input")
    linear = mode in _DIMS
    if not linear and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    align = bool(align_corners) if linear else False
    xd = contiguous(x.data)
    in_sizes = xd.shape[2:]
    out_sizes, scales = _output_size(in_sizes, size, scale_factor, d)
    if recompute_scale_factor:
        scales = (None,) * d
    dtype = xd.dtype
    mats = []
    y = xd
    for k in range(d):  # the last dim first: W, then H
        axis = xd.ndim - 1 - k
        n_in, n_out, sc = in_sizes[-1 - k], out_sizes[-1 - k], scales[-1 - k]
        if linear:
            i0, i1, l0, l1 = _linear_index(n_in, n_out, sc, align, dtype)
            shp = [1] * y.ndim
            shp[axis] = n_out
            y = np.take(y, i0, axis=axis) * l0.reshape(shp) + \
                np.take(y, i1, axis=axis) * l1.reshape(shp)
            mats.append(_matrix(n_in, n_out, ((i0, l0), (i1, l1)), dtype))
        else:
            idx = _nearest_index(n_in, n_out, sc, mode == "nearest-exact")
            y = np.take(y, idx, axis=axis)
            mats.append(_matrix(n_in, n_out, ((idx, np.ones(n_out, dtype)),), dtype))
    y = np.ascontiguousarray(y)

    def backward(g):
        g = g @ mats[0]  # (.., n_out) @ (n_out, n_in): back along W
        if d == 2:
            g = mats[1].T @ g  # then along H
        return (np.ascontiguousarray(g),)

    return make_op(y, (x,), backward)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
