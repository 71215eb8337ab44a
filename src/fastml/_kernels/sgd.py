"""Per-sample SGD epochs (binary / regression losses and multinomial softmax)
behind one facade.

Compiled backend: Numba (fastml._kernels.sgd_jit; numba is imported and the
loops compiled on the first epoch, not at import); FASTML_BACKEND=reference:
the NumPy twin (fastml._kernels.reference.sgd, the same functions with the
same integer codes). The backend is chosen once, at import. Contracts are the
twin's; the caller passes float64 C-contiguous arrays, int64 `order`, and
trusts nothing else. The epochs are sequential (one thread).
"""
from ._backend import COMPILED
from .reference import sgd as _reference

LOSSES = _reference.LOSSES
PENALTIES = _reference.PENALTIES
SCHEDULES = _reference.SCHEDULES

if COMPILED:
    def _impl():
        from . import sgd_jit  # cached after the first call
        return sgd_jit
else:
    def _impl():
        return _reference


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
