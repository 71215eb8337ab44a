"""Fused NAdam / RAdam / Adamax / Rprop updates (csrc/optim.c, range kernels per ISA
level in optim_simd.c) vs the NumPy twin (reference/optim.py) at every SIMD level:
float32/float64, sizes around the vector lengths, both lerp branches (beta1 above and
below 0.5), weight decay on/off/decoupled; the same bits at every level (explicit
fma), read-only gradients and thread-count independence (element-wise: bitwise)."""
import numpy as np
import pytest

from fastml._kernels import COMPILED, runtime
from fastml._kernels import optim as K
from fastml._kernels._threads import scope
from fastml._kernels.reference import optim as R

SIZES = [1, 7, 8, 9, 15, 16, 17, 33, 1037]


def _tol(dt):  # the kernels fuse multiply-adds, the twin cannot: a few ulps apart
    return dict(rtol=2e-6, atol=1e-6) if dt == np.float32 else dict(rtol=1e-13, atol=1e-15)


def _arrays(rng, dt, n, k):
    arrs = [rng.standard_normal(n).astype(dt) for _ in range(k)]
    return arrs, rng.standard_normal(n).astype(dt)


def _both(fn, arrs, g, *args):
    a = [x.copy() for x in arrs]
    b = [x.copy() for x in arrs]
    getattr(K, fn)(*a, g, *args)
    getattr(R, fn)(*b, g, *args)
    return a, b


WD = [(0.0, False), (0.05, False), (0.05, True)]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("beta1", [0.9, 0.3])
@pytest.mark.parametrize("wd,decoupled", WD)
def test_nadam_matches_twin(cpu_level, dt, n, beta1, wd, decoupled, rng):
    arrs, g = _arrays(rng, dt, n, 3)
    arrs[2] = np.abs(arrs[2])
    a, b = _both("nadam", arrs, g, 0.01, beta1, 0.99, 1e-8, wd, decoupled, 0.03, -0.004, -0.02)
    for x, y in zip(a, b):
        assert x.dtype == dt
        np.testing.assert_allclose(x, y, **_tol(dt))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("beta1", [0.9, 0.3])
@pytest.mark.parametrize("wd,decoupled", WD)
@pytest.mark.parametrize("rect", [-1.0, 0.7])
def test_radam_matches_twin(cpu_level, dt, n, beta1, wd, decoupled, rect, rng):
    arrs, g = _arrays(rng, dt, n, 3)
    arrs[2] = np.abs(arrs[2])
    a, b = _both("radam", arrs, g, 0.01, beta1, 0.99, 1e-8, wd, decoupled, 0.2, 0.3, rect)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, **_tol(dt))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("beta1", [0.9, 0.3])
@pytest.mark.parametrize("wd", [0.0, 0.05])
def test_adamax_matches_twin(cpu_level, dt, n, beta1, wd, rng):
    arrs, g = _arrays(rng, dt, n, 3)
    arrs[2] = np.abs(arrs[2]) + 0.1
    a, b = _both("adamax", arrs, g, beta1, 0.99, 1e-8, wd, -0.03)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, **_tol(dt))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
def test_rprop_matches_twin_exactly(cpu_level, dt, n, rng):
    arrs, g = _arrays(rng, dt, n, 3)
    arrs[1][::3] = 0  # some elements without a previous gradient
    arrs[2] = np.abs(arrs[2]) * 0.1
    a, b = _both("rprop", arrs, g, 0.5, 1.2, 1e-3, 0.12)
    for x, y in zip(a, b):  # no fused multiply-add in Rprop: identical
        np.testing.assert_array_equal(x, y)
    assert a[2].min() >= dt(1e-3) and a[2].max() <= dt(0.12)


@pytest.mark.parametrize("fn,k,args", [
    ("nadam", 3, (0.01, 0.9, 0.99, 1e-8, 0.01, False, 0.03, -0.004, -0.02)),
    ("radam", 3, (0.01, 0.9, 0.99, 1e-8, 0.01, True, 0.2, 0.3, 0.7)),
    ("adamax", 3, (0.9, 0.99, 1e-8, 0.01, -0.03)),
    ("rprop", 3, (0.5, 1.2, 1e-3, 0.12)),
])
def test_read_only_gradient_and_thread_independence(fn, k, args, rng):
    n = 300_001
    arrs, g = _arrays(rng, np.float64, n, k)
    arrs[2] = np.abs(arrs[2]) + 0.1
    g.flags.writeable = False
    outs = []
    for threads in (1, 2, 3):
        a = [x.copy() for x in arrs]
        with scope(threads):
            getattr(K, fn)(*a, g, *args)
        outs.append(a)
    for other in outs[1:]:
        for x, y in zip(outs[0], other):
            np.testing.assert_array_equal(x, y)


@pytest.mark.skipif(not COMPILED, reason="one level without the compiled kernels")
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_every_level_gives_the_same_bits(dt, rng):
    n = 4099
    cases = [("nadam", (0.01, 0.9, 0.99, 1e-8, 0.01, False, 0.03, -0.004, -0.02)),
             ("nadam", (0.01, 0.3, 0.99, 1e-8, 0.01, True, 0.03, -0.004, -0.02)),
             ("radam", (0.01, 0.9, 0.99, 1e-8, 0.01, False, 0.2, 0.3, 0.7)),
             ("radam", (0.01, 0.9, 0.99, 1e-8, 0.0, False, 0.2, 0.3, -1.0)),
             ("adamax", (0.9, 0.99, 1e-8, 0.01, -0.03)),
             ("rprop", (0.5, 1.2, 1e-3, 0.12))]
    arrs, g = _arrays(rng, dt, n, 3)
    arrs[2] = np.abs(arrs[2]) + 0.1
    levels = runtime.LEVELS[: runtime.LEVELS.index(runtime.cpu_level_hw()) + 1]
    prev = runtime.set_cpu_level(levels[0])
    try:
        for fn, args in cases:
            outs = []
            for level in levels:
                runtime.set_cpu_level(level)
                a = [x.copy() for x in arrs]
                getattr(K, fn)(*a, g, *args)
                outs.append(a)
            for other in outs[1:]:
                for x, y in zip(outs[0], other):
                    np.testing.assert_array_equal(x, y, err_msg=fn)
    finally:
        runtime.set_cpu_level(prev)
