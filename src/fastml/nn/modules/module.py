"""Module: the base of every layer (PyTorch semantics).

Attributes that are Parameters or Modules are registered on assignment;
buffers (non-trainable arrays such as batch-norm running statistics) through
``register_buffer``. Registered objects are also stored as plain instance
attributes so that ``self.weight`` in a forward pass is an ordinary attribute
lookup (no __getattr__ detour on the hot path).
"""
from collections import OrderedDict

import numpy as np

from ..tensor import Parameter, Tensor
from .hooks import add_hook, call_with_hooks

__all__ = ["Module", "Sequential", "ModuleList"]


class Module:
    """Base class of every layer and model, as ``torch.nn.Module``.

    A subclass calls ``super().__init__()``, assigns its layers and
    :class:`~fastml.nn.Parameter` objects as attributes (they are registered
    in that order) and defines ``forward``; calling the module runs the
    forward hooks around ``forward``. ``parameters()``,
    ``named_parameters()``, ``state_dict()`` / ``load_state_dict()``,
    ``train()`` / ``eval()``, ``zero_grad()``, ``apply()`` and ``to(dtype)``
    walk the tree of sub-modules; ``repr`` prints the tree.

    Attributes
    ----------
    training : bool
        True in training mode (dropout active, batch norm uses batch
        statistics), False after ``eval()``.

    See Also
    --------
    fastml.nn.Sequential : a module that chains modules.
    fastml.nn.Parameter : a tensor registered as a learnable parameter.

    Examples
    --------
    >>> from fastml import nn
    >>> class TwoLayer(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(4, 8)
    ...         self.out = nn.Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.out(nn.functional.relu(self.hidden(x)))
    >>> model = TwoLayer()
    >>> model
    TwoLayer(
      (hidden): Linear(in_features=4, out_features=8, bias=True)
      (out): Linear(in_features=8, out_features=2, bias=True)
    )
    >>> [name for name, _ in model.named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    >>> model(nn.randn(3, 4)).shape
    (3, 2)
    """

    training: bool

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    # ---- registration -------------------------------------------------------
    def __setattr__(self, name, value):
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError("cannot assign attributes before Module.__init__() call")
        for reg in (d["_parameters"], d["_buffers"], d["_modules"]):
            if name in reg and not _fits(reg, d, value):
                del reg[name]
        if isinstance(value, Parameter):
            d["_parameters"][name] = value
        elif isinstance(value, Module):
            d["_modules"][name] = value
        elif name in d["_parameters"]:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as parameter {name!r} "
                                "(fastml.nn.Parameter or None expected)")
            d["_parameters"][name] = None
        elif name in d["_buffers"]:
            d["_buffers"][name] = None if value is None else np.asarray(value)
            value = d["_buffers"][name]
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        for reg in (self._parameters, self._buffers, self._modules):
            reg.pop(name, None)
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot register {type(param).__name__} as parameter {name!r}")
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name, array, persistent=True):
        """A non-trainable array (e.g. running statistics), saved in state_dict unless
        persistent=False."""
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {type(name).__name__}")
        if "." in name or name == "":
            raise KeyError(f"buffer name can't contain \".\" or be empty, got {name!r}")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if array is not None and not isinstance(array, (np.ndarray, Tensor, np.generic)):
            raise TypeError(f"cannot assign '{type(array).__name__}' object to buffer "
                            f"'{name}' (ndarray, Tensor or None required)")
        arr = None if array is None else np.asarray(getattr(array, "data", array))
        self._buffers[name] = arr
        transient = self.__dict__.get("_non_persistent_buffers_set")
        if not persistent:
            if transient is None:
                transient = set()
                object.__setattr__(self, "_non_persistent_buffers_set", transient)
            transient.add(name)
        elif transient:
            transient.discard(name)
        object.__setattr__(self, name, arr)

    def _set_buffer(self, name, arr):
        """Replace a registered buffer's array (its persistence unchanged)."""
        self._buffers[name] = arr
        object.__setattr__(self, name, arr)

    def add_module(self, name, module):
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._modules[name] = module
        object.__setattr__(self, name, module)

    # ---- forward ------------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    _has_hooks = False  # set on the instance by the first register_*_hook

    def __call__(self, *args, **kwargs):
        if self._has_hooks:
            return call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # ---- hooks (torch's signatures; each returns a handle with .remove()) ---------
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """hook(module, args) -> None or new args (a non-tuple is wrapped in a tuple);
        with_kwargs=True: hook(module, args, kwargs) -> None or (args, kwargs)."""
        return add_hook(self, "_forward_pre_hooks", hook, prepend, with_kwargs=with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False):
        """hook(module, args, output) -> None or a replacement output;
        with_kwargs=True: hook(module, args, kwargs, output)."""
        return add_hook(self, "_forward_hooks", hook, prepend, with_kwargs=with_kwargs)

    def register_full_backward_hook(self, hook, prepend=False):
        """hook(module, grad_input, grad_output) -> None or a replacement grad_input,
        called once the gradients w.r.t. the module's tensor inputs are known
        (grad_input holds None for inputs that need no gradient; when none does, the
        hook runs as soon as grad_output is known). Tuples follow the positional
        tensor arguments / tensor outputs."""
        return add_hook(self, "_backward_hooks", hook, prepend)

    # ---- traversal ----------------------------------------------------------
    def named_modules(self, memo=None, prefix=""):
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def _named_members(self, kind, prefix, recurse):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mp, m in mods:
            for name, v in getattr(m, kind).items():
                if v is None or id(v) in seen:
                    continue
                seen.add(id(v))
                yield (f"{mp}.{name}" if mp else name), v

    def named_parameters(self, prefix="", recurse=True):
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True):
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn):
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ---------------------------------------------------
    def train(self, mode=True):
        if not isinstance(mode, bool):
            raise ValueError(f"training mode must be a bool, got {mode!r}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, flag=True):
        for p in self.parameters():
            p.requires_grad_(flag)
        return self

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad[...] = 0

    def to(self, dtype):
        """Convert parameters and floating buffers to dtype (float32 / float64), in place."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise ValueError(f"dtype must be floating, got {dtype}")
        for m in self.modules():
            for p in m._parameters.values():
                if p is not None and p.data.dtype != dtype:
                    p.data = p.data.astype(dtype)
                    p.grad = None if p.grad is None else p.grad.astype(dtype)
            for k, b in list(m._buffers.items()):
                if b is not None and b.dtype.kind == "f" and b.dtype != dtype:
                    m._set_buffer(k, b.astype(dtype))
        return self

    def float(self):
        return self.to(np.float32)

    def double(self):
        return self.to(np.float64)

    # ---- state -----------------------------------------------------------------
    def state_dict(self):
        """OrderedDict name -> ndarray copy of every parameter and buffer."""
        out = OrderedDict()
        for mp, m in self.named_modules():
            transient = m.__dict__.get("_non_persistent_buffers_set", ())
            for kind in ("_parameters", "_buffers"):
                for name, v in getattr(m, kind).items():
                    if v is None or (kind == "_buffers" and name in transient):
                        continue
                    arr = v.data if isinstance(v, Tensor) else v
                    out[f"{mp}.{name}" if mp else name] = np.array(arr, copy=True)
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays into the parameters/buffers (values are cast to their dtype).

        strict=True: missing or unexpected keys raise KeyError. A shape mismatch
        always raises ValueError. Returns (missing_keys, unexpected_keys).
        """
        targets = OrderedDict()
        for mp, m in self.named_modules():
            transient = m.__dict__.get("_non_persistent_buffers_set", ())
            for kind in ("_parameters", "_buffers"):
                for name, v in getattr(m, kind).items():
                    if v is not None and not (kind == "_buffers" and name in transient):
                        targets[f"{mp}.{name}" if mp else name] = (m, kind, name, v)
        keys = list(state_dict.keys())
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in keys if k not in targets]
        if strict and (missing or unexpected):
            raise KeyError(f"Error(s) in loading state_dict for {type(self).__name__}: "
                           f"missing keys {missing}, unexpected keys {unexpected}")
        for k, (m, kind, name, v) in targets.items():
            if k not in state_dict:
                continue
            new = state_dict[k]
            new = np.asarray(new.data if isinstance(new, Tensor) else new)
            cur = v.data if isinstance(v, Tensor) else v
            if new.shape != cur.shape:
                raise ValueError(f"size mismatch for {k}: copying a param with shape "
                                 f"{new.shape}, the shape in the current model is {cur.shape}")
            if isinstance(v, Tensor):
                v.data = np.array(new, dtype=cur.dtype, copy=True)
            else:
                m._set_buffer(name, np.array(new, dtype=cur.dtype, copy=True))
        return missing, unexpected

    # ---- repr ------------------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        if not self._modules:
            return f"{type(self).__name__}({extra})"
        lines = [f"{type(self).__name__}("]
        if extra:
            lines.append("  " + extra)
        for name, m in self._modules.items():
            body = repr(m).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        lines.append(")")
        return "\n".join(lines)

    def __getstate__(self):
        return self.__dict__.copy()

    def __setstate__(self, state):
        self.__dict__.update(state)


def _fits(reg, d, value):
    """Whether value may stay in the registry it is already in."""
    if reg is d["_parameters"]:
        return isinstance(value, Parameter) or value is None
    if reg is d["_modules"]:
        return isinstance(value, Module)
    return not isinstance(value, (Parameter, Module))


class Sequential(Module):
    """Modules applied in order; indexable, iterable, len()."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (dict, OrderedDict)):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)
        self._seq = [m for m in self._modules.values()]

    def add_module(self, name, module):
        super().add_module(name, module)
        object.__setattr__(self, "_seq", list(self._modules.values()))

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def forward(self, x):
        for m in self._seq:
            x = m(x)
        return x

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return Sequential(*list(self._modules.values())[idx])
        return list(self._modules.values())[idx]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleList(Module):
    """A list of modules whose parameters are registered."""

    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def __getitem__(self, idx):
        return list(self._modules.values())[idx]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())
