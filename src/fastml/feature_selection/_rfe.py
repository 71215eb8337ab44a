"""Recursive feature elimination: RFE (refit, drop the least important
`step` features, repeat) and RFECV (the number of features chosen by
cross-validated scores of the elimination path; folds run in parallel threads)."""
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, clone
from ..metrics import get_scorer
from ..model_selection import check_cv
from ..model_selection._validation import _fold_params
from ..utils._metadata_routing import (UNUSED, metadata_router, method_mapping,
                                       process_routing, raise_for_params, routing_enabled)
from ..utils._parallel import map_threads
from ..utils._param_validation import HasMethods, Interval, RealNotInt
from ..utils._set_output import available_if
from ..utils._sparse import is_sparse
from ..utils.validation import check_is_fitted, column_or_1d, resolve_n_jobs
from ._base import SelectorMixin, inner_allow_nan, get_feature_importances, validate_X

__all__ = ["RFE", "RFECV"]


def _estimator_has(attr):
    def check(self):
        getattr(getattr(self, "estimator_", self.estimator), attr)
        return True
    return check


def _is_classifier(est):
    return getattr(est, "_estimator_type", None) == "classifier" or (
        hasattr(est, "__sklearn_tags__") and
        getattr(est.__sklearn_tags__(), "estimator_type", None) == "classifier")


def _validate_xy(est, X, y, reset=True, allow_nan=True, y_optional=False):
    X = validate_X(est, X, reset=reset, accept_sparse=("csc", "csr"), dtype=None,
                   allow_nan=allow_nan, allow_inf=allow_nan, ensure_min_features=2)
    if X.dtype.kind in "OUS":
        X = X.astype(np.float64)
    if y is None:
        if y_optional:  # unsupervised estimators (SequentialFeatureSelector(KMeans()))
            return X, None
        raise ValueError("This estimator requires y to be passed, but the target y is None.")
    from ..utils._set_output import dataframe_to_numpy
    y = np.asarray(dataframe_to_numpy(y))
    if y.ndim == 0 or y.dtype.kind == "c":
        raise ValueError(f"y should be an array of targets, got {y!r}.")
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if y.shape[0] != X.shape[0]:
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{X.shape[0]}, {y.shape[0]}]")
    return X, y


