"""conv2d kernels behind one facade: float32 on fastml's own GEMM kernels
(csrc/conv2d_direct.c, conv2d_gemm.c, conv2d_simd.c), float64 im2col + BLAS
(csrc/conv2d_tmpl.h).

Contract (checked by fastml.nn.functional.conv2d, trusted here): x (N, C, H, W),
w (K, C/groups, R, S), b (K) or None, dy (N, K, OH, OW); C-contiguous, one
dtype (float32 or float64); stride/padding/dilation are (h, w) int pairs with
stride, dilation >= 1, padding >= 0, OH, OW >= 1; groups divides C and K.

The compiled kernels or their NumPy twins (reference/conv2d.py, same
signatures) are chosen once, at import.

float32 results do not depend on the thread count (the blocking depends on the
geometry only; dw partials are summed in a fixed order). float64 results may
differ between thread counts in the last bits (~1e-15 relative): fm_gemm_f64
splits each BLAS product into one block per thread and the BLAS's summation
order depends on the block's shape.
"""
import numpy as np

from ._backend import COMPILED, ensure_blas
from ._threads import current as _threads
from .reference import conv2d as _reference

out_size = _reference.out_size
transpose_out_size = _reference.transpose_out_size
_FUSED = {"f": "float", "d": "double"}


def _conv2d_forward(x, w, b, stride, padding, dilation, groups):
    if x.dtype == np.float64:
        ensure_blas()
    N, _, H, W = x.shape
    K, _, R, S = w.shape
    OH = out_size(H, R, stride[0], padding[0], dilation[0])
    OW = out_size(W, S, stride[1], padding[1], dilation[1])
    y = np.empty((N, K, OH, OW), dtype=x.dtype)
    _conv2d.conv2d_forward(y, x, w, b, tuple(stride), tuple(padding), tuple(dilation), groups,
                           _threads())
    return y


def _conv2d_backward(dy, x, w, stride, padding, dilation, groups, need_dx=True, need_dw=True,
                     need_db=True):
    """(dx, dw, db); entries not needed are None."""
    if x.dtype == np.float64:
        ensure_blas()
    dx = np.empty_like(x) if need_dx else None
    dw = np.empty_like(w) if need_dw else None
    db = np.empty(w.shape[0], dtype=w.dtype) if need_db else None
    # explicit specialisation: the fused-type dispatch cannot infer it from None
    _conv2d.conv2d_backward[_FUSED[x.dtype.char]](dx, dw, db, dy, x, w, tuple(stride),
                                                  tuple(padding), tuple(dilation), groups,
                                                  _threads())
    return dx, dw, db


def _conv_transpose2d_forward(x, w, b, stride, padding, output_padding, dilation, groups):
    """conv_transpose2d = the conv's dx pass with x as dy: x (N, Cin, H, W),
    w (Cin, Cout/groups, R, S) -> y (N, Cout, Ho, Wo) (+ b)."""
    if x.dtype == np.float64:
        ensure_blas()
    shape, OH, OW = _reference._transpose_geom(x.shape, w, stride, padding, output_padding,
                                               dilation, groups)
    y = np.empty(shape, dtype=x.dtype)
    xs = _reference.pad_to(x, OH, OW)
    if x.dtype == np.float32:  # bias added in the same pass
        _conv2d.conv2d_dx_bias(y, b, xs, w, tuple(stride), tuple(padding), tuple(dilation),
                               groups, _threads())
        return y
    # y doubles as the conv's x argument: only its shape is read when dw is not wanted
    _conv2d.conv2d_backward[_FUSED[x.dtype.char]](y, None, None, xs, y, w, tuple(stride),
                                                  tuple(padding), tuple(dilation), groups,
                                                  _threads())
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def _conv_transpose2d_backward(dy, x, w, stride, padding, output_padding, dilation, groups,
                               need_dx=True, need_dw=True, need_db=True):
    """(dx, dw, db): dx = conv2d(dy, w) cropped to x, dw = the conv's weight gradient
    with the roles of x and dy swapped, db = dy summed over (N, H, W)."""
    H, W = x.shape[2:]
    dx = dw = db = None
    if need_dx:
        dx = _conv2d_forward(dy, w, None, stride, padding, dilation, groups)
        if dx.shape[2:] != (H, W):
            dx = np.ascontiguousarray(dx[:, :, :H, :W])
    if need_dw:
        OH = out_size(dy.shape[2], w.shape[2], stride[0], padding[0], dilation[0])
        OW = out_size(dy.shape[3], w.shape[3], stride[1], padding[1], dilation[1])
        dw = _conv2d_backward(_reference.pad_to(x, OH, OW), dy, w, stride, padding, dilation,
                              groups, need_dx=False, need_dw=True, need_db=False)[1]
    if need_db:  # per-plane sums in dy's dtype (contiguous: vectorised), float64 across images
        N, K = dy.shape[:2]
        db = dy.reshape(N, K, -1).sum(axis=2).sum(axis=0, dtype=np.float64).astype(dy.dtype)
    return dx, dw, db


if COMPILED:
    from . import _conv2d

    conv2d_forward = _conv2d_forward
    conv2d_backward = _conv2d_backward
    conv_transpose2d_forward = _conv_transpose2d_forward
    conv_transpose2d_backward = _conv_transpose2d_backward
else:
    from .reference.conv2d import (conv2d_backward, conv2d_forward,  # noqa: F401
                                   conv_transpose2d_backward, conv_transpose2d_forward)
