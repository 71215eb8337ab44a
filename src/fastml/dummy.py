"""Baselines that ignore the features: DummyClassifier (most frequent class,
class prior, stratified or uniform draws, a constant) and DummyRegressor
(mean, median, quantile, constant), the "null accuracy" a real model must
beat. Same strategies, fitted attributes and random draws as scikit-learn;
multi-output targets supported (sparse y too for the classifier: then
predictions are a CSC matrix, drawn with fastml's own sampler)."""
import numbers

import numpy as np

from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .utils._param_validation import Interval, StrOptions
from .utils._sparse import is_sparse
from .utils.validation import _check_sample_weight, check_array, check_random_state

__all__ = ["DummyClassifier", "DummyRegressor"]


def _num_samples(X):
    if X is None:
        raise TypeError("Expected sequence or array-like, got None")
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    if hasattr(X, "__len__"):
        return len(X)
    if hasattr(X, "__array__"):
        return _num_samples(np.asarray(X))
    raise TypeError(f"Expected sequence or array-like, got {type(X)!r}")


def _record_features(estimator, X):
    """n_features_in_ / feature_names_in_ from X without converting it (the
    dummies accept any X, even None: only its length is used)."""
    estimator._check_feature_names(X, reset=True)
    if X is None:
        return
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2:
        estimator.n_features_in_ = int(shape[1])
    elif shape is None and hasattr(X, "__len__") and len(X) and hasattr(X[0], "__len__") \
            and not isinstance(X[0], str):
        estimator.n_features_in_ = len(X[0])
    elif hasattr(estimator, "n_features_in_"):
        del estimator.n_features_in_


def _check_lengths(X, y, sample_weight):
    """X may be None (the dummies ignore it)."""
    n = y.shape[0] if X is None else _num_samples(X)
    lens = [n, y.shape[0]] + ([np.asarray(sample_weight).shape[0]]
                              if sample_weight is not None and not np.isscalar(sample_weight)
                              else [])
    if len(set(lens)) > 1:
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"{lens}")


def weighted_percentile(y, w, q):
    """Column-wise weighted percentile q in [0, 100] of y (n, k): the smallest
    value whose cumulative weight reaches q/100 of the total (NumPy's
    "inverted_cdf" with weights)."""
    y = np.asarray(y, dtype=np.float64)
    one = y.ndim == 1
    y2 = y[:, None] if one else y
    out = np.empty(y2.shape[1])
    for j in range(y2.shape[1]):
        order = np.argsort(y2[:, j], kind="stable")
        vals, ws = y2[order, j], w[order]
        cdf = np.cumsum(ws)
        target = q / 100.0 * cdf[-1]
        if q == 0:  # skip leading zero-weight observations
            idx = int(np.flatnonzero(ws > 0)[0]) if (ws > 0).any() else 0
        else:
            idx = min(int(np.searchsorted(cdf, target, side="left")), len(vals) - 1)
        out[j] = vals[idx]
    return out[0] if one else out


