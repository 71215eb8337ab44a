"""Scorers: `scoring` strings/callables -> scorer(estimator, X, y) -> float.

Greater is better (losses are negated, named "neg_*"), as in scikit-learn, so
model selection always maximises. A scorer built by `make_scorer` (and every
named scorer) is a `_Scorer`: it calls the estimator's response method
(predict, predict_proba or decision_function; the first one the estimator has
when several are allowed), picks the positive-class column for a binary
classifier, and applies the metric. Scorers expose scikit-learn's metadata
routing methods (`set_score_request`, `get_metadata_routing`); the request
objects are scikit-learn's own when scikit-learn is installed, so a
scikit-learn router accepts fastml scorers.
"""
import copy
import functools
import inspect
import warnings

import numpy as np

from . import _classification as C
from . import _prf as P
from . import _classification_more as CM
from . import _cluster as CL
from . import _ranking as RK
from . import _regression as R
from . import _roc as ROC

__all__ = ["get_scorer", "check_scoring", "make_scorer", "get_scorer_names"]

_NOT_REQUESTED_PARAMS = {"y_true", "y_pred", "y_prob", "y_proba", "y_score", "y2",
                         "pred_decision", "labels_true", "labels_pred"}


def _routing_enabled():
    import sys

    skl = sys.modules.get("sklearn")
    if skl is None:
        return False
    try:
        return bool(skl.get_config().get("enable_metadata_routing", False))
    except Exception:  # pragma: no cover - an unusual scikit-learn
        return False


def _func_repr(func):
    if isinstance(func, functools.partial):
        return repr(func)
    return getattr(func, "__name__", repr(func))


def _is_classifier(estimator):
    tags = getattr(estimator, "__sklearn_tags__", None)
    if tags is not None:
        try:
            return tags().estimator_type == "classifier"
        except Exception:
            pass
    return getattr(estimator, "_estimator_type", None) == "classifier"


def _is_regressor(estimator):
    tags = getattr(estimator, "__sklearn_tags__", None)
    if tags is not None:
        try:
            return tags().estimator_type == "regressor"
        except Exception:
            pass
    return getattr(estimator, "_estimator_type", None) == "regressor"


def _pick_method(estimator, response_method):
    methods = (response_method,) if isinstance(response_method, str) else \
        tuple(response_method)
    for name in methods:
        if hasattr(estimator, name):
            return name
    raise AttributeError(f"{type(estimator).__name__} has none of the following attributes: "
                         f"{', '.join(methods)}.")


def _binary_classes(estimator):
    classes = getattr(estimator, "classes_", None)
    if classes is None or not _is_classifier(estimator):
        return None
    if isinstance(classes, list) or np.asarray(classes).ndim != 1:
        return None
    classes = np.asarray(classes)
    return classes if len(classes) <= 2 else None


def _response(estimator, method, X, pos_label, raw=None):
    """The estimator's response with scikit-learn's binary conventions: the
    probability of `pos_label` (default: the greater class) from
    predict_proba, the decision function signed towards `pos_label`; a
    multi-output predict_proba list becomes the positive-class columns.
    `raw`: the method's output if already computed."""
    y = getattr(estimator, method)(X) if raw is None else raw
    if method == "predict":
        return y
    if isinstance(y, list):  # multi-output classifier: one (n, 2) block per output
        return np.column_stack([np.asarray(p)[:, -1] for p in y])
    classes = _binary_classes(estimator)
    if classes is None:
        return y
    if pos_label is not None and pos_label not in classes.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not a valid label: It should be one of "
                         f"{classes.tolist()}")
    y = np.asarray(y)
    if method == "predict_proba":
        if y.ndim == 2 and y.shape[1] < 2:
            raise ValueError(f"Got predict_proba of shape {y.shape}, but need classifier "
                             "with two classes.")
        col = -1 if pos_label is None else classes.tolist().index(pos_label)
        return y[:, col] if y.ndim == 2 else y
    if pos_label is not None and len(classes) == 2 and pos_label == classes[0]:
        return -y
    return y


