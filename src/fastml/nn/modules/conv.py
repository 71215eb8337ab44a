"""Convolution, pooling and batch-normalisation modules over
fastml.nn.functional's compiled conv2d / max_pool2d / avg_pool2d / batch_norm
(NCHW, PyTorch semantics)."""
import math

import numpy as np

from .. import functional as F
from .. import init
from ..tensor import Parameter, Tensor
from .layers import _check_int
from .module import Module

__all__ = ["Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d"]


def _pair(name, v, minimum):
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {v!r}")
        return tuple(_check_int(name, int(x), minimum) for x in v)
    v = _check_int(name, v, minimum)
    return (v, v)


def _input(x, ndims, name, channels=None, channel_name="in_channels", unbatched=False):
    """x as a Tensor of one of the ranks ndims; channels at dim 1, or at dim 0 for
    the lower rank when unbatched (torch's unbatched conv/pool input)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.ndim not in ndims:
        raise ValueError(f"{name} expects a {' or '.join(f'{n}-D' for n in ndims)} input, got "
                         f"shape {x.shape}")
    cdim = 0 if unbatched and x.ndim == min(ndims) else 1
    if channels is not None and x.shape[cdim] != channels:
        raise ValueError(f"{name} expects {channel_name}={channels} at dim {cdim}, got shape "
                         f"{x.shape}")
    return x


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(name, v, n, minimum):
    if isinstance(v, (tuple, list)):
        if len(v) != n:
            raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {v!r}")
        return tuple(_check_int(name, x, minimum) for x in v)
    return (_check_int(name, v, minimum),) * n


class _ConvNd(Module):
    """Shared by Conv1d/Conv2d and the transposed convolutions: torch's argument
    checks, parameters (weight, bias), init and repr."""

    _n = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 groups, bias, padding_mode, device, dtype, output_padding=0):
        super().__init__()
        n = self._n
        self.in_channels = _check_int("in_channels", in_channels)
        self.out_channels = _check_int("out_channels", out_channels)
        self.groups = _check_int("groups", groups)
        if self.in_channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        if self.out_channels % self.groups:
            raise ValueError("out_channels must be divisible by groups")
        if device not in (None, "cpu"):
            raise ValueError(f"device must be None or 'cpu' (fastml runs on the CPU), got "
                             f"{device!r}")
        self.kernel_size = _tuple("kernel_size", kernel_size, n, 1)
        self.stride = _tuple("stride", stride, n, 1)
        self.dilation = _tuple("dilation", dilation, n, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _tuple("padding", padding, n, 0)
        self.output_padding = _tuple("output_padding", output_padding, n, 0)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got "
                             f"padding_mode='{padding_mode}'")
        self.padding_mode = padding_mode
        dtype = np.float32 if dtype is None else dtype
        if self._transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # torch: kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
        # fan_in = weight.shape[1] * prod(kernel_size)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * int(np.prod(self.kernel_size))
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def _mode_pad(self):
        """F.pad widths (last dim first) for a non-zeros padding_mode."""
        out = []
        for i in reversed(range(self._n)):
            if self.padding == "valid":
                out += [0, 0]
            elif self.padding == "same":
                total = self.dilation[i] * (self.kernel_size[i] - 1)
                out += [total // 2, total - total // 2]
            else:
                out += [self.padding[i], self.padding[i]]
        return tuple(out)

    def _conv_padding(self):
        return 0 if self.padding_mode != "zeros" else self.padding

    def extra_repr(self):
        n = self._n
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """2-D cross-correlation over (N, C, H, W) or (C, H, W) like torch.nn.Conv2d:
    weight (out, in/groups, kh, kw) with torch's default init; padding an int,
    a pair, "valid" or "same"; padding_mode "zeros", "reflect", "replicate" or
    "circular" (F.pad, then an unpadded convolution)."""

    _n = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)

    def forward(self, x):
        x = _input(x, (3, 4), "Conv2d", self.in_channels, unbatched=True)
        if self.padding_mode != "zeros":
            x = F.pad(x, self._mode_pad(), mode=self.padding_mode)
        return F.conv2d(x, self.weight, self.bias, self.stride, self._conv_padding(),
                        self.dilation, self.groups)


class Conv1d(_ConvNd):
    """1-D cross-correlation over (N, C, L) or (C, L) like torch.nn.Conv1d (runs
    on the 2-D kernels with H = 1)."""

    _n = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)

    def forward(self, x):
        x = _input(x, (2, 3), "Conv1d", self.in_channels, unbatched=True)
        if self.padding_mode != "zeros":
            x = F.pad(x, self._mode_pad(), mode=self.padding_mode)
        p = self._conv_padding()
        return F.conv1d(x, self.weight, self.bias, self.stride[0],
                        p if isinstance(p, (str, int)) else p[0], self.dilation[0], self.groups)


class _Pool2d(Module):
    """kernel_size / stride / padding are stored as (h, w) pairs; the repr shows
    them as given, like torch's."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False):
        super().__init__()
        self.kernel_size = _pair("kernel_size", kernel_size, 1)
        self.stride = self.kernel_size if stride is None else _pair("stride", stride, 1)
        self.padding = _pair("padding", padding, 0)
        self.ceil_mode = bool(ceil_mode)
        self._given = (kernel_size, kernel_size if stride is None else stride, padding)

    def extra_repr(self):
        k, s, p = getattr(self, "_given", (self.kernel_size, self.stride, self.padding))
        return f"kernel_size={k}, stride={s}, padding={p}"


