"""Loss modules in PyTorch's spelling: ``nn.CrossEntropyLoss()(logits, target)``.

Each wraps a fastml.nn.functional loss (compiled forward/backward) where one
exists; the options the functional forms lack (class weights for NLL and BCE,
``pos_weight``, soft targets, margin and cosine losses) are built from Tensor
ops, so their gradients come from autograd. Results equal torch's.
"""
import numpy as np

from .. import functional as F
from ..tensor import Tensor, as_tensor
from .module import Module

__all__ = ["CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss",
           "HuberLoss", "SmoothL1Loss", "KLDivLoss", "HingeEmbeddingLoss", "MarginRankingLoss",
           "CosineEmbeddingLoss"]

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(value, allowed=_REDUCTIONS):
    if value not in allowed:
        raise ValueError(f"reduction must be one of {allowed}, got {value!r}")
    return value


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _const(x, like):
    """A constant (no-grad) array of like's float dtype, or None."""
    if x is None:
        return None
    arr = x.data if isinstance(x, Tensor) else np.asarray(x)
    return arr.astype(as_tensor(like).dtype, copy=False)


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = _reduction(reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy. Targets are class indices (N,) / (N, d1, ...) or
    class probabilities shaped like the input (soft targets, as torch >= 1.10)."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        if not 0.0 <= float(label_smoothing) <= 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
        self.weight = weight
        self.ignore_index = int(ignore_index)
        self.label_smoothing = float(label_smoothing)

    def forward(self, input, target):
        x = as_tensor(input)
        t = target.data if isinstance(target, Tensor) else np.asarray(target)
        if t.dtype.kind == "f":  # probabilities per class
            if t.shape != x.shape:
                raise ValueError(f"soft targets must have the input's shape {x.shape}, "
                                 f"got {t.shape}")
            return self._soft(x, target)
        w = None if self.weight is None else _const(self.weight, x)
        return F.cross_entropy(x, target, self.reduction, weight=w,
                               ignore_index=self.ignore_index,
                               label_smoothing=self.label_smoothing)

    def _soft(self, x, target):
        c = x.shape[1]
        p = target if isinstance(target, Tensor) else Tensor(_const(target, x))
        if self.label_smoothing:
            p = p * (1 - self.label_smoothing) + self.label_smoothing / c
        logp = F.log_softmax(x, 1)
        if self.weight is not None:
            w = _const(self.weight, x).reshape((1, c) + (1,) * (x.ndim - 2))
            logp = logp * Tensor(w)
        per = -(p * logp).sum(dim=1)
        if self.reduction == "mean":
            return per.sum() / (x.data.size // c if x.data.size else 0)
        return _reduce(per, self.reduction)


class NLLLoss(_Loss):
    """Negative log-likelihood of class indices given log-probabilities (N, C)."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = int(ignore_index)

    def forward(self, input, target):
        x = as_tensor(input)
        t = np.asarray(target.data if isinstance(target, Tensor) else target)
        if self.weight is None and not (t == self.ignore_index).any():
            return F.nll_loss(x, t, self.reduction)
        if x.ndim != 2 or t.shape != (x.shape[0],) or t.dtype.kind not in "iu":
            raise ValueError(f"NLLLoss: input (N, C) and integer target (N,) expected, got "
                             f"{x.shape} and {t.dtype} {t.shape}")
        keep = t != self.ignore_index
        tt = np.where(keep, t, 0)
        if keep.any() and (tt.min() < 0 or tt.max() >= x.shape[1]):
            raise ValueError(f"target values must be in [0, {x.shape[1]})")
        w = (np.ones(x.shape[1], x.dtype) if self.weight is None
             else _const(self.weight, x)).copy()
        wt = np.where(keep, w[tt], 0).astype(x.dtype)
        per = -x[np.arange(x.shape[0]), tt] * Tensor(wt)
        if self.reduction == "mean":
            return per.sum() / wt.sum()
        return _reduce(per, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities; ``weight`` rescales each element."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input, target):
        if self.weight is None:
            return F.binary_cross_entropy(input, target, self.reduction)
        loss = F.binary_cross_entropy(input, target, "none")
        return _reduce(loss * Tensor(_const(self.weight, loss)), self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable step; ``pos_weight`` scales
    the positive term per class, ``weight`` each element."""

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input, target):
        if self.pos_weight is None:
            loss = F.binary_cross_entropy_with_logits(input, target, "none" if
                                                      self.weight is not None else
                                                      self.reduction)
            if self.weight is None:
                return loss
        else:
            x = as_tensor(input)
            y = target if isinstance(target, Tensor) else Tensor(_const(target, x))
            pw = Tensor(_const(self.pos_weight, x))
            # (1 - y) x + (1 + (pw - 1) y) softplus(-x), softplus(-x) = log1p(exp(-|x|)) + relu(-x)
            soft = (-(x.abs())).exp().log1p() + (-x).relu()
            loss = (1 - y) * x + (1 + (pw - 1) * y) * soft
        if self.weight is not None:
            loss = loss * Tensor(_const(self.weight, loss))
        return _reduce(loss, self.reduction)


class MSELoss(_Loss):
    """Mean squared error ``(input - target)^2`` between tensors of the same shape.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages the per-element losses, ``"sum"`` adds them, ``"none"``
        returns them with the input's shape.

    See Also
    --------
    fastml.nn.functional.mse_loss : the same loss as a function.
    L1Loss, HuberLoss : losses less sensitive to outliers.

    Examples
    --------
    >>> from fastml import nn
    >>> loss = nn.MSELoss()(nn.tensor([1.0, 2.0, 4.0]), nn.tensor([1.5, 2.0, 1.0]))
    >>> round(float(loss), 4)
    3.0833
    """
    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error ``|input - target|`` between tensors of the same shape.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages the per-element losses, ``"sum"`` adds them, ``"none"``
        returns them with the input's shape.

    See Also
    --------
    fastml.nn.functional.l1_loss : the same loss as a function.
    MSELoss : the squared error.

    Examples
    --------
    >>> from fastml import nn
    >>> loss = nn.L1Loss()(nn.tensor([1.0, 2.0, 4.0]), nn.tensor([1.5, 2.0, 1.0]))
    >>> round(float(loss), 4)
    1.1667
    """
    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Huber loss: ``0.5 d^2`` where ``|d| <= delta``, else
    ``delta (|d| - 0.5 delta)``, with ``d = input - target``.

    Quadratic near zero, linear in the tails (as torch's ``HuberLoss``).

    Parameters
    ----------
    delta : float, default=1.0
        Where the loss turns from quadratic to linear (positive).
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages the per-element losses, ``"sum"`` adds them, ``"none"``
        returns them with the input's shape.

    See Also
    --------
    SmoothL1Loss : the same loss divided by ``beta``.
    fastml.nn.functional.huber_loss : the same loss as a function.

    Examples
    --------
    >>> from fastml import nn
    >>> loss = nn.HuberLoss(delta=1.0)(nn.tensor([1.0, 2.0, 4.0]),
    ...                                nn.tensor([1.5, 2.0, 1.0]))
    >>> round(float(loss), 4)
    0.875
    """
    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = float(delta)

    def forward(self, input, target):
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss: ``0.5 d^2 / beta`` where ``|d| < beta``, else
    ``|d| - 0.5 beta``, with ``d = input - target`` (``HuberLoss / beta``).

    ``beta=0`` is the plain L1 loss, as in torch.

    Parameters
    ----------
    beta : float, default=1.0
        Where the loss turns from quadratic to linear (non-negative).
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages the per-element losses, ``"sum"`` adds them, ``"none"``
        returns them with the input's shape.

    See Also
    --------
    HuberLoss : the same loss scaled by ``delta``.
    fastml.nn.functional.smooth_l1_loss : the same loss as a function.

    Examples
    --------
    >>> from fastml import nn
    >>> loss = nn.SmoothL1Loss(beta=1.0)(nn.tensor([1.0, 2.0, 4.0]),
    ...                                  nn.tensor([1.5, 2.0, 1.0]))
    >>> round(float(loss), 4)
    0.875
    """
    def __init__(self, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = float(beta)

    def forward(self, input, target):
        if self.beta == 0.0:  # torch: plain L1
            return F.l1_loss(input, target, self.reduction)
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class KLDivLoss(_Loss):
    """KL divergence; input holds log-probabilities. Use reduction="batchmean"
    for the true KL (torch warns that "mean" divides by every element)."""

    def __init__(self, reduction="mean", log_target=False):
        Module.__init__(self)
        self.reduction = _reduction(reduction, _REDUCTIONS + ("batchmean",))
        self.log_target = bool(log_target)

    def forward(self, input, target):
        return F.kl_div(input, target, self.reduction, self.log_target)


class HingeEmbeddingLoss(_Loss):
    """Hinge embedding loss for targets ``y`` in {1, -1}: ``x`` where ``y = 1``,
    ``max(0, margin - x)`` where ``y = -1`` (``x`` is typically a distance).

    Parameters
    ----------
    margin : float, default=1.0
        Distance below which a dissimilar pair (``y = -1``) is penalised.
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages the per-element losses, ``"sum"`` adds them, ``"none"``
        returns them with the input's shape.

    See Also
    --------
    fastml.nn.functional.hinge_embedding_loss : the same loss as a function.
    MarginRankingLoss : a hinge on the difference of two inputs.

    Examples
    --------
    >>> from fastml import nn
    >>> x = nn.tensor([0.3, 0.2, 2.0])
    >>> y = nn.tensor([1.0, -1.0, -1.0])
    >>> loss = nn.HingeEmbeddingLoss(margin=1.0)(x, y)
    >>> round(float(loss), 4)
    0.3667
    """
    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = float(margin)

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, self.margin, self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, -y (x1 - x2) + margin) for y in {1, -1}."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = float(margin)

    def forward(self, input1, input2, target):
        x1 = as_tensor(input1)
        y = target if isinstance(target, Tensor) else Tensor(_const(target, x1))
        return _reduce((-y * (x1 - input2) + self.margin).relu(), self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) where y = 1; max(0, cos(x1, x2) - margin) where y = -1."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = float(margin)

    def forward(self, input1, input2, target):
        x1, x2 = as_tensor(input1), as_tensor(input2)
        t = np.asarray(target.data if isinstance(target, Tensor) else target)
        if not np.all((t == 1) | (t == -1)):
            raise ValueError("CosineEmbeddingLoss: target values must be 1 or -1")
        eps = 1e-12  # EPSILON of the reference formula (added to each squared norm)
        dot = (x1 * x2).sum(dim=-1)
        n1 = (x1 * x1).sum(dim=-1) + eps
        n2 = (x2 * x2).sum(dim=-1) + eps
        cos = dot / (n1 * n2).sqrt()
        pos = Tensor((t == 1).astype(cos.dtype))
        loss = pos * (1 - cos) + (1 - pos) * (cos - self.margin).relu()
        return _reduce(loss, self.reduction)