def _metadata_request(owner, score_func, requests=None):
    """scikit-learn's MetadataRequest for `owner` (the scorer), or None when
    scikit-learn is not installed."""
    try:
        from sklearn.utils.metadata_routing import MetadataRequest
    except ImportError:  # pragma: no cover - no scikit-learn
        return None
    req = MetadataRequest(owner=owner)
    if requests is None:
        try:
            params = inspect.signature(score_func).parameters
        except (TypeError, ValueError):
            params = {}
        requests = {}
        for name, p in params.items():
            if name in _NOT_REQUESTED_PARAMS or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if list(params).index(name) < 2 and p.default is p.empty:
                continue  # the two positional targets
            requests[name] = None
    for name, alias in requests.items():
        req.score.add_request(param=name, alias=alias)
    return req


class _BaseScorer:
    def __init__(self, score_func, sign, kwargs, response_method="predict"):
        self._score_func = score_func
        self._sign = sign
        self._kwargs = kwargs
        self._response_method = response_method

    def __repr__(self):
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        kwargs = "".join(f", {k}={v}" for k, v in self._kwargs.items())
        return (f"make_scorer({_func_repr(self._score_func)}{sign}, "
                f"response_method={self._response_method!r}{kwargs})")

    def _routing_repr(self):
        return repr(self)

    def _accept_sample_weight(self):
        try:
            return "sample_weight" in inspect.signature(self._score_func).parameters
        except (TypeError, ValueError):
            return False

    def _get_pos_label(self):
        if "pos_label" in self._kwargs:
            return self._kwargs["pos_label"]
        try:
            params = inspect.signature(self._score_func).parameters
        except (TypeError, ValueError):
            return None
        return params["pos_label"].default if "pos_label" in params else None

    def _warn_overlap(self, message, kwargs):
        overlap = set(self._kwargs).intersection(kwargs)
        if overlap:
            warnings.warn(f"{message} Overlapping parameters are: {overlap}", UserWarning,
                          stacklevel=3)

    def __call__(self, estimator, X, y_true, sample_weight=None, **kwargs):
        if kwargs and not _routing_enabled():
            raise ValueError(f"Passing extra keyword arguments to {self!r} is only supported "
                             "if enable_metadata_routing=True, which you can set using "
                             "`sklearn.set_config`. See the User Guide "
                             "<https://scikit-learn.org/stable/metadata_routing.html> for "
                             f"more details. Extra parameters passed are: {set(kwargs)}")
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return self._score(_cached_call(None), estimator, X, y_true, **kwargs)

    def set_score_request(self, **kwargs):
        """Request metadata for `score` (param=True/False/None/alias); only
        with metadata routing enabled (sklearn.set_config)."""
        if not _routing_enabled():
            raise RuntimeError("This method is only available when metadata routing is "
                               "enabled. You can enable it using "
                               "sklearn.set_config(enable_metadata_routing=True).")
        self._warn_overlap("You are setting metadata request for parameters which are "
                           "already set as kwargs for this metric. These set values will be "
                           "overridden by passed metadata if provided. Please pass them "
                           "either as metadata or kwargs to `make_scorer`.", kwargs)
        self._requests = dict(kwargs)
        return self

    def _get_metadata_request(self):
        return _metadata_request(self, self._score_func, getattr(self, "_requests", None))

    def get_metadata_routing(self):
        """The metadata request of this scorer (scikit-learn's MetadataRequest)."""
        return self._get_metadata_request()


def _cached_call(cache):
    """A response-method caller; with a dict, each method runs once per X."""
    def call(estimator, method, X, pos_label):
        if cache is None:
            return _response(estimator, method, X, pos_label)
        if method not in cache:  # the raw output; pos_label only post-processes it
            cache[method] = getattr(estimator, method)(X)
        return _response(estimator, method, X, pos_label, raw=cache[method])
    return call


