"""NumPy twins of csrc/loss.c: fused cross-entropy rows and element-wise
losses, forward and backward (dtype in = dtype out).

Element-wise loss ids (shared with the C kernels): MSE=0, L1=1, HUBER=2
(param = delta), BCE=3 (input probabilities, logs clamped at -100 like
PyTorch), BCE_LOGITS=4, HINGE=5 (max(0, param - y*x) for y in {-1, +1}),
HINGE_EMBEDDING=6 (PyTorch: x where y == 1, max(0, param - x) where y == -1),
KL_DIV=7 (x = log q, y = p: y*(log y - x), 0 where y == 0),
KL_DIV_LOG=8 (y = log p: exp(y)*(y - x)).
"""
import numpy as np

MSE, L1, HUBER, BCE, BCE_LOGITS, HINGE, HINGE_EMBEDDING, KL_DIV, KL_DIV_LOG = range(9)


def cross_entropy(logits, target):
    """Per-row loss lse(logits[i]) - logits[i, target[i]] and the row
    log-sum-exp, for logits (n, c) and int64 target (n,)."""
    m = logits.max(axis=1)
    ls = np.log(np.exp(logits - m[:, None]).sum(axis=1))
    rows = np.arange(logits.shape[0])
    # (m - x_t) + log s rather than lse - x_t: a confident row keeps its tiny loss
    loss = (m - logits[rows, target]) + ls
    return loss.astype(logits.dtype), (m + ls).astype(logits.dtype)


def _target_minus_one(p, target):
    """p[i, t_i] -= 1 in place; where p[i, t_i] > 1/2 the result is formed as
    -sum_{j != t_i} p[i, j], which keeps a confident row's tiny gradient
    (1 - p_t rounds to 0 in float32)."""
    rows = np.arange(p.shape[0])
    pt = p[rows, target].copy()
    rest = p.sum(axis=1, dtype=np.float64) - pt
    p[rows, target] = np.where(pt > 0.5, -rest, pt - 1)


def cross_entropy_backward(dloss, logits, lse, target):
    """dlogits[i, j] = dloss[i] * (softmax(logits)[i, j] - [j == target[i]]);
    dloss is (n,) or a scalar applied to every row."""
    p = np.exp(logits - lse[:, None])
    _target_minus_one(p, target)
    d = np.asarray(dloss, dtype=logits.dtype)
    return (p * (d[:, None] if d.ndim else d)).astype(logits.dtype)


def cross_entropy_ex(logits, target, weight=None, smoothing=True):
    """cross_entropy plus, when smoothing, the per-row weighted sum of
    log-probabilities sum_j weight[j] (logits[i, j] - lse[i]) (weight None:
    weights 1; else None)."""
    rows, lse = cross_entropy(logits, target)
    wlp = None
    if smoothing:
        logp = logits - lse[:, None]
        wlp = (logp.sum(axis=1) if weight is None else logp @ weight).astype(logits.dtype)
    return rows, lse, wlp


def cross_entropy_backward_ex(alpha, beta, gamma, weight, logits, lse, target):
    """dlogits[i, j] = alpha[i] softmax(logits)[i, j] - gamma[i] weight[j]
    (weight None: 1), then dlogits[i, target[i]] -= beta[i]."""
    p = np.exp(logits - lse[:, None])
    plain = (gamma == 0) & (beta == alpha)  # class weights only: alpha (p - onehot)
    if plain.any():
        q = p[plain]
        _target_minus_one(q, target[plain])
        d = p * alpha[:, None]
        d[plain] = q * alpha[plain, None]
    else:
        d = p * alpha[:, None]
    d -= gamma[:, None] * (1 if weight is None else weight[None, :])
    rows = np.flatnonzero(~plain)
    d[rows, target[rows]] -= beta[rows]
    return d.astype(logits.dtype)


def pointwise(kind, x, y, param=0.0):
    """Element-wise loss of input x against target y (same shape)."""
    t = x.dtype.type
    if kind == MSE:
        out = (x - y) ** 2
    elif kind == L1:
        out = np.abs(x - y)
    elif kind == HUBER:
        d = np.abs(x - y)
        delta = t(param)
        out = np.where(d <= delta, t(0.5) * d * d, delta * (d - t(0.5) * delta))
    elif kind == BCE:
        lx = np.maximum(np.log(x), -100)
        l1x = np.maximum(np.log1p(-x), -100)
        out = -(y * lx + (1 - y) * l1x)
    elif kind == BCE_LOGITS:
        out = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    elif kind == HINGE:
        out = np.maximum(t(param) - y * x, 0)
    elif kind == HINGE_EMBEDDING:
        out = np.where(y == 1, x, np.maximum(t(param) - x, 0))
    elif kind == KL_DIV:
        safe = np.where(y > 0, y, 1)
        out = np.where(y > 0, y * (np.log(safe) - x), 0)
    elif kind == KL_DIV_LOG:
        out = np.exp(y) * (y - x)
    else:
        raise ValueError(f"unknown loss id {kind}")
    return out.astype(x.dtype, copy=False)


def pointwise_sum(kind, x, y, param=0.0):
    """Sum of the element-wise loss (accumulated in float64), as a Python float."""
    return float(pointwise(kind, x, y, param).sum(dtype=np.float64))


def pointwise_backward(kind, dout, x, y, param=0.0):
    """d loss / d x times dout (a scalar, or an array shaped like x)."""
    t = x.dtype.type
    if kind == MSE:
        g = 2 * (x - y)
    elif kind == L1:
        g = np.sign(x - y)
    elif kind == HUBER:
        g = np.clip(x - y, -t(param), t(param))
    elif kind == BCE:
        g = (x - y) / np.maximum((1 - x) * x, t(1e-12))
    elif kind == BCE_LOGITS:
        e = np.exp(-np.abs(x))
        g = np.where(x >= 0, 1 / (1 + e), e / (1 + e)) - y
    elif kind == HINGE:
        g = np.where(t(param) - y * x > 0, -y, 0)
    elif kind == HINGE_EMBEDDING:
        g = np.where(y == 1, 1, np.where(t(param) - x > 0, -1, 0))
    elif kind == KL_DIV:
        g = -y
    elif kind == KL_DIV_LOG:
        g = -np.exp(y)
    else:
        raise ValueError(f"unknown loss id {kind}")
    return (g * np.asarray(dout, dtype=x.dtype)).astype(x.dtype, copy=False)
