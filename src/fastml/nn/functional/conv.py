"""conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1).

NCHW cross-correlation like torch.nn.functional.conv2d: x (N, C, H, W) or
unbatched (C, H, W), w (K, C/groups, R, S), b (K) or None; padding may also be
"valid" or "same" (stride 1). Forward and backward are compiled kernels behind
fastml._kernels.conv2d (float32: fastml's own GEMM kernels reading the padded
image in place; float64: im2col panels + BLAS).

Thread count: float32 results are bitwise the same for any thread count.
float64 results may differ between thread counts in the last bits (a few ulp
of the largest output, ~1e-15 relative): the BLAS product is split into one
block of rows or columns per thread, and the BLAS's summation order depends
on the block's shape.
"""
import numpy as np

from ..._kernels import conv2d as _k
from ..tensor import make_op
from ._util import DtypeMismatchError, contiguous, float_tensor

__all__ = ["conv2d", "conv1d", "conv_transpose2d", "conv_transpose1d"]


def _pair(v, name, minimum):
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = (int(v), int(v))
    elif isinstance(v, (tuple, list)) and len(v) == 2 and all(
            isinstance(e, (int, np.integer)) and not isinstance(e, bool) for e in v):
        v = (int(v[0]), int(v[1]))
    else:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    if min(v) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v!r}")
    return v


