"""First-order optimizers with PyTorch's update rules and argument names.

Updates run in place on ``p.data`` with NumPy ufuncs writing into existing
buffers (no temporaries beyond one scratch array per step), in the
parameter's dtype. Each rule is written out in the docstring.
"""
import math

import numpy as np

from .optimizer import Optimizer

_FUSED: list = []


def _fused():
    """fastml._kernels.optim (fused C updates), imported on first use."""
    if not _FUSED:
        from ..._kernels import optim

        _FUSED.append(optim)
    return _FUSED[0]


def _fusable(p, g):
    return p.data.flags.c_contiguous and g.flags.c_contiguous and g.dtype == p.data.dtype

__all__ = ["SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW"]


def _apply_weight_decay(g, p, wd):
    return g if wd == 0 else g + wd * p.data


def _maybe_maximize(g, maximize):
    """maximize negates the gradient first; weight decay is added after (as torch:
    g = -grad + wd p)."""
    return -g if maximize else g


class SGD(Optimizer):
    """g = grad + wd p;  b = mu b + (1 - dampening) g (b = g at step 1);
    g = g + mu b (nesterov) or b;  p -= lr g."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _check_group(self, group):
        self._nonneg(group, "lr", "momentum", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update_group(self, group):
        lr, mu, damp = group["lr"], group["momentum"], group["dampening"]
        wd, nesterov = group["weight_decay"], group["nesterov"]
        for p, g, st in self._params_with_grad(group):
            if group["maximize"]:
                g = -g
            if _fusable(p, g):  # one compiled pass (same arithmetic as below)
                buf = None
                first = False
                if mu != 0:
                    buf = st.get("momentum_buffer")
                    first = buf is None
                    if first:
                        buf = st["momentum_buffer"] = np.empty_like(p.data)
                _fused().sgd(p.data, buf, g, lr, mu, damp, wd, nesterov, first)
                continue
            g = _apply_weight_decay(g, p, wd)
            if mu != 0:
                buf = st.get("momentum_buffer")
                if buf is None:
                    buf = st["momentum_buffer"] = np.array(g, dtype=p.data.dtype)
                else:
                    buf *= mu
                    buf += (1 - damp) * g
                g = g + mu * buf if nesterov else buf
            p.data -= lr * g


class Adagrad(Optimizer):
    """clr = lr / (1 + (t - 1) lr_decay);  s += g^2;  p -= clr g / (sqrt(s) + eps)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, *, maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def _check_group(self, group):
        self._nonneg(group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value",
                     "eps")

    def _update_group(self, group):
        for p, g, st in self._params_with_grad(group):
            g = _apply_weight_decay(_maybe_maximize(g, group["maximize"]), p,
                                    group["weight_decay"])
            if "sum" not in st:
                st["step"] = 0
                st["sum"] = np.full_like(p.data, group["initial_accumulator_value"])
            st["step"] += 1
            clr = group["lr"] / (1 + (st["step"] - 1) * group["lr_decay"])
            st["sum"] += g * g
            p.data -= clr * g / (np.sqrt(st["sum"]) + group["eps"])


