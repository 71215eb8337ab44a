"""VarianceThreshold: drop the features whose variance is at most a threshold."""
import numbers

import numpy as np

from ..base import BaseEstimator
from ..utils._param_validation import Interval
from ..utils._sparse import column_mean_var, is_sparse
from ..utils.validation import check_is_fitted
from ._base import SelectorMixin, validate_X

__all__ = ["VarianceThreshold"]


def _sparse_min_max(X):
    """Per-column min and max of CSR/CSC X (implicit zeros included, NaN ignored)."""
    Xc = X.tocsc()
    n, d = Xc.shape
    lo, hi = np.full(d, np.inf), np.full(d, -np.inf)
    cols = np.repeat(np.arange(d), np.diff(Xc.indptr))
    v = Xc.data.astype(np.float64)
    ok = ~np.isnan(v)
    np.minimum.at(lo, cols[ok], v[ok])
    np.maximum.at(hi, cols[ok], v[ok])
    has_zero = np.diff(Xc.indptr) < n
    lo = np.where(has_zero, np.minimum(lo, 0.0), lo)
    hi = np.where(has_zero, np.maximum(hi, 0.0), hi)
    return lo, hi


class VarianceThreshold(SelectorMixin, BaseEstimator):
    """Feature selector that removes every feature with variance <= threshold
    (default 0: the constant features). Unsupervised; NaN entries are ignored
    when computing the variances.

    With threshold 0 the variance of a feature is the smaller of its variance
    and its peak-to-peak range, so a constant column counts as exactly 0
    whatever the rounding of the variance. Attributes: variances_.
    """

    _parameter_constraints = {"threshold": [Interval(numbers.Real, 0, None, closed="left")]}

    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def fit(self, X, y=None):
        """Compute the per-feature variances of X (dense or CSR/CSC sparse)."""
        self._validate_params()
        X = validate_X(self, X, reset=True, dtype=np.float64, allow_nan=True)
        if is_sparse(X):
            _, self.variances_, _ = column_mean_var(X)
            if self.threshold == 0:
                lo, hi = _sparse_min_max(X)
                ptp = hi - lo
        else:
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
                self.variances_ = np.nanvar(X, axis=0)
            if self.threshold == 0:
                ptp = np.ptp(X, axis=0)
        if self.threshold == 0:
            self.variances_ = np.nanmin(np.array([self.variances_, ptp]), axis=0)
        bad = ~np.isfinite(self.variances_) | (self.variances_ <= self.threshold)
        if np.all(bad):
            msg = f"No feature in X meets the variance threshold {self.threshold:.5f}"
            if X.shape[0] == 1:
                msg += " (X contains only one sample)"
            raise ValueError(msg)
        return self

    def _get_support_mask(self):
        check_is_fitted(self, "variances_")
        return self.variances_ > self.threshold

    def _fastml_tags(self):
        return {"allow_nan": True, "sparse": True}
