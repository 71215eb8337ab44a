"""Voting ensembles: several different estimators fit on the same data (in
parallel threads), their predictions combined by (weighted) majority vote,
by averaged class probabilities (soft voting), or by a weighted mean."""
import numpy as np

from ..base import ClassifierMixin, RegressorMixin, TransformerMixin, clone
from ..datasets._base import Bunch
from ..exceptions import NotFittedError
from .._composition import _BaseComposition
from ..utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       raise_for_params, routing_enabled)
from ..utils._parallel import map_threads
from ..utils._param_validation import StrOptions
from ..utils._set_output import available_if, dataframe_to_numpy
from ..utils.validation import check_is_fitted, column_or_1d, resolve_n_jobs

__all__ = ["VotingClassifier", "VotingRegressor"]


def _kind(est):
    kind = getattr(est, "_estimator_type", None)
    if kind is None and hasattr(est, "__sklearn_tags__"):
        try:
            kind = est.__sklearn_tags__().estimator_type
        except Exception:  # noqa: BLE001 - a foreign estimator without tags
            kind = None
    return kind


def _fit_one(est, X, y, params=None, source=None, message=None):
    """est fit on (X, y) with the fit parameters `params` (a dict, e.g. the
    sample_weight or the metadata routed to it); returns est whatever its fit
    returns. An estimator whose fit takes no sample_weight gets a TypeError
    naming it."""
    from .._composition import _print_elapsed_time

    params = params or {}
    with _print_elapsed_time(source, message):
        if not params:
            est.fit(X, y)
            return est
        try:
            est.fit(X, y, **params)
        except TypeError as exc:
            if "unexpected keyword argument 'sample_weight'" in str(exc):
                raise TypeError(f"Underlying estimator {type(est).__name__} does not support "
                                "sample weights.") from exc
            raise
    return est


def _no_extra_params(owner, method, params):
    """scikit-learn's error for metadata passed without metadata routing."""
    raise_for_params(params, owner, method)


def _routed_fit_params(owner, names, sample_weight, fit_params):
    """{name: fit params} for the named sub-estimators: the metadata routed to
    each with routing enabled, else sample_weight (when given) for all."""
    if sample_weight is not None:
        fit_params = {**fit_params, "sample_weight": sample_weight}
    if routing_enabled():
        routed = process_routing(owner, "fit", **fit_params)
        return {name: dict(routed[name]["fit"]) for name in names}
    raise_for_params(fit_params, owner, "fit", allow=("sample_weight",))
    sw = {} if sample_weight is None else {"sample_weight": sample_weight}
    return {name: dict(sw) for name in names}


