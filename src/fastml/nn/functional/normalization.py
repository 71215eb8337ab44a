"""batch_norm(x, running_mean, running_var, weight=None, bias=None,
training=False, momentum=0.1, eps=1e-5), like torch.nn.functional.batch_norm.

x is (N, C), (N, C, L) or (N, C, H, W); statistics per channel over every
other axis. Training normalises with the batch's biased variance and, when
running arrays are given, updates them in place (ndarray or Tensor .data)
with momentum and the unbiased variance; eval mode uses the running arrays.
Statistics are two-pass with float64 accumulation (compiled kernels behind
fastml._kernels.batchnorm).
"""
import numpy as np

from ..._kernels import batchnorm as _k
from ..tensor import Tensor, make_op
from ._util import contiguous, float_tensor

__all__ = ["batch_norm"]


def _running(a, name, C):
    if a is None:
        return None
    arr = a.data if isinstance(a, Tensor) else a
    if not isinstance(arr, np.ndarray) or arr.dtype.kind != "f":
        raise ValueError(f"{name} must be a floating ndarray or Tensor, got {type(a).__name__}")
    if arr.shape != (C,):
        raise ValueError(f"{name} must have shape ({C},), got {arr.shape}")
    return arr


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    x = float_tensor(x, "x")
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"batch_norm: x must be (N, C), (N, C, L) or (N, C, H, W), got shape "
                         f"{x.shape}")
    C = x.shape[1]
    M = x.data.size // max(C, 1)
    if C < 1 or M < 1:
        raise ValueError(f"batch_norm: empty input of shape {x.shape}")
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be a positive number, got {eps!r}")
    if momentum is None or not 0.0 <= float(momentum) <= 1.0:
        raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
    rm = _running(running_mean, "running_mean", C)
    rv = _running(running_var, "running_var", C)
    if (rm is None) != (rv is None):
        raise ValueError("running_mean and running_var must both be given or both be None")
    params = []
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None:
            t = float_tensor(t, name)
            if t.shape != (C,):
                raise ValueError(f"batch_norm: {name} must have shape ({C},), got {t.shape}")
            if t.dtype != x.dtype:
                raise ValueError(f"batch_norm: {name} dtype {t.dtype} does not match x dtype "
                                 f"{x.dtype}")
        params.append(t)
    weight, bias = params
    xc = contiguous(x.data)
    wc = None if weight is None else contiguous(weight.data)
    bc = None if bias is None else contiguous(bias.data)
    if training:
        if M < 2:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input shape {x.shape}")
        y, mean, invstd = _k.forward_train(xc, rm, rv, wc, bc, float(momentum), float(eps))
    else:
        if rm is None:
            raise ValueError("batch_norm: running_mean and running_var are required when "
                             "training=False")
        mean, invstd = _k.eval_stats(rm, rv, float(eps), x.dtype)
        y = _k.forward_eval(xc, mean, invstd, wc, bc)
    parents = tuple(t for t in (x, weight, bias) if t is not None)
    training = bool(training)

    def backward(g):
        dx, dw, db = _k.backward(contiguous(g), xc, mean, invstd, wc, training,
                                 need_dx=x.requires_grad,
                                 need_dw=weight is not None and weight.requires_grad,
                                 need_db=bias is not None and bias.requires_grad)
        out = [dx]
        if weight is not None:
            out.append(dw)
        if bias is not None:
            out.append(db)
        return tuple(out)

    return make_op(y, parents, backward)
