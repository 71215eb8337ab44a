"""SequentialFeatureSelector: greedy forward or backward selection by
cross-validated score (the "stepwise regression" of the textbooks)."""
import numbers

import numpy as np

from ..base import BaseEstimator, clone
from ..model_selection import check_cv
from ..model_selection._validation import (_fit_and_score, _scorers,
                                           _warn_or_raise_about_fit_failures)
from ..utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       raise_for_params, routing_enabled)
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
    lowest feature index, as in scikit-learn. The splits are drawn once per
    fit and shared by every candidate. Attributes: support_,
    n_features_to_select_.

    fit(**params) takes metadata only with metadata routing enabled; they go
    where the estimator (fit), the splitter (split) and the scorer (score)
    request them, per-sample values sliced to each fold.
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
        raise_for_params(params, self, "fit")
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
        scorers, _ = _scorers(self.estimator, self.scoring)
        if routing_enabled():
            routed = process_routing(self, "fit", **params)
            fit_params, split_params = dict(routed["estimator"]["fit"]), \
                dict(routed["splitter"]["split"])
            score_params = {"score": dict(routed["scorer"]["score"])}
        else:
            fit_params, split_params, score_params = {}, {}, {}
        splits = list(cv.split(X, y, **split_params))
        est = clone(self.estimator)
        mask = np.zeros(n, dtype=bool)
        n_iter = (self.n_features_to_select_ if self.n_features_to_select == "auto" or
                  self.direction == "forward" else n - self.n_features_to_select_)
        old = -np.inf
        auto = self.tol is not None and self.n_features_to_select == "auto"
        for _ in range(n_iter):
            idx, score = self._best_candidate(est, X, y, splits, mask, scorers,
                                              fit_params, score_params)
            if auto and (score - old) < self.tol:
                break
            old = score
            mask[idx] = True
        if self.direction == "backward":
            mask = ~mask
        self.support_ = mask
        self.n_features_to_select_ = int(mask.sum())
        return self

    def _best_candidate(self, est, X, y, splits, mask, scorers, fit_params, score_params):
        """(feature, mean cross-validated score) of the best candidate; a fold
        whose fit fails scores NaN with a FitFailedWarning (all failing: an
        error), as cross_val_score."""
        candidates = np.flatnonzero(~mask)

        def score(j):
            cand = mask.copy()
            cand[j] = True
            if self.direction == "backward":
                cand = ~cand
            Xc = X[:, np.flatnonzero(cand)]
            results = [_fit_and_score(est, Xc, y, train, test, scorers, None, fit_params,
                                      False, False, np.nan, score_params)
                       for train, test in splits]
            _warn_or_raise_about_fit_failures(results, np.nan)
            return np.mean([r["test"]["score"] for r in results])

        scores = map_threads(score, candidates, resolve_n_jobs(self.n_jobs))
        best = int(np.argmax(scores))  # first maximum: the lowest index
        return candidates[best], scores[best]

    def get_metadata_routing(self):
        """Routing of this selector (scikit-learn's MetadataRouter): fit
        metadata go to the estimator's fit, the splitter's split and the
        scorer's score."""
        from ..metrics._scorer import _PassthroughScorer

        router = metadata_router(self)  # children in scikit-learn's order
        router.add(estimator=self.estimator, method_mapping=method_mapping(("fit", "fit")))
        router.add(splitter=check_cv(self.cv, classifier=_is_classifier(self.estimator)),
                   method_mapping=method_mapping(("fit", "split")))
        scorer = _scorers(self.estimator, self.scoring)[0]["score"]
        if isinstance(scorer, _PassthroughScorer):  # scoring=None: the estimator's score
            scorer = scorer._estimator
        router.add(scorer=scorer, method_mapping=method_mapping(("fit", "score")))
        return router

    def _get_support_mask(self):
        check_is_fitted(self, "support_")
        return self.support_

    def _fastml_tags(self):
        return {"allow_nan": inner_allow_nan(self.estimator), "sparse": True}
