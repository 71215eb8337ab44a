"""Reference conv2d: im2col through stride tricks + matmul, col2im by slices.

x (N, C, H, W), w (K, C/groups, R, S), b (K) or None; NCHW cross-correlation.
stride, padding, dilation are (h, w) pairs. dtype in = dtype out.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def out_size(size, k, stride, pad, dil):
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def _cols(x, R, S, stride, padding, dilation):
    """Read-only view (N, C, R, S, OH, OW) of the zero-padded input."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, C, Hp, Wp = xp.shape
    OH = (Hp - dh * (R - 1) - 1) // sh + 1
    OW = (Wp - dw * (S - 1) - 1) // sw + 1
    s = xp.strides
    return as_strided(xp, shape=(N, C, R, S, OH, OW),
                      strides=(s[0], s[1], s[2] * dh, s[3] * dw, s[2] * sh, s[3] * sw),
                      writeable=False)


def conv2d_forward(x, w, b, stride, padding, dilation, groups):
    N, C = x.shape[:2]
    K, Cg, R, S = w.shape
    Kg = K // groups
    cols = _cols(x, R, S, stride, padding, dilation)
    OH, OW = cols.shape[4:]
    y = np.empty((N, K, OH, OW), dtype=x.dtype)
    for g in range(groups):
        cg = cols[:, g * Cg:(g + 1) * Cg].reshape(N, Cg * R * S, OH * OW)
        wg = w[g * Kg:(g + 1) * Kg].reshape(Kg, Cg * R * S)
        y[:, g * Kg:(g + 1) * Kg] = np.matmul(wg, cg).reshape(N, Kg, OH, OW)
    if b is not None:
        y += b.reshape(1, K, 1, 1)
    return y


def conv2d_backward(dy, x, w, stride, padding, dilation, groups, need_dx=True, need_dw=True,
                    need_db=True):
    """(dx, dw, db); entries not needed are None."""
    N, C, H, W = x.shape
    K, Cg, R, S = w.shape
    Kg = K // groups
    (sh, sw), (ph, pw), (dh, dw_) = stride, padding, dilation
    OH, OW = dy.shape[2:]
    dx = dw = db = None
    if need_db:
        db = dy.sum(axis=(0, 2, 3), dtype=np.float64).astype(x.dtype)
    if need_dw:
        cols = _cols(x, R, S, stride, padding, dilation)
        dw = np.empty_like(w)
        for g in range(groups):
            cg = cols[:, g * Cg:(g + 1) * Cg].reshape(N, Cg * R * S, OH * OW)
            dyg = dy[:, g * Kg:(g + 1) * Kg].reshape(N, Kg, OH * OW)
            dw[g * Kg:(g + 1) * Kg] = np.tensordot(dyg, cg, axes=([0, 2], [0, 2])).reshape(
                Kg, Cg, R, S)
    if need_dx:
        dxp = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=x.dtype)
        for g in range(groups):
            wg = w[g * Kg:(g + 1) * Kg].reshape(Kg, Cg * R * S)
            dyg = dy[:, g * Kg:(g + 1) * Kg].reshape(N, Kg, OH * OW)
            dcol = np.matmul(wg.T, dyg).reshape(N, Cg, R, S, OH, OW)
            for r in range(R):
                for s in range(S):
                    h0, w0 = r * dh, s * dw_
                    dxp[:, g * Cg:(g + 1) * Cg, h0:h0 + sh * (OH - 1) + 1:sh,
                        w0:w0 + sw * (OW - 1) + 1:sw] += dcol[:, :, r, s]
        dx = np.ascontiguousarray(dxp[:, :, ph:ph + H, pw:pw + W])
    return dx, dw, db


# ---- transposed convolution: the conv's input-gradient path ---------------------
def transpose_out_size(size, k, stride, pad, dil, out_pad):
    return (size - 1) * stride - 2 * pad + dil * (k - 1) + out_pad + 1


def _transpose_geom(x_shape, w, stride, padding, output_padding, dilation, groups):
    """(output shape, conv-view rows/cols OH, OW) of conv_transpose2d."""
    N, _, H, W = x_shape
    _, Cog, R, S = w.shape
    Ho = transpose_out_size(H, R, stride[0], padding[0], dilation[0], output_padding[0])
    Wo = transpose_out_size(W, S, stride[1], padding[1], dilation[1], output_padding[1])
    OH = out_size(Ho, R, stride[0], padding[0], dilation[0])
    OW = out_size(Wo, S, stride[1], padding[1], dilation[1])
    return (N, Cog * groups, Ho, Wo), OH, OW


def pad_to(x, OH, OW):
    """x zero-extended at the bottom/right to (OH, OW) (output_padding >= stride)."""
    H, W = x.shape[2:]
    if (OH, OW) == (H, W):
        return x
    out = np.zeros(x.shape[:2] + (OH, OW), dtype=x.dtype)
    out[:, :, :H, :W] = x
    return out


def conv_transpose2d_forward(x, w, b, stride, padding, output_padding, dilation, groups):
    """y = conv_transpose2d(x, w) + b: x (N, Cin, H, W), w (Cin, Cout/groups, R, S)."""
    shape, OH, OW = _transpose_geom(x.shape, w, stride, padding, output_padding, dilation,
                                    groups)
    xs = np.zeros(shape, dtype=x.dtype)  # only its shape is used
    y = conv2d_backward(pad_to(x, OH, OW), xs, w, stride, padding, dilation, groups,
                        need_dx=True, need_dw=False, need_db=False)[0]
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def conv_transpose2d_backward(dy, x, w, stride, padding, output_padding, dilation, groups,
                              need_dx=True, need_dw=True, need_db=True):
    """(dx, dw, db) of conv_transpose2d; entries not needed are None."""
    H, W = x.shape[2:]
    dx = dw = db = None
    if need_dx:
        dx = np.ascontiguousarray(
            conv2d_forward(dy, w, None, stride, padding, dilation, groups)[:, :, :H, :W])
    if need_dw:
        OH = out_size(dy.shape[2], w.shape[2], stride[0], padding[0], dilation[0])
        OW = out_size(dy.shape[3], w.shape[3], stride[1], padding[1], dilation[1])
        dw = conv2d_backward(pad_to(x, OH, OW), dy, w, stride, padding, dilation, groups,
                             need_dx=False, need_dw=True, need_db=False)[1]
    if need_db:
        db = dy.sum(axis=(0, 2, 3), dtype=np.float64).astype(dy.dtype)
    return dx, dw, db
