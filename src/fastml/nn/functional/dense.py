"""linear(x, w, b=None): y = x @ w.T + b, w of shape (out_features, in_features)."""
from ..._kernels import dense as _k
from ..tensor import make_op
from ._util import DtypeMismatchError, contiguous, float_tensor

__all__ = ["linear"]

_ACTS = {None: _k.NONE, "relu": _k.RELU}


def linear(x, w, b=None, activation=None):
    """Fully connected layer on x (..., in) -> (..., out).

    activation=None or "relu" fuses a ReLU into the kernel's epilogue (same
    result as relu(linear(x, w, b)), one pass less).
    """
    x = float_tensor(x, "x")
    w = float_tensor(w, "weight")
    if activation not in _ACTS:
        raise ValueError(f"activation must be None or 'relu', got {activation!r}")
    act = _ACTS[activation]
    if w.ndim != 2:
        raise ValueError(f"weight must be 2-D (out_features, in_features), got shape {w.shape}")
    if x.ndim < 1 or x.shape[-1] != w.shape[1]:
        raise ValueError(f"x shape {x.shape} does not match weight shape {w.shape}: last dim "
                         f"must be in_features={w.shape[1]}")
    if x.dtype != w.dtype:
        raise DtypeMismatchError(f"x dtype {x.dtype} does not match weight dtype {w.dtype}")
    if b is not None:
        b = float_tensor(b, "bias")
        if b.shape != (w.shape[0],):
            raise ValueError(f"bias must have shape ({w.shape[0]},), got {b.shape}")
        if b.dtype != w.dtype:
            raise DtypeMismatchError(f"bias dtype {b.dtype} does not match weight dtype "
                                     f"{w.dtype}")
    xs = x.shape
    x2 = contiguous(x.data.reshape(-1, xs[-1]) if x.ndim != 2 else x.data)
    wd = contiguous(w.data)
    bd = None if b is None else contiguous(b.data)
    y = _k.linear_forward(x2, wd, bd, act)

    def backward(g):
        g2 = contiguous(g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g)
        dx, dw, db = _k.linear_backward(
            g2, x2, wd, x.requires_grad, w.requires_grad,
            b is not None and b.requires_grad, y, act)
        if dx is not None and len(xs) != 2:
            dx = dx.reshape(xs)
        return (dx, dw) if b is None else (dx, dw, db)

    if len(xs) != 2:
        y_out = y.reshape(xs[:-1] + (w.shape[0],))
    else:
        y_out = y
    return make_op(y_out, (x, w) if b is None else (x, w, b), backward)

