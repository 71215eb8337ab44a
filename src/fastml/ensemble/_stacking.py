"""Stacked generalisation: the base estimators' out-of-fold predictions
(cross-validated, `cv`) become the features of a final estimator.

Base estimators are fit on all the data and, fold by fold, on the training
parts; every (estimator, fold) fit is an independent task run on `n_jobs`
Python threads. The folds are drawn once and shared by every estimator.
"""
import copy

import numpy as np

from ..base import ClassifierMixin, RegressorMixin, TransformerMixin, clone
from ..datasets._base import Bunch
from ..exceptions import NotFittedError
from ..linear_model import LogisticRegression, Ridge
from ..model_selection import check_cv
from ..utils._parallel import map_threads
from ..utils._param_validation import HasMethods, StrOptions
from ..utils._set_output import available_if, dataframe_to_numpy
from ..utils._sparse import is_sparse
from ..utils.validation import check_is_fitted, column_or_1d, resolve_n_jobs
from ..utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       raise_for_params, routing_enabled)
from ._voting import _BaseHeterogeneousEnsemble, _fit_one, _kind, _routed_fit_params

__all__ = ["StackingClassifier", "StackingRegressor"]


def _take_rows(X, idx):
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if is_sparse(X):
        return X.tocsr()[idx]
    return np.asarray(X)[idx] if not isinstance(X, np.ndarray) else X[idx]


def _rows_of_params(params, idx, n):
    """The fit parameters of one fold: sample-aligned arrays (length n) cut to
    the rows idx, anything else as is."""
    out = {}
    for key, value in params.items():
        if value is not None and not isinstance(value, str) and hasattr(value, "__len__") \
                and not np.isscalar(value) and len(value) == n:
            out[key] = _take_rows(value, idx) if hasattr(value, "iloc") or \
                is_sparse(value) else np.asarray(value)[idx]
        else:
            out[key] = value
    return out


def _final_has(attr):
    def check(self):
        est = getattr(self, "final_estimator_", None)
        if est is None:
            est = self.final_estimator if self.final_estimator is not None else \
                self._default_final()
        getattr(est, attr)
        return True
    return check