class _Scorer(_BaseScorer):
    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        self._warn_overlap("There is an overlap between set kwargs of this scorer instance "
                           "and passed metadata. Please pass them either as kwargs to "
                           "`make_scorer` or metadata, but not both.", kwargs)
        pos_label = None if _is_regressor(estimator) else self._get_pos_label()
        method = _pick_method(estimator, self._response_method)
        y_pred = method_caller(estimator, method, X, pos_label)
        return self._sign * self._score_func(y_true, y_pred, **{**self._kwargs, **kwargs})


def make_scorer(score_func, *, response_method="predict", greater_is_better=True, **kwargs):
    """A scorer(estimator, X, y_true, sample_weight=None) from a metric
    score_func(y_true, y_pred, **kwargs).

    response_method: "predict", "predict_proba", "decision_function", or a
    list/tuple of them (the first one the estimator has is used). With
    greater_is_better=False the score is negated (a loss)."""
    if not callable(score_func):
        raise ValueError(f"The 'score_func' parameter of make_scorer must be a callable. Got "
                         f"{score_func!r} instead.")
    valid = ("predict", "predict_proba", "decision_function")
    if isinstance(response_method, str):
        if response_method not in valid:
            raise ValueError(f"The 'response_method' parameter of make_scorer must be a str "
                             f"among {set(valid)}, an instance of 'list' or an instance of "
                             f"'tuple'. Got {response_method!r} instead.")
    elif not isinstance(response_method, (list, tuple)):
        raise ValueError(f"The 'response_method' parameter of make_scorer must be a str "
                         f"among {set(valid)}, an instance of 'list' or an instance of "
                         f"'tuple'. Got {response_method!r} instead.")
    if not isinstance(greater_is_better, (bool, np.bool_)):
        raise ValueError(f"The 'greater_is_better' parameter of make_scorer must be an "
                         f"instance of 'bool'. Got {greater_is_better!r} instead.")
    return _Scorer(score_func, 1 if greater_is_better else -1, kwargs, response_method)


class _PassthroughScorer:
    """The estimator's own `score` method as a scorer (scoring=None)."""

    def __init__(self, estimator):
        self._estimator = estimator

    def __call__(self, estimator, *args, **kwargs):
        return estimator.score(*args, **kwargs)

    def __repr__(self):
        return f"{type(self._estimator).__name__}.score"

    def _accept_sample_weight(self):
        try:
            return "sample_weight" in inspect.signature(self._estimator.score).parameters
        except (TypeError, ValueError, AttributeError):
            return False


class _MultimetricScorer:
    """Several scorers evaluated together ({name: score}); each response
    method of the estimator runs once. With raise_exc=False a failing scorer
    gives its formatted exception as the value."""

    def __init__(self, *, scorers, raise_exc=True):
        self._scorers = scorers
        self._raise_exc = raise_exc

    def __repr__(self):
        return "MultiMetricScorer(" + ", ".join(f'"{s}"' for s in self._scorers) + ")"

    def _accept_sample_weight(self):
        return any(getattr(s, "_accept_sample_weight", lambda: False)()
                   for s in self._scorers.values())

    def __call__(self, estimator, *args, **kwargs):
        import traceback

        cache = {}
        caller = _cached_call(cache)
        out = {}
        sample_weight = kwargs.get("sample_weight")
        for name, scorer in self._scorers.items():
            try:
                if isinstance(scorer, _Scorer):
                    extra = dict(kwargs)
                    if "sample_weight" in extra and not scorer._accept_sample_weight():
                        extra.pop("sample_weight")
                    out[name] = scorer._score(caller, estimator, *args, **extra)
                elif sample_weight is not None:
                    out[name] = scorer(estimator, *args, **kwargs)
                else:
                    out[name] = scorer(estimator, *args,
                                       **{k: v for k, v in kwargs.items()
                                          if k != "sample_weight"})
            except Exception as exc:
                if self._raise_exc:
                    raise
                out[name] = "".join(traceback.format_exception(exc))
        return out


def _default_score(estimator, X, y, sample_weight=None):
    if sample_weight is None:
        return estimator.score(X, y)
    return estimator.score(X, y, sample_weight=sample_weight)


_P = ("decision_function", "predict_proba")


