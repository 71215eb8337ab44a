"""Linear-model kernels behind one facade: elastic-net coordinate descent and
per-sample SGD epochs.

Compiled backend: coordinate descent in C (csrc/linear.c, SIMD dispatch,
family "linear"), SGD epochs in Numba (fastml._kernels.jit_linear, imported
and compiled on first use); FASTML_BACKEND=reference: the NumPy twin
(fastml._kernels.reference.linear). Contracts are the twin's; the caller
passes float64 C-contiguous arrays, int64 `order`, and trusts nothing else.
"""
from ._backend import COMPILED
from .reference import linear as _reference

if COMPILED:
    from . import _linear

LOSSES = _reference.LOSSES
PENALTIES = _reference.PENALTIES
SCHEDULES = _reference.SCHEDULES


def _impl():
    if COMPILED:
        from . import jit_linear
        return jit_linear
    return _reference


def enet_cd(w, XT, y, l1, l2, max_iter, tol, positive=False):
    """Coordinate descent in place on w; returns (n_iter, duality gap)."""
    impl = _linear if COMPILED else _reference
    n_iter, gap = impl.enet_cd(w, XT, y, float(l1), float(l2), int(max_iter), float(tol),
                               bool(positive))
    return int(n_iter), float(gap)


def sgd_epoch(w, q, state, X, y, sw, order, loss, eps, penalty, alpha, l1_ratio, schedule,
              eta0, power_t, optimal_init, fit_intercept):
    """One pass over X[order]; updates w, q, state in place; returns summed loss."""
    return float(_impl().sgd_epoch(
        w, q, state, X, y, sw, order, LOSSES.index(loss), float(eps), PENALTIES.index(penalty),
        float(alpha), float(l1_ratio), SCHEDULES.index(schedule), float(eta0), float(power_t),
        float(optimal_init), bool(fit_intercept)))


def softmax_sgd_epoch(W, b, state, X, yidx, sw, order, alpha, l1, schedule, eta0, power_t,
                      optimal_init, fit_intercept, sched_alpha):
    """One multinomial-logistic SGD pass; updates W, b, state; returns summed loss."""
    return float(_impl().softmax_sgd_epoch(
        W, b, state, X, yidx, sw, order, float(alpha), float(l1), SCHEDULES.index(schedule),
        float(eta0), float(power_t), float(optimal_init), bool(fit_intercept),
        float(sched_alpha)))
