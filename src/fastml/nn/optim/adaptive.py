"""NAdam, RAdam, Adamax and Rprop with torch.optim's update rules and arguments.

Each step runs one fused compiled pass per parameter (csrc/optim_simd.c, per ISA level) whose
order of operations (fused multiply-adds included) is torch's single-tensor CPU
code, so float64 iterates equal torch's bit for bit for Adamax and Rprop. NAdam
and RAdam take a square root, which is correctly rounded here but not in torch
(its float64 sqrt is MKL's, 1 ulp off for ~1% of inputs), so they agree to a few
ulps. Non-contiguous parameters go through the NumPy twin (same order, no fused
multiply-adds: equal to ~1 ulp).
The per-step scalars (bias corrections, NAdam's momentum schedule, RAdam's
rectification) are computed here in Python exactly as torch computes them.
"""
import numpy as np

from ..._kernels.reference import optim as _twin
from .first_order import _fusable, _fused
from .optimizer import Optimizer

__all__ = ["NAdam", "RAdam", "Adamax", "Rprop"]


def _kernels(p, g):
    return _fused() if _fusable(p, g) else _twin


def _check_betas(group):
    b = group["betas"]
    if len(b) != 2:
        raise ValueError(f"Invalid betas value: {b!r} (two numbers in [0, 1))")
    for i in range(2):
        if not 0.0 <= b[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b[i]}")


class _AdamFamily(Optimizer):
    def _check_group(self, group):
        self._nonneg(group, "lr", "eps", "weight_decay")
        _check_betas(group)

    def _moments(self, p, st, extra=()):
        if "exp_avg" not in st:
            st["step"] = 0
            for k, v in extra:
                st[k] = v
            st["exp_avg"] = np.zeros_like(p.data)
            st[self._second] = np.zeros_like(p.data)
        st["step"] += 1
        return float(st["step"])


class NAdam(_AdamFamily):
    """Adam with Nesterov momentum (Dozat 2016), torch's schedule::

        mu_t = b1 (1 - 0.5 * 0.96^(t psi)) with psi = momentum_decay;
        m = lerp(m, g, 1 - b1);  v = b2 v + (1 - b2) g^2;  d = sqrt(v / (1 - b2^t)) + eps;
        p += -lr (1 - mu_t) / (1 - prod_{i<=t} mu_i) g / d
             - lr mu_{t+1} / (1 - prod_{i<=t+1} mu_i) m / d.

    weight_decay adds wd p to g, or with decoupled_weight_decay=True scales p by
    1 - lr wd first (NAdamW). As torch (default dtype float32), the running product
    of mu is kept in float32."""

    _second = "exp_avg_sq"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        self._nonneg(group, "momentum_decay")

    def _update_group(self, group):
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        psi = group["momentum_decay"]
        for p, g, st in self._params_with_grad(group):
            if group["maximize"]:
                g = -g
            step = self._moments(p, st, [("mu_product", 1.0)])
            bc2 = 1 - b2 ** step
            mu = b1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
            mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
            mp = float(np.float32(st["mu_product"]) * np.float32(mu))
            st["mu_product"] = mp
            mp_next = mp * mu_next
            coef_g = -lr * (1.0 - mu) / (1.0 - mp)
            coef_m = (-lr * mu_next) / (1.0 - mp_next)
            _kernels(p, g).nadam(p.data, st["exp_avg"], st["exp_avg_sq"], g, lr, b1, b2, eps,
                                 wd, group["decoupled_weight_decay"], bc2, coef_g, coef_m)


class RAdam(_AdamFamily):
    """Rectified Adam (Liu et al. 2019): m, v as Adam;  rho_inf = 2 / (1 - b2) - 1,
    rho_t = rho_inf - 2 t b2^t / (1 - b2^t);  if rho_t > 5:
    p -= lr m / (1 - b1^t) * sqrt(1 - b2^t) / (sqrt(v) + eps) * r_t with
    r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)),
    else p -= lr m / (1 - b1^t).  weight_decay as NAdam (decoupled_weight_decay)."""

    _second = "exp_avg_sq"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def _update_group(self, group):
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        for p, g, st in self._params_with_grad(group):
            if group["maximize"]:
                g = -g
            step = self._moments(p, st)
            bc1 = 1 - b1 ** step
            bc2 = 1 - b2 ** step
            rho_inf = 2 / (1 - b2) - 1
            rho_t = rho_inf - 2 * step * (b2 ** step) / bc2
            rect = -1.0
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf /
                        ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            _kernels(p, g).radam(p.data, st["exp_avg"], st["exp_avg_sq"], g, lr, b1, b2, eps,
                                 wd, group["decoupled_weight_decay"], bc1, bc2 ** 0.5, rect)


class Adamax(_AdamFamily):
    """Adam with the infinity norm: m = lerp(m, g, 1 - b1);
    u = max(b2 u, |g| + eps);  p -= lr / (1 - b1^t) m / u.  weight_decay adds wd p to g."""

    _second = "exp_inf"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize))

    def _update_group(self, group):
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        for p, g, st in self._params_with_grad(group):
            if group["maximize"]:
                g = -g
            step = self._moments(p, st)
            clr = lr / (1 - b1 ** step)
            _kernels(p, g).adamax(p.data, st["exp_avg"], st["exp_inf"], g, b1, b2, eps, wd,
                                  -clr)


class Rprop(Optimizer):
    """Resilient backpropagation (Riedmiller & Braun 1993), torch's variant: per-element
    step sizes (initially lr) grow by etas[1] while the gradient keeps its sign and
    shrink by etas[0] when it flips (then that element skips its update and forgets
    its gradient), clamped to step_sizes = (min, max);  p -= sign(g) step."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                                      maximize=maximize))

    def _check_group(self, group):
        self._nonneg(group, "lr")
        etas, sizes = group["etas"], group["step_sizes"]
        if len(etas) != 2 or not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {', '.join(map(str, etas))}")
        if len(sizes) != 2 or not 0.0 <= sizes[0] <= sizes[1]:
            raise ValueError(f"Invalid step_sizes value: {sizes!r} (need 0 <= min <= max)")

    def _update_group(self, group):
        (em, ep), (lo, hi) = group["etas"], group["step_sizes"]
        for p, g, st in self._params_with_grad(group):
            if group["maximize"]:
                g = -g
            if "prev" not in st:
                st["step"] = 0
                st["prev"] = np.zeros_like(p.data)
                st["step_size"] = np.full_like(p.data, group["lr"])
            st["step"] += 1
            _kernels(p, g).rprop(p.data, st["prev"], st["step_size"], g, em, ep, lo, hi)

