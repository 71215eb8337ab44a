"""Shared test fixtures.

`cpu_level` runs a test once per SIMD level this machine supports (kernels read
the level at call time, so one process covers every dispatch path).
"""
import numpy as np
import pytest

from fastml._kernels import COMPILED, runtime

if COMPILED:
    _LEVELS = runtime.LEVELS[: runtime.LEVELS.index(runtime.cpu_level_hw()) + 1]
else:
    _LEVELS = ("reference",)


@pytest.fixture(params=_LEVELS)
def cpu_level(request):
    """Dispatch every kernel at this level for the duration of the test."""
    if not COMPILED:
        yield request.param
        return
    prev = runtime.set_cpu_level(request.param)
    try:
        yield request.param
    finally:
        runtime.set_cpu_level(prev)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
