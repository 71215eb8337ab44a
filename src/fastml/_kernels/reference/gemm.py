"""Reference float32 GEMM: c = alpha op(a) op(b) + beta c, in place, through a
float64 product (the oracle the own kernels are tested against)."""
import numpy as np


def sgemm(a, b, c, transa=False, transb=False, alpha=1.0, beta=0.0, own=True):
    M, N = c.shape
    A = a.T if transa else a
    B = b.T if transb else b
    if A.shape[0] != M:
        raise ValueError(f"a has shape {tuple(a.shape)[:2]}, incompatible with c rows {M}")
    if B.shape != (A.shape[1], N):
        raise ValueError(f"b has shape {tuple(b.shape)[:2]}, expected K={A.shape[1]}, N={N}")
    prod = A.astype(np.float64) @ B.astype(np.float64)
    base = 0.0 if beta == 0 else beta * c.astype(np.float64)
    c[...] = (alpha * prod + base).astype(c.dtype)