class _BaseHeterogeneousEnsemble(_BaseComposition):
    """An ensemble over the (name, estimator) list `estimators`; an entry may
    be "drop". Its parameters include each named estimator and
    "<name>__<param>" (get_params / set_params, as scikit-learn)."""

    @property
    def named_estimators(self):
        """The given (unfitted) estimators by name."""
        return Bunch(**dict(self.estimators))

    def get_params(self, deep=True):
        return self._get_params("estimators", deep=deep)

    def set_params(self, **params):
        return self._set_params("estimators", **params)

    def _validate_estimators(self, kind=None):
        ests = self.estimators
        if len(ests) == 0 or not all(isinstance(it, (tuple, list)) and len(it) == 2 and
                                     isinstance(it[0], str) for it in ests):
            raise ValueError("Invalid 'estimators' attribute, 'estimators' should be a "
                             "non-empty list of (string, estimator) tuples.")
        names, estimators = zip(*ests)
        self._validate_names(names)
        self._check_instances([e for e in estimators if not isinstance(e, str)])
        if all(isinstance(e, str) and e == "drop" for e in estimators):
            raise ValueError("All estimators are dropped. At least one is required to be an "
                             "estimator.")
        if kind is not None:
            for est in estimators:
                if not (isinstance(est, str) and est == "drop") and _kind(est) != kind:
                    raise ValueError(f"The estimator {type(est).__name__} should be a {kind}.")
        return names, estimators

    @property
    def n_features_in_(self):
        try:
            check_is_fitted(self, "estimators_")
        except NotFittedError as nfe:
            raise AttributeError(f"{type(self).__name__} object has no n_features_in_ "
                                 "attribute.") from nfe
        return self.estimators_[0].n_features_in_

    def get_metadata_routing(self):
        """Routing of this ensemble: `fit` metadata go to each estimator's `fit`
        (scikit-learn's MetadataRouter)."""
        router = metadata_router(self)
        for name, est in self.estimators:
            if not (isinstance(est, str) and est == "drop"):
                router.add(**{name: est}, method_mapping=method_mapping(("fit", "fit")))
        return router

    def _fit_estimators(self, names, estimators, X, y, params):
        """Clones of the non-dropped estimators fit on (X, y) on n_jobs threads,
        each with its fit parameters params[name]; sets estimators_,
        named_estimators_ and feature_names_in_."""
        jobs = [(name, clone(est)) for name, est in zip(names, estimators)
                if not (isinstance(est, str) and est == "drop")]
        source = self._verbose_source

        def fit(job):
            name, est = job
            idx = [n for n, _ in jobs].index(name) + 1
            message = f"({idx} of {len(jobs)}) Processing {name}" if self.verbose else None
            return _fit_one(est, X, y, params.get(name), source, message)

        self.estimators_ = map_threads(fit, jobs, resolve_n_jobs(self.n_jobs))
        self.__dict__.pop("feature_names_in_", None)  # a refit forgets old names
        self.named_estimators_ = Bunch()
        fitted = iter(self.estimators_)
        for name, est in zip(names, estimators):
            cur = est if isinstance(est, str) else next(fitted)
            self.named_estimators_[name] = cur
            if hasattr(cur, "feature_names_in_"):
                self.feature_names_in_ = cur.feature_names_in_

    def _active_names(self):
        return [n for n, e in self.estimators if not (isinstance(e, str) and e == "drop")]

    def _fastml_tags(self):
        """allow_nan / sparse when every base estimator accepts them."""
        tags = {}
        try:
            ests = [e for _, e in self.estimators if not isinstance(e, str)]
            inner = [e.__sklearn_tags__().input_tags for e in ests]
            tags["allow_nan"] = all(t.allow_nan for t in inner)
            tags["sparse"] = all(t.sparse for t in inner)
        except Exception:  # noqa: BLE001 - no scikit-learn or unusual estimators
            pass
        return tags


class _BaseVoting(TransformerMixin, _BaseHeterogeneousEnsemble):
    _verbose_source = "Voting"
    _parameter_constraints = {
        "estimators": [list],
        "weights": ["array-like", None],
        "n_jobs": ["n_jobs"],
        "verbose": ["verbose"],
    }

    @property
    def _weights_not_none(self):
        if self.weights is None:
            return None
        return [w for (_, e), w in zip(self.estimators, self.weights)
                if not (isinstance(e, str) and e == "drop")]

    def _predict(self, X):
        return np.asarray([est.predict(X) for est in self.estimators_]).T

    def _fit(self, X, y, sample_weight, kind, fit_params):
        names, ests = self._validate_estimators(kind)
        if self.weights is not None and len(self.weights) != len(self.estimators):
            raise ValueError("Number of `estimators` and weights must be equal; got "
                             f"{len(self.weights)} weights, {len(self.estimators)} estimators")
        params = _routed_fit_params(self, names, sample_weight, fit_params)
        self._fit_estimators(names, ests, X, y, params)
        return self