def _build_scorers():
    s = {
        "explained_variance": make_scorer(R.explained_variance_score),
        "r2": make_scorer(R.r2_score),
        "neg_max_error": make_scorer(R.max_error, greater_is_better=False),
        "matthews_corrcoef": make_scorer(CM.matthews_corrcoef),
        "neg_median_absolute_error": make_scorer(R.median_absolute_error,
                                                 greater_is_better=False),
        "neg_mean_absolute_error": make_scorer(R.mean_absolute_error, greater_is_better=False),
        "neg_mean_absolute_percentage_error": make_scorer(
            R.mean_absolute_percentage_error, greater_is_better=False),
        "neg_mean_squared_error": make_scorer(R.mean_squared_error, greater_is_better=False),
        "neg_mean_squared_log_error": make_scorer(R.mean_squared_log_error,
                                                  greater_is_better=False),
        "neg_root_mean_squared_error": make_scorer(R.root_mean_squared_error,
                                                   greater_is_better=False),
        "neg_root_mean_squared_log_error": make_scorer(R.root_mean_squared_log_error,
                                                       greater_is_better=False),
        "neg_mean_poisson_deviance": make_scorer(R.mean_poisson_deviance,
                                                 greater_is_better=False),
        "neg_mean_gamma_deviance": make_scorer(R.mean_gamma_deviance, greater_is_better=False),
        "d2_absolute_error_score": make_scorer(R.d2_absolute_error_score),
        "accuracy": make_scorer(C.accuracy_score),
        "top_k_accuracy": make_scorer(RK.top_k_accuracy_score, response_method=_P),
        "roc_auc": make_scorer(ROC.roc_auc_score, response_method=_P),
        "average_precision": make_scorer(RK.average_precision_score, response_method=_P),
        "roc_auc_ovo": make_scorer(ROC.roc_auc_score, response_method="predict_proba",
                                   multi_class="ovo"),
        "roc_auc_ovo_weighted": make_scorer(ROC.roc_auc_score, response_method="predict_proba",
                                            multi_class="ovo", average="weighted"),
        "roc_auc_ovr": make_scorer(ROC.roc_auc_score, response_method="predict_proba",
                                   multi_class="ovr"),
        "roc_auc_ovr_weighted": make_scorer(ROC.roc_auc_score, response_method="predict_proba",
                                            multi_class="ovr", average="weighted"),
        "balanced_accuracy": make_scorer(C.balanced_accuracy_score),
        "neg_log_loss": make_scorer(C.log_loss, greater_is_better=False,
                                    response_method="predict_proba"),
        "neg_brier_score": make_scorer(CM.brier_score_loss, greater_is_better=False,
                                       response_method="predict_proba"),
        "d2_brier_score": make_scorer(CM.d2_brier_score, response_method="predict_proba"),
        "d2_log_loss_score": make_scorer(CM.d2_log_loss_score,
                                         response_method="predict_proba"),
        "positive_likelihood_ratio": make_scorer(CM._positive_likelihood_ratio),
        "neg_negative_likelihood_ratio": make_scorer(CM._negative_likelihood_ratio,
                                                     greater_is_better=False),
    }
    for name in ("adjusted_rand_score", "rand_score", "homogeneity_score",
                 "completeness_score", "v_measure_score", "mutual_info_score",
                 "adjusted_mutual_info_score", "normalized_mutual_info_score",
                 "fowlkes_mallows_score"):
        s[name] = make_scorer(getattr(CL, name))
    for name, metric in (("precision", P.precision_score), ("recall", P.recall_score),
                         ("f1", P.f1_score), ("jaccard", CM.jaccard_score)):
        s[name] = make_scorer(metric, average="binary")
        for avg in ("macro", "micro", "samples", "weighted"):
            s[f"{name}_{avg}"] = make_scorer(metric, pos_label=None, average=avg)
    return dict(sorted(s.items()))


_SCORERS = _build_scorers()


def get_scorer_names():
    """The names of all named scorers (sorted)."""
    return sorted(_SCORERS)


