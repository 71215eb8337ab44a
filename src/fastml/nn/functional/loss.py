"""Losses. reduction: "mean" (default), "sum" or "none" (per element/sample).

cross_entropy fuses log-softmax and the negative log-likelihood per row;
the element-wise losses are one fused C pass (summed in float64 when
reduced). Gradients flow to the input; mse/l1/huber also to a target that
requires grad (targets of the other losses are treated as constants).
"""
import numpy as np

from ..._kernels import loss as _k
from ..tensor import Tensor, make_op
from ._util import check_reduction, contiguous, float_tensor, target_array

__all__ = ["cross_entropy", "nll_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "mse_loss", "l1_loss", "huber_loss",
           "smooth_l1_loss", "hinge_loss", "hinge_embedding_loss", "kl_div"]


def cross_entropy(logits, target, reduction="mean", *, weight=None, ignore_index=-100,
                  label_smoothing=0.0):
    """Softmax cross-entropy with class-index targets, like
    torch.nn.functional.cross_entropy.

    logits (N, C) or (N, C, d1, ...); target integer (N,) or (N, d1, ...) with
    values in [0, C) or equal to ignore_index (those samples add nothing and
    leave the mean's denominator). weight: (C,) class weights (constants, no
    gradient); the mean divides by the summed weights of the targets.
    label_smoothing in [0, 1]: (1 - s) * nll + s/C * sum_c -weight[c] log p_c.
    Without weight, ignored samples and smoothing, equals
    nll_loss(log_softmax(logits, 1), target).
    """
    x = float_tensor(logits, "logits")
    check_reduction(reduction)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if x.ndim < 2:
        raise ValueError(f"logits must be at least 2-D (N, C), got shape {x.shape}")
    if t.dtype.kind not in "iu":
        if t.dtype.kind == "f" and t.size and np.all(t == np.round(t)):
            pass  # float class indices (e.g. a float32 Tensor of labels) are accepted
        else:
            raise ValueError(f"target must hold integer class indices, got dtype {t.dtype}")
    expected = (x.shape[0],) + x.shape[2:]
    if t.shape != expected:
        raise ValueError(f"target shape {t.shape} does not match logits shape {x.shape}: "
                         f"expected {expected}")
    c = x.shape[1]
    a = x.data
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    w = None
    if weight is not None:
        w = np.asarray(weight.data if isinstance(weight, Tensor) else weight)
        if w.shape != (c,) or w.dtype.kind not in "fiu":
            raise ValueError(f"weight must be a numeric array of shape ({c},), got "
                             f"{w.dtype} {w.shape}")
        w = contiguous(w.astype(a.dtype, copy=False))
    t = t.astype(np.int64, copy=False).reshape(-1)
    ign = t == int(ignore_index)
    bad = (t < 0) | (t >= c)
    if t.size and (bad & ~ign).any():
        raise ValueError(f"target value {t[bad & ~ign][0]} is out of range for {c} classes "
                         f"(ignore_index={ignore_index})")
    has_ign = bool(ign.any())
    if has_ign:
        t = np.where(ign, 0, t)  # any valid index: those rows are masked
    t = contiguous(t)
    nd = a.ndim
    if nd == 2:
        x2 = contiguous(a)
    else:  # (N, C, d...) -> (N*d..., C)
        x2 = contiguous(np.moveaxis(a, 1, -1).reshape(-1, c))

    def unflatten(dx2):
        if nd == 2:
            return dx2
        shp = (a.shape[0],) + a.shape[2:] + (c,)
        return np.moveaxis(dx2.reshape(shp), -1, 1)

    if w is None and not has_ign and eps == 0.0:
        return _plain_cross_entropy(x, target, x2, t, reduction, expected, unflatten)
    return _general_cross_entropy(x, target, x2, t, w, ign, eps, reduction, expected,
                                  unflatten)


def _plain_cross_entropy(x, target, x2, t, reduction, expected, unflatten):
    rows, lse = _k.cross_entropy(x2, t)
    n = rows.shape[0]
    if reduction == "none":
        out = rows.reshape(expected)
    else:
        s = rows.sum(dtype=np.float64)
        if reduction == "mean":  # mean of an empty batch is NaN, as torch
            s = s / n if n else float("nan")
        out = np.asarray(s, dtype=x2.dtype)

    def backward(g):
        if reduction == "none":
            d = contiguous(g.reshape(-1))
        else:
            d = float(g) / n if reduction == "mean" and n else float(g)
        return (unflatten(_k.cross_entropy_backward(d, x2, lse, t)), None)

    return make_op(out, (x, target), backward)


def _general_cross_entropy(x, target, x2, t, w, ign, eps, reduction, expected, unflatten):
    """Class weights, ignored samples and/or label smoothing (PyTorch's
    definitions); per-row terms combined in float64."""
    c = x2.shape[1]
    rows, lse, wlp = _k.cross_entropy_ex(x2, t, w, smoothing=eps > 0)
    keep = (~ign).astype(np.float64)
    wt = keep if w is None else w.astype(np.float64)[t] * keep  # weight of each row's target
    per_row = (1 - eps) * wt * rows
    if eps > 0:
        per_row = per_row - (eps / c) * keep * wlp
    denom = wt.sum()
    if reduction == "none":
        out = per_row.astype(x2.dtype).reshape(expected)
    else:
        s = per_row.sum()
        if reduction == "mean":
            s = s / denom if denom != 0 else float("nan")
        out = np.asarray(s, dtype=x2.dtype)
    wsum = float(c) if w is None else float(w.astype(np.float64).sum())

    def backward(g):
        if reduction == "none":
            d = g.reshape(-1).astype(np.float64)
        elif reduction == "sum":
            d = float(g)
        else:
            # as torch: ignored rows get 0 even when nothing counts (denom 0, loss
            # NaN); rows that count but have total weight 0 get NaN (0 / 0)
            with np.errstate(divide="ignore"):
                d = np.where(ign, 0.0, np.float64(g) / denom)
        with np.errstate(invalid="ignore"):
            beta = (1 - eps) * wt * d             # -d/dx at the target
            gamma = (eps / c) * keep * d          # smoothing: times weight[j]
            alpha = beta + gamma * wsum           # times softmax
        dt = x2.dtype
        dx2 = _k.cross_entropy_backward_ex(alpha.astype(dt), beta.astype(dt), gamma.astype(dt),
                                           w, x2, lse, t)
        return (unflatten(dx2), None)

    return make_op(out, (x, target), backward)