def _padding(padding, stride, dilation, R, S):
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions "
                                 f"(needs stride 1), got stride {stride!r}")
            eh, ew = dilation[0] * (R - 1), dilation[1] * (S - 1)
            return (eh // 2, ew // 2)  # an odd total adds one more row/column at the end
        raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    return _pair(padding, "padding", 0)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    x = float_tensor(x, "x")
    w = float_tensor(w, "weight")
    if x.ndim not in (3, 4):
        raise ValueError(f"conv2d: x must be 4-D (N, C, H, W) or 3-D (C, H, W), got shape "
                         f"{x.shape}")
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (K, C/groups, R, S), got shape {w.shape}")
    if w.dtype != x.dtype:
        raise DtypeMismatchError(f"conv2d: weight dtype {w.dtype} does not match x dtype {x.dtype}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    groups = int(groups)
    stride = _pair(stride, "stride", 1)
    dilation = _pair(dilation, "dilation", 1)
    K, Cg, R, S = w.shape
    same = isinstance(padding, str) and padding == "same"
    padding = _padding(padding, stride, dilation, R, S)
    if same and (dilation[0] * (R - 1) % 2 or dilation[1] * (S - 1) % 2):
        from .padding import pad  # torch's "same" for an even reach: the extra cell at the end
        x = pad(x, (0, dilation[1] * (S - 1) % 2, 0, dilation[0] * (R - 1) % 2))
    unbatched = x.ndim == 3
    xd = x.data[None] if unbatched else x.data
    N, C, H, W = xd.shape
    if C % groups:
        raise ValueError(f"groups={groups} does not divide the {C} input channels")
    if K % groups:
        raise ValueError(f"groups={groups} does not divide the {K} output channels")
    if Cg * groups != C:
        raise ValueError(f"conv2d: channel mismatch: x has {C} channels, weight expects "
                         f"{Cg} x groups={groups} = {Cg * groups}")
    if min(K, Cg, R, S) < 1 or min(N, H, W) < 1:
        raise ValueError(f"conv2d: empty input or weight (x {x.shape}, weight {w.shape})")
    eh, ew = dilation[0] * (R - 1) + 1, dilation[1] * (S - 1) + 1
    if H + 2 * padding[0] < eh or W + 2 * padding[1] < ew:
        raise ValueError(f"conv2d: kernel {(R, S)} (dilated {(eh, ew)}) is larger than the "
                         f"padded input {(H + 2 * padding[0], W + 2 * padding[1])}")
    if b is not None:
        b = float_tensor(b, "bias")
        if b.shape != (K,):
            raise ValueError(f"conv2d: bias must have shape ({K},), got {b.shape}")
        if b.dtype != x.dtype:
            raise DtypeMismatchError(f"conv2d: bias dtype {b.dtype} does not match x dtype {x.dtype}")
    xc, wc = contiguous(xd), contiguous(w.data)
    bc = None if b is None else contiguous(b.data)
    y = _k.conv2d_forward(xc, wc, bc, stride, padding, dilation, groups)
    parents = (x, w) if b is None else (x, w, b)

    def backward(g):
        gc = contiguous(g.reshape(y.shape))
        dx, dw, db = _k.conv2d_backward(
            gc, xc, wc, stride, padding, dilation, groups,
            need_dx=x.requires_grad, need_dw=w.requires_grad,
            need_db=b is not None and b.requires_grad)
        if dx is not None and unbatched:
            dx = dx[0]
        return (dx, dw) if b is None else (dx, dw, db)

    return make_op(y[0] if unbatched else y, parents, backward)




def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation like torch.nn.functional.conv1d: input (N, C, L) or
    (C, L), weight (K, C/groups, k); runs on the 2-D kernels with H = 1."""
    x = float_tensor(input, "input")
    w = float_tensor(weight, "weight")
    if x.ndim not in (2, 3):
        raise ValueError(f"conv1d: input must be 3-D (N, C, L) or 2-D (C, L), got shape "
                         f"{x.shape}")
    if w.ndim != 3:
        raise ValueError(f"conv1d: weight must be 3-D (K, C/groups, k), got shape {w.shape}")
    st, dl = _single(stride, "stride", 1), _single(dilation, "dilation", 1)
    pd = padding if isinstance(padding, str) else _single(padding, "padding", 0)
    y = conv2d(x.unsqueeze(-2), w.unsqueeze(-2), bias, (1, st), pd if isinstance(pd, str)
               else (0, pd), (1, dl), groups)
    return y.squeeze(-2)


def _single(v, name, minimum):
    if isinstance(v, (tuple, list)) and len(v) == 1:
        v = v[0]
    return _pair(v, name, minimum)[0]


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 2-D convolution like torch.nn.functional.conv_transpose2d (the
    gradient of conv2d with respect to its input): input (N, Cin, H, W) or
    (Cin, H, W), weight (Cin, Cout/groups, R, S), output (N, Cout, Ho, Wo) with
    Ho = (H - 1)*stride - 2*padding + dilation*(R - 1) + output_padding + 1.
    Compiled: the forward runs conv2d's input-gradient kernels (GEMM + col2im),
    the backward conv2d's forward and weight-gradient kernels."""
    x = float_tensor(input, "input")
    w = float_tensor(weight, "weight")
    if x.ndim not in (3, 4):
        raise ValueError(f"conv_transpose2d: input must be 4-D (N, C, H, W) or 3-D (C, H, W), "
                         f"got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"conv_transpose2d: weight must be 4-D (Cin, Cout/groups, R, S), got "
                         f"shape {w.shape}")
    if w.dtype != x.dtype:
        raise DtypeMismatchError(f"conv_transpose2d: weight dtype {w.dtype} does not match input dtype "
                         f"{x.dtype}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    groups = int(groups)
    stride = _pair(stride, "stride", 1)
    dilation = _pair(dilation, "dilation", 1)
    padding = _pair(padding, "padding", 0)
    output_padding = _pair(output_padding, "output_padding", 0)
    for i in range(2):
        if output_padding[i] >= max(stride[i], dilation[i]):
            raise ValueError(f"output padding must be smaller than either stride or dilation, "
                             f"got output_padding={output_padding}, stride={stride}, "
                             f"dilation={dilation}")
    unbatched = x.ndim == 3
    xd = x.data[None] if unbatched else x.data
    N, C, H, W = xd.shape
    Cin, Cog, R, S = w.shape
    if C != Cin:
        raise ValueError(f"conv_transpose2d: channel mismatch: input has {C} channels, weight "
                         f"expects {Cin}")
    if Cin % groups:
        raise ValueError(f"groups={groups} does not divide the {Cin} input channels")
    if min(Cin, Cog, R, S) < 1 or min(N, H, W) < 1:
        raise ValueError(f"conv_transpose2d: empty input or weight (input {x.shape}, weight "
                         f"{w.shape})")
    Ho = _k.transpose_out_size(H, R, stride[0], padding[0], dilation[0], output_padding[0])
    Wo = _k.transpose_out_size(W, S, stride[1], padding[1], dilation[1], output_padding[1])
    if Ho < 1 or Wo < 1:
        raise ValueError(f"conv_transpose2d: the output size {(Ho, Wo)} is too small (input "
                         f"{(H, W)}, kernel {(R, S)}, stride {stride}, padding {padding})")
    K = Cog * groups
    if bias is not None:
        b = float_tensor(bias, "bias")
        if b.shape != (K,):
            raise ValueError(f"conv_transpose2d: bias must have shape ({K},), got {b.shape}")
        if b.dtype != x.dtype:
            raise DtypeMismatchError(f"conv_transpose2d: bias dtype {b.dtype} does not match input "
                             f"dtype {x.dtype}")
    else:
        b = None
    xc, wc = contiguous(xd), contiguous(w.data)
    bc = None if b is None else contiguous(b.data)
    args = (stride, padding, output_padding, dilation, groups)
    y = _k.conv_transpose2d_forward(xc, wc, bc, *args)
    parents = (x, w) if b is None else (x, w, b)

    def backward(g):
        gc = contiguous(g.reshape(y.shape))
        dx, dw, db = _k.conv_transpose2d_backward(
            gc, xc, wc, *args, need_dx=x.requires_grad, need_dw=w.requires_grad,
            need_db=b is not None and b.requires_grad)
        if dx is not None and unbatched:
            dx = dx[0]
        return (dx, dw) if b is None else (dx, dw, db)

    return make_op(y[0] if unbatched else y, parents, backward)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 1-D convolution (torch.nn.functional.conv_transpose1d) on the 2-D kernels."""
    x = float_tensor(input, "input")
    w = float_tensor(weight, "weight")
    if x.ndim not in (2, 3) or w.ndim != 3:
        raise ValueError(f"conv_transpose1d: input must be (N, C, L) or (C, L) and weight "
                         f"(Cin, Cout/groups, k), got {x.shape} and {w.shape}")
    y = conv_transpose2d(x.unsqueeze(-2), w.unsqueeze(-2), bias,
                         (1, _single(stride, "stride", 1)), (0, _single(padding, "padding", 0)),
                         (0, _single(output_padding, "output_padding", 0)), groups,
                         (1, _single(dilation, "dilation", 1)))
    return y.squeeze(-2)
