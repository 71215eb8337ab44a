"""GridSearchCV (see fastml.model_selection)."""
import collections
import copy
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
from ..callback import CallbackSupportMixin, callback_management_context
from ..exceptions import FitFailedWarning
from ..utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       raise_for_params, routing_enabled)
from ..utils._parallel import map_threads
from ..utils._set_output import available_if
from ..utils._param_validation import HasMethods, StrOptions
from ..utils.validation import _interop_class, check_random_state
from ._split import (_indexable, _is_classifier, check_cv)
from ._validation import (_add_cv_routes, _check_error_score, _fit_and_score, _run, _scorer_key,
                          _scorers, _search_score_params, _warn_or_raise_about_fit_failures)


def _search_estimator_has(attr):
    """available_if check: the refitted best estimator (else the given one)
    has `attr`; never with refit=False."""
    def check(self):
        if self.refit is False:
            raise AttributeError(f"This {type(self).__name__} instance was initialized with "
                                 f"`refit=False`. {attr} is available only after refitting "
                                 "on the best parameters. You can refit an estimator "
                                 "manually using the `best_params_` attribute")
        est = getattr(self, "best_estimator_", None)
        getattr(est if est is not None else self.estimator, attr)
        return True
    return check


def _refit_error(refit):
    raise ValueError("For multi-metric scoring, the parameter refit must be set to a scorer "
                     "key or a callable to refit an estimator with the best parameter setting "
                     "on the whole data and make the best_* attributes available for that "
                     "metric. If this is not needed, refit should be set to False explicitly. "
                     f"{refit!r} was passed.")


def _param_column(key, candidates):
    """cv_results_["param_<key>"]: a masked array (masked where a candidate
    lacks the key) of the values' common numeric dtype, else of objects (one
    cell per candidate, list values included)."""
    given = [p[key] for p in candidates if key in p]
    try:
        arr = np.array(given)
        dtype = arr.dtype if arr.dtype.kind not in "USO" and arr.ndim == 1 else object
    except (ValueError, TypeError):
        dtype = object
    col = np.ma.MaskedArray(np.empty(len(candidates), dtype=dtype), mask=True)
    for i, p in enumerate(candidates):
        if key in p:
            col[i] = p[key]
    return col