def nll_loss(log_probs, target, reduction="mean"):
    """Negative log-likelihood of class indices given log-probabilities (N, C)."""
    x = float_tensor(log_probs, "log_probs")
    check_reduction(reduction)
    if x.ndim != 2:
        raise ValueError(f"log_probs must be 2-D (N, C), got shape {x.shape}")
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if t.shape != (x.shape[0],) or t.dtype.kind not in "iu":
        raise ValueError(f"target must be integer of shape ({x.shape[0]},), got {t.dtype} "
                         f"{t.shape}")
    if t.size and (t.min() < 0 or t.max() >= x.shape[1]):
        raise ValueError(f"target values must be in [0, {x.shape[1]})")
    picked = -x[np.arange(x.shape[0]), t]
    if reduction == "none":
        return picked
    return picked.sum() if reduction == "sum" else picked.mean()


def _pointwise(kind, x, target, param, reduction, name="input", grad_target=False):
    check_reduction(reduction, ("mean", "sum", "none", "batchmean"))
    xd = contiguous(x.data)
    yd = target_array(target, xd)
    t_req = grad_target and isinstance(target, Tensor) and target.requires_grad
    if reduction == "none":
        out = _k.pointwise(kind, xd, yd, param)
    else:
        s = _k.pointwise_sum(kind, xd, yd, param)
        if reduction == "mean":
            s = s / xd.size if xd.size else float("nan")
        elif reduction == "batchmean":
            s = s / xd.shape[0] if xd.ndim else s
        out = np.asarray(s, dtype=xd.dtype)
    n = xd.size
    n0 = xd.shape[0] if xd.ndim else 1

    def backward(g):
        if reduction == "none":
            d = contiguous(g)
        else:
            d = float(g)
            if reduction == "mean":  # an empty mean is NaN, its (empty) gradient too
                d = d / n if n else float("nan")
            elif reduction == "batchmean":
                d = d / n0 if n0 else float("nan")
        dx = _k.pointwise_backward(kind, d, xd, yd, param)
        return dx if x.requires_grad else None, (-dx if t_req else None)

    return make_op(out, (x, target), backward)


def mse_loss(input, target, reduction="mean"):
    return _pointwise(_k.MSE, float_tensor(input, "input"), target, 0.0, reduction,
                      grad_target=True)


def l1_loss(input, target, reduction="mean"):
    return _pointwise(_k.L1, float_tensor(input, "input"), target, 0.0, reduction,
                      grad_target=True)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5 d^2 where |d| <= delta, else delta (|d| - delta / 2), d = input - target."""
    if not delta > 0:
        raise ValueError(f"delta must be > 0, got {delta!r}")
    return _pointwise(_k.HUBER, float_tensor(input, "input"), target, float(delta), reduction,
                      grad_target=True)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """PyTorch's smooth L1 = huber_loss(delta=beta) / beta."""
    return huber_loss(input, target, reduction, beta) * (1.0 / beta)


def binary_cross_entropy(input, target, reduction="mean"):
    """-(y log x + (1 - y) log(1 - x)) for probabilities x in [0, 1]; logs are
    clamped at -100 like PyTorch."""
    x = float_tensor(input, "input")
    if x.data.size and (np.min(x.data) < 0 or np.max(x.data) > 1):
        raise ValueError("binary_cross_entropy: input must be probabilities in [0, 1]")
    return _pointwise(_k.BCE, x, target, 0.0, reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Stable max(x, 0) - x y + log(1 + exp(-|x|))."""
    return _pointwise(_k.BCE_LOGITS, float_tensor(input, "input"), target, 0.0, reduction)


def _pm1_target(target, name):
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.size and not np.all((t == 1) | (t == -1)):
        raise ValueError(f"{name}: target values must be -1 or +1")


def hinge_loss(input, target, margin=1.0, reduction="mean"):
    """Classic (SVM) hinge loss for labels y in {-1, +1}: max(0, margin - y x).

    For PyTorch's distance-based variant see hinge_embedding_loss."""
    x = float_tensor(input, "input")
    _pm1_target(target, "hinge_loss")
    return _pointwise(_k.HINGE, x, target, float(margin), reduction)


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """PyTorch's hinge_embedding_loss: x where y == 1, max(0, margin - x) where y == -1."""
    x = float_tensor(input, "input")
    _pm1_target(target, "hinge_embedding_loss")
    return _pointwise(_k.HINGE_EMBEDDING, x, target, float(margin), reduction)


def kl_div(input, target, reduction="mean", log_target=False):
    """PyTorch semantics: input holds log-probabilities log q, target holds p
    (or log p with log_target=True); loss = p (log p - log q), 0 where p == 0.
    reduction "batchmean" divides the sum by the batch size (the true KL)."""
    x = float_tensor(input, "input")
    return _pointwise(_k.KL_DIV_LOG if log_target else _k.KL_DIV, x, target, 0.0, reduction)