class VotingClassifier(ClassifierMixin, _BaseVoting):
    """Majority-vote ("hard") or mean-probability ("soft") classifier over
    different classifiers, each optionally weighted (weights).

    The classifiers are fit in parallel threads (n_jobs) on the labels encoded
    0..n_classes-1. Hard voting ties go to the smallest class. transform gives
    each classifier's predicted labels (hard) or probabilities (soft,
    hstacked unless flatten_transform=False). Attributes: estimators_,
    named_estimators_, classes_, le_.
    """

    _parameter_constraints = {**_BaseVoting._parameter_constraints,
                              "voting": [StrOptions({"hard", "soft"})],
                              "flatten_transform": ["boolean"]}

    def __init__(self, estimators, *, voting="hard", weights=None, n_jobs=None,
                 flatten_transform=True, verbose=False):
        self.estimators = estimators
        self.voting = voting
        self.weights = weights
        self.n_jobs = n_jobs
        self.flatten_transform = flatten_transform
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit every (non-dropped) classifier on (X, y). With metadata routing
        enabled, sample_weight and other fit_params go where requested."""
        raise_for_params(fit_params, self, "fit")
        self._validate_params()
        from ..preprocessing import LabelEncoder

        y_arr = np.asarray(dataframe_to_numpy(y))
        if y_arr.ndim == 2 and y_arr.shape[1] > 1:
            raise NotImplementedError("VotingClassifier only supports binary or multiclass "
                                      "classification. Multilabel and multi-output "
                                      "classification are not supported.")
        y_arr = column_or_1d(y_arr, warn=True)
        if y_arr.dtype.kind == "f" and not np.all(np.mod(y_arr[np.isfinite(y_arr)], 1) == 0):
            raise ValueError("Unknown label type: continuous. Maybe you are trying to fit a "
                             "classifier, which expects discrete classes on a regression "
                             "target with continuous values.")
        self.le_ = LabelEncoder().fit(y_arr)
        self.classes_ = self.le_.classes_
        return self._fit(X, self.le_.transform(y_arr), sample_weight, "classifier", fit_params)

    def predict(self, X):
        """Class labels: weighted majority (hard) or argmax of the mean probability (soft)."""
        check_is_fitted(self, "estimators_")
        if self.voting == "soft":
            maj = np.argmax(self.predict_proba(X), axis=1)
        else:
            pred = self._predict(X).astype(np.intp)
            w = self._weights_not_none
            w = np.ones(pred.shape[1]) if w is None else np.asarray(w, dtype=np.float64)
            counts = np.zeros((pred.shape[0], max(len(self.classes_), pred.max() + 1)))
            rows = np.arange(pred.shape[0])
            for j in range(pred.shape[1]):
                np.add.at(counts, (rows, pred[:, j]), w[j])
            maj = np.argmax(counts, axis=1)
        return self.le_.inverse_transform(maj)

    def _collect_probas(self, X):
        return np.asarray([clf.predict_proba(X) for clf in self.estimators_])

    def _check_voting(self):
        if self.voting == "hard":
            raise AttributeError(f"predict_proba is not available when voting={self.voting!r}")
        return True

    @available_if(_check_voting)
    def predict_proba(self, X):
        """Weighted mean of the classifiers' class probabilities."""
        check_is_fitted(self, "estimators_")
        return np.average(self._collect_probas(X), axis=0, weights=self._weights_not_none)

    def transform(self, X):
        """Per-classifier probabilities (soft) or predicted labels (hard)."""
        check_is_fitted(self, "estimators_")
        if self.voting == "soft":
            probas = self._collect_probas(X)
            return np.hstack(probas) if self.flatten_transform else probas
        return self._predict(X)

    def get_feature_names_out(self, input_features=None):
        """<classname>_<name> (hard) or <classname>_<name><class index> (soft)."""
        check_is_fitted(self, "estimators_")
        if self.voting == "soft" and not self.flatten_transform:
            raise ValueError("get_feature_names_out is not supported when `voting='soft'` and "
                             "`flatten_transform=False`")
        from ..base import _input_feature_names
        _input_feature_names(self, input_features, generate_names=False)
        prefix = type(self).__name__.lower()
        active = self._active_names()
        if self.voting == "hard":
            return np.asarray([f"{prefix}_{n}" for n in active], dtype=object)
        return np.asarray([f"{prefix}_{n}{i}" for n in active
                           for i in range(len(self.classes_))], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = []
        return tags


class VotingRegressor(RegressorMixin, _BaseVoting):
    """Weighted mean of the predictions of different regressors (fit in
    parallel threads). transform gives each regressor's prediction.
    Attributes: estimators_, named_estimators_."""

    def __init__(self, estimators, *, weights=None, n_jobs=None, verbose=False):
        self.estimators = estimators
        self.weights = weights
        self.n_jobs = n_jobs
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit every (non-dropped) regressor on (X, y). With metadata routing
        enabled, sample_weight and other fit_params go where requested."""
        raise_for_params(fit_params, self, "fit")
        self._validate_params()
        y = column_or_1d(np.asarray(dataframe_to_numpy(y)), warn=True)
        return self._fit(X, y, sample_weight, "regressor", fit_params)

    def predict(self, X):
        """Weighted mean of the regressors' predictions."""
        check_is_fitted(self, "estimators_")
        return np.average(self._predict(X), axis=1, weights=self._weights_not_none)

    def transform(self, X):
        """Each regressor's prediction, one column per regressor."""
        check_is_fitted(self, "estimators_")
        return self._predict(X)

    def get_feature_names_out(self, input_features=None):
        """<classname>_<name> per non-dropped regressor."""
        check_is_fitted(self, "estimators_")
        from ..base import _input_feature_names
        _input_feature_names(self, input_features, generate_names=False)
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}_{n}" for n in self._active_names()], dtype=object)
