"""NumPy twin of csrc/logistic.c: the binary logistic objective (value,
gradient, curvature weights) in float64, see fastml._kernels.logistic."""
import numpy as np


def binary(X, ypm, sn, w, b, need_curv=False):
    X64 = np.asarray(X, dtype=np.float64)
    t = (X64 @ w + b) * ypm
    e = np.exp(-np.abs(t))
    loss = float(sn @ (np.maximum(-t, 0.0) + np.log1p(e)))
    q = np.where(t >= 0, e, 1.0) / (1.0 + e)
    d = -(ypm * sn) * q
    curv = sn * q * (1.0 - q) if need_curv else None
    return loss, X64.T @ d, float(d.sum()), curv
