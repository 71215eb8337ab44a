"""Per-sample SGD epochs (binary / regression losses and multinomial softmax)
behind one facade.

Compiled backend: Numba (fastml._kernels.sgd_jit; numba is imported and the
loops compiled on the first epoch, not at import); FASTML_BACKEND=reference:
the NumPy twin (fastml._kernels.reference.sgd, the same functions with the
same integer codes). The backend is chosen once, at import. Contracts are the
twin's; the caller passes float64 C-contiguous arrays, int64 `order`, and
trusts nothing else. The epochs are sequential (one thread).
"""
import numpy as np

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


_NO_AVG = np.zeros(0)


def sgd_epoch(w, q, state, X, y, sw, order, loss, eps, penalty, alpha, l1_ratio, schedule,
              eta0, power_t, optimal_init, fit_intercept, aw=None, average=0):
    """One pass over X[order]; updates w, q, state in place; returns summed loss.
    average > 0 with aw (p,) float64 and state of length 7 also keeps the
    averaged-SGD sums (reference.sgd.avg_step), from update number `average`."""
    return float(_impl().sgd_epoch(
        w, q, state, X, y, sw, order, LOSSES.index(loss), float(eps), PENALTIES.index(penalty),
        float(alpha), float(l1_ratio), SCHEDULES.index(schedule), float(eta0), float(power_t),
        float(optimal_init), bool(fit_intercept), _NO_AVG if aw is None else aw, int(average)))


def csr_sgd_epoch(w, q, state, aw, X, y, sw, order, loss, eps, penalty, alpha, l1_ratio,
                  schedule, eta0, power_t, optimal_init, fit_intercept, intercept_decay, average):
    """sgd_epoch on the rows of CSR X (float64 data) with averaged SGD (aw (p,),
    state of length 7; average = 0: plain). Touches each row's stored features
    only; the intercept step is scaled by intercept_decay."""
    return float(_impl().csr_sgd_epoch(
        w, q, state, aw, X.data, X.indices, X.indptr, y, sw, order, LOSSES.index(loss),
        float(eps), PENALTIES.index(penalty), float(alpha), float(l1_ratio),
        SCHEDULES.index(schedule), float(eta0), float(power_t), float(optimal_init),
        bool(fit_intercept), float(intercept_decay), int(average)))


def softmax_sgd_epoch(W, b, state, X, yidx, sw, order, alpha, l1, schedule, eta0, power_t,
                      optimal_init, fit_intercept, sched_alpha):
    """One multinomial-logistic SGD pass; updates W, b, state; returns summed loss."""
    return float(_impl().softmax_sgd_epoch(
        W, b, state, X, yidx, sw, order, float(alpha), float(l1), SCHEDULES.index(schedule),
        float(eta0), float(power_t), float(optimal_init), bool(fit_intercept),
        float(sched_alpha)))


def shuffle_swaps(seed, n):
    """int64 swap targets of scikit-learn's per-epoch SGD shuffle for `seed`
    (reference.sgd.shuffle_swaps)."""
    return _impl().shuffle_swaps(int(seed), int(n))


def apply_swaps(ind, js):
    """Shuffle int64 `ind` in place by the swap targets js (one epoch)."""
    _impl().apply_swaps(ind, js)
