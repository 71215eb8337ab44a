"""Estimator base classes following scikit-learn's conventions.

`fit` returns self, fitted attributes end in "_", hyper-parameters are the
__init__ arguments stored unchanged (get_params/set_params/clone work), and
`__sklearn_tags__` describes the estimator to scikit-learn's tools when
scikit-learn is installed (it is never imported otherwise).

Every estimator declares `_parameter_constraints` (parameter name -> list of
accepted constraints, see fastml.utils._param_validation) and calls
`self._validate_params()` first thing in `fit` / `partial_fit`; checks that
depend on the data (max_features <= n_features, n_clusters <= n_samples)
follow as small explicit checks.
"""
import copy
import inspect
import warnings
from typing import Any

import numpy as np

from .utils._metadata_routing import MetadataRequesterMixin
from .utils._param_validation import validate_parameter_constraints
from .utils._set_output import _SetOutputMixin, dataframe_to_numpy, get_feature_names
from .utils.validation import check_array, check_is_fitted, check_X_y

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "TransformerMixin",
           "ClusterMixin", "OneToOneFeatureMixin", "ClassNamePrefixFeaturesOutMixin", "clone"]


_PARAM_NAMES: dict = {}  # __init__ function -> sorted parameter names


class BaseEstimator(MetadataRequesterMixin):
    """get_params/set_params, repr, input validation with n_features_in_;
    metadata requests (set_<method>_request, get_metadata_routing)."""

    # parameter name -> list of constraints (declared by every estimator class)
    _parameter_constraints: dict[str, Any]

    @classmethod
    def _get_param_names(cls):
        # cached per class (keyed by its own __init__, so a subclass that redefines
        # __init__ gets its own entry): inspect.signature costs ~30 us a call
        init = cls.__init__
        if init is object.__init__:
            return []
        names = _PARAM_NAMES.get(init)
        if names is None:
            names = _PARAM_NAMES[init] = tuple(cls._signature_param_names(init))
        return list(names)

    @classmethod
    def _signature_param_names(cls, init):
        sig = inspect.signature(init)
        names = []
        for p in sig.parameters.values():
            if p.name == "self" or p.kind == p.VAR_KEYWORD:
                continue
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError(f"{cls.__name__} must not take *args in __init__")
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep=True):
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for k, v in value.get_params().items():
                    out[f"{name}__{k}"] = v
            out[name] = value
        return out

    def set_params(self, **params):
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {self}. "
                    f"Valid parameters are: {sorted(self._get_param_names())!r}."
                )
            if delim:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub in nested.items():
            valid[name].set_params(**sub)
        return self

    def _changed_params(self):
        """{name: value} of the parameters that differ from their defaults."""
        defaults = {}
        sig = inspect.signature(type(self).__init__)
        for p in sig.parameters.values():
            if p.default is not p.empty:
                defaults[p.name] = p.default
        changed = {}
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = value is default or bool(value == default)
            except Exception:
                same = False
            if not same:
                changed[name] = value
        return changed

    def __repr__(self):
        parts = [f"{name}={value!r}" for name, value in self._changed_params().items()]
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self):
        """Notebook display: the estimator as a collapsible block of its
        parameters (changed ones in bold), nested estimators (pipeline steps,
        ensemble members, wrapped estimators) as nested blocks, and whether it
        is fitted; the plain repr as the text alternative."""
        from .utils._html_repr import estimator_html

        return estimator_html(self)

    # ---- validation helpers used by fit/predict -----------------------------
    def _validate_params(self):
        """Check every hyper-parameter against `_parameter_constraints`
        (InvalidParameterError naming the estimator, parameter and value)."""
        constraints = getattr(type(self), "_parameter_constraints", None)
        if constraints is None:
            raise TypeError(f"{type(self).__name__} declares no _parameter_constraints.")
        validate_parameter_constraints(constraints, self.get_params(deep=False),
                                       caller_name=type(self).__name__)

    def _validate_data(self, X, y="no_validation", *, reset=True, dtype=(np.float64, np.float32),
                       multi_output=False, y_numeric=False, ensure_min_samples=1):
        """Validate X (and y unless omitted; y=None is an error then).

        With reset=True record n_features_in_ (and feature_names_in_ for a
        DataFrame with string column names), else check X against them. A
        DataFrame becomes an array of its columns' common dtype (float32
        columns stay float32).
        """
        no_y = isinstance(y, str) and y == "no_validation"
        self._check_feature_names(X, reset=reset)
        X = dataframe_to_numpy(X)
        if no_y:
            X = check_array(X, dtype=dtype, ensure_min_samples=ensure_min_samples)
        else:
            X, y = check_X_y(X, y, dtype=dtype, multi_output=multi_output,
                             y_numeric=y_numeric, ensure_min_samples=ensure_min_samples)
        self._check_n_features(X, reset=reset)
        return X if no_y else (X, y)

    def _check_feature_names(self, X, *, reset):
        """reset=True: record feature_names_in_ from a DataFrame's string column
        names (or delete a stale one). reset=False: X's names must equal the
        fitted ones in the same order (ValueError listing the unseen and the
        missing names, as scikit-learn words it); names on one side only give a
        UserWarning."""
        if reset:
            names = get_feature_names(X)
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return
        fitted = getattr(self, "feature_names_in_", None)
        names = get_feature_names(X)
        if fitted is None and names is None:
            return
        if fitted is None:
            warnings.warn(f"X has feature names, but {type(self).__name__} was fitted "
                          "without feature names")
            return
        if names is None:
            warnings.warn(f"X does not have valid feature names, but {type(self).__name__} "
                          "was fitted with feature names")
            return
        if len(fitted) == len(names) and np.all(fitted == names):
            return
        unseen = sorted(set(names) - set(fitted))
        missing = sorted(set(fitted) - set(names))

        def listing(values, limit=5):
            lines = [f"- {v}\n" for v in values[:limit]]
            return "".join(lines) + ("- ...\n" if len(values) > limit else "")

        message = "The feature names should match those that were passed during fit.\n"
        if unseen:
            message += "Feature names unseen at fit time:\n" + listing(unseen)
        if missing:
            message += "Feature names seen at fit time, yet now missing:\n" + listing(missing)
        if not unseen and not missing:
            message += "Feature names must be in the same order as they were in fit.\n"
        raise ValueError(message)

    def _check_n_features(self, X, reset):
        n = X.shape[1]
        if reset:
            self.n_features_in_ = n
            return
        if not hasattr(self, "n_features_in_"):
            return
        if n != self.n_features_in_:
            raise ValueError(
                f"X has {n} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )

    def _check_is_fitted(self, attributes=None):
        check_is_fitted(self, attributes)

    # ---- scikit-learn interoperability ---------------------------------------
    def _fastml_tags(self):
        """Overrides for __sklearn_tags__, e.g. {"poor_score": True}."""
        return {}

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags

        tags = Tags(estimator_type=None, target_tags=TargetTags(required=False),
                    transformer_tags=None, regressor_tags=None, classifier_tags=None,
                    input_tags=InputTags())
        kind = getattr(self, "_estimator_type", None)
        if kind == "classifier":
            from sklearn.utils import ClassifierTags
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
            tags.target_tags.required = True
        elif kind == "regressor":
            from sklearn.utils import RegressorTags
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
            tags.target_tags.required = True
        elif kind == "clusterer":
            tags.estimator_type = "clusterer"
        if isinstance(self, TransformerMixin):
            from sklearn.utils import TransformerTags
            tags.transformer_tags = TransformerTags()
        for key, value in self._fastml_tags().items():
            if key in ("allow_nan", "pairwise", "sparse", "positive_only"):
                setattr(tags.input_tags, key, value)
            elif key in ("poor_score",) and tags.classifier_tags is not None:
                tags.classifier_tags.poor_score = value
            elif key in ("poor_score",) and tags.regressor_tags is not None:
                tags.regressor_tags.poor_score = value
            elif key in ("multi_output", "single_output", "one_d_labels", "two_d_labels",
                         "positive_only_target"):
                setattr(tags.target_tags, key.replace("_target", ""), value)
            elif key == "multi_class" and tags.classifier_tags is not None:
                tags.classifier_tags.multi_class = value
            elif key == "preserves_dtype" and tags.transformer_tags is not None:
                tags.transformer_tags.preserves_dtype = value
            else:
                setattr(tags, key, value)
        return tags


class ClassifierMixin:
    """Mixin of every classifier: ``score`` is the (weighted) mean accuracy.

    Also sets ``_estimator_type = "classifier"``, which scikit-learn's tools
    (``is_classifier``, stratified cross-validation) read.

    See Also
    --------
    RegressorMixin : the mixin of regressors (``score`` is R^2).
    fastml.metrics.accuracy_score : the metric ``score`` computes.

    Examples
    --------
    >>> from fastml.base import BaseEstimator, ClassifierMixin
    >>> import numpy as np
    >>> class Majority(ClassifierMixin, BaseEstimator):
    ...     def fit(self, X, y):
    ...         values, counts = np.unique(y, return_counts=True)
    ...         self.class_ = values[np.argmax(counts)]
    ...         return self
    ...     def predict(self, X):
    ...         return np.full(len(X), self.class_)
    >>> X, y = np.zeros((4, 1)), np.array([0, 1, 1, 1])
    >>> Majority().fit(X, y).score(X, y)
    0.75
    """

    _estimator_type = "classifier"

    def score(self, X, y, sample_weight=None):
        y_pred = self.predict(X)
        y = np.asarray(y)
        hit = (y_pred == y).astype(np.float64)
        if sample_weight is None:
            return float(hit.mean())
        w = np.asarray(sample_weight, dtype=np.float64)
        return float((hit * w).sum() / w.sum())


class RegressorMixin:
    """Regressor: `score` is the coefficient of determination R^2."""

    _estimator_type = "regressor"

    def score(self, X, y, sample_weight=None):
        """R^2 of predict(X) against y (uniform average over outputs); NaN with an
        UndefinedMetricWarning for fewer than two samples."""
        from .metrics import r2_score

        return r2_score(y, self.predict(X), sample_weight=sample_weight)


class TransformerMixin(_SetOutputMixin):
    """Transformer: fit_transform = fit(X, y).transform(X); `set_output`
    (pandas / polars output) for every transformer with get_feature_names_out."""

    def fit_transform(self, X, y=None, **fit_params):
        return self.fit(X, y, **fit_params).transform(X)


def _input_feature_names(estimator, input_features=None, *, generate_names=True):
    """Names of the input features for get_feature_names_out: `input_features`
    checked against feature_names_in_ / n_features_in_, else feature_names_in_,
    else "x0", "x1", ... (None when generate_names is False)."""
    fitted = getattr(estimator, "feature_names_in_", None)
    n_in = getattr(estimator, "n_features_in_", None)
    if input_features is not None:
        input_features = np.asarray(input_features, dtype=object)
        if fitted is not None and not np.array_equal(fitted, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if n_in is not None and len(input_features) != n_in:
            raise ValueError("input_features should have length equal to number of "
                             f"features ({n_in}), got {len(input_features)}")
        return input_features
    if fitted is not None:
        return fitted
    if not generate_names:
        return None
    if n_in is None:
        raise ValueError("Unable to generate feature names without n_features_in_")
    return np.asarray([f"x{i}" for i in range(n_in)], dtype=object)


class OneToOneFeatureMixin:
    """get_feature_names_out for transformers whose output column j is input
    column j (scalers, Normalizer): the input feature names."""

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_in_")
        return _input_feature_names(self, input_features)


class ClassNamePrefixFeaturesOutMixin:
    """get_feature_names_out for transformers that make new features (PCA,
    KMeans): the lower-cased class name followed by 0, 1, ... up to
    the number of output features (input_features are only checked). That
    number is `_n_features_out` if the estimator sets it, else the rows of
    components_ (decompositions) or cluster_centers_ (clusterers)."""

    def get_feature_names_out(self, input_features=None):
        n_out = getattr(self, "_n_features_out", None)
        for attr in ("components_", "cluster_centers_"):
            if n_out is None and getattr(self, attr, None) is not None:
                n_out = getattr(self, attr).shape[0]
        if n_out is None:
            check_is_fitted(self, "_n_features_out")  # NotFittedError
        _input_feature_names(self, input_features, generate_names=False)
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(n_out)], dtype=object)


