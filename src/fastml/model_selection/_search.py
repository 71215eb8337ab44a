"""GridSearchCV (see fastml.model_selection)."""
import collections
import inspect
import itertools
import math
import numbers
import time
import traceback
import warnings

import numpy as np

from .._param_grid import ParameterGrid
from ..base import BaseEstimator, clone
from ..exceptions import FitFailedWarning
from ..utils._parallel import map_threads
from ..utils._param_validation import HasMethods, StrOptions
from ..utils.validation import _interop_class, check_random_state
from ._split import (_indexable, _is_classifier, check_cv)
from ._validation import (_check_error_score, _fit_and_score, _run, _scorers, _search_score_params,
                          _warn_or_raise_about_fit_failures)


class GridSearchCV(BaseEstimator):
    """Exhaustive search over a parameter grid with cross-validation.

    n_jobs fits (candidate, split) pairs in threads. With refit=True the best
    parameters are refitted on all data (best_estimator_) and predict,
    predict_proba, decision_function, transform and score delegate to it.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "param_grid": [dict, list],
        "scoring": [str, callable, list, tuple, dict, None],
        "n_jobs": ["n_jobs"],
        "refit": ["boolean", str, callable],
        "cv": ["cv_object"],
        "return_train_score": ["boolean"],
        "error_score": [StrOptions({"raise"}), numbers.Real],
        "verbose": ["verbose"],
        "pre_dispatch": [numbers.Integral, str],
    }

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, refit=True, cv=None,
                 verbose=0, pre_dispatch="2*n_jobs", error_score=np.nan,
                 return_train_score=False):
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.return_train_score = return_train_score
        self.error_score = error_score
        self.verbose = verbose
        self.pre_dispatch = pre_dispatch  # accepted for scikit-learn parity; threads need none

    @property
    def _estimator_type(self):
        return getattr(self.estimator, "_estimator_type", None)

    def fit(self, X, y=None, **fit_params):
        """Fit every candidate on every split. Array-like fit params of length
        n_samples (sample_weight, ...) are sliced to each training fold and
        passed whole to the refit; `groups` goes to the splitter. As in
        scikit-learn without metadata routing, sample_weight also weights the
        scorers that accept it (test-fold weights; train-fold for train scores)."""
        self._validate_params()
        _check_error_score(self.error_score)
        fit_params = dict(fit_params)
        groups = fit_params.pop("groups", None)
        X = _indexable(X)
        candidates = list(ParameterGrid(self.param_grid))
        splitter = check_cv(self.cv, y, classifier=_is_classifier(self.estimator))
        scorers, single = _scorers(self.estimator, self.scoring)
        if not single and self.refit is True:
            raise ValueError("For multi-metric scoring, refit must be the name of the scorer "
                             "used to pick the best parameters, or False.")
        score_params = _search_score_params(self, scorers, single, fit_params)
        splits = list(splitter.split(X, y, groups))
        if self.verbose > 0:
            print(f"Fitting {len(splits)} folds for each of {len(candidates)} candidates, "
                  f"totalling {len(splits) * len(candidates)} fits")
        tasks = [lambda p=p, tr=tr, te=te: _fit_and_score(
                     self.estimator, X, y, tr, te, scorers, p, fit_params,
                     self.return_train_score, False, self.error_score, score_params)
                 for p in candidates for tr, te in splits]
        results = _run(tasks, self.n_jobs)
        _warn_or_raise_about_fit_failures(results, self.error_score)
        n_s = len(splits)
        res = {"params": candidates}
        for key in ("fit_time", "score_time"):
            arr = np.array([r[key] for r in results]).reshape(len(candidates), n_s)
            res[f"mean_{key}"], res[f"std_{key}"] = arr.mean(1), arr.std(1)
        all_keys = sorted({k for p in candidates for k in p})
        for k in all_keys:
            values = np.empty(len(candidates), dtype=object)  # one cell per candidate,
            values[:] = [p.get(k) for p in candidates]          # also for list values
            res[f"param_{k}"] = np.ma.masked_array(values, mask=[k not in p for p in candidates])
        for name in scorers:
            key = "score" if single else name
            for part in (("test", "train") if self.return_train_score else ("test",)):
                arr = np.array([r[part][name] for r in results]).reshape(len(candidates), n_s)
                for i in range(n_s):
                    res[f"split{i}_{part}_{key}"] = arr[:, i]
                res[f"mean_{part}_{key}"] = arr.mean(1)
                res[f"std_{part}_{key}"] = arr.std(1)
                if not np.isfinite(arr.mean(1)).all():
                    warnings.warn(f"One or more of the {part} scores are non-finite: "
                                  f"{arr.mean(1)}", UserWarning, stacklevel=2)
            mean = res[f"mean_test_{key}"]
            filled = np.where(np.isnan(mean), -np.inf, mean)
            # rank 1 = best; ties share the smallest rank (scipy's "min" method)
            order = np.sort(filled)[::-1]
            res[f"rank_test_{key}"] = np.searchsorted(-order, -filled, side="left").astype(
                np.int32) + 1
        self.cv_results_ = res
        self.n_splits_ = n_s
        self.multimetric_ = not single
        refit_key = "score" if single else self.refit
        if self.refit is not False:
            self.best_index_ = int(np.argmin(res[f"rank_test_{refit_key}"]))
            self.best_params_ = candidates[self.best_index_]
            self.best_score_ = float(res[f"mean_test_{refit_key}"][self.best_index_])
            t0 = time.perf_counter()
            self.best_estimator_ = clone(self.estimator).set_params(
                **{k: clone(v, safe=False) for k, v in self.best_params_.items()})
            if y is None:
                self.best_estimator_.fit(X, **fit_params)
            else:
                self.best_estimator_.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - t0
            self.scorer_ = scorers[next(iter(scorers))] if single else scorers[self.refit]
            if hasattr(self.best_estimator_, "classes_"):
                self.classes_ = self.best_estimator_.classes_
            if hasattr(self.best_estimator_, "n_features_in_"):
                self.n_features_in_ = self.best_estimator_.n_features_in_
        return self

    def _best(self):
        if not hasattr(self, "best_estimator_"):
            from ..exceptions import NotFittedError
            raise NotFittedError("This GridSearchCV instance was not fitted with refit=True; "
                                 "call fit with refit enabled first.")
        return self.best_estimator_

    def predict(self, X):
        return self._best().predict(X)

    def predict_proba(self, X):
        return self._best().predict_proba(X)

    def predict_log_proba(self, X):
        return self._best().predict_log_proba(X)

    def decision_function(self, X):
        return self._best().decision_function(X)

    def transform(self, X):
        return self._best().transform(X)

    def inverse_transform(self, X):
        return self._best().inverse_transform(X)

    def score(self, X, y=None):
        return float(self.scorer_(self._best(), X, y))