def get_scorer(scoring):
    """A scorer from its name (a fresh copy each call), or `scoring` itself if
    it is a callable or None."""
    if isinstance(scoring, str):
        try:
            return copy.deepcopy(_SCORERS[scoring])
        except KeyError:
            raise ValueError(f"{scoring!r} is not a valid scoring value. Use "
                             "sklearn.metrics.get_scorer_names() to get valid options.") \
                from None
    if scoring is None or callable(scoring):
        return scoring
    raise ValueError(f"The 'scoring' parameter of get_scorer must be a str, a callable or "
                     f"None. Got {scoring!r} instead.")


def _is_bare_metric(func):
    """A metric function passed where a scorer is expected."""
    module = getattr(func, "__module__", None) or ""
    if isinstance(func, _BaseScorer):
        return False
    for pkg in ("fastml.metrics", "sklearn.metrics"):
        if module.startswith(pkg + ".") and not module.startswith(pkg + "._scorer") \
                and not module.startswith(pkg + ".tests."):
            return True
    return False


def _check_multimetric_scoring(estimator, scoring):
    """{name: scorer} for a list/tuple/set of names or a dict of scorers."""
    if isinstance(scoring, (list, tuple, set)):
        err = "The list/tuple elements must be unique strings of predefined scorers. "
        try:
            keys = set(scoring)
        except TypeError as e:
            raise ValueError(err) from e
        if len(keys) != len(scoring):
            raise ValueError(f"{err} Duplicate elements were found in the given list. "
                             f"{scoring!r}")
        if not keys:
            raise ValueError(f"{err} Empty list was given. {scoring!r}")
        if not all(isinstance(k, str) for k in keys):
            if any(callable(k) for k in keys):
                raise ValueError(f"{err} One or more of the elements were callables. Use a "
                                 f"dict of score name mapped to the scorer callable. Got "
                                 f"{scoring!r}")
            raise ValueError(f"{err} Non-string types were found in the given list. Got "
                             f"{scoring!r}")
        return {name: check_scoring(estimator, scoring=name) for name in scoring}
    if isinstance(scoring, dict):
        if not all(isinstance(k, str) for k in scoring):
            raise ValueError(f"Non-string types were found in the keys of the given dict. "
                             f"scoring={scoring!r}")
        if not scoring:
            raise ValueError(f"An empty dict was passed. {scoring!r}")
        return {k: check_scoring(estimator, scoring=v) for k, v in scoring.items()}
    raise ValueError(f"scoring is invalid (got {scoring!r}). Refer to the scoring glossary "
                     "for details: https://scikit-learn.org/stable/glossary.html#term-scoring")


def check_scoring(estimator=None, scoring=None, *, allow_none=False, raise_exc=True):
    """The scorer to use.

    scoring: None (the estimator's own `score`; with allow_none=True, None when
    it has none), a scorer name, a callable scorer(estimator, X, y), or several
    (list/tuple/set of names, dict name -> name/callable) giving a
    multi-metric scorer that returns {name: score} (raise_exc=False: a failing
    scorer's value is its formatted exception)."""
    if isinstance(scoring, str):
        return get_scorer(scoring)
    if callable(scoring):
        if _is_bare_metric(scoring):
            raise ValueError(f"scoring value {scoring!r} looks like it is a metric function "
                             "rather than a scorer. A scorer should require an estimator as "
                             "its first parameter. Please use `make_scorer` to convert a "
                             "metric to a scorer.")
        return get_scorer(scoring)
    if isinstance(scoring, (list, tuple, set, dict)):
        return _MultimetricScorer(scorers=_check_multimetric_scoring(estimator, scoring),
                                  raise_exc=raise_exc)
    if scoring is None:
        if estimator is not None and hasattr(estimator, "score"):
            return _PassthroughScorer(estimator)
        if allow_none:
            return None
        raise TypeError(f"If no scoring is specified, the estimator passed should have a "
                        f"'score' method. The estimator {estimator!r} does not.")
    raise ValueError(f"The 'scoring' parameter of check_scoring must be a str, a callable, a "
                     f"list, a tuple, a set, a dict or None. Got {scoring!r} instead.")


# kept for callers that test identity with the default scorer
SCORERS = _SCORERS
