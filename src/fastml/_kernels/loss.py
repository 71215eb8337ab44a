"""Loss kernels (csrc/loss.c; cross-entropy rows in activation_simd.c) behind
one facade.

Contract (trusted): x and y are C-contiguous, of one float dtype and the same
shape; cross-entropy logits are 2-D (n, c), n >= 1, c >= 1, with C-contiguous
int64 targets in [0, c). Loss ids as in reference/loss.py.
"""
import numpy as np

from ._backend import COMPILED
from .reference import loss as _reference
from .reference.loss import (BCE, BCE_LOGITS, HINGE, HINGE_EMBEDDING, HUBER, KL_DIV,  # noqa: F401
                             KL_DIV_LOG, L1, MSE)

if COMPILED:
    from . import _nn

_FUSED = {"f": "float", "d": "double"}  # explicit specialisation when an argument is None


def cross_entropy(logits, target):
    """(per-row loss, per-row log-sum-exp), both (n,)."""
    if not COMPILED or logits.size == 0:
        return _reference.cross_entropy(logits, target)
    n = logits.shape[0]
    loss = np.empty(n, dtype=logits.dtype)
    lse = np.empty(n, dtype=logits.dtype)
    _nn.ce_forward(loss, lse, logits, target)
    return loss, lse


def cross_entropy_backward(dloss, logits, lse, target):
    """dloss: (n,) array or a float applied to every row."""
    if not COMPILED or logits.size == 0:
        return _reference.cross_entropy_backward(dloss, logits, lse, target)
    d = np.asarray(dloss, dtype=logits.dtype)
    stride = 1 if d.ndim else 0
    d = d.reshape(-1) if d.ndim else d.reshape(1)
    dx = np.empty_like(logits)
    _nn.ce_backward(dx, np.ascontiguousarray(d), stride, logits, lse, target)
    return dx


def cross_entropy_ex(logits, target, weight=None, smoothing=True):
    """(per-row loss, per-row log-sum-exp, per-row sum_j weight[j] log_softmax[i, j]
    or None when not smoothing); weight None means unit weights."""
    if not COMPILED or logits.size == 0:
        return _reference.cross_entropy_ex(logits, target, weight, smoothing)
    n = logits.shape[0]
    loss = np.empty(n, dtype=logits.dtype)
    lse = np.empty(n, dtype=logits.dtype)
    wlp = np.empty(n, dtype=logits.dtype) if smoothing else None
    _nn.ce_forward_ex[_FUSED[logits.dtype.char]](loss, lse, wlp, logits, target, weight)
    return loss, lse, wlp


def cross_entropy_backward_ex(alpha, beta, gamma, weight, logits, lse, target):
    """alpha, beta, gamma: (n,) arrays of logits' dtype; see the twin."""
    if not COMPILED or logits.size == 0:
        return _reference.cross_entropy_backward_ex(alpha, beta, gamma, weight, logits, lse,
                                                    target)
    dx = np.empty_like(logits)
    _nn.ce_backward_ex[_FUSED[logits.dtype.char]](dx, alpha, beta, gamma, weight, logits, lse,
                                                  target)
    return dx


def pointwise(kind, x, y, param=0.0):
    if not COMPILED:
        return _reference.pointwise(kind, x, y, param)
    out = np.empty_like(x)
    if x.size:
        _nn.loss_pointwise(out.reshape(-1), x.reshape(-1), y.reshape(-1), kind, param)
    return out


def pointwise_sum(kind, x, y, param=0.0):
    if not COMPILED:
        return _reference.pointwise_sum(kind, x, y, param)
    if not x.size:
        return 0.0
    return _nn.loss_pointwise_sum(x.reshape(-1), y.reshape(-1), kind, param)


def pointwise_backward(kind, dout, x, y, param=0.0):
    """dout: an array shaped like x, or a float."""
    if not COMPILED:
        return _reference.pointwise_backward(kind, dout, x, y, param)
    dx = np.empty_like(x)
    if not x.size:
        return dx
    if isinstance(dout, np.ndarray) and dout.ndim:
        d, stride = dout.reshape(-1), 1
    else:
        d, stride = np.full(1, dout, dtype=x.dtype), 0
    _nn.loss_pointwise_backward(dx.reshape(-1), d, stride, x.reshape(-1), y.reshape(-1), kind,
                                param)
    return dx
