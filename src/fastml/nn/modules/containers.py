"""ModuleDict, ParameterList and ParameterDict (torch.nn's containers).

Their entries are registered under their keys ("0", "1", ... for the list), so
``state_dict`` keys are torch's (``heads.cls.weight``, ``scales.1``) and a
torch model's state_dict loads into the fastml one.
"""
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from ..tensor import Parameter, Tensor
from .module import Module

__all__ = ["ModuleDict", "ParameterList", "ParameterDict"]


def _as_parameter(value):
    """torch wraps plain tensors put into a parameter container as Parameters."""
    if value is None or isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value.data, requires_grad=value.requires_grad)
    if isinstance(value, np.ndarray):
        return Parameter(value)
    raise TypeError(f"cannot assign {type(value).__name__} to a parameter container "
                    "(fastml.nn.Parameter, Tensor or ndarray expected)")


def _param_repr(p):
    if p is None:
        return "None"
    size = "x".join(str(s) for s in p.data.shape)
    return f"Parameter containing: [{p.data.dtype} of size {size}]"


def _pairs(values, kind):
    if isinstance(values, (OrderedDict, dict, Mapping)):
        return list(values.items())
    pairs = []
    for j, item in enumerate(values):
        if isinstance(item, (str, bytes)) or not hasattr(item, "__len__") or len(item) != 2:
            raise ValueError(f"{kind} update sequence element #{j} should be a key-value pair "
                             "(a 2-element iterable)")
        pairs.append(tuple(item))
    return pairs


class ModuleDict(Module):
    """An ordered dict of modules whose parameters are registered under their keys."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        if not isinstance(key, str):
            raise TypeError(f"module name should be a string, got {type(key).__name__}")
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]
        object.__delattr__(self, key)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        for k in list(self._modules):
            del self[k]

    def pop(self, key):
        m = self[key]
        del self[key]
        return m

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules):
        if isinstance(modules, (str, bytes)) or not hasattr(modules, "__iter__"):
            raise TypeError("ModuleDict.update should be called with an iterable of key/value "
                            f"pairs, but got {type(modules).__name__}")
        for k, m in _pairs(modules, "ModuleDict"):
            self[k] = m

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward(); index it by key")


class ParameterList(Module):
    """A list of Parameters registered as "0", "1", ... (tensors and arrays are wrapped
    into Parameters, as torch does)."""

    def __init__(self, values=None):
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def _index(self, idx):
        n = self._size
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return idx % n

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(*idx.indices(self._size))])
        return self._parameters[str(self._index(idx))]

    def __setitem__(self, idx, param):
        self.register_parameter(str(self._index(idx)), _as_parameter(param))

    def __len__(self):
        return self._size

    def __iter__(self):
        return (self._parameters[str(i)] for i in range(self._size))

    def __iadd__(self, params):
        return self.extend(params)

    def append(self, value):
        i, param = self._size, _as_parameter(value)
        object.__setattr__(self, "_size", i + 1)
        self.register_parameter(str(i), param)
        return self

    def extend(self, values):
        if isinstance(values, (Tensor, np.ndarray)) or not hasattr(values, "__iter__"):
            raise TypeError("ParameterList.extend should be called with an iterable, but got "
                            f"{type(values).__name__}")
        for v in values:
            self.append(v)
        return self

    def extra_repr(self):
        return "\n".join(f"  ({i}): {_param_repr(p)}" for i, p in enumerate(self))

    def __repr__(self):
        body = self.extra_repr()
        return f"ParameterList(\n{body}\n)" if body else "ParameterList()"

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterList has no forward(); index it")


class ParameterDict(Module):
    """An ordered dict of Parameters registered under their keys."""

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError(f"parameter name should be a string, got {type(key).__name__}")
        self.register_parameter(key, _as_parameter(value))

    def __delitem__(self, key):
        del self._parameters[key]
        object.__delattr__(self, key)

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def items(self):
        return self._parameters.items()

    def values(self):
        return self._parameters.values()

    def get(self, key, default=None):
        return self._parameters.get(key, default)

    def pop(self, key):
        p = self[key]
        del self[key]
        return p

    def clear(self):
        for k in list(self._parameters):
            del self[k]

    def update(self, parameters):
        if isinstance(parameters, (str, bytes)) or not hasattr(parameters, "__iter__"):
            raise TypeError("ParameterDict.update should be called with an iterable of "
                            f"key/value pairs, but got {type(parameters).__name__}")
        for k, v in _pairs(parameters, "ParameterDict"):
            self[k] = v

    def extra_repr(self):
        return "\n".join(f"  ({k}): {_param_repr(p)}" for k, p in self.items())

    def __repr__(self):
        body = self.extra_repr()
        return f"ParameterDict(\n{body}\n)" if body else "ParameterDict()"

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterDict has no forward(); index it by key")