class RFE(SelectorMixin, BaseEstimator):
    """Feature ranking with recursive feature elimination.

    Fit `estimator` on the remaining features, drop the `step` (an int, or a
    fraction of the initial count) with the smallest importance (coef_**2,
    summed over the rows of a 2-D coef_, or feature_importances_), until
    n_features_to_select remain (None: half; a fraction of n_features).
    Attributes: support_, ranking_ (1 = selected; higher = eliminated
    earlier), n_features_, estimator_ (refit on the selected features).
    Ties in importance drop the lower-indexed feature first (a stable sort).

    Metadata (scikit-learn's routing): ``fit(**fit_params)`` and
    ``score(**score_params)`` pass their parameters to the estimator's fit /
    score -- with metadata routing enabled, only what the estimator requested
    (``set_fit_request`` ...); ``predict(**predict_params)`` needs routing.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "n_features_to_select": [None, Interval(RealNotInt, 0, 1, closed="right"),
                                 Interval(numbers.Integral, 0, None, closed="neither")],
        "step": [Interval(numbers.Integral, 0, None, closed="neither"),
                 Interval(RealNotInt, 0, 1, closed="neither")],
        "verbose": ["verbose"],
        "importance_getter": [str, callable],
    }

    def __init__(self, estimator, *, n_features_to_select=None, step=1, verbose=0,
                 importance_getter="auto"):
        self.estimator = estimator
        self.n_features_to_select = n_features_to_select
        self.step = step
        self.importance_getter = importance_getter
        self.verbose = verbose

    @property
    def classes_(self):
        return self.estimator_.classes_

    @property
    def _estimator_type(self):
        return getattr(self.estimator, "_estimator_type", None)

    def fit(self, X, y, **fit_params):
        """Eliminate features recursively; refit estimator_ on the survivors.
        fit_params go to every fit of the estimator (routed, with metadata
        routing enabled)."""
        self._validate_params()
        if routing_enabled():
            fit_params = dict(process_routing(self, "fit", **fit_params)["estimator"]["fit"])
        return self._fit(X, y, **fit_params)

    def _fit(self, X, y, step_score=None, validated=False, **fit_params):
        if not validated:
            X, y = _validate_xy(self, X, y)
        if is_sparse(X):
            X = X.tocsc()
        n = X.shape[1]
        if self.n_features_to_select is None:
            n_select = n // 2
        elif isinstance(self.n_features_to_select, numbers.Integral):
            n_select = self.n_features_to_select
            if n_select > n:
                warnings.warn(f"Found n_features_to_select={n_select} > n_features={n}. "
                              "There will be no feature selection and all features will be "
                              "kept.", UserWarning)
        else:
            n_select = int(n * self.n_features_to_select)
        step = int(max(1, self.step * n)) if 0.0 < self.step < 1.0 else int(self.step)
        support = np.ones(n, dtype=bool)
        ranking = np.ones(n, dtype=int)
        if step_score:
            self.step_n_features_, self.step_scores_ = [], []
            self.step_support_, self.step_ranking_ = [], []
        while support.sum() > n_select:
            features = np.flatnonzero(support)
            est = clone(self.estimator)
            if self.verbose > 0:
                print("Fitting estimator with %d features." % support.sum())
            est.fit(X[:, features], y, **fit_params)
            if step_score:
                self.step_n_features_.append(len(features))
                self.step_scores_.append(step_score(est, features))
                self.step_support_.append(list(support))
                self.step_ranking_.append(list(ranking))
            imp = get_feature_importances(est, self.importance_getter, transform_func="square")
            ranks = np.ravel(np.argsort(imp, kind="stable"))
            drop = min(step, int(support.sum()) - n_select)
            support[features[ranks][:drop]] = False
            ranking[~support] += 1
        features = np.flatnonzero(support)
        self.estimator_ = clone(self.estimator)
        self.estimator_.fit(X[:, features], y, **fit_params)
        if step_score:
            self.step_n_features_.append(len(features))
            self.step_scores_.append(step_score(self.estimator_, features))
            self.step_support_.append(support)
            self.step_ranking_.append(ranking)
        self.n_features_ = int(support.sum())
        self.support_ = support
        self.ranking_ = ranking
        return self

    def _get_support_mask(self):
        check_is_fitted(self, "support_")
        return self.support_

    @available_if(_estimator_has("predict"))
    def predict(self, X, **predict_params):
        """The estimator's predict on the selected features (predict_params:
        metadata, routed; only with metadata routing enabled)."""
        raise_for_params(predict_params, self, "predict")
        check_is_fitted(self, "support_")
        if routing_enabled():
            predict_params = dict(process_routing(self, "predict", **predict_params)
                                  ["estimator"]["predict"])
        return self.estimator_.predict(self.transform(X), **predict_params)

    @available_if(_estimator_has("score"))
    def score(self, X, y, **score_params):
        """The estimator's score on the selected features (score_params go to
        it; routed with metadata routing enabled)."""
        check_is_fitted(self, "support_")
        if routing_enabled():
            score_params = dict(process_routing(self, "score", **score_params)
                                ["estimator"]["score"])
        return self.estimator_.score(self.transform(X), y, **score_params)

    def get_metadata_routing(self):
        """Routing of RFE (scikit-learn's MetadataRouter): fit, predict and
        score metadata go to the same method of the estimator."""
        router = metadata_router(self)
        router.add(estimator=self.estimator, method_mapping=method_mapping(
            ("fit", "fit"), ("predict", "predict"), ("score", "score")))
        return router

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        check_is_fitted(self, "support_")
        return self.estimator_.decision_function(self.transform(X))

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        check_is_fitted(self, "support_")
        return self.estimator_.predict_proba(self.transform(X))

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        check_is_fitted(self, "support_")
        return self.estimator_.predict_log_proba(self.transform(X))

    def _fastml_tags(self):
        return {"allow_nan": inner_allow_nan(self.estimator), "sparse": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            inner = self.estimator.__sklearn_tags__()
            tags.estimator_type = inner.estimator_type
            tags.classifier_tags = inner.classifier_tags
            tags.regressor_tags = inner.regressor_tags
            tags.target_tags.required = True
            tags.input_tags.allow_nan = inner.input_tags.allow_nan
        except AttributeError:
            pass
        return tags


class RFECV(RFE):
    """RFE with the number of features chosen by cross-validation.

    Each fold runs the elimination down to min_features_to_select and scores
    every step on its test part (`scoring`; None is accuracy for classifiers
    and R^2 otherwise, as in scikit-learn); the count with the best summed
    score (the smaller count on ties) is then selected by RFE on all the data.
    Folds run on `n_jobs` threads. ``score`` uses `scoring` too.
    Attributes: as RFE, plus cv_results_ (mean/std/split scores, rankings
    and supports per count, and "n_features").

    Metadata: without routing, fit takes `groups` only (for the splitter);
    with metadata routing enabled, fit metadata go where the estimator, the
    splitter and the scorer request them.
    """

    _parameter_constraints = {
        **{k: v for k, v in RFE._parameter_constraints.items() if k != "n_features_to_select"},
        "min_features_to_select": [Interval(numbers.Integral, 0, None, closed="neither")],
        "cv": ["cv_object"],
        "scoring": [None, str, callable],
        "n_jobs": ["n_jobs"],
    }

    def __init__(self, estimator, *, step=1, min_features_to_select=1, cv=None, scoring=None,
                 verbose=0, n_jobs=None, importance_getter="auto"):
        self.estimator = estimator
        self.step = step
        self.importance_getter = importance_getter
        self.cv = cv
        self.scoring = scoring
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.min_features_to_select = min_features_to_select

    # groups goes to the splitter: not a request of RFECV's own fit
    __metadata_request__fit = {"groups": UNUSED}

    def _get_scorer(self):
        """The scorer of `scoring`; None is accuracy for classifiers, R^2 otherwise."""
        if self.scoring is None:
            return get_scorer("accuracy" if _is_classifier(self.estimator) else "r2")
        return get_scorer(self.scoring)

    def _route_fit(self, params):
        """(estimator fit params, splitter split params, scorer score params)."""
        if routing_enabled():
            routed = process_routing(self, "fit", **params)
            return (dict(routed["estimator"]["fit"]), dict(routed["splitter"]["split"]),
                    dict(routed["scorer"]["score"]))
        raise_for_params(params, self, "fit", allow=("groups",))
        return {}, {"groups": params.get("groups")}, {}

    def fit(self, X, y, **params):
        """Cross-validate the elimination path, then select with RFE on all of X.

        params: `groups` for the splitter; with metadata routing enabled, any
        metadata, routed to the estimator's fit, the splitter's split and the
        scorer (per-sample values sliced to each fold's rows)."""
        self._validate_params()
        X, y = _validate_xy(self, X, y)
        if is_sparse(X):
            X = X.tocsr()
        fit_params, split_params, score_params = self._route_fit(params)
        cv = check_cv(self.cv, y, classifier=_is_classifier(self.estimator))
        scorer = self._get_scorer()
        n = X.shape[1]
        if self.min_features_to_select > n:
            warnings.warn(f"Found min_features_to_select={self.min_features_to_select} > "
                          f"n_features={n}. There will be no feature selection and all "
                          "features will be kept.", UserWarning)
        rfe = RFE(estimator=self.estimator, n_features_to_select=min(
            self.min_features_to_select, n), importance_getter=self.importance_getter,
            step=self.step, verbose=self.verbose)
        n_rows = X.shape[0]

        def one_fold(split):
            train, test = split
            Xtr, Xte, ytr, yte = X[train], X[test], y[train], y[test]
            fold_score = _fold_params(score_params, n_rows, test)
            r = clone(rfe)
            r._check_feature_names(Xtr, reset=True)
            r._check_n_features(Xtr, reset=True)

            def step_score(est, features):
                return scorer(est, Xte[:, features], yte, **fold_score)

            r._fit(Xtr, ytr, step_score=step_score, validated=True,
                   **_fold_params(fit_params, n_rows, train))
            return r.step_scores_, r.step_support_, r.step_ranking_, r.step_n_features_

        splits = list(cv.split(X, y, **split_params))
        results = map_threads(one_fold, splits, resolve_n_jobs(self.n_jobs))
        scores, supports, rankings, n_feats = zip(*results)
        n_rev = np.array(n_feats[0])[::-1]
        scores = np.array(scores)
        supports, rankings = np.array(supports), np.array(rankings)
        n_select = n_rev[np.argmax(scores.sum(axis=0)[::-1])]
        rfe = RFE(estimator=self.estimator, n_features_to_select=int(n_select), step=self.step,
                  importance_getter=self.importance_getter, verbose=self.verbose)
        rfe._check_feature_names(X, reset=True)
        rfe._check_n_features(X, reset=True)
        rfe._fit(X, y, validated=True, **fit_params)
        self.support_, self.n_features_, self.ranking_ = rfe.support_, rfe.n_features_, \
            rfe.ranking_
        self.estimator_ = clone(self.estimator)
        self.estimator_.fit(self._transform(X), y, **fit_params)
        s_rev, sup_rev, rk_rev = scores[:, ::-1], supports[:, ::-1], rankings[:, ::-1]
        self.cv_results_ = {
            "mean_test_score": np.mean(s_rev, axis=0),
            "std_test_score": np.std(s_rev, axis=0),
            **{f"split{i}_test_score": s_rev[i] for i in range(len(s_rev))},
            **{f"split{i}_ranking": rk_rev[i] for i in range(len(rk_rev))},
            **{f"split{i}_support": sup_rev[i] for i in range(len(sup_rev))},
            "n_features": n_rev,
        }
        return self

    def score(self, X, y, **score_params):
        """`scoring` (None: accuracy / R^2) of this selector on (X, y);
        score_params: metadata for the scorer (only with metadata routing)."""
        raise_for_params(score_params, self, "score")
        check_is_fitted(self, "support_")
        if routing_enabled():
            score_params = dict(process_routing(self, "score", **score_params)
                                ["scorer"]["score"])
        return self._get_scorer()(self, X, y, **score_params)

    def get_metadata_routing(self):
        """Routing of RFECV (scikit-learn's MetadataRouter): fit metadata go to
        the estimator's fit, the splitter's split and the scorer; predict
        metadata to the estimator's predict; score metadata to the scorer."""
        router = metadata_router(self)
        router.add(estimator=self.estimator,
                   method_mapping=method_mapping(("fit", "fit"), ("predict", "predict")))
        router.add(splitter=check_cv(self.cv),
                   method_mapping=method_mapping(("fit", "split")))
        router.add(scorer=self._get_scorer(),
                   method_mapping=method_mapping(("fit", "score"), ("score", "score")))
        return router
