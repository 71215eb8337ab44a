"""fastml.nn: a small PyTorch-style neural-network package.

Tensor with reverse-mode autograd, functional ops backed by compiled
forward/backward kernels (``fastml.nn.functional``, also ``F``), and seeding.
"""
import typing as _typing

cat: _typing.Callable[..., _typing.Any]      # rebound below to the torch-spelled versions
concat: _typing.Callable[..., _typing.Any]
stack: _typing.Callable[..., _typing.Any]
from .tensor import (Parameter, Tensor, as_tensor, cat, concat, enable_grad,  # noqa: F401
                     is_grad_enabled, make_op, no_grad, set_grad_enabled, stack)
from ._random import initial_seed, manual_seed  # noqa: F401
from .gradcheck import gradcheck  # noqa: F401
from . import functional  # noqa: F401
from . import functional as F  # noqa: F401
from . import _tensor_methods  # noqa: F401,E402  (Tensor.relu & co.; after functional)
from . import _torch_api  # noqa: F401,E402  (Tensor methods in torch's spelling)
from ._factories import *  # noqa: F401,F403,E402  (tensor, zeros, cat(dim=), exp ...)
from .modules import *  # noqa: F401,F403  (nn-training: layers, RNN/LSTM, save/load)
from . import init, optim  # noqa: F401,E402
from . import utils  # noqa: F401,E402  (clip_grad_norm_, parameters_to_vector ...)
from .data import DataLoader, TensorDataset  # noqa: F401,E402
from . import _factories as _f  # noqa: E402

cat, concat, stack = _f.cat, _f.concat, _f.stack  # dim= (the tensor module's take axis=)
nn = __import__("sys").modules[__name__]  # `import fastml.nn as torch`: torch.nn.Linear works

# `from fastml.nn import *` exports every public name except the torch-style
# functions and dtype names that would shadow Python builtins in the caller
# (sum, max, min, abs, pow, int, float, bool); they stay reachable as nn.sum ...
__all__ = sorted(_n for _n in dir() if not _n.startswith("_")
                 and not hasattr(__import__("builtins"), _n))
