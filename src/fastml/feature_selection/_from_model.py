"""SelectFromModel: keep the features a fitted model deems important
(|coef_| or feature_importances_ above a threshold, at most max_features)."""
import copy
import numbers

import numpy as np

from ..base import BaseEstimator, clone
from ..exceptions import NotFittedError
from ..utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       routing_enabled)
from ..utils._param_validation import HasMethods, Interval, Options
from ..utils._set_output import available_if
from ..utils.validation import check_is_fitted
from ._base import SelectorMixin, inner_allow_nan, get_feature_importances

__all__ = ["SelectFromModel"]


def _calculate_threshold(estimator, importances, threshold):
    """The numeric threshold: None -> 1e-5 for L1-penalised models (Lasso,
    penalty="l1"), else "mean"; "mean", "median", "<scale>*mean|median", or a number."""
    if threshold is None:
        name = type(estimator).__name__

        def ratio_is_one(attr):
            value = getattr(estimator, attr, None)
            try:
                return value is not None and bool(np.all(np.isclose(value, 1.0)))
            except TypeError:
                return False

        l1 = (getattr(estimator, "penalty", None) == "l1" or "Lasso" in name or
              (name in ("ElasticNet", "LogisticRegression") and ratio_is_one("l1_ratio")) or
              (name in ("ElasticNetCV", "LogisticRegressionCV") and ratio_is_one("l1_ratio_")))
        if l1:
            threshold = 1e-5
        else:
            threshold = "mean"
    if isinstance(threshold, str):
        if "*" in threshold:
            scale, ref = threshold.split("*")
            scale, ref = float(scale.strip()), ref.strip()
            if ref == "median":
                ref = np.median(importances)
            elif ref == "mean":
                ref = np.mean(importances)
            else:
                raise ValueError("Unknown reference: " + ref)
            return scale * ref
        if threshold == "median":
            return np.median(importances)
        if threshold == "mean":
            return np.mean(importances)
        raise ValueError("Expected threshold='mean' or threshold='median' got %s" % threshold)
    return float(threshold)


def _estimator_has(attr):
    def check(self):
        est = getattr(self, "estimator_", self.estimator)
        getattr(est, attr)
        return True
    return check


def _n_features(X):
    shape = getattr(X, "shape", None)
    if shape is not None:
        return shape[1]
    return len(X[0])