class DummyClassifier(ClassifierMixin, BaseEstimator):
    """Predicts from the training labels alone: strategy "prior" (default:
    predict the most frequent class, predict_proba the class prior),
    "most_frequent", "stratified" (draws from the prior), "uniform" or
    "constant" (the `constant` label)."""

    _parameter_constraints = {
        "strategy": [StrOptions({"most_frequent", "prior", "stratified", "uniform",
                                 "constant"})],
        "random_state": ["random_state"],
        "constant": [numbers.Integral, str, "array-like", None],
    }

    def __init__(self, *, strategy="prior", random_state=None, constant=None):
        self.strategy = strategy
        self.random_state = random_state
        self.constant = constant

    def _fastml_tags(self):
        return {"sparse": True, "poor_score": True, "no_validation": True}

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        _record_features(self, X)
        self._strategy = self.strategy
        if self._strategy == "uniform" and is_sparse(y):
            import warnings
            y = y.toarray()
            warnings.warn("A local copy of the target data has been converted to a numpy "
                          "array. Predicting on sparse target data with the uniform strategy "
                          "would not save memory and would be slower.", UserWarning)
        self.sparse_output_ = is_sparse(y)
        y = y.toarray() if self.sparse_output_ else np.atleast_1d(np.asarray(y))
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        self.n_outputs_ = y.shape[1]
        _check_lengths(X, y, sample_weight)
        sw = _check_sample_weight(sample_weight, y.shape[0])
        constant = None
        if self._strategy == "constant":
            if self.constant is None:
                raise ValueError("Constant target value has to be specified when the "
                                 "constant strategy is used.")
            constant = np.reshape(np.atleast_1d(self.constant), (-1, 1))
            if constant.shape[0] != self.n_outputs_:
                raise ValueError(f"Constant target value should have shape "
                                 f"({self.n_outputs_}, 1).")
        classes, n_classes, priors = [], [], []
        for k in range(self.n_outputs_):
            cls, inv = np.unique(y[:, k], return_inverse=True)
            counts = np.bincount(inv.ravel(), weights=sw, minlength=len(cls))
            classes.append(cls)
            n_classes.append(len(cls))
            priors.append(counts / counts.sum())
        if constant is not None:
            for k in range(self.n_outputs_):
                if not any(constant[k][0] == c for c in classes[k]):
                    raise ValueError("The constant target value must be present in the "
                                     f"training data. You provided constant={self.constant}. "
                                     f"Possible values are: {classes[k].tolist()}.")
        if self.n_outputs_ == 1:
            self.classes_, self.n_classes_, self.class_prior_ = classes[0], n_classes[0], \
                priors[0]
        else:
            self.classes_, self.n_classes_, self.class_prior_ = classes, n_classes, priors
        return self

    def _per_output(self):
        if self.n_outputs_ == 1:
            return [self.n_classes_], [self.classes_], [self.class_prior_], [self.constant]
        return self.n_classes_, self.classes_, self.class_prior_, \
            list(np.reshape(np.atleast_1d(self.constant), (-1,))) \
            if self.constant is not None else [None] * self.n_outputs_

    def predict(self, X):
        """Labels (n,) or (n, n_outputs); sparse CSC when fitted on sparse y."""
        self._check_is_fitted()
        n = _num_samples(X)
        rs = check_random_state(self.random_state)
        n_classes, classes, priors, constant = self._per_output()
        if self._strategy == "stratified":
            proba = self.predict_proba(X)
            proba = [proba] if self.n_outputs_ == 1 else proba
        if self.sparse_output_ and self._strategy == "uniform":
            raise ValueError("Sparse target prediction is not supported with the uniform "
                             "strategy")
        cols = []
        for k in range(self.n_outputs_):
            if self._strategy in ("most_frequent", "prior"):
                cols.append(np.repeat(classes[k][priors[k].argmax()], n))
            elif self._strategy == "stratified":
                cols.append(classes[k][proba[k].argmax(axis=1)])
            elif self._strategy == "uniform":
                cols.append(classes[k][rs.randint(n_classes[k], size=n)])
            else:
                cols.append(np.repeat(np.asarray(constant[k]).reshape(-1)[0], n))
        if self._strategy == "constant" and not self.sparse_output_:
            y = np.tile(self.constant, (n, 1))
        else:
            y = np.column_stack(cols) if cols else np.empty((n, 0))
        if self.sparse_output_:
            import scipy.sparse as sp
            return sp.csc_matrix(y)
        return y.ravel() if self.n_outputs_ == 1 else y

    def predict_proba(self, X):
        """Class probabilities (n, n_classes), a list of them per output."""
        self._check_is_fitted()
        n = _num_samples(X)
        rs = check_random_state(self.random_state)
        n_classes, classes, priors, constant = self._per_output()
        P = []
        for k in range(self.n_outputs_):
            if self._strategy == "most_frequent":
                out = np.zeros((n, n_classes[k]))
                out[:, priors[k].argmax()] = 1.0
            elif self._strategy == "prior":
                out = np.ones((n, 1)) * priors[k]
            elif self._strategy == "stratified":
                out = rs.multinomial(1, priors[k], size=n).astype(np.float64)
            elif self._strategy == "uniform":
                out = np.full((n, n_classes[k]), 1.0 / n_classes[k])
            else:
                out = np.zeros((n, n_classes[k]))
                out[:, classes[k] == constant[k]] = 1.0
            P.append(out)
        return P[0] if self.n_outputs_ == 1 else P

    def predict_log_proba(self, X):
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba) if self.n_outputs_ == 1 else [np.log(p) for p in proba]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy (subset accuracy for several outputs); X may be None."""
        if X is None:
            X = np.zeros((len(y), 1))
        pred = self.predict(X)
        y = np.asarray(y)
        if pred.ndim == 2:
            hit = np.all(pred == y.reshape(pred.shape), axis=1).astype(np.float64)
        else:
            hit = (pred == y).astype(np.float64)
        if sample_weight is None:
            return float(hit.mean())
        w = np.asarray(sample_weight, dtype=np.float64)
        return float(hit @ w / w.sum())


class DummyRegressor(RegressorMixin, BaseEstimator):
    """Predicts one constant: the (weighted) mean, median, `quantile` of the
    training targets, or `constant`; predict(X, return_std=True) also gives
    zero standard deviations."""

    _parameter_constraints = {
        "strategy": [StrOptions({"mean", "median", "quantile", "constant"})],
        "quantile": [Interval(numbers.Real, 0.0, 1.0, closed="both"), None],
        "constant": [Interval(numbers.Real, None, None, closed="neither"), "array-like",
                     None],
    }

    def __init__(self, *, strategy="mean", constant=None, quantile=None):
        self.strategy = strategy
        self.constant = constant
        self.quantile = quantile

    def _fastml_tags(self):
        return {"sparse": True, "poor_score": True, "no_validation": True}

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        _record_features(self, X)
        y = check_array(y, ensure_2d=False, ensure_min_samples=0, input_name="y")
        if len(y) == 0:
            raise ValueError("y must not be empty.")
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        self.n_outputs_ = y.shape[1]
        _check_lengths(X, y, sample_weight)
        sw = _check_sample_weight(sample_weight, y.shape[0])
        if self.strategy == "mean":
            c = np.average(y, axis=0, weights=sw)
        elif self.strategy in ("median", "quantile"):
            if self.strategy == "quantile" and self.quantile is None:
                raise ValueError("When using `strategy='quantile', you have to specify the "
                                 "desired quantile in the range [0, 1].")
            q = 50.0 if self.strategy == "median" else float(self.quantile) * 100.0
            c = np.percentile(y, q, axis=0) if sw is None else weighted_percentile(y, sw, q)
        else:
            if self.constant is None:
                raise TypeError("Constant target value has to be specified when the constant "
                                "strategy is used.")
            c = check_array(self.constant, ensure_2d=False, ensure_min_samples=0,
                            input_name="constant")
            if self.n_outputs_ != 1 and c.shape[0] != y.shape[1]:
                raise ValueError(f"Constant target value should have shape ({y.shape[1]}, 1).")
        self.constant_ = np.reshape(c, (1, -1))
        return self

    def predict(self, X, return_std=False):
        self._check_is_fitted()
        n = _num_samples(X)
        y = np.full((n, self.n_outputs_), self.constant_, dtype=np.asarray(self.constant_).dtype)
        std = np.zeros((n, self.n_outputs_))
        if self.n_outputs_ == 1:
            y, std = y.ravel(), std.ravel()
        return (y, std) if return_std else y

    def score(self, X, y, sample_weight=None):
        """R^2 of the constant prediction; X may be None."""
        if X is None:
            X = np.zeros((len(y), 1))
        from .metrics import r2_score
        return r2_score(y, self.predict(X), sample_weight=sample_weight)
