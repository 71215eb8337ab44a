"""RadiusNeighborsClassifier, RadiusNeighborsRegressor and the two graph
transformers (KNeighborsTransformer, RadiusNeighborsTransformer), with
scikit-learn's semantics: a query with no training point within the radius is
an outlier (the classifier labels it with outlier_label or raises; the
regressor predicts NaN with a warning)."""
import math
import numbers
import warnings

import numpy as np

from ..base import (ClassifierMixin, ClassNamePrefixFeaturesOutMixin, RegressorMixin,
                    TransformerMixin)
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_classification_targets, column_or_1d
from ._base import KNeighborsMixin, NeighborsBase
from ._radius import RadiusNeighborsMixin

__all__ = ["RadiusNeighborsClassifier", "RadiusNeighborsRegressor", "KNeighborsTransformer",
           "RadiusNeighborsTransformer"]

_RADIUS = Interval(numbers.Real, 0, math.inf, closed="both")
_BASE = {k: v for k, v in NeighborsBase._parameter_constraints.items() if k != "n_neighbors"}


def radius_weights(dist, weights):
    """Per-query weight arrays (object array) or None for uniform; exact
    matches take all the weight of their row with weights="distance"."""
    if weights in (None, "uniform"):
        return None
    if weights == "distance":
        out = np.empty(len(dist), dtype=object)
        for i, d in enumerate(dist):
            d = np.asarray(d, dtype=np.float64)
            zero = d == 0
            if zero.any():
                out[i] = zero.astype(np.float64)
            else:
                out[i] = 1.0 / d
        return out
    return weights(dist)


def _is_arraylike(x):
    return hasattr(x, "__len__") or hasattr(x, "shape") or hasattr(x, "__array__")


class RadiusNeighborsClassifier(ClassifierMixin, RadiusNeighborsMixin, NeighborsBase):
    """Vote among the training points within `radius` of each query.

    Parameters as KNeighborsClassifier with radius (default 1.0) instead of
    n_neighbors, plus outlier_label: None (a query without neighbours raises
    ValueError), "most_frequent", or a label (one per output for 2-D y)
    given to such queries.
    """

    _radius_only = True
    _parameter_constraints = {
        **_BASE, "radius": [_RADIUS],
        "weights": [StrOptions({"uniform", "distance"}), callable, None],
        "outlier_label": [numbers.Integral, str, "array-like", None],
    }

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", outlier_label=None, metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.outlier_label = outlier_label
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y, multi_output=True)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        self.outputs_2d_ = y.ndim == 2
        Y = y if self.outputs_2d_ else y.reshape(-1, 1)
        classes = []
        self._y = np.empty(Y.shape, dtype=np.intp)
        for j in range(Y.shape[1]):
            check_classification_targets(Y[:, j])
            c, codes = np.unique(Y[:, j], return_inverse=True)
            classes.append(c)
            self._y[:, j] = codes.reshape(-1)
        self.classes_ = classes if self.outputs_2d_ else classes[0]
        self._fit(X)
        self.outlier_label_ = self._outlier_labels(classes)
        return self

    def _outlier_labels(self, classes):
        label = self.outlier_label
        if label is None:
            return None
        if isinstance(label, str) and label == "most_frequent":
            out = [c[np.bincount(self._y[:, j]).argmax()] for j, c in enumerate(classes)]
        else:
            if _is_arraylike(label) and not isinstance(label, str):
                if len(label) != len(classes):
                    raise ValueError(f"The length of outlier_label: {label} is inconsistent "
                                     f"with the output length: {len(classes)}")
                out = list(label)
            else:
                out = [label] * len(classes)
            for c, lab in zip(classes, out):
                if _is_arraylike(lab) and not isinstance(lab, str):
                    raise TypeError(f"The outlier_label of classes {c} is supposed to be a "
                                    f"scalar, got {lab}.")
                if np.append(c, lab).dtype != c.dtype:
                    raise TypeError(f"The dtype of outlier_label {lab} is inconsistent with "
                                    f"classes {c} in y.")
        return out if self.outputs_2d_ else out[0]

    def predict_proba(self, X):
        """(n_queries, n_classes) class probabilities (a list per output for
        2-D y); outliers get probability 1 for outlier_label when it is a
        training class, else all zeros (with a warning)."""
        dist, ind = self.radius_neighbors(X)
        nq = len(ind)
        empty = np.array([len(i) == 0 for i in ind], dtype=bool)
        outliers, inliers = np.flatnonzero(empty), np.flatnonzero(~empty)
        if self.outlier_label_ is None and outliers.size:
            raise ValueError(f"No neighbors found for test samples {outliers!r}, you can try "
                             "using larger radius, giving a label for outliers, or considering "
                             "removing them from your dataset.")
        w = radius_weights(dist, self.weights)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        labels = self.outlier_label_ if self.outputs_2d_ else [self.outlier_label_]
        probs = []
        for j, c in enumerate(classes):
            P = np.zeros((nq, c.size))
            for i in inliers:
                P[i] = np.bincount(self._y[ind[i], j], None if w is None else w[i],
                                   minlength=c.size)
            if outliers.size:
                at = np.flatnonzero(c == labels[j])
                if at.size == 1:
                    P[outliers, at[0]] = 1.0
                else:
                    warnings.warn(f"Outlier label {labels[j]} is not in training classes. All "
                                  "class probabilities of outliers will be assigned with 0.")
            norm = P.sum(axis=1)[:, None]
            norm[norm == 0.0] = 1.0
            probs.append(P / norm)
        return probs if self.outputs_2d_ else probs[0]

    def predict(self, X):
        """Most probable class; outliers get outlier_label_."""
        probs = self.predict_proba(X)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        labels = self.outlier_label_ if self.outputs_2d_ else [self.outlier_label_]
        if not self.outputs_2d_:
            probs = [probs]
        nq = probs[0].shape[0]
        out = np.empty((nq, len(classes)), dtype=classes[0].dtype)
        for j, P in enumerate(probs):
            out[:, j] = classes[j].take(P.argmax(axis=1))
            zero = np.flatnonzero((P == 0).all(axis=1))
            if zero.size:
                out[zero, j] = labels[j]
        return out if self.outputs_2d_ else out.ravel()

    def _fastml_tags(self):
        return {**super()._fastml_tags(), "multi_output": True}


