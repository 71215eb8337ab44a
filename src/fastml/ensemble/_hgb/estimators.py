"""HistGradientBoostingRegressor / HistGradientBoostingClassifier."""
import numpy as np

from ...base import ClassifierMixin, RegressorMixin
from ...tree._classes import _class_weight_vector, _encode_classes
from ...utils._param_validation import StrOptions
from ...utils.validation import _check_sample_weight
from . import losses as _L
from .boosting import BaseHistGradientBoosting

__all__ = ["HistGradientBoostingRegressor", "HistGradientBoostingClassifier"]


def _common_init(self, loss, learning_rate, max_iter, max_leaf_nodes, max_depth,
                 min_samples_leaf, l2_regularization, max_features, max_bins,
                 categorical_features, monotonic_cst, interaction_cst, warm_start,
                 early_stopping, scoring, validation_fraction, n_iter_no_change, tol, verbose,
                 random_state):
    self.loss = loss
    self.learning_rate = learning_rate
    self.max_iter = max_iter
    self.max_leaf_nodes = max_leaf_nodes
    self.max_depth = max_depth
    self.min_samples_leaf = min_samples_leaf
    self.l2_regularization = l2_regularization
    self.max_features = max_features
    self.max_bins = max_bins
    self.categorical_features = categorical_features
    self.monotonic_cst = monotonic_cst
    self.interaction_cst = interaction_cst
    self.warm_start = warm_start
    self.early_stopping = early_stopping
    self.scoring = scoring
    self.validation_fraction = validation_fraction
    self.n_iter_no_change = n_iter_no_change
    self.tol = tol
    self.verbose = verbose
    self.random_state = random_state


class HistGradientBoostingRegressor(RegressorMixin, BaseHistGradientBoosting):
    """Histogram-based gradient boosting regression trees.

    Same parameters, defaults and fitted attributes as scikit-learn's
    HistGradientBoostingRegressor (loss "squared_error", "absolute_error",
    "gamma", "poisson" or "quantile" with `quantile`), fitted by fastml's
    compiled engine. See the module docstring of fastml.ensemble._hgb.boosting
    for the deliberate differences (random streams, interaction_cst).
    """

    _parameter_constraints = {
        **BaseHistGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "gamma", "poisson",
                             "quantile"})],
    }
    _is_classifier = False
    _n_classes = 1
    _n_trees = 1

    def __init__(self, loss="squared_error", *, quantile=None, learning_rate=0.1, max_iter=100,
                 max_leaf_nodes=31, max_depth=None, min_samples_leaf=20,
                 l2_regularization=0.0, max_features=1.0, max_bins=255,
                 categorical_features="from_dtype", monotonic_cst=None, interaction_cst=None,
                 warm_start=False, early_stopping="auto", scoring="loss",
                 validation_fraction=0.1, n_iter_no_change=10, tol=1e-7, verbose=0,
                 random_state=None):
        _common_init(self, loss, learning_rate, max_iter, max_leaf_nodes, max_depth,
                     min_samples_leaf, l2_regularization, max_features, max_bins,
                     categorical_features, monotonic_cst, interaction_cst, warm_start,
                     early_stopping, scoring, validation_fraction, n_iter_no_change, tol,
                     verbose, random_state)
        self.quantile = quantile

    def _loss_name(self):
        return self.loss

    def _encode_y(self, y, sample_weight, n):
        if y.dtype.kind not in "biuf":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"y must be numeric for a regressor, got dtype {y.dtype}.")
        y = y.astype(np.float64)
        if not np.isfinite(y).all():
            raise ValueError("Input y contains NaN or infinity.")
        if self.loss == "gamma" and not (y > 0).all():
            raise ValueError("loss='gamma' requires strictly positive y.")
        if self.loss == "poisson" and ((y < 0).any() or not y.sum() > 0):
            raise ValueError("loss='poisson' requires non-negative y and sum(y) > 0.")
        w = None if sample_weight is None else _check_sample_weight(sample_weight, n)
        return y, w

    def _decode_y(self, y):
        return y

    def predict(self, X):
        """Predicted values (n_samples,)."""
        return _L.inverse_link(self.loss, self._raw_predict(X))

    def staged_predict(self, X):
        """Predictions after each iteration (a generator)."""
        for raw in self._staged_raw_predict(X):
            yield _L.inverse_link(self.loss, raw)


class HistGradientBoostingClassifier(ClassifierMixin, BaseHistGradientBoosting):
    """Histogram-based gradient boosting classification trees.

    Same parameters, defaults and fitted attributes as scikit-learn's
    HistGradientBoostingClassifier: loss "log_loss" (binomial for two
    classes, one tree per iteration; multinomial otherwise, one tree per class
    and iteration), class_weight, fitted by fastml's compiled engine.
    """

    _parameter_constraints = {
        **BaseHistGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"log_loss"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _parameter_constraints.pop("quantile")
    _is_classifier = True

    def __init__(self, loss="log_loss", *, learning_rate=0.1, max_iter=100, max_leaf_nodes=31,
                 max_depth=None, min_samples_leaf=20, l2_regularization=0.0, max_features=1.0,
                 max_bins=255, categorical_features="from_dtype", monotonic_cst=None,
                 interaction_cst=None, warm_start=False, early_stopping="auto",
                 scoring="loss", validation_fraction=0.1, n_iter_no_change=10, tol=1e-7,
                 verbose=0, random_state=None, class_weight=None):
        _common_init(self, loss, learning_rate, max_iter, max_leaf_nodes, max_depth,
                     min_samples_leaf, l2_regularization, max_features, max_bins,
                     categorical_features, monotonic_cst, interaction_cst, warm_start,
                     early_stopping, scoring, validation_fraction, n_iter_no_change, tol,
                     verbose, random_state)
        self.class_weight = class_weight

    @property
    def _n_trees(self):
        return 1 if self._n_classes <= 2 else self._n_classes

    def _loss_name(self):
        return "log_loss_binary" if self._n_classes <= 2 else "log_loss_multinomial"

    def _encode_y(self, y, sample_weight, n):
        classes, y_idx = _encode_classes(y)
        if self.warm_start and getattr(self, "_trees", None) and \
                not np.array_equal(classes, self.classes_):
            raise ValueError("warm_start needs the same classes as the previous fit.")
        self.classes_ = classes
        self._n_classes = len(classes)
        w = None if sample_weight is None else _check_sample_weight(sample_weight, n)
        cw = _class_weight_vector(self.class_weight, classes, y_idx, len(classes))
        if cw is not None:
            w = cw if w is None else w * cw
        return y_idx.astype(np.float64), w

    def _decode_y(self, y):
        return self.classes_[np.asarray(y, dtype=np.intp)]

    def decision_function(self, X):
        """Raw scores: (n_samples,) for two classes, else (n_samples, n_classes)."""
        raw = self._raw_predict(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def staged_decision_function(self, X):
        for raw in self._staged_raw_predict(X):
            yield raw[:, 0] if raw.shape[1] == 1 else raw

    def predict_proba(self, X):
        """Class probabilities (n_samples, n_classes)."""
        raw = self._raw_predict(X)
        return _L.inverse_link(self._loss_name(), raw)

    def staged_predict_proba(self, X):
        for raw in self._staged_raw_predict(X):
            yield _L.inverse_link(self._loss_name(), raw)

    def predict(self, X):
        """Predicted class labels."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def staged_predict(self, X):
        for p in self.staged_predict_proba(X):
            yield self.classes_[np.argmax(p, axis=1)]

