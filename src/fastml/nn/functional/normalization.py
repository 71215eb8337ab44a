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
from ._util import DtypeMismatchError, contiguous, float_tensor

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
                raise DtypeMismatchError(f"batch_norm: {name} dtype {t.dtype} does not match x dtype "
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


# ---- layer norm / group norm (compiled: fastml._kernels.layernorm) ----------
from ..._kernels import layernorm as _ln  # noqa: E402

__all__ += ["layer_norm", "group_norm"]


def _affine(t, name, shape, x):
    if t is None:
        return None
    t = float_tensor(t, name)
    if t.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {t.shape}")
    if t.dtype != x.dtype:
        raise DtypeMismatchError(f"{name} dtype {t.dtype} does not match input dtype {x.dtype}")
    return t


def _check_eps(eps):
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating, np.integer)) \
            or not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a non-negative number, got {eps!r}")
    return float(eps)


def _norm_backward(x, weight, bias, kernel):
    """The backward closure shared by layer_norm and group_norm: one kernel call
    returns (dx, dw, db), dx already of x's shape and owning its memory (a
    reshaped view would be copied again when it becomes x.grad); only the
    gradients that are needed are computed."""
    def backward(g):
        dx, dw, db = kernel(contiguous(g), need_dx=x.requires_grad,
                            need_dw=weight is not None and weight.requires_grad,
                            need_db=bias is not None and bias.requires_grad)
        out = [dx]
        if weight is not None:
            out.append(None if dw is None else dw.reshape(weight.shape))
        if bias is not None:
            out.append(None if db is None else db.reshape(bias.shape))
        return tuple(out)
    return backward


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing dims given by normalized_shape (biased
    variance), then scale by weight and shift by bias (both of that shape), like
    torch.nn.functional.layer_norm. Compiled forward/backward with the mean and
    1/std of each row saved for the backward."""
    x = float_tensor(input, "input")
    shape = (int(normalized_shape),) if isinstance(normalized_shape, (int, np.integer)) \
        else tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        raise ValueError(f"Given normalized_shape={list(shape)}, expected input with shape "
                         f"[*, {', '.join(map(str, shape))}], but got input of size "
                         f"{list(x.shape)}")
    eps = _check_eps(eps)
    weight = _affine(weight, "weight", shape, x)
    bias = _affine(bias, "bias", shape, x)
    n = int(np.prod(shape))
    xc = contiguous(x.data).reshape(-1, n)
    wc = None if weight is None else contiguous(weight.data).reshape(-1)
    bc = None if bias is None else contiguous(bias.data).reshape(-1)
    y, mean, rstd = _ln.layer_norm(xc, wc, bc, eps)
    parents = tuple(t for t in (x, weight, bias) if t is not None)

    def kernel(g, need_dx, need_dw, need_db):
        return _ln.layer_norm_backward(g.reshape(-1, n), xc, mean, rstd, wc, need_dx,
                                       need_dw, need_db, out_shape=x.shape)

    return make_op(y.reshape(x.shape), parents, _norm_backward(x, weight, bias, kernel))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalisation of (N, C, *) input: channels split into num_groups
    groups, each (sample, group) normalised over its channels and positions,
    then a per-channel affine, like torch.nn.functional.group_norm."""
    x = float_tensor(input, "input")
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)) \
            or num_groups < 1:
        raise ValueError(f"num_groups must be a positive int, got {num_groups!r}")
    G = int(num_groups)
    if x.ndim < 2 or x.shape[1] % G:
        raise ValueError(f"Expected number of channels in input to be divisible by "
                         f"num_groups, but got input of shape {list(x.shape)} and "
                         f"num_groups={G}")
    eps = _check_eps(eps)
    N, C = x.shape[0], x.shape[1]
    L = int(np.prod(x.shape[2:])) if x.ndim > 2 else 1
    if N * L == 1:  # torch's check (shared with batch_norm)
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {list(x.shape)}")
    weight = _affine(weight, "weight", (C,), x)
    bias = _affine(bias, "bias", (C,), x)
    xc = contiguous(x.data).reshape(N, C, L)
    wc = None if weight is None else contiguous(weight.data)
    bc = None if bias is None else contiguous(bias.data)
    y, mean, rstd = _ln.group_norm(xc, G, wc, bc, eps)
    parents = tuple(t for t in (x, weight, bias) if t is not None)

    def kernel(g, need_dx, need_dw, need_db):
        return _ln.group_norm_backward(g.reshape(N, C, L), xc, mean, rstd, wc, G, need_dx,
                                       need_dw, need_db, out_shape=x.shape)

    return make_op(y.reshape(x.shape), parents, _norm_backward(x, weight, bias, kernel))
