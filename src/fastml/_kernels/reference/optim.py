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
