"""fastml's own float32 GEMM (csrc/gemm*.c) behind one facade.

sgemm(a, b, c, ...) computes c = alpha op(a) op(b) + beta c in place on
C-contiguous float32 arrays, on the own kernels (own=True) or the borrowed BLAS
(own=False); it exists for tests and benchmarks (convolution and kNN use the
engine from C). Compiled or reference chosen once, at import.
"""
from ._backend import COMPILED, ensure_blas
from ._threads import current as _threads


def _check_shapes(a, b, c, transa, transb):
    M, N = c.shape
    K = a.shape[0] if transa else a.shape[1]
    if (a.shape[1] if transa else a.shape[0]) != M:
        raise ValueError(f"a has shape {tuple(a.shape)[:2]}, incompatible with c rows {M}")
    if (b.shape[1] if transb else b.shape[0]) != K or (b.shape[0] if transb else b.shape[1]) != N:
        raise ValueError(f"b has shape {tuple(b.shape)[:2]}, expected K={K}, N={N}")


def _sgemm(a, b, c, transa=False, transb=False, alpha=1.0, beta=0.0, own=True):
    _check_shapes(a, b, c, transa, transb)
    if not own:
        ensure_blas()
    _gemm.sgemm(a, b, c, bool(transa), bool(transb), float(alpha), float(beta), bool(own),
                _threads())


if COMPILED:
    from . import _gemm

    sgemm = _sgemm
else:
    from .reference.gemm import sgemm  # noqa: F401
