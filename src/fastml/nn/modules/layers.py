"""Dense layer, shape helpers, dropout and activation modules."""
import math
from typing import Any

import numpy as np

from .. import functional as F
from .. import init
from ..tensor import Parameter, Tensor
from .module import Module

__all__ = ["Linear", "Identity", "Flatten", "Unflatten", "Dropout", "Dropout2d",
           "ReLU", "LeakyReLU", "ELU", "Sigmoid",
           "Tanh", "Softmax", "LogSoftmax"]


def _check_int(name, v, minimum=1):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {v!r}")
    return int(v)


def _as_input(x):
    return x if isinstance(x, Tensor) else Tensor(x)


class Linear(Module):
    """y = x W^T + b; W (out_features, in_features) ~ U(-1/sqrt(in), 1/sqrt(in))
    (PyTorch's kaiming_uniform_(a=sqrt(5))), b likewise."""

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32):
        super().__init__()
        self.in_features = _check_int("in_features", in_features)
        self.out_features = _check_int("out_features", out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype)) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        x = _as_input(x)
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear expects input with last dimension in_features="
                             f"{self.in_features}, got shape {x.shape}")
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """A placeholder layer that returns its input unchanged.

    Parameters
    ----------
    *args, **kwargs
        Accepted and ignored, as torch's ``nn.Identity`` does, so a layer can be
        swapped for ``Identity`` without editing its arguments.

    See Also
    --------
    fastml.nn.Sequential : containers where ``Identity`` stands in for a layer.

    Examples
    --------
    >>> from fastml import nn
    >>> x = nn.tensor([[1.0, -2.0]])
    >>> nn.Identity(54, unused="ok")(x) is x
    True
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Flatten(Module):
    """Flatten dims start_dim..end_dim (default: all but the batch dim)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return _as_input(x).flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand dim ``dim`` into ``unflattened_size`` (torch's nn.Unflatten)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"invalid type for dim: {type(dim).__name__} (an int expected)")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                for s in unflattened_size):
            raise TypeError(f"unflattened_size must be a tuple of ints, got "
                            f"{unflattened_size!r}")
        self.dim, self.unflattened_size = int(dim), tuple(int(s) for s in unflattened_size)

    def forward(self, x):
        x = _as_input(x)
        if not -x.ndim <= self.dim < x.ndim:
            raise ValueError(f"Unflatten: dim={self.dim} is out of range for a {x.ndim}-d input")
        d = self.dim % x.ndim
        size = self.unflattened_size
        known = int(np.prod([s for s in size if s != -1]))
        n = x.shape[d]
        if size.count(-1) > 1 or (-1 not in size and known != n) \
                or (-1 in size and (known == 0 or n % known)):
            raise ValueError(f"unflattened_size={size} does not match the size {n} of dim "
                             f"{self.dim} of an input of shape {tuple(x.shape)}")
        size = tuple(n // known if s == -1 else s for s in size)
        return x.reshape(x.shape[:d] + size + x.shape[d + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


class Dropout(Module):
    """Inverted dropout in training mode, identity in eval mode."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = _check_p(p)
        self.inplace = bool(inplace)

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Zero whole channels of (N, C, H, W) / (N, C, L) input with probability p,
    scaling the kept ones by 1 / (1 - p), in training mode; identity in eval."""

    def forward(self, x):
        return F.dropout2d(x, self.p, self.training)


class _Act(Module):
    _fn: Any = None  # the activation function (a staticmethod)

    def forward(self, x):
        return type(self)._fn(x)


class ReLU(_Act):
    """Rectified linear unit, elementwise: ``max(0, x)``.

    Input of any shape, output of the same shape and dtype (compiled forward
    and backward; the gradient at 0 is 0, as in torch).

    See Also
    --------
    fastml.nn.functional.relu : the same operation as a function.
    LeakyReLU, ELU : variants with a non-zero slope for ``x < 0``.

    Examples
    --------
    >>> from fastml import nn
    >>> nn.ReLU()(nn.tensor([[-1.0, 0.0, 2.0]]))
    Tensor([[0., 0., 2.]])
    """

    _fn = staticmethod(F.relu)


class Sigmoid(_Act):
    """Logistic sigmoid, elementwise: ``1 / (1 + exp(-x))``, in (0, 1).

    Input of any shape, output of the same shape and dtype; computed without
    overflow for large ``|x|``.

    See Also
    --------
    fastml.nn.functional.sigmoid : the same operation as a function.
    fastml.nn.BCEWithLogitsLoss : fuses the sigmoid into the loss (more stable).

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.Sigmoid()(nn.tensor([-1.0, 0.0, 2.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [0.2689, 0.5, 0.8808]
    """

    _fn = staticmethod(F.sigmoid)


class Tanh(_Act):
    """Hyperbolic tangent, elementwise, in (-1, 1).

    Input of any shape, output of the same shape and dtype.

    See Also
    --------
    fastml.nn.functional.tanh : the same operation as a function.

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.Tanh()(nn.tensor([-1.0, 0.0, 2.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [-0.7616, 0.0, 0.964]
    """

    _fn = staticmethod(F.tanh)


class LeakyReLU(Module):
    """Leaky rectified linear unit, elementwise: ``x`` for ``x >= 0``, else
    ``negative_slope * x``.

    Parameters
    ----------
    negative_slope : float, default=0.01
        Slope for negative inputs.

    See Also
    --------
    fastml.nn.functional.leaky_relu : the same operation as a function.

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.LeakyReLU(0.1)(nn.tensor([-1.0, 0.0, 2.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [-0.1, 0.0, 2.0]
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """Exponential linear unit, elementwise: ``x`` for ``x > 0``, else
    ``alpha * (exp(x) - 1)``.

    Parameters
    ----------
    alpha : float, default=1.0
        Value the output approaches as ``x -> -inf`` is ``-alpha``.

    See Also
    --------
    fastml.nn.functional.elu : the same operation as a function.
    SELU : the self-normalising, scaled variant.

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.ELU()(nn.tensor([-1.0, 0.0, 2.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [-0.6321, 0.0, 2.0]
    """

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softmax(Module):
    """Softmax along one dimension: ``exp(x_i) / sum_j exp(x_j)``, each slice
    along ``dim`` sums to 1 (computed with the maximum subtracted, no overflow).

    Parameters
    ----------
    dim : int, default=-1
        The dimension normalised (torch warns when it is omitted; fastml uses the
        last one).

    See Also
    --------
    LogSoftmax : its logarithm, computed stably.
    fastml.nn.CrossEntropyLoss : takes raw scores and applies log-softmax itself.

    Examples
    --------
    >>> from fastml import nn
    >>> p = nn.Softmax(dim=1)(nn.tensor([[-1.0, 0.0, 2.0]]))
    >>> [round(v, 4) for v in p.tolist()[0]]
    [0.042, 0.1142, 0.8438]
    >>> round(float(p.sum()), 4)
    1.0
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Logarithm of the softmax along one dimension:
    ``x_i - log(sum_j exp(x_j))``, computed without forming the softmax.

    Parameters
    ----------
    dim : int, default=-1
        The dimension normalised.

    See Also
    --------
    Softmax : the probabilities themselves.
    fastml.nn.NLLLoss : the loss that takes log-probabilities.

    Examples
    --------
    >>> from fastml import nn
    >>> y = nn.LogSoftmax(dim=1)(nn.tensor([[-1.0, 0.0, 2.0]]))
    >>> [round(v, 4) for v in y.tolist()[0]]
    [-3.1698, -2.1698, -0.1698]
    """

    def forward(self, x):
        return F.log_softmax(x, self.dim)
