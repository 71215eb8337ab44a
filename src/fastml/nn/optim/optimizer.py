"""Optimizer base: parameter groups, per-parameter state, state_dict.

Optimizers work on the ``.data`` / ``.grad`` ndarrays of Parameters (any
object with those two attributes), updating ``.data`` in place so modules
and other references see the new values. Parameters whose ``.grad`` is None
are skipped, as in PyTorch.
"""
import copy

import numpy as np

__all__ = ["Optimizer"]


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class. Subclasses set ``defaults`` and implement ``_update_group``."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}  # id(param) -> dict of arrays / scalars
        self.param_groups = []
        if hasattr(params, "data") and hasattr(params, "grad"):
            raise TypeError("params must be an iterable of Parameters or of dicts, "
                            "got a single tensor")
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(params[0], dict):
            params = [{"params": params}]
        for group in params:
            self.add_param_group(group)

    def add_param_group(self, group):
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"a param group must be a dict with 'params', got {group!r}")
        group = dict(group)
        ps = group["params"]
        ps = [ps] if hasattr(ps, "data") else list(ps)
        for p in ps:
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                raise TypeError(f"optimizer can only optimize tensors, got {type(p).__name__}")
            if not isinstance(p.data, np.ndarray) or p.data.dtype.kind != "f":
                raise TypeError("optimizer can only optimize floating-point tensors")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in ps):
            raise ValueError("some parameters appear in more than one parameter group")
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown option(s) {sorted(unknown)}; "
                            f"valid options are {sorted(self.defaults)}")
        for k, v in self.defaults.items():
            if v is required and k not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {k!r}")
            group.setdefault(k, v)
        group["params"] = ps
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group):
        """Validate hyper-parameters (ValueError naming the option)."""

    @staticmethod
    def _nonneg(group, *names):
        for n in names:
            v = group[n]
            if not (isinstance(v, (int, float, np.floating)) and v >= 0):
                raise ValueError(f"Invalid {n} value: {v!r} (must be a number >= 0)")

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad[...] = 0

    def step(self, closure=None):
        loss = None
        if closure is not None:
            from ..tensor import enable_grad

            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update_group(group)
        return loss

    def _update_group(self, group):
        raise NotImplementedError

    def _params_with_grad(self, group):
        for p in group["params"]:
            if p.grad is None:
                continue
            g = p.grad
            if g.shape != p.data.shape:
                raise ValueError(f"gradient shape {g.shape} does not match parameter shape "
                                 f"{p.data.shape}")
            if g.dtype != p.data.dtype:
                g = g.astype(p.data.dtype)
            yield p, g, self.state.setdefault(id(p), {})

    # ---- serialisation -------------------------------------------------------
    def state_dict(self):
        """{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}."""
        index = {}
        groups = []
        for group in self.param_groups:
            g = {k: v for k, v in group.items() if k != "params"}
            g["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                g["params"].append(index[id(p)])
            groups.append(g)
        state = {index[k]: copy.deepcopy(v) for k, v in self.state.items() if k in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        params = []
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
            params.extend(zip(theirs["params"], mine["params"]))
        self.state = {}
        for idx, p in params:
            if idx in state_dict["state"]:
                st = copy.deepcopy(state_dict["state"][idx])
                for k, v in st.items():
                    if isinstance(v, np.ndarray) and v.shape == p.data.shape:
                        st[k] = v.astype(p.data.dtype)
                self.state[id(p)] = st
        for mine, theirs in zip(self.param_groups, groups):
            for k, v in theirs.items():
                if k != "params":
                    mine[k] = v

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(group):
                if k != "params":
                    lines.append(f"    {k}: {group[k]}")
        lines.append(")")
        return "\n".join(lines)
