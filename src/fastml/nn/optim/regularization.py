"""Regularisation helpers: gradient clipping and an L1 penalty term."""
import numpy as np

__all__ = ["clip_grad_norm_", "clip_grad_value_", "l1_penalty"]


def _with_grad(parameters):
    if hasattr(parameters, "data") and hasattr(parameters, "grad"):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so their joint norm is <= max_norm.

    Returns the total norm before clipping (as PyTorch does). norm_type may be
    any p >= 1 or inf. As torch: a NaN total norm (some gradient holds NaN)
    makes every gradient NaN, an infinite one zeroes the finite entries;
    error_if_nonfinite=True raises RuntimeError instead of scaling.
    """
    ps = _with_grad(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not max_norm >= 0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm!r}")
    if not norm_type >= 1:
        raise ValueError(f"norm_type must be >= 1 or inf, got {norm_type!r}")
    if not ps:
        return 0.0
    if norm_type == np.inf:  # np.max, not max(): NaN wins whatever its position
        total = float(np.max([np.abs(p.grad).max(initial=0.0) for p in ps]))
    else:
        total = float(sum(float(np.sum(np.abs(p.grad.astype(np.float64)) ** norm_type))
                          for p in ps) ** (1.0 / norm_type))
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm anyway, "
                           "set `error_if_nonfinite=False`")
    coef = max_norm / (total + 1e-6)
    if not coef >= 1:  # also NaN: torch multiplies by clamp(coef, max=1)
        with np.errstate(invalid="ignore"):  # inf * 0 -> NaN, as torch
            for p in ps:
                p.grad *= p.grad.dtype.type(coef)
    return total


def clip_grad_value_(parameters, clip_value):
    """Clip every gradient element to [-clip_value, clip_value]."""
    for p in _with_grad(parameters):
        np.clip(p.grad, -clip_value, clip_value, out=p.grad)


def l1_penalty(params, weight=1.0):
    """weight * sum_i |p_i| as a differentiable Tensor (add it to the loss)."""
    from ..tensor import Tensor

    total = None
    for p in params:
        term = p.abs().sum() if isinstance(p, Tensor) else Tensor(np.abs(p).sum())
        total = term if total is None else total + term
    if total is None:
        raise ValueError("l1_penalty got no parameters")
    return total * weight
