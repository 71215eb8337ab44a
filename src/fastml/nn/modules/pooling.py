"""Adaptive pooling and MaxUnpool2d modules like torch.nn's, over
fastml.nn.functional.adaptive_avg_pool2d / adaptive_max_pool2d / max_unpool2d."""
from .. import functional as F
from .conv import _input, _pair
from .module import Module

__all__ = ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "MaxUnpool2d"]


def _output_size(output_size):
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise ValueError(f"output_size must be an int or a pair, got {output_size!r}")
        for v in output_size:
            if v is not None:
                _pair("output_size", v, 1)
        return tuple(output_size)
    _pair("output_size", output_size, 1)
    return output_size


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (any size: torch's windows
    [floor(i*H/OH), ceil((i+1)*H/OH)); None keeps that input dim)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = _output_size(output_size)

    def forward(self, x):
        return F.adaptive_avg_pool2d(_input(x, (3, 4), "AdaptiveAvgPool2d"), self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed output size; return_indices=True also returns the
    int64 argmax (ih*W + iw in the plane)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = _output_size(output_size)
        self.return_indices = bool(return_indices)

    def forward(self, x):
        return F.adaptive_max_pool2d(_input(x, (3, 4), "AdaptiveMaxPool2d"), self.output_size,
                                     self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class MaxUnpool2d(Module):
    """The partial inverse of MaxPool2d: forward(input, indices, output_size=None)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _pair("kernel_size", kernel_size, 1)
        self.stride = self.kernel_size if stride is None else _pair("stride", stride, 1)
        self.padding = _pair("padding", padding, 0)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool2d(_input(input, (3, 4), "MaxUnpool2d"), indices, self.kernel_size,
                              self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
