"""Activation modules beyond ReLU/Tanh/Sigmoid/ELU/LeakyReLU (layers.py):
GELU, SiLU, Softplus, Mish, Hardswish, PReLU, SELU, Softsign, LogSigmoid and
Hardtanh, over fastml.nn.functional (compiled element-wise kernels; PReLU's
learnable weight in NumPy). Names, parameters, defaults and repr as torch;
``inplace=True`` is accepted and computes out of place."""
from typing import Any

import numpy as np

from .. import functional as F
from .. import init as _init
from ..tensor import Parameter
from .layers import _check_int
from .module import Module

__all__ = ["GELU", "SiLU", "Softplus", "Mish", "Hardswish", "PReLU", "SELU", "Softsign",
           "LogSigmoid", "Hardtanh"]


class _Inplace(Module):
    """An activation without parameters other than torch's ``inplace`` flag."""
    _fn: Any = None  # the activation function (a staticmethod)

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = bool(inplace)

    def forward(self, input):
        return type(self)._fn(input)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class GELU(Module):
    """GELU, x * Phi(x) (Phi: the standard normal CDF); approximate="tanh" uses
    0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). Compiled forward and backward.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> [round(v, 4) for v in nn.GELU()(nn.tensor([-1.0, 0.0, 1.0])).tolist()]
    [-0.1587, 0.0, 0.8413]
    """

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"approximate argument must be either none or tanh, got "
                             f"{approximate!r}")
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(_Inplace):
    _fn = staticmethod(F.silu)


class Mish(_Inplace):
    _fn = staticmethod(F.mish)


class Hardswish(_Inplace):
    _fn = staticmethod(F.hardswish)


class SELU(_Inplace):
    _fn = staticmethod(F.selu)


class Softsign(Module):
    """Softsign, x / (1 + |x|). Compiled forward and backward.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.Softsign()(nn.tensor([-3.0, 0.0, 1.0])).tolist()
    [-0.75, 0.0, 0.5]
    """

    def forward(self, input):
        return F.softsign(input)


class LogSigmoid(Module):
    """LogSigmoid, log(1 / (1 + exp(-x))), computed without overflow.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> [round(v, 4) for v in nn.LogSigmoid()(nn.tensor([-100.0, 0.0])).tolist()]
    [-100.0, -0.6931]
    """

    def forward(self, input):
        return F.logsigmoid(input)


class Softplus(Module):
    """Softplus, log(1 + exp(beta x)) / beta, and x itself where beta x > threshold
    (torch's rule, for stability).

    Examples
    --------
    >>> import fastml.nn as nn
    >>> [round(v, 4) for v in nn.Softplus()(nn.tensor([0.0, 30.0])).tolist()]
    [0.6931, 30.0]
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """Hardtanh: x clamped to [min_val, max_val] (default [-1, 1]); the gradient is
    1 strictly inside and 0 outside.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.Hardtanh()(nn.tensor([-2.0, 0.5, 3.0])).tolist()
    [-1.0, 0.5, 1.0]
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None,
                 max_value=None):
        super().__init__()
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        if max_val <= min_val:
            raise ValueError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, bool(inplace)

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self):
        s = f"min_val={self.min_val}, max_val={self.max_val}"
        return s + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """max(0, x) + weight * min(0, x); weight (num_parameters,) starts at
    ``init`` and is learned (one value, or one per channel at dim 1)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = _check_int("num_parameters", num_parameters)
        self.init = init
        dt = np.dtype(np.float32 if dtype is None else dtype)
        self.weight = Parameter(np.empty(self.num_parameters, dt))
        self.reset_parameters()

    def reset_parameters(self):
        _init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"

