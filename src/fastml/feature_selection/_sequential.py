"""SequentialFeatureSelector: greedy forward or backward selection by
cross-validated score (the "stepwise regression" of the textbooks)."""
import numbers

import numpy as np

from ..base import BaseEstimator, clone
from ..model_selection import check_cv, cross_val_score
from ..utils._parallel import map_threads
from ..utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from ..utils.validation import check_is_fitted, resolve_n_jobs
from ._base import SelectorMixin, inner_allow_nan
from ._rfe import _is_classifier, _validate_xy

__all__ = ["SequentialFeatureSelector"]


class SequentialFeatureSelector(SelectorMixin, BaseEstimator):
    """Add (forward) or remove (backward) one feature at a time, each time the
    one whose cross-validated score (`scoring`, `cv`) is best.

    n_features_to_select: "auto" (half the features, or with `tol` stop when
    the score improves by less than tol), an int, or a fraction. tol may be
    negative for backward selection (removing features may cost up to |tol|).
    The candidates of a step are scored on `n_jobs` threads; ties go to the
    lowest feature index, as in scikit-learn. Attributes: support_,
    n_features_to_select_.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "n_features_to_select": [StrOptions({"auto"}),
                                 Interval(RealNotInt, 0, 1, closed="right"),
                                 Interval(numbers.Integral, 0, None, closed="neither")],
        "tol": [None, Interval(numbers.Real, None, None, closed="neither")],
        "direction": [StrOptions({"forward", "backward"})],
        "scoring": [None, str, callable],
        "cv": ["cv_object"],
        "n_jobs": ["n_jobs"],
    }

    def __init__(self, estimator, *, n_features_to_select="auto", tol=None,
                 direction="forward", scoring=None, cv=5, n_jobs=None):
        self.estimator = estimator
        self.n_features_to_select = n_features_to_select
        self.tol = tol
        self.direction = direction
        self.scoring = scoring
        self.cv = cv
        self.n_jobs = n_jobs

    def fit(self, X, y=None, **params):
        """Select the features greedily."""
        self._validate_params()
        from ..ensemble._voting import _no_extra_params

        _no_extra_params(self, "fit", params)
        X, y = _validate_xy(self, X, y, allow_nan=self._fastml_tags()["allow_nan"],
                            y_optional=True)
        n = X.shape[1]
        if self.n_features_to_select == "auto":
            self.n_features_to_select_ = n - 1 if self.tol is not None else n // 2
        elif isinstance(self.n_features_to_select, numbers.Integral):
            if self.n_features_to_select >= n:
                raise ValueError("n_features_to_select must be < n_features.")
            self.n_features_to_select_ = self.n_features_to_select
        else:
            self.n_features_to_select_ = int(n * self.n_features_to_select)
        if self.tol is not None and self.tol < 0 and self.direction == "forward":
            raise ValueError("tol must be strictly positive when doing forward selection")
        cv = check_cv(self.cv, y, classifier=_is_classifier(self.estimator))
        est = clone(self.estimator)
        mask = np.zeros(n, dtype=bool)
        n_iter = (self.n_features_to_select_ if self.n_features_to_select == "auto" or
                  self.direction == "forward" else n - self.n_features_to_select_)
        old = -np.inf
        auto = self.tol is not None and self.n_features_to_select == "auto"
        for _ in range(n_iter):
            idx, score = self._best_candidate(est, X, y, cv, mask, params)
            if auto and (score - old) < self.tol:
                break
            old = score
            mask[idx] = True
        if self.direction == "backward":
            mask = ~mask
        self.support_ = mask
        self.n_features_to_select_ = int(mask.sum())
        return self

    def _best_candidate(self, est, X, y, cv, mask, params):
        candidates = np.flatnonzero(~mask)
        splits = list(cv.split(X, y))

        def score(j):
            cand = mask.copy()
            cand[j] = True
            if self.direction == "backward":
                cand = ~cand
            return cross_val_score(est, X[:, np.flatnonzero(cand)], y, cv=splits,
                                   scoring=self.scoring, params=params or None).mean()

        scores = map_threads(score, candidates, resolve_n_jobs(self.n_jobs))
        best = int(np.argmax(scores))  # first maximum: the lowest index
        return candidates[best], scores[best]

    def _get_support_mask(self):
        check_is_fitted(self, "support_")
        return self.support_

    def _fastml_tags(self):
        return {"allow_nan": inner_allow_nan(self.estimator), "sparse": True}
