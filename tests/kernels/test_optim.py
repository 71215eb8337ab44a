"""Fused optimizer updates (csrc/optim.c) vs the NumPy twin (reference/optim.py):
Adam/AdamW (with and without amsgrad) and SGD (plain, momentum, Nesterov),
float32/float64, sizes around the vector lengths, and thread-count
independence (element-wise: bitwise equal for any thread count)."""
import numpy as np
import pytest

from fastml._kernels import optim as K
from fastml._kernels._threads import scope
from fastml._kernels.reference import optim as R

SIZES = [1, 7, 8, 9, 15, 16, 17, 33, 1037]


def _rtol(dt):
    return 1e-6 if dt == np.float32 else 1e-14


def _state(rng, dt, n):
    arrs = [rng.standard_normal(n).astype(dt) for _ in range(4)]
    arrs[2] = np.abs(arrs[2])  # v
    arrs[3] = np.abs(arrs[3])  # vmax
    return arrs, rng.standard_normal(n).astype(dt)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("decoupled", [False, True])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_matches_twin(dt, n, decoupled, amsgrad, rng):
    arrs, g = _state(rng, dt, n)
    if not amsgrad:
        arrs[3] = None
    a = [None if x is None else x.copy() for x in arrs]
    b = [None if x is None else x.copy() for x in arrs]
    K.adam(*a, g, 0.01, 0.9, 0.99, 1e-8, 0.1, decoupled, 0.05, 1.3)
    R.adam(*b, g, 0.01, 0.9, 0.99, 1e-8, 0.1, decoupled, 0.05, 1.3)
    for x, y in zip(a, b):
        if x is not None:
            assert x.dtype == dt
            np.testing.assert_allclose(x, y, rtol=_rtol(dt))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("wd", [0.0, 0.01])
def test_sgd_matches_twin(dt, n, momentum, nesterov, first, wd, rng):
    arrs, g = _state(rng, dt, n)
    a = [arrs[0].copy(), arrs[1].copy() if momentum else None]
    b = [arrs[0].copy(), arrs[1].copy() if momentum else None]
    K.sgd(*a, g, 0.1, momentum, 0.1, wd, nesterov, first)
    R.sgd(*b, g, 0.1, momentum, 0.1, wd, nesterov, first)
    for x, y in zip(a, b):
        if x is not None:
            np.testing.assert_allclose(x, y, rtol=_rtol(dt))


def test_read_only_gradient(rng):
    arrs, g = _state(rng, np.float64, 100)
    g.flags.writeable = False
    a = [x.copy() for x in arrs]
    b = [x.copy() for x in arrs]
    K.adam(*a, g, 0.01, 0.9, 0.99, 1e-8, 0.0, False, 0.05, 1.3)
    R.adam(*b, g, 0.01, 0.9, 0.99, 1e-8, 0.0, False, 0.05, 1.3)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-14)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_independent_of_threads(dt, rng):
    arrs, g = _state(rng, dt, 300_000)
    outs = []
    for n in (1, 2, 3):
        a = [x.copy() for x in arrs]
        with scope(n):
            K.adam(*a, g, 0.01, 0.9, 0.99, 1e-8, 0.1, True, 0.05, 1.3)
            K.sgd(a[0], a[1], g, 0.1, 0.9, 0.1, 0.01, True, False)
        outs.append(a)
    for o in outs[1:]:
        for x, y in zip(o, outs[0]):
            np.testing.assert_array_equal(x, y)