class SelectFromModel(SelectorMixin, BaseEstimator):
    """Meta-transformer keeping the features whose importance in `estimator`
    reaches `threshold`.

    Importances come from `importance_getter` ("auto": coef_, else
    feature_importances_; or an attribute path / callable), reduced over the
    rows of a 2-D coef_ with the `norm_order` norm. threshold: a number,
    "mean", "median", "1.25*mean"...; None means 1e-5 for L1-penalised models
    and "mean" otherwise. max_features (an int, or a callable of X) keeps at
    most that many of the highest. prefit=True uses the given fitted estimator
    as is (a deep copy in estimator_ after fit).

    fit / partial_fit parameters go to the estimator's fit / partial_fit; with
    metadata routing enabled, only those it requested (scikit-learn's rules).
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "threshold": [Interval(numbers.Real, None, None, closed="both"),
                      Options(numbers.Real, {np.inf, -np.inf}), str, None],
        "prefit": ["boolean"],
        "norm_order": [Interval(numbers.Integral, None, -1, closed="right"),
                       Interval(numbers.Integral, 1, None, closed="left"),
                       Options(numbers.Real, {np.inf, -np.inf})],
        "max_features": [Interval(numbers.Integral, 0, None, closed="left"), callable, None],
        "importance_getter": [str, callable],
    }

    def __init__(self, estimator, *, threshold=None, prefit=False, norm_order=1,
                 max_features=None, importance_getter="auto"):
        self.estimator = estimator
        self.threshold = threshold
        self.prefit = prefit
        self.importance_getter = importance_getter
        self.norm_order = norm_order
        self.max_features = max_features

    def _check_prefit(self):
        try:
            check_is_fitted(self.estimator)
        except NotFittedError as exc:
            raise NotFittedError("When `prefit=True`, `estimator` is expected to be a "
                                 "fitted estimator.") from exc

    def _get_support_mask(self):
        estimator = getattr(self, "estimator_", self.estimator)
        max_features = getattr(self, "max_features_", self.max_features)
        if self.prefit:
            self._check_prefit()
        if callable(max_features):
            raise NotFittedError("When `prefit=True` and `max_features` is a callable, call "
                                 "`fit` before calling `transform`.")
        if max_features is not None and not isinstance(max_features, numbers.Integral):
            raise ValueError("`max_features` must be an integer. Got "
                             f"`max_features={max_features}` instead.")
        scores = get_feature_importances(estimator, self.importance_getter,
                                         transform_func="norm", norm_order=self.norm_order)
        threshold = _calculate_threshold(estimator, scores, self.threshold)
        if self.max_features is not None:
            mask = np.zeros_like(scores, dtype=bool)
            mask[np.argsort(-scores, kind="mergesort")[:max_features]] = True
        else:
            mask = np.ones_like(scores, dtype=bool)
        mask[scores < threshold] = False
        return mask

    def _check_max_features(self, X):
        if self.max_features is None:
            return
        n = _n_features(X)
        mf = self.max_features(X) if callable(self.max_features) else self.max_features
        if not isinstance(mf, numbers.Integral) or isinstance(mf, bool):
            raise TypeError(f"max_features must be an instance of int, not {type(mf).__name__}.")
        if mf < 0 or mf > n:
            kind = "<" if mf < 0 else ">"
            bound = "0" if mf < 0 else str(n)
            raise ValueError(f"max_features == {mf}, must be {'>=' if kind == '<' else '<='} "
                             f"{bound}.")
        self.max_features_ = mf

    def _record_names(self, X, reset):
        names = getattr(self.estimator_, "feature_names_in_", None)
        if names is not None:
            self.feature_names_in_ = names
        else:
            self._check_feature_names(X, reset=reset)

    def _routed_params(self, method, params):
        """Parameters for the estimator's `method`: with metadata routing, the
        metadata it requested (an error for metadata nobody requested);
        without, `params` as given (scikit-learn's behaviour)."""
        if routing_enabled():
            return dict(process_routing(self, method, **params)["estimator"][method])
        return params

    def fit(self, X, y=None, **fit_params):
        """Fit the estimator on (X, y) (unless prefit) and keep it in estimator_.

        fit_params go to the estimator's fit; with metadata routing enabled,
        only the metadata the estimator requested (``set_fit_request``)."""
        self._validate_params()
        self._check_max_features(X)
        if self.prefit:
            self._check_prefit()
            self.estimator_ = copy.deepcopy(self.estimator)
        else:
            params = self._routed_params("fit", fit_params)
            self.estimator_ = clone(self.estimator)
            self.estimator_.fit(X, y, **params)
        self._record_names(X, reset=True)
        return self

    @property
    def threshold_(self):
        """The numeric threshold the selection uses."""
        scores = get_feature_importances(self.estimator_, self.importance_getter,
                                         transform_func="norm", norm_order=self.norm_order)
        return _calculate_threshold(self.estimator, scores, self.threshold)

    @available_if(_estimator_has("partial_fit"))
    def partial_fit(self, X, y=None, **partial_fit_params):
        """Update the estimator with one batch (partial_fit of the estimator;
        with metadata routing, the metadata it requested for partial_fit)."""
        first = not hasattr(self, "estimator_")
        if first:
            self._validate_params()
            self._check_max_features(X)
        if self.prefit:
            if first:
                self._check_prefit()
                self.estimator_ = copy.deepcopy(self.estimator)
            return self
        params = self._routed_params("partial_fit", partial_fit_params)
        if first:
            self.estimator_ = clone(self.estimator)
        self.estimator_.partial_fit(X, y, **params)
        self._record_names(X, reset=first)
        return self

    @property
    def n_features_in_(self):
        """Features seen by the fitted estimator."""
        try:
            check_is_fitted(self, "estimator_")
        except NotFittedError as nfe:
            raise AttributeError(f"{type(self).__name__} object has no n_features_in_ "
                                 "attribute.") from nfe
        return self.estimator_.n_features_in_

    def _check_n_features(self, X, reset):
        if not reset and hasattr(self, "estimator_") and \
                hasattr(self.estimator_, "n_features_in_") and X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is "
                             f"expecting {self.n_features_in_} features as input.")

    def get_metadata_routing(self):
        """Routing of this selector (scikit-learn's MetadataRouter): fit and
        partial_fit metadata go to the same method of the estimator."""
        router = metadata_router(self)
        router.add(estimator=self.estimator,
                   method_mapping=method_mapping(("partial_fit", "partial_fit"), ("fit", "fit")))
        return router

    def _fastml_tags(self):
        return {"allow_nan": inner_allow_nan(self.estimator), "sparse": True}
