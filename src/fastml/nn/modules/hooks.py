"""Module hooks (torch.nn.Module's register_forward_pre_hook / register_forward_hook /
register_full_backward_hook) and their removable handles.

The full backward hook is built from autograd identity nodes, as torch does:
the module's tensor inputs pass through one joint node J_in (its parents are
the inputs; each input the forward sees is an identity pick of J_in) and its
tensor outputs through a joint node J_out. In backward every pick hands its
gradient to its joint node as one entry of a ``_GradBag``; the bags add up, so
J_out runs once with every output gradient (grad_output) and J_in once with
every input gradient (grad_input), after which the hook may replace grad_input.
"""
import itertools
import weakref
from collections import OrderedDict

import numpy as np

from .._grad_mode import is_grad_enabled
from ..tensor import Tensor, make_op

__all__ = ["RemovableHandle", "call_with_hooks"]

_ids = itertools.count()


class RemovableHandle:
    """``handle.remove()`` unregisters the hook (also usable as a context manager)."""

    def __init__(self, hooks_dict):
        self.id = next(_ids)
        self._ref = weakref.ref(hooks_dict) if _weakrefable(hooks_dict) else (lambda: hooks_dict)

    def remove(self):
        d = self._ref()
        if d is not None:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _weakrefable(d):
    try:
        weakref.ref(d)
        return True
    except TypeError:
        return False


class _HookDict(OrderedDict):
    """An OrderedDict that can be weakly referenced by handles."""


def add_hook(module, attr, hook, prepend=False, **flags):
    d = module.__dict__.get(attr)
    if d is None:
        d = _HookDict()
        object.__setattr__(module, attr, d)
    handle = RemovableHandle(d)
    d[handle.id] = (hook, flags)
    if prepend:
        d.move_to_end(handle.id, last=False)
    object.__setattr__(module, "_has_hooks", True)
    return handle


class _GradBag(dict):
    """Gradients of a joint node's picks by position; bags add by merging."""

    def __add__(self, other):
        out = _GradBag(self)
        for k, v in other.items():
            out[k] = v if k not in out else out[k] + v
        return out

    __radd__ = __add__


def _joint(tensors, on_backward):
    """J = joint node over tensors; returns the picks (identity views) the caller uses."""
    joint = make_op(np.zeros(()), tuple(tensors), on_backward)
    if not joint.requires_grad:
        return None, list(tensors)
    picks = []
    for i, t in enumerate(tensors):
        picks.append(make_op(t.data, (joint,), _pick_backward(i)))
    return joint, picks


def _pick_backward(i):
    return lambda g: (_GradBag({i: g}),)


def _bag_to_tuple(bag, n):
    return tuple(bag.get(i) for i in range(n))


def _backward_hooks(module, args, forward):
    """Run forward(*args) with the module's full backward hooks wired in."""
    hooks = [h for h, _ in module.__dict__.get("_backward_hooks", {}).values()]
    pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    state = {}

    def in_backward(bag):
        grad_input = _bag_to_tuple(bag, len(pos))
        for h in hooks:
            res = h(module, grad_input, state.get("grad_output", ()))
            if res is not None:
                res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
                if len(res) != len(grad_input):
                    raise RuntimeError(f"backward hook returned {len(res)} gradients, the "
                                       f"module has {len(grad_input)} tensor inputs")
                grad_input = tuple(None if r is None else np.asarray(getattr(r, "data", r))
                                   for r in res)
        return grad_input

    jin, picks = _joint([args[i] for i in pos], in_backward) if pos else (None, [])
    if jin is not None:
        args = list(args)
        for i, p in zip(pos, picks):
            args[i] = p
        args = tuple(args)
    out = forward(*args)
    outs = out if isinstance(out, tuple) else (out,)
    opos = [i for i, o in enumerate(outs) if isinstance(o, Tensor)]

    def out_backward(bag):
        state["grad_output"] = _bag_to_tuple(bag, len(opos))
        if jin is None:  # no input needs a gradient: torch calls the hooks here
            for h in hooks:
                h(module, (None,) * len(pos), state["grad_output"])
        return state["grad_output"]

    jout, opicks = _joint([outs[i] for i in opos], out_backward)
    if jout is None:
        return out
    outs = list(outs)
    for i, p in zip(opos, opicks):
        outs[i] = p
    return tuple(outs) if isinstance(out, tuple) else outs[0]


def call_with_hooks(module, args, kwargs):
    """Module.__call__ when some hook is registered."""
    d = module.__dict__
    for hook, flags in list(d.get("_forward_pre_hooks", {}).values()):
        if flags.get("with_kwargs"):
            res = hook(module, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {res}.")
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    if d.get("_backward_hooks") and is_grad_enabled():
        out = _backward_hooks(module, args, lambda *a: module.forward(*a, **kwargs))
    else:
        out = module.forward(*args, **kwargs)
    for hook, flags in list(d.get("_forward_hooks", {}).values()):
        if flags.get("with_kwargs"):
            res = hook(module, args, kwargs, out)
        else:
            res = hook(module, args, out)
        if res is not None:
            out = res
    return out
