"""SGD epochs (fastml._kernels.sgd: Numba sgd_jit when compiled) vs the NumPy
twin (reference/sgd.py), for every loss and penalty and the multinomial
softmax epoch. The epochs are sequential and float64 only."""
import numpy as np
import pytest

from fastml._kernels import sgd as facade
from fastml._kernels.reference import sgd as ref


def test_epochs_match_twin():
    """The facade (Numba when compiled) against the NumPy twin, every loss and penalty."""

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 17))
    y = X @ rng.normal(size=17) + rng.normal(size=120)
    order = rng.permutation(120).astype(np.int64)
    sw = rng.uniform(0.5, 2, 120)
    yb = np.sign(y)
    for li, loss in enumerate(ref.LOSSES):
        for pen in ref.PENALTIES:
            target = yb if li in (0, 1, 4, 5) else y
            states = []
            for impl in (facade, ref):
                w, q = np.zeros(17), np.zeros(17)
                st = np.array([1.0, 0.0, 1.0, 0.0])
                args = (w, q, st, X, target, sw, order, loss, 0.3, pen, 1e-3, 0.3, "invscaling",
                        0.01, 0.25, 0.0, True)
                if impl is ref:
                    args = args[:7] + (li, 0.3, ref.PENALTIES.index(pen), 1e-3, 0.3, 2, 0.01,
                                       0.25, 0.0, True)
                states.append((impl.sgd_epoch(*args), w * st[0], st.copy()))
            assert states[0][0] == pytest.approx(states[1][0], rel=1e-9)
            np.testing.assert_allclose(states[0][1], states[1][1], rtol=1e-9, atol=1e-12)
    yi = rng.integers(0, 4, 120).astype(np.int64)
    outs = []
    for impl in (facade, ref):
        W, b, st = np.zeros((4, 17)), np.zeros(4), np.array([1.0, 0.0, 1.0])
        if impl is ref:
            loss = ref.softmax_sgd_epoch(W, b, st, X, yi, sw, order, 1e-3, 1e-4, 1, 0.0, 0.5,
                                         50.0, True, 1e-3)
        else:
            loss = facade.softmax_sgd_epoch(W, b, st, X, yi, sw, order, 1e-3, 1e-4, "optimal",
                                            0.0, 0.5, 50.0, True, 1e-3)
        outs.append((loss, W * st[0], b))
    assert outs[0][0] == pytest.approx(outs[1][0], rel=1e-9)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-8, atol=1e-12)
