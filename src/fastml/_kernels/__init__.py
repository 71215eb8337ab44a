"""The boundary: the only package that imports compiled (Cython/C) or jitted
(Numba) code.

Each kernel family has a facade module here (e.g. ``fastml._kernels.distance``)
that callers import; it runs the compiled kernel, or its pure-NumPy twin in
``fastml._kernels.reference`` when ``FASTML_BACKEND=reference``. Facades trust
their inputs: validation happens once, in the public API.
"""
from . import _jit_cache
from ._backend import BACKEND, COMPILED, ensure_blas, runtime

_jit_cache.check()  # before any *_jit module loads its cached machine code

__all__ = ["BACKEND", "COMPILED", "ensure_blas", "runtime"]