class RadiusNeighborsRegressor(RegressorMixin, RadiusNeighborsMixin, NeighborsBase):
    """Average of the targets within `radius` of each query (weighted with
    weights="distance" or a callable). A query without neighbours predicts
    NaN, with a warning, as in scikit-learn."""

    _radius_only = True
    _parameter_constraints = {
        **_BASE, "radius": [_RADIUS],
        "weights": [StrOptions({"uniform", "distance"}), callable, None],
    }

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y, multi_output=True, y_numeric=True)
        self._y = np.asarray(y, dtype=np.float64)
        return self._fit(X)

    def predict(self, X):
        dist, ind = self.radius_neighbors(X)
        w = radius_weights(dist, self.weights)
        Y = self._y.reshape(self._y.shape[0], -1)
        empty = np.full(Y.shape[1], np.nan)
        rows = []
        for i, idx in enumerate(ind):
            if not len(idx):
                rows.append(empty)
            elif w is None:
                rows.append(Y[idx].mean(axis=0))
            else:
                rows.append(np.average(Y[idx], axis=0, weights=w[i]))
        pred = np.array(rows).reshape(len(ind), Y.shape[1])
        if np.isnan(pred).any():
            warnings.warn("One or more samples have no neighbors within specified radius; "
                          "predicting NaN.")
        return pred.ravel() if self._y.ndim == 1 else pred

    def _fastml_tags(self):
        return {**super()._fastml_tags(), "multi_output": True}


class _GraphTransformer(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    def fit(self, X, y=None):
        self._validate_params()
        X = self._validate_data(X)
        self._fit(X)
        self._n_features_out = self.n_samples_fit_
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)



class KNeighborsTransformer(_GraphTransformer, KNeighborsMixin, NeighborsBase):
    """X -> its k-neighbours graph (CSR, n_samples_fit columns), for a
    pipeline whose next step takes metric="precomputed". With
    mode="distance" each row holds n_neighbors + 1 entries (the query itself
    counts, as in scikit-learn)."""

    _parameter_constraints = {**NeighborsBase._parameter_constraints,
                              "mode": [StrOptions({"distance", "connectivity"})]}

    def __init__(self, *, mode="distance", n_neighbors=5, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, metric_params=None, n_jobs=None):
        self.mode = mode
        self.n_neighbors = n_neighbors
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def transform(self, X):
        self._check_is_fitted()
        add_one = self.mode == "distance"
        return self.kneighbors_graph(X, mode=self.mode, n_neighbors=self.n_neighbors + add_one)


class RadiusNeighborsTransformer(_GraphTransformer, RadiusNeighborsMixin, NeighborsBase):
    """X -> its radius-neighbours graph (CSR, rows sorted by distance), for a
    pipeline whose next step takes metric="precomputed"."""

    _radius_only = True
    _parameter_constraints = {**_BASE, "radius": [_RADIUS],
                              "mode": [StrOptions({"distance", "connectivity"})]}

    def __init__(self, *, mode="distance", radius=1.0, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, metric_params=None, n_jobs=None):
        self.mode = mode
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def transform(self, X):
        self._check_is_fitted()
        return self.radius_neighbors_graph(X, mode=self.mode, sort_results=True)