class _BaseStacking(TransformerMixin, _BaseHeterogeneousEnsemble):
    _verbose_source = "Stacking"
    _parameter_constraints = {
        "estimators": [list],
        "final_estimator": [None, HasMethods("fit")],
        "cv": ["cv_object", StrOptions({"prefit"})],
        "n_jobs": ["n_jobs"],
        "passthrough": ["boolean"],
        "verbose": ["verbose"],
    }

    def _method_name(self, name, est, method):
        if isinstance(est, str) and est == "drop":
            return None
        methods = ["predict_proba", "decision_function", "predict"] if method == "auto" \
            else [method]
        for m in methods:
            if hasattr(est, m):
                return m
        raise ValueError(f"Underlying estimator {name} does not implement the method "
                         f"{method}.")

    def _concatenate_predictions(self, X, predictions):
        meta = []
        for i, pred in enumerate(predictions):
            if isinstance(pred, list):
                meta += [p[:, 1:] for p in pred]
            elif pred.ndim == 1:
                meta.append(pred.reshape(-1, 1))
            elif self.stack_method_[i] == "predict_proba" and len(self.classes_) == 2:
                meta.append(pred[:, 1:])
            else:
                meta.append(pred)
        self._n_feature_outs = [p.shape[1] for p in meta]
        if self.passthrough:
            Xp = dataframe_to_numpy(X)
            if is_sparse(Xp):
                import scipy.sparse as sp
                return sp.hstack(meta + [Xp], format=Xp.format)
            meta.append(np.asarray(Xp))
        return np.hstack(meta)

    def get_metadata_routing(self):
        """Routing of this stack: `fit` metadata go to each base estimator's
        `fit`, `predict` metadata to the final estimator's `predict`."""
        router = metadata_router(self)
        for name, est in self.estimators:
            if not (isinstance(est, str) and est == "drop"):
                router.add(**{name: est}, method_mapping=method_mapping(("fit", "fit")))
        final = getattr(self, "final_estimator_", None)
        if final is None:
            final = self.final_estimator if self.final_estimator is not None else \
                self._default_final()
        router.add(final_estimator_=final, method_mapping=method_mapping(("predict", "predict")))
        return router

    def _predict_params(self, predict_params):
        if routing_enabled():
            return dict(process_routing(self, "predict", **predict_params)
                        ["final_estimator_"]["predict"])
        return predict_params

    def _oof_predictions(self, names, estimators, X, y, splits, params):
        """Out-of-fold predictions of every non-dropped estimator: one task per
        (estimator, fold), run on n_jobs threads, reassembled in row order."""
        n = len(y)
        active = [(name, est, meth) for name, est, meth in
                  zip(names, estimators, self.stack_method_)
                  if not (isinstance(est, str) and est == "drop")]
        n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
        test_all = np.concatenate([te for _, te in splits])
        if len(test_all) != n or not np.array_equal(np.sort(test_all), np.arange(n)):
            raise ValueError("cross_val_predict only works for partitions")
        tasks = [(a, f) for a in range(len(active)) for f in range(len(splits))]

        def run(task):
            a, f = task
            name, est, meth = active[a]
            tr, te = splits[f]
            fold_params = _rows_of_params(params.get(name, {}), tr, n_rows)
            model = _fit_one(clone(est), _take_rows(X, tr), y[tr], fold_params)
            return model, getattr(model, meth)(_take_rows(X, te))

        results = map_threads(run, tasks, resolve_n_jobs(self.n_jobs))
        out = []
        for a, (_, _, meth) in enumerate(active):
            parts = [results[a * len(splits) + f] for f in range(len(splits))]
            out.append(self._assemble(meth, parts, splits, n, y))
        return out

    def _assemble(self, meth, parts, splits, n, y):
        """Fold outputs put back in row order; class columns aligned when a fold
        misses classes (probabilities 0, log-probabilities -inf, decision values
        the smallest float), as scikit-learn's cross_val_predict."""
        first = parts[0][1]
        if isinstance(first, list):  # multilabel: one (n_fold, 2) array per label
            return [self._assemble(meth, [(None, p[1][j]) for p in parts], splits, n, y)
                    for j in range(len(first))]
        first = np.asarray(first)
        classes = getattr(self, "classes_", None)
        plain = (meth == "predict" or parts[0][0] is None or classes is None or
                 (first.ndim == 1 and len(classes) == 2))
        if plain:
            out = np.empty((n,) + first.shape[1:],
                           dtype=np.result_type(*[np.asarray(p[1]).dtype for p in parts]))
            for (_, pred), (_, te) in zip(parts, splits):
                out[te] = pred
            return out
        k = len(classes)
        fill = {"predict_proba": 0.0, "predict_log_proba": -np.inf}.get(
            meth, np.finfo(np.float64).min)
        out = np.full((n, k), fill)
        for (model, pred), (_, te) in zip(parts, splits):
            cols = np.asarray(model.classes_).astype(np.intp)
            pred = np.asarray(pred)
            if pred.ndim == 1:
                raise ValueError(f"Only {len(cols)} class/es in training fold, but {k} in "
                                 "overall dataset. This is not supported for "
                                 "decision_function with imbalanced folds.")
            out[np.ix_(te, cols)] = pred
        return out

    def _fit(self, X, y, sample_weight, check_kind, fit_params):
        names, ests = self._validate_estimators()
        if not (isinstance(X, np.ndarray) or is_sparse(X) or hasattr(X, "iloc") or
                hasattr(X, "columns")):
            X = np.asarray(X)  # lists and array-likes: indexable by rows below
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
        if check_kind is not None:
            for est in ests:
                if not (isinstance(est, str) and est == "drop") and _kind(est) != check_kind:
                    raise ValueError(f"The estimator {type(est).__name__} should be a "
                                     f"{check_kind}.")
        final = self.final_estimator if self.final_estimator is not None else \
            self._default_final()
        self.final_estimator_ = clone(final)
        params = _routed_fit_params(self, names, sample_weight, fit_params)
        # the final estimator is fit with the fit parameters as given (scikit-learn too)
        final_params = dict(fit_params)
        if sample_weight is not None:
            final_params["sample_weight"] = sample_weight
        if _kind(self.final_estimator_) != self._kind_name:
            raise ValueError(f"'final_estimator' parameter should be a {self._kind_name}. "
                             f"Got {self.final_estimator_}")
        if isinstance(self.cv, str) and self.cv == "prefit":
            self.estimators_ = []
            for est in ests:
                if not (isinstance(est, str) and est == "drop"):
                    check_is_fitted(est)
                    self.estimators_.append(est)
            self.__dict__.pop("feature_names_in_", None)  # a refit forgets old names
            self.named_estimators_ = Bunch()
            fitted = iter(self.estimators_)
            for name, est in zip(names, ests):
                cur = est if isinstance(est, str) else next(fitted)
                self.named_estimators_[name] = cur
                if hasattr(cur, "feature_names_in_"):
                    self.feature_names_in_ = cur.feature_names_in_
            self.stack_method_ = [self._method_name(n, e, self.stack_method)
                                  for n, e in zip(names, ests)]
            predictions = [getattr(e, m)(X) for e, m in zip(self.estimators_, [
                m for m, e in zip(self.stack_method_, ests) if not isinstance(e, str)])]
        else:
            self._fit_estimators(names, ests, X, y, params)
            self.stack_method_ = [self._method_name(n, e, self.stack_method)
                                  for n, e in zip(names, ests)]
            cv = check_cv(self.cv, y, classifier=self._kind_name == "classifier")
            splits = list(copy.deepcopy(cv).split(X, y))
            predictions = self._oof_predictions(names, ests, X, y, splits, params)
        self.stack_method_ = [m for m, e in zip(self.stack_method_, ests)
                              if not (isinstance(e, str) and e == "drop")]
        X_meta = self._concatenate_predictions(X, predictions)
        _fit_one(self.final_estimator_, X_meta, y, final_params)
        return self

    @property
    def n_features_in_(self):
        try:
            check_is_fitted(self, "estimators_")
        except NotFittedError as nfe:
            raise AttributeError(f"{type(self).__name__} object has no attribute "
                                 "n_features_in_") from nfe
        return self.estimators_[0].n_features_in_

    def _transform(self, X):
        check_is_fitted(self, "estimators_")
        preds = [getattr(e, m)(X) for e, m in zip(self.estimators_, self.stack_method_)]
        return self._concatenate_predictions(X, preds)

    def transform(self, X):
        """The base estimators' outputs as final-estimator features (and X with passthrough)."""
        return self._transform(X)

    def get_feature_names_out(self, input_features=None):
        """<classname>_<name>[<i>] per output column, then the input names with passthrough."""
        check_is_fitted(self, "estimators_")
        from ..base import _input_feature_names
        names_in = _input_feature_names(self, input_features, generate_names=self.passthrough)
        prefix = type(self).__name__.lower()
        meta = []
        for name, k in zip(self._active_names(), self._n_feature_outs):
            meta += [f"{prefix}_{name}"] if k == 1 else [f"{prefix}_{name}{i}" for i in range(k)]
        if self.passthrough:
            return np.concatenate((np.asarray(meta, dtype=object), names_in))
        return np.asarray(meta, dtype=object)


