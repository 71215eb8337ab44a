"""Loss kernels (csrc/loss*.c: element-wise losses and fused cross-entropy
rows) behind one facade.

Contract (trusted): x and y are C-contiguous, of one float dtype and the same
shape; cross-entropy logits are 2-D (n, c), n >= 1, c >= 1, with C-contiguous
int64 targets in [0, c). Loss ids as in reference/loss.py.

The compiled kernels or their NumPy twins (reference/loss.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads
from .reference import loss as _reference
from .reference.loss import (BCE, BCE_LOGITS, HINGE, HINGE_EMBEDDING, HUBER, KL_DIV,  # noqa: F401
                             KL_DIV_LOG, L1, MSE)

_FUSED = {"f": "float", "d": "double"}  # explicit specialisation when an argument is None


def _cross_entropy(logits, target):
    """(per-row loss, per-row log-sum-exp), both (n,)."""
    if logits.size == 0:
        return _reference.cross_entropy(logits, target)
    n = logits.shape[0]
    loss = np.empty(n, dtype=logits.dtype)
    lse = np.empty(n, dtype=logits.dtype)
    _loss.ce_forward(loss, lse, logits, target, _threads())
    return loss, lse


def _cross_entropy_backward(dloss, logits, lse, target):
    """dloss: (n,) array or a float applied to every row."""
    if logits.size == 0:
        return _reference.cross_entropy_backward(dloss, logits, lse, target)
    d = np.asarray(dloss, dtype=logits.dtype)
    stride = 1 if d.ndim else 0
    d = d.reshape(-1) if d.ndim else d.reshape(1)
    dx = np.empty_like(logits)
    _loss.ce_backward(dx, np.ascontiguousarray(d), stride, logits, lse, target, _threads())
    return dx


def _cross_entropy_ex(logits, target, weight=None, smoothing=True):
    """(per-row loss, per-row log-sum-exp, per-row sum_j weight[j] log_softmax[i, j]
    or None when not smoothing); weight None means unit weights."""
    if logits.size == 0:
        return _reference.cross_entropy_ex(logits, target, weight, smoothing)
    n = logits.shape[0]
    loss = np.empty(n, dtype=logits.dtype)
    lse = np.empty(n, dtype=logits.dtype)
    wlp = np.empty(n, dtype=logits.dtype) if smoothing else None
    _loss.ce_forward_ex[_FUSED[logits.dtype.char]](loss, lse, wlp, logits, target, weight,
                                                   _threads())
    return loss, lse, wlp


def _cross_entropy_backward_ex(alpha, beta, gamma, weight, logits, lse, target):
    """alpha, beta, gamma: (n,) arrays of logits' dtype; see the twin."""
    if logits.size == 0:
        return _reference.cross_entropy_backward_ex(alpha, beta, gamma, weight, logits, lse,
                                                    target)
    dx = np.empty_like(logits)
    _loss.ce_backward_ex[_FUSED[logits.dtype.char]](dx, alpha, beta, gamma, weight, logits, lse,
                                                    target, _threads())
    return dx


def _pointwise(kind, x, y, param=0.0):
    out = np.empty_like(x)
    if x.size:
        _loss.loss_pointwise(out.reshape(-1), x.reshape(-1), y.reshape(-1), kind, param,
                             _threads())
    return out


def _pointwise_sum(kind, x, y, param=0.0):
    if not x.size:
        return 0.0
    return _loss.loss_pointwise_sum(x.reshape(-1), y.reshape(-1), kind, param, _threads())


def _pointwise_backward(kind, dout, x, y, param=0.0):
    """dout: an array shaped like x, or a float."""
    dx = np.empty_like(x)
    if not x.size:
        return dx
    if isinstance(dout, np.ndarray) and dout.ndim:
        d, stride = dout.reshape(-1), 1
    else:
        d, stride = np.full(1, dout, dtype=x.dtype), 0
    _loss.loss_pointwise_backward(dx.reshape(-1), d, stride, x.reshape(-1), y.reshape(-1), kind,
                                  param, _threads())
    return dx


if COMPILED:
    from . import _loss

    cross_entropy = _cross_entropy
    cross_entropy_backward = _cross_entropy_backward
    cross_entropy_ex = _cross_entropy_ex
    cross_entropy_backward_ex = _cross_entropy_backward_ex
    pointwise = _pointwise
    pointwise_sum = _pointwise_sum
    pointwise_backward = _pointwise_backward
else:
    from .reference.loss import (cross_entropy, cross_entropy_backward,  # noqa: F401
                                 cross_entropy_backward_ex, cross_entropy_ex, pointwise,
                                 pointwise_backward, pointwise_sum)
