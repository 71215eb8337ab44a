"""Array helpers for autograd backward passes (pure NumPy, no Tensor)."""
import numpy as np


def unbroadcast(g, shape):
    """Sum g over the axes that broadcasting added or stretched to reach shape."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead > 0:
        g = g.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def norm_axes(axis, ndim):
    if isinstance(axis, (tuple, list)):
        return tuple(a % ndim for a in axis)
    return (axis % ndim,)


def expand_reduced(g, shape, axis, keepdims):
    """Broadcast the gradient of a reduction back to the input shape."""
    g = np.asarray(g)
    if axis is not None and not keepdims and len(shape):
        g = np.expand_dims(g, norm_axes(axis, len(shape)))
    return np.broadcast_to(g, shape)


def is_basic_index(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if not (i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice))) \
                or isinstance(i, bool):
            return False
    return True


def matmul_backward(a, b, g):
    """Gradients of np.matmul(a, b), with NumPy's 1-D promotion and batch broadcast."""
    if a.ndim == 1 and b.ndim == 1:
        return g * b, g * a
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = g
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if b.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    ga = unbroadcast(np.matmul(g2, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
    gb = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), g2), b2.shape).reshape(b.shape)
    return ga, gb