class StackingClassifier(ClassifierMixin, _BaseStacking):
    """Stacked classifier: the final classifier (default: fastml's
    LogisticRegression) learns from the base classifiers' cross-validated
    outputs (stack_method "auto": predict_proba, else decision_function, else
    predict; binary probabilities keep only the positive class's column).

    cv: folds (default 5-fold stratified), a splitter, or "prefit" (the given
    estimators are already fitted). passthrough=True appends X to the
    final estimator's features. Attributes: estimators_, named_estimators_,
    final_estimator_, stack_method_, classes_.
    """

    _kind_name = "classifier"
    _parameter_constraints = {**_BaseStacking._parameter_constraints,
                              "stack_method": [StrOptions({"auto", "predict_proba",
                                                           "decision_function", "predict"})]}

    def __init__(self, estimators, final_estimator=None, *, cv=None, stack_method="auto",
                 n_jobs=None, passthrough=False, verbose=0):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.cv = cv
        self.stack_method = stack_method
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose

    @staticmethod
    def _default_final():
        return LogisticRegression()

    def _validate_estimators(self, kind=None):
        if len(self.estimators) == 0:
            raise ValueError("Invalid 'estimators' attribute, 'estimators' should be a "
                             "non-empty list of (string, estimator) tuples.")
        return super()._validate_estimators(kind)

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the base classifiers, then the final classifier on their
        out-of-fold outputs. With metadata routing enabled, sample_weight and
        other fit_params go to the base estimators that request them."""
        raise_for_params(fit_params, self, "fit")
        self._validate_params()
        from ..preprocessing import LabelEncoder

        y = np.asarray(dataframe_to_numpy(y))
        if y.ndim == 2 and y.shape[1] > 1:
            self._label_encoder = [LabelEncoder().fit(col) for col in y.T]
            self.classes_ = [le.classes_ for le in self._label_encoder]
            y_enc = np.array([le.transform(col) for le, col in
                              zip(self._label_encoder, y.T)]).T
        else:
            y = column_or_1d(y, warn=True)
            if y.dtype.kind == "f" and not np.all(np.mod(y[np.isfinite(y)], 1) == 0):
                raise ValueError("Unknown label type: continuous. Maybe you are trying to fit "
                                 "a classifier, which expects discrete classes on a "
                                 "regression target with continuous values.")
            self._label_encoder = LabelEncoder().fit(y)
            self.classes_ = self._label_encoder.classes_
            y_enc = self._label_encoder.transform(y)
        return self._fit(X, y_enc, sample_weight, None, fit_params)

    @available_if(_final_has("predict"))
    def predict(self, X, **predict_params):
        """The final classifier's labels on the stacked features."""
        check_is_fitted(self, "estimators_")
        y = self.final_estimator_.predict(self.transform(X),
                                          **self._predict_params(predict_params))
        if isinstance(self._label_encoder, list):
            return np.array([le.inverse_transform(col) for le, col in
                             zip(self._label_encoder, np.asarray(y).T)]).T
        return self._label_encoder.inverse_transform(y)

    @available_if(_final_has("predict_proba"))
    def predict_proba(self, X):
        """The final classifier's class probabilities."""
        check_is_fitted(self, "estimators_")
        p = self.final_estimator_.predict_proba(self.transform(X))
        if isinstance(self._label_encoder, list):
            p = np.array([q[:, 0] for q in p]).T
        return p

    @available_if(_final_has("decision_function"))
    def decision_function(self, X):
        """The final classifier's decision function."""
        check_is_fitted(self, "estimators_")
        return self.final_estimator_.decision_function(self.transform(X))


