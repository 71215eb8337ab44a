"""The Tensor methods that are fastml.nn.functional ops: ``x.relu()``,
``x.sigmoid()``, ``x.tanh()``, ``x.softmax(dim)``, ``x.log_softmax(dim)``.

Import order is a tree: ``tensor`` (Tensor, make_op) <- ``functional`` (ops
built on make_op) <- this module, which attaches the methods to Tensor once.
fastml/nn/__init__.py imports it right after ``functional``; since importing
any ``fastml.nn.*`` module runs that ``__init__`` first, every Tensor has the
methods before user code runs.
"""
from . import functional as F
from .tensor import Tensor

__all__ = []


def relu(self):
    """F.relu(self)."""
    return F.relu(self)


def sigmoid(self):
    """F.sigmoid(self)."""
    return F.sigmoid(self)


def tanh(self):
    """F.tanh(self)."""
    return F.tanh(self)


def softmax(self, dim=-1):
    """F.softmax(self, dim)."""
    return F.softmax(self, dim)


def log_softmax(self, dim=-1):
    """F.log_softmax(self, dim)."""
    return F.log_softmax(self, dim)


for _f in (relu, sigmoid, tanh, softmax, log_softmax):
    _f.__qualname__ = f"Tensor.{_f.__name__}"
    setattr(Tensor, _f.__name__, _f)
del _f