class MaxPool2d(_Pool2d):
    """torch.nn.MaxPool2d: forward returns (output, indices) with return_indices=True
    (indices feed MaxUnpool2d); dilation 1 only."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        if _pair("dilation", dilation, 1) != (1, 1):
            raise ValueError(f"MaxPool2d: dilation {dilation!r} is not supported (only 1)")
        self.dilation = dilation
        self.return_indices = bool(return_indices)

    def forward(self, x):
        x = _input(x, (3, 4), "MaxPool2d")
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding,
                            ceil_mode=getattr(self, "ceil_mode", False),
                            return_indices=getattr(self, "return_indices", False))

    def extra_repr(self):
        return (super().extra_repr() + f", dilation={getattr(self, 'dilation', 1)}, "
                f"ceil_mode={getattr(self, 'ceil_mode', False)}")


class AvgPool2d(_Pool2d):
    """torch.nn.AvgPool2d (ceil_mode, count_include_pad, divisor_override)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad = bool(count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, x):
        x = _input(x, (3, 4), "AvgPool2d")
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding,
                            getattr(self, "ceil_mode", False),
                            getattr(self, "count_include_pad", True),
                            getattr(self, "divisor_override", None))


class _BatchNorm(Module):
    """Per-channel normalisation; training uses the batch statistics (biased
    variance) and updates running_mean / running_var (unbiased) with momentum
    (momentum=None: the cumulative average over the num_batches_tracked
    batches, as torch); eval uses the running statistics."""

    _ndims: tuple[int, ...] = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, dtype=np.float32):
        super().__init__()
        self.num_features = _check_int("num_features", num_features)
        self.eps, self.momentum = float(eps), momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), np.int64))
        else:
            self.running_mean = self.running_var = None

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked[...] = 0

    def forward(self, x):
        x = _input(x, self._ndims, type(self).__name__, self.num_features, "num_features")
        use_batch = self.training or not self.track_running_stats
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # cumulative moving average, as torch
                momentum = 1.0 / float(self.num_batches_tracked)
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            training=use_batch, momentum=momentum, eps=self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over a batch of vectors or sequences: input (N, C)
    or (N, C, L).

    In training mode each channel is normalised with the batch mean and the
    biased variance over N (and L), and the running statistics are updated
    with the unbiased variance; in evaluation mode (``model.eval()``) the
    running statistics are used. Semantics and defaults are torch's.

    Parameters
    ----------
    num_features : int
        C, the number of channels.
    eps : float, default=1e-5
        Added to the variance before the square root.
    momentum : float or None, default=0.1
        Weight of the new batch in the running statistics; None keeps a
        cumulative moving average (as torch).
    affine : bool, default=True
        Learn a per-channel scale ``weight`` (ones) and shift ``bias`` (zeros).
    track_running_stats : bool, default=True
        Keep ``running_mean`` / ``running_var`` (unbiased) for evaluation mode;
        without them evaluation also normalises with the batch statistics.
    dtype : numpy dtype, default=numpy.float32
        dtype of the parameters and buffers.

    Attributes
    ----------
    weight, bias : Parameter of shape (C,) or None
    running_mean, running_var : ndarray of shape (C,) or None
    num_batches_tracked : ndarray of shape ()

    See Also
    --------
    BatchNorm2d : the same over images (N, C, H, W).
    fastml.nn.LayerNorm : normalisation over the features of each sample.

    Examples
    --------
    >>> from fastml import nn
    >>> bn = nn.BatchNorm1d(3)
    >>> y = bn(nn.randn(8, 3) * 5 + 2)
    >>> y.shape
    (8, 3)
    >>> [round(abs(v), 3) for v in y.mean(0).tolist()]
    [0.0, 0.0, 0.0]
    """
    _ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over a batch of images: input (N, C, H, W).

    Each channel is normalised over N, H and W (biased variance) in training
    mode, which updates the running statistics (unbiased variance); evaluation
    mode uses the running statistics. Semantics and defaults are torch's.

    Parameters
    ----------
    num_features : int
        C, the number of channels.
    eps : float, default=1e-5
        Added to the variance before the square root.
    momentum : float or None, default=0.1
        Weight of the new batch in the running statistics; None keeps a
        cumulative moving average (as torch).
    affine : bool, default=True
        Learn a per-channel scale ``weight`` (ones) and shift ``bias`` (zeros).
    track_running_stats : bool, default=True
        Keep ``running_mean`` / ``running_var`` (unbiased) for evaluation mode;
        without them evaluation also normalises with the batch statistics.
    dtype : numpy dtype, default=numpy.float32
        dtype of the parameters and buffers.

    Attributes
    ----------
    weight, bias : Parameter of shape (C,) or None
    running_mean, running_var : ndarray of shape (C,) or None
    num_batches_tracked : ndarray of shape ()

    See Also
    --------
    BatchNorm1d : the same over (N, C) or (N, C, L).
    fastml.nn.GroupNorm : normalisation independent of the batch size.

    Examples
    --------
    >>> from fastml import nn
    >>> bn = nn.BatchNorm2d(4)
    >>> y = bn(nn.randn(2, 4, 5, 5))
    >>> y.shape
    (2, 4, 5, 5)
    >>> bn.running_mean.shape
    (4,)
    """
    _ndims = (4,)