class StackingRegressor(RegressorMixin, _BaseStacking):
    """Stacked regressor: the final regressor learns from the base
    regressors' cross-validated predictions.

    The default final estimator is fastml's Ridge (alpha=1.0): fastml has no
    RidgeCV, so unlike scikit-learn (RidgeCV over alphas 0.1, 1, 10) the
    regularisation is not tuned by default; pass final_estimator to choose
    (e.g. a GridSearchCV over Ridge). cv and passthrough as StackingClassifier.
    """

    _kind_name = "regressor"
    stack_method = "predict"

    def __init__(self, estimators, final_estimator=None, *, cv=None, n_jobs=None,
                 passthrough=False, verbose=0):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.cv = cv
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose

    @staticmethod
    def _default_final():
        return Ridge()

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the base regressors, then the final regressor on their
        out-of-fold predictions. With metadata routing enabled, sample_weight
        and other fit_params go to the base estimators that request them."""
        raise_for_params(fit_params, self, "fit")
        self._validate_params()
        y = column_or_1d(np.asarray(dataframe_to_numpy(y)), warn=True)
        return self._fit(X, y, sample_weight, None, fit_params)

    @available_if(_final_has("predict"))
    def predict(self, X, **predict_params):
        """The final regressor's prediction on the stacked features."""
        check_is_fitted(self, "estimators_")
        return self.final_estimator_.predict(self.transform(X),
                                             **self._predict_params(predict_params))
