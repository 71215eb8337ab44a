"""Backend selection: compiled kernels (default) or the NumPy reference twins.

FASTML_BACKEND=reference runs the whole library on the twins (no compiled
module is imported then). FASTML_DISABLE_CPU_FEATURES=AVX512F,AVX2 lowers the
SIMD dispatch level (read by the C runtime at import).
"""
import os
from typing import Any

BACKEND = os.environ.get("FASTML_BACKEND", "compiled").strip().lower() or "compiled"
if BACKEND not in ("compiled", "reference"):
    raise ImportError(
        f"FASTML_BACKEND={BACKEND!r} is not supported; use 'compiled' or 'reference'."
    )
COMPILED = BACKEND == "compiled"

runtime: Any  # the compiled _runtime module, or None on the reference backend
if COMPILED:
    from . import _runtime as runtime
else:
    runtime = None

_blas_ready = False


def ensure_blas():
    """Register SciPy's BLAS with the C kernels (once; imports scipy.linalg)."""
    global _blas_ready
    if not _blas_ready:
        runtime.register_blas()
        _blas_ready = True