class ClusterMixin:
    """Mixin of every clusterer: ``fit_predict(X)`` fits and returns ``labels_``.

    Also sets ``_estimator_type = "clusterer"``.

    See Also
    --------
    fastml.cluster.KMeans : a clusterer built on this mixin.

    Examples
    --------
    >>> import numpy as np
    >>> from fastml.cluster import KMeans
    >>> X = np.array([[0.0], [0.1], [5.0], [5.1]])
    >>> labels = KMeans(n_clusters=2, n_init=1, random_state=0).fit_predict(X)
    >>> bool(labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2])
    True
    """

    _estimator_type = "clusterer"

    def fit_predict(self, X, y=None, **kwargs):
        self.fit(X, y, **kwargs)
        return self.labels_


def clone(estimator, *, safe=True):
    """A new unfitted estimator with the same parameters (deep-copied).
    Objects with their own ``__sklearn_clone__`` (scikit-learn estimators) clone
    themselves; subclasses of list / tuple / set are copied as objects."""
    if hasattr(estimator, "__sklearn_clone__") and not isinstance(estimator, type):
        return estimator.__sklearn_clone__()
    if type(estimator) in (list, tuple, set, frozenset):
        return type(estimator)(clone(e, safe=safe) for e in estimator)
    if type(estimator) is dict:
        return {k: clone(v, safe=safe) for k, v in estimator.items()}
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        if not safe:
            return copy.deepcopy(estimator)
        raise TypeError(f"Cannot clone object {estimator!r}: it has no get_params method.")
    params = estimator.get_params(deep=False)
    new = type(estimator)(**{k: clone(v, safe=False) for k, v in params.items()})
    if hasattr(estimator, "_sklearn_output_config"):  # set_output survives cloning
        new._sklearn_output_config = copy.deepcopy(estimator._sklearn_output_config)
    if "_metadata_request" in getattr(estimator, "__dict__", {}):  # so do metadata requests
        new._metadata_request = copy.deepcopy(estimator._metadata_request)
    if "_skl_callbacks" in getattr(estimator, "__dict__", {}):
        # and fit callbacks, shared by reference: a callback serves every clone
        # (cross-validation folds, ensemble members) of the estimator it was set on
        new._skl_callbacks = estimator._skl_callbacks
    return new