def _print_fits(results, candidates, n_splits, train):
    """One line per fit (verbose > 2), worded as scikit-learn's."""
    for i, r in enumerate(results):
        params = ", ".join(f"{k}={v}" for k, v in sorted(candidates[i // n_splits].items()))
        parts = []
        for name, test in r["test"].items():
            label = "score" if name == "score" else name
            value = f"(train={r['train'][name]:.3f}, test={test:.3f})" if train else \
                f"{test:.3f}"
            parts.append(f"{label}={value}")
        total = r["fit_time"] + r["score_time"]
        print(f"[CV {i % n_splits + 1}/{n_splits}] END {params};, {', '.join(parts)} "
              f"total time={total:6.1f}s")


class GridSearchCV(CallbackSupportMixin, BaseEstimator):
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
        with callback_management_context(self):  # callbacks' teardown, always
            self._validate_params()
            _check_error_score(self.error_score)
            fit_params = dict(fit_params)
            X, y = _indexable(X), _indexable(y)
            candidates = list(ParameterGrid(self.param_grid))
            splitter = check_cv(self.cv, y, classifier=_is_classifier(self.estimator))
            scorers, single = _scorers(self.estimator, self.scoring)
            if not single and not callable(self.refit) and self.refit is not False and \
                    self.refit not in scorers:
                _refit_error(self.refit)
            if routing_enabled():
                routed = process_routing(self, "fit", **fit_params)
                fit_params = dict(routed["estimator"]["fit"])
                split_params = dict(routed["splitter"]["split"])
                score_params = {name: dict(routed[_scorer_key(name, single)]["score"])
                                for name in scorers}
            else:
                split_params = {"groups": fit_params.pop("groups", None)}
                score_params = _search_score_params(self, scorers, single, fit_params)
            sw = fit_params.get("sample_weight")
            metadata = None if sw is None else {"sample_weight": sw}
            root = self._init_callback_context(max_subtasks=1 + (self.refit is not False))
            root.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
            splits = list(splitter.split(X, y, **split_params))
            if self.verbose > 0:
                print(f"Fitting {len(splits)} folds for each of {len(candidates)} candidates, "
                      f"totalling {len(splits) * len(candidates)} fits")
            search = root.subcontext(task_name="search",
                                     max_subtasks=len(candidates) * len(splits),
                                     sequential_subtasks=False)
            search.call_on_fit_task_begin(estimator=self)
            pairs = [(p, tr, te) for p in candidates for tr, te in splits]
            # one leaf task per (candidate, split), made here so worker threads only use them
            leaves = [search.subcontext(task_name="candidate-split-evaluation", task_id=i)
                      for i in range(len(pairs))]
            tasks = [lambda p=p, tr=tr, te=te, leaf=leaf: _fit_and_score(
                         self.estimator, X, y, tr, te, scorers, p, fit_params,
                         self.return_train_score, False, self.error_score, score_params,
                         callback_ctx=leaf, caller=self)
                     for (p, tr, te), leaf in zip(pairs, leaves)]
            results = _run(tasks, self.n_jobs)
            search.call_on_fit_task_end(estimator=self)
            _warn_or_raise_about_fit_failures(results, self.error_score)
            # a scoring callable returning {name: score} names the metrics: failed fits
            # get error_score under those names
            ok = [r for r in results if r.get("fit_error") is None]
            names = list(ok[0]["test"]) if ok else list(scorers)
            for r in results:
                if r.get("fit_error") is not None:
                    r["test"] = {n: float(self.error_score) for n in names}
                    if self.return_train_score:
                        r["train"] = dict(r["test"])
            n_s = len(splits)
            if self.verbose > 2:
                _print_fits(results, candidates, n_s, self.return_train_score)
            res = {"params": candidates}
            for key in ("fit_time", "score_time"):
                arr = np.array([r[key] for r in results]).reshape(len(candidates), n_s)
                res[f"mean_{key}"], res[f"std_{key}"] = arr.mean(1), arr.std(1)
            all_keys = sorted({k for p in candidates for k in p})
            for k in all_keys:
                res[f"param_{k}"] = _param_column(k, candidates)
            single = single and names == ["score"]
            if not single and not callable(self.refit) and self.refit is not False and \
                    self.refit not in names:
                _refit_error(self.refit)
            for name in names:
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
            # the scorer (single metric) or the dict of scorers (several)
            self.scorer_ = scorers[next(iter(scorers))] if len(scorers) == 1 else scorers
            refit_key = "score" if single else self.refit
            if callable(self.refit):
                best = self.refit(res)
                if not isinstance(best, numbers.Integral):
                    raise TypeError("best_index_ returned is not an integer")
                if best < 0 or best >= len(candidates):
                    raise IndexError("best_index_ index out of range")
                self.best_index_ = int(best)
                self.best_params_ = candidates[self.best_index_]
            elif self.refit is not False or single:  # refit=False: best_* of a single metric
                self.best_index_ = int(np.argmin(res[f"rank_test_{refit_key}"]))
                self.best_params_ = candidates[self.best_index_]
                self.best_score_ = float(res[f"mean_test_{refit_key}"][self.best_index_])
            if self.refit is not False:
                t0 = time.perf_counter()
                self.best_estimator_ = clone(self.estimator).set_params(
                    **{k: clone(v, safe=False) for k, v in self.best_params_.items()})
                refit = root.subcontext(task_name="refit-with-best-params")
                with refit.propagate_callback_context(self.best_estimator_):
                    refit.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
                    if y is None:
                        self.best_estimator_.fit(X, **fit_params)
                    else:
                        self.best_estimator_.fit(X, y, **fit_params)
                self.refit_time_ = time.perf_counter() - t0
                refit.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
                if hasattr(self.best_estimator_, "classes_"):
                    self.classes_ = self.best_estimator_.classes_
                if hasattr(self.best_estimator_, "n_features_in_"):
                    self.n_features_in_ = self.best_estimator_.n_features_in_
            root.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
            return self

    def _best(self):
        if not hasattr(self, "best_estimator_"):
            from ..exceptions import NotFittedError
            raise NotFittedError("This GridSearchCV instance was not fitted with refit=True; "
                                 "call fit with refit enabled first.")
        return self.best_estimator_

    @available_if(_search_estimator_has("predict"))
    def predict(self, X):
        return self._best().predict(X)

    @available_if(_search_estimator_has("predict_proba"))
    def predict_proba(self, X):
        return self._best().predict_proba(X)

    @available_if(_search_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        return self._best().predict_log_proba(X)

    @available_if(_search_estimator_has("decision_function"))
    def decision_function(self, X):
        return self._best().decision_function(X)

    @available_if(_search_estimator_has("score_samples"))
    def score_samples(self, X):
        return self._best().score_samples(X)

    @available_if(_search_estimator_has("transform"))
    def transform(self, X):
        return self._best().transform(X)

    @available_if(_search_estimator_has("inverse_transform"))
    def inverse_transform(self, X):
        return self._best().inverse_transform(X)

    def score(self, X, y=None, **params):
        """The refit scorer on the best estimator (params: metadata for the
        scorer, with metadata routing enabled)."""
        if routing_enabled():
            routed = process_routing(self, "score", **params)
            multi = isinstance(self.scorer_, dict)
            params = dict(routed[_scorer_key(self.refit if multi else "score", not multi)]
                          ["score"])
        else:
            raise_for_params(params, self, "score")
        scorer = self.scorer_
        if isinstance(scorer, dict):
            scorer = scorer[self.refit]
        value = scorer(self._best(), X, y, **params)
        return float(value[self.refit] if isinstance(value, dict) else value)

    def __sklearn_tags__(self):
        """The estimator's kind and input tags (pairwise, sparse) are the search's."""
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = copy.deepcopy(inner.classifier_tags)
        tags.regressor_tags = copy.deepcopy(inner.regressor_tags)
        tags.target_tags.required = inner.target_tags.required
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags

    def get_metadata_routing(self):
        """Routing of this search (scikit-learn's MetadataRouter): fit metadata
        go to the estimator's fit, the splitter's split and the scorers'
        score; score metadata to the scorer."""
        router = metadata_router(self)
        scorers, single = _scorers(self.estimator, self.scoring)
        splitter = check_cv(self.cv)
        return _add_cv_routes(router, self.estimator, splitter, scorers, single,
                              score_callers=("fit", "score"), splitter_last=True)
