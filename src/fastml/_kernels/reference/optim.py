"""Pure-NumPy twin of csrc/optim.c (fused in-place optimizer updates).

Same contract: flat C-contiguous arrays of one dtype, updated in place.
"""
import numpy as np


def adam(p, m, v, vmax, g, lr, beta1, beta2, eps, wd, decoupled, step_size, inv_bc2_sqrt):
    t = p.dtype.type
    if decoupled:
        p *= t(1 - lr * wd)
    elif wd != 0:
        g = g + t(wd) * p
    m *= t(beta1)
    m += t(1 - beta1) * g
    v *= t(beta2)
    v += t(1 - beta2) * g * g
    vv = v
    if vmax is not None:
        np.maximum(vmax, v, out=vmax)
        vv = vmax
    p -= t(step_size) * (m / (np.sqrt(vv) * t(inv_bc2_sqrt) + t(eps)))


def sgd(p, buf, g, lr, momentum, dampening, wd, nesterov, first):
    t = p.dtype.type
    if wd != 0:
        g = g + t(wd) * p
    if buf is not None:
        if first:
            buf[...] = g
        else:
            buf *= t(momentum)
            buf += t(1 - dampening) * g
        g = g + t(momentum) * buf if nesterov else buf
    p -= t(lr) * g


# ---- NAdam / RAdam / Adamax / Rprop (csrc/optim_simd.c): torch.optim's single-tensor
# rules in the same order of operations; torch (and the C kernels) fuse some multiply-adds,
# which NumPy cannot, so the twin may differ from them in the last bit.
def _lerp(m, g, beta1):
    t = m.dtype.type
    w = t(1 - beta1)
    if w < 0.5:
        m += w * (g - m)
    else:
        m[...] = g - (g - m) * (t(1) - w)


def _decay(p, g, lr, wd, decoupled):
    t = p.dtype.type
    if wd != 0:
        if decoupled:
            p *= t(1 - lr * wd)
        else:
            g = g + t(wd) * p
    return g


def nadam(p, m, v, g, lr, beta1, beta2, eps, wd, decoupled, bc2, coef_g, coef_m):
    t = p.dtype.type
    g = _decay(p, g, lr, wd, decoupled)
    _lerp(m, g, beta1)
    v *= t(beta2)
    v += t(1 - beta2) * g * g
    den = np.sqrt(v / t(bc2)) + t(eps)
    p += (t(coef_g) * g) / den
    p += (t(coef_m) * m) / den


def radam(p, m, v, g, lr, beta1, beta2, eps, wd, decoupled, bc1, bc2_sqrt, rect):
    t = p.dtype.type
    g = _decay(p, g, lr, wd, decoupled)
    _lerp(m, g, beta1)
    v *= t(beta2)
    v += t(1 - beta2) * g * g
    upd = (m / t(bc1)) * t(lr)
    if rect > 0:
        upd = (upd * ((t(1) / (np.sqrt(v) + t(eps))) * t(bc2_sqrt))) * t(rect)
    p -= upd


def adamax(p, m, u, g, beta1, beta2, eps, wd, neg_clr):
    t = p.dtype.type
    if wd != 0:
        g = g + t(wd) * p
    _lerp(m, g, beta1)
    u *= t(beta2)
    np.maximum(u, np.abs(g) + t(eps), out=u)
    p += (t(neg_clr) * m) / u


def rprop(p, prev, step, g, etaminus, etaplus, step_min, step_max):
    t = p.dtype.type
    s = np.sign(g * prev)
    f = np.where(s > 0, t(etaplus), np.where(s < 0, t(etaminus), t(1)))
    step *= f.astype(p.dtype, copy=False)
    np.clip(step, t(step_min), t(step_max), out=step)
    g = np.where(s < 0, t(0), g).astype(p.dtype, copy=False)
    p -= np.sign(g) * step
    prev[...] = g
