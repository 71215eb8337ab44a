"""pad(input, pad, mode="constant", value=None) like torch.nn.functional.pad.

`pad` lists (before, after) pairs starting from the LAST dimension:
(left, right) pads the last dim, (left, right, top, bottom) the last two, ...
Modes: "constant" (any number of dims, negative widths crop), "reflect"
(mirror without repeating the edge, width < size), "replicate" (repeat the
edge) and "circular" (wrap around, width <= size); the last three pad the last
1, 2 or 3 dims of a 2-D to 5-D input, as torch.

A memory-bound copy: forward is one NumPy gather per padded dim, backward
adds the gradient of every padded cell back to the cell it copies (a loop over
the pad widths only, the interior is one slice). It is not a compiled kernel on
purpose: there is no arithmetic to speed up.
"""
import numpy as np

from ..tensor import Tensor, make_op

__all__ = ["pad"]

_NP_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _check_pad(pad, ndim):
    if not isinstance(pad, (tuple, list)) or len(pad) % 2 or not all(
            isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in pad):
        raise ValueError(f"pad must be a tuple of ints of even length, got {pad!r}")
    if len(pad) // 2 > ndim:
        raise ValueError(f"Padding length {len(pad)} is too large for a {ndim}-D input "
                         f"(at most {2 * ndim})")
    return [int(p) for p in pad]


def _index(n, before, after, mode):
    """Source index of every output position along one dim of length n."""
    return np.pad(np.arange(n), (before, after), mode=_NP_MODES[mode])


def pad(input, pad, mode="constant", value=None):
    x = input if isinstance(input, Tensor) else Tensor(np.asarray(input))
    ndim = x.data.ndim
    p = _check_pad(pad, ndim)
    npairs = len(p) // 2
    widths = [(0, 0)] * ndim
    for i in range(npairs):
        widths[ndim - 1 - i] = (p[2 * i], p[2 * i + 1])
    if mode == "constant":
        return _constant(x, widths, 0.0 if value is None else value)
    if mode not in _NP_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode!r}: expected 'constant', "
                                  "'reflect', 'replicate' or 'circular'")
    if value not in (None, 0, 0.0):
        raise ValueError(f"Padding mode {mode!r} doesn't take in value argument")
    if not (npairs <= 3 and ndim - npairs in (1, 2)):
        raise NotImplementedError(
            f"Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now "
            f"(mode={mode!r}, input of {ndim} dims, pad of length {len(p)})")
    shape = x.data.shape
    idx = {}
    for d in range(ndim - npairs, ndim):
        b, a, n = widths[d][0], widths[d][1], shape[d]
        if mode == "reflect" and (b >= n or a >= n):
            raise ValueError(f"Argument #4: Padding size should be less than the corresponding "
                             f"input dimension, but got: padding ({b}, {a}) at dimension {d} "
                             f"of input {tuple(shape)}")
        if mode == "circular" and (b > n or a > n):
            raise ValueError("Padding value causes wrapping around more than once: padding "
                             f"({b}, {a}) at dimension {d} of input {tuple(shape)}")
        if min(b, a) < 0:
            raise ValueError(f"pad: negative padding {(b, a)} needs mode='constant'")
        if b or a:
            idx[d] = _index(n, b, a, mode)
    y = x.data
    for d, ix in idx.items():
        y = np.take(y, ix, axis=d)
    y = np.ascontiguousarray(y)

    def backward(g):
        for d in sorted(idx, reverse=True):
            g = _fold(g, d, idx[d], widths[d], shape[d])
        return (g,)

    return make_op(y, (x,), backward)


def _fold(g, d, ix, width, n):
    """Sum g along dim d back onto the source cells ix (len(ix) = n + pads)."""
    b = width[0]
    g = np.moveaxis(g, d, 0)
    out = np.array(g[b:b + n])
    for j in list(range(b)) + list(range(b + n, len(ix))):
        out[ix[j]] += g[j]
    return np.moveaxis(out, 0, d)


def _constant(x, widths, value):
    shape = x.data.shape
    out_shape = tuple(n + b + a for n, (b, a) in zip(shape, widths))
    if min(out_shape) < 0:
        raise ValueError(f"pad: the padded size {out_shape} of input {tuple(shape)} is negative")
    y = np.full(out_shape, value, dtype=x.data.dtype)
    src, dst = [], []
    for n, (b, a) in zip(shape, widths):
        lo, hi = max(-b, 0), n - max(-a, 0)
        src.append(slice(lo, max(hi, lo)))
        dst.append(slice(lo + b, max(hi, lo) + b))
    src, dst = tuple(src), tuple(dst)
    y[dst] = x.data[src]

    def backward(g):
        dx = np.zeros(shape, dtype=g.dtype)
        dx[src] = g[dst]
        return (dx,)

    return make_op(y, (x,), backward)
