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
