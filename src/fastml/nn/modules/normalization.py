"""LayerNorm and GroupNorm over fastml.nn.functional's compiled layer_norm /
group_norm (PyTorch semantics: parameter names, defaults, init, repr)."""
import numpy as np

from .. import functional as F
from .. import init
from ..tensor import Parameter
from .layers import _check_int
from .module import Module

__all__ = ["LayerNorm", "GroupNorm"]


def _dtype(dtype):
    dt = np.dtype(np.float32 if dtype is None else dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype must be floating, got {dt}")
    return dt


def _eps(eps):
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)) \
            or not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a non-negative number, got {eps!r}")
    return float(eps)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` dims, then an
    element-wise affine (weight ones, bias zeros) when ``elementwise_affine``
    (``bias=False`` drops the shift)."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)) and not isinstance(normalized_shape,
                                                                              bool):
            normalized_shape = (normalized_shape,)
        try:
            shape = tuple(_check_int("normalized_shape", s) for s in normalized_shape)
        except TypeError:
            raise ValueError(f"normalized_shape must be an int or a sequence of ints, got "
                             f"{normalized_shape!r}") from None
        if not shape:
            raise ValueError("normalized_shape must not be empty")
        self.normalized_shape = shape
        self.eps = _eps(eps)
        self.elementwise_affine = bool(elementwise_affine)
        dt = _dtype(dtype)
        if self.elementwise_affine:
            self.weight = Parameter(np.empty(shape, dt))
            if bias:
                self.bias = Parameter(np.empty(shape, dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine="
                f"{self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Split the channels (dim 1) into ``num_groups`` groups and normalise each
    (sample, group); per-channel affine (weight ones, bias zeros) when
    ``affine``."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_groups = _check_int("num_groups", num_groups)
        self.num_channels = _check_int("num_channels", num_channels)
        if self.num_channels % self.num_groups:
            raise ValueError(f"num_channels ({self.num_channels}) must be divisible by "
                             f"num_groups ({self.num_groups})")
        self.eps = _eps(eps)
        self.affine = bool(affine)
        dt = _dtype(dtype)
        if self.affine:
            self.weight = Parameter(np.empty(self.num_channels, dt))
            if bias:
                self.bias = Parameter(np.empty(self.num_channels, dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