class Adadelta(Optimizer):
    """v = rho v + (1 - rho) g^2;  d = sqrt(u + eps) / sqrt(v + eps) g;
    u = rho u + (1 - rho) d^2;  p -= lr d."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _check_group(self, group):
        self._nonneg(group, "lr", "eps", "weight_decay")
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']!r} (must be in [0, 1])")

    def _update_group(self, group):
        rho, eps = group["rho"], group["eps"]
        for p, g, st in self._params_with_grad(group):
            g = _apply_weight_decay(_maybe_maximize(g, group["maximize"]), p,
                                    group["weight_decay"])
            if "square_avg" not in st:
                st["step"] = 0
                st["square_avg"] = np.zeros_like(p.data)
                st["acc_delta"] = np.zeros_like(p.data)
            st["step"] += 1
            v, u = st["square_avg"], st["acc_delta"]
            v *= rho
            v += (1 - rho) * g * g
            delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
            u *= rho
            u += (1 - rho) * delta * delta
            p.data -= group["lr"] * delta


class RMSprop(Optimizer):
    """v = alpha v + (1 - alpha) g^2;  centered: m = alpha m + (1 - alpha) g,
    den = sqrt(v - m^2) + eps, else sqrt(v) + eps;  momentum: b = mu b + g / den,
    p -= lr b; else p -= lr g / den."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      maximize=maximize))

    def _check_group(self, group):
        self._nonneg(group, "lr", "alpha", "eps", "weight_decay", "momentum")

    def _update_group(self, group):
        a, eps, mu = group["alpha"], group["eps"], group["momentum"]
        for p, g, st in self._params_with_grad(group):
            g = _apply_weight_decay(_maybe_maximize(g, group["maximize"]), p,
                                    group["weight_decay"])
            if "square_avg" not in st:
                st["step"] = 0
                st["square_avg"] = np.zeros_like(p.data)
                if mu > 0:
                    st["momentum_buffer"] = np.zeros_like(p.data)
                if group["centered"]:
                    st["grad_avg"] = np.zeros_like(p.data)
            st["step"] += 1
            v = st["square_avg"]
            v *= a
            v += (1 - a) * g * g
            if group["centered"]:
                m = st["grad_avg"]
                m *= a
                m += (1 - a) * g
                den = np.sqrt(v - m * m) + eps
            else:
                den = np.sqrt(v) + eps
            if mu > 0:
                b = st["momentum_buffer"]
                b *= mu
                b += g / den
                p.data -= group["lr"] * b
            else:
                p.data -= group["lr"] * g / den


class Adam(Optimizer):
    """m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2 (amsgrad: vmax = max(vmax, v));
    p -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
    weight_decay adds wd p to g (L2); AdamW decays p directly instead."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))

    def _check_group(self, group):
        self._nonneg(group, "lr", "eps", "weight_decay")
        b = group["betas"]
        if len(b) != 2 or not all(0.0 <= x < 1.0 for x in b):
            raise ValueError(f"Invalid betas value: {b!r} (two numbers in [0, 1))")

    def _update_group(self, group):
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        for p, g, st in self._params_with_grad(group):
            g = _maybe_maximize(g, group["maximize"])
            if "exp_avg" not in st:
                st["step"] = 0
                st["exp_avg"] = np.zeros_like(p.data)
                st["exp_avg_sq"] = np.zeros_like(p.data)
                if group["amsgrad"]:
                    st["max_exp_avg_sq"] = np.zeros_like(p.data)
            st["step"] += 1
            t = st["step"]
            m, v = st["exp_avg"], st["exp_avg_sq"]
            bc1 = 1 - b1 ** t
            bc2_sqrt = math.sqrt(1 - b2 ** t)
            if _fusable(p, g):  # one compiled pass (same arithmetic as below)
                _fused().adam(p.data, m, v, st.get("max_exp_avg_sq"), g, lr, b1, b2, eps, wd,
                              self._decoupled, lr / bc1, 1 / bc2_sqrt)
                continue
            if self._decoupled:
                if wd != 0:
                    p.data *= 1 - lr * wd
            else:
                g = _apply_weight_decay(g, p, wd)
            dt = p.data.dtype.type
            # in place with one scratch array: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2
            tmp = np.multiply(g, dt(1 - b1))
            m *= dt(b1)
            m += tmp
            np.multiply(g, g, out=tmp)
            tmp *= dt(1 - b2)
            v *= dt(b2)
            v += tmp
            if group["amsgrad"]:
                np.maximum(st["max_exp_avg_sq"], v, out=st["max_exp_avg_sq"])
                v = st["max_exp_avg_sq"]
            np.sqrt(v, out=tmp)
            tmp *= dt(1 / bc2_sqrt)
            tmp += dt(eps)
            np.divide(m, tmp, out=tmp)
            tmp *= dt(lr / bc1)
            p.data -= tmp


class AdamW(Adam):
    """Adam with decoupled weight decay: p *= 1 - lr wd before the Adam step."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)
