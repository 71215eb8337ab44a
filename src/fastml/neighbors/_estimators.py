"""KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors and the
module-level kneighbors_graph / radius_neighbors_graph.

Targets follow scikit-learn: y of shape (n_samples,) or (n_samples, n_outputs).
A classifier given a column vector (n_samples, 1) warns (DataConversionWarning)
and treats it as 1-D; a regressor keeps it 2-D and predicts (n_queries, 1).
"""
import math
import numbers

import numpy as np

from ..base import ClassifierMixin, RegressorMixin
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.validation import check_classification_targets, column_or_1d
from ._base import KNeighborsMixin, NeighborsBase, neighbor_weights
from ._radius import RadiusNeighborsMixin
from ._validation import check_mode

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors",
           "kneighbors_graph", "radius_neighbors_graph"]

_RADIUS = Interval(numbers.Real, 0, math.inf, closed="both")  # >= 0, inf allowed


class KNeighborsClassifier(ClassifierMixin, KNeighborsMixin, NeighborsBase):
    """Vote among the k nearest training points.

    Parameters
    ----------
    n_neighbors : int, default 5
    weights : "uniform", "distance" or callable, default "uniform"
        "distance" weighs a vote by 1/distance; points at distance exactly 0
        take all the weight of their row. A callable maps the (n_queries, k)
        distance array to weights of the same shape.
    algorithm : "auto", "kd_tree", "ball_tree", "brute" or "hnsw", default "auto"
        "auto" picks from measured crossovers (see fastml.neighbors), never
        "hnsw": that one is approximate (fastml.neighbors.HNSW, euclidean and
        sqeuclidean), configured by algorithm_params (M, ef_construction,
        ef_search -- raised to k when smaller --, random_state).
        "ball_tree" is served by the k-d tree for the metrics it supports and
        by exact brute force for the other ball-tree metrics (same results).
    leaf_size : int, default 30
    metric : str, callable or DistanceMetric, default "minkowski"
        Any metric of fastml.neighbors.VALID_METRICS (with p=2: euclidean).
    p : float > 0, default 2
        Minkowski order; 0 < p < 1 (not a metric) runs brute force with a
        UserWarning, as in scikit-learn.
    metric_params : dict or None
        Extra metric arguments (e.g. ``w`` for minkowski, ``V`` for
        seuclidean, ``VI`` for mahalanobis; ``p`` here overrides ``p``).
    n_jobs : int or None
        Threads for this estimator's searches (None: fastml.set_num_threads).

    Ties in the vote go to the smallest class label (classes_ is sorted), as in
    scikit-learn; ties in distance to the lower training index.

    y may be 2-D (n_samples, n_outputs): each output is voted on separately,
    classes_ is then a list of arrays and predict_proba a list of
    (n_queries, n_classes_j) arrays, as in scikit-learn.
    """

    _parameter_constraints = {
        **NeighborsBase._parameter_constraints,
        "algorithm_params": [dict, None],  # HNSW's M, ef_construction, ef_search, random_state
        "weights": [StrOptions({"uniform", "distance"}), callable, None],
    }

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30,
                 p=2, metric="minkowski", metric_params=None, n_jobs=None,
                 algorithm_params=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.algorithm_params = algorithm_params
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y, multi_output=True)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)  # scikit-learn warns here too
        self.outputs_2d_ = y.ndim == 2
        Y = y if self.outputs_2d_ else y.reshape(-1, 1)
        classes = []
        self._y = np.empty(Y.shape, dtype=np.intp)  # class codes, one column per output
        for j in range(Y.shape[1]):
            check_classification_targets(Y[:, j])
            c, codes = np.unique(Y[:, j], return_inverse=True)
            classes.append(c)
            self._y[:, j] = codes.reshape(-1)
        self.classes_ = classes if self.outputs_2d_ else classes[0]
        return self._fit(X)

    def _votes(self, X):
        """Per output, the (n_queries, n_classes) summed neighbour weights."""
        dist, ind = self.kneighbors(X)
        w = neighbor_weights(dist, self.weights)
        nq = ind.shape[0]
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        votes = []
        for j, c in enumerate(classes):
            C = len(c)
            flat = (self._y[ind, j] + C * np.arange(nq)[:, None]).ravel()
            votes.append(np.bincount(flat, weights=None if w is None else w.ravel(),
                                     minlength=nq * C).reshape(nq, C).astype(np.float64))
        return classes, votes

    def predict_proba(self, X):
        """Class probabilities (n_queries, n_classes), or a list of them (one
        per output) when fitted on 2-D y."""
        classes, votes = self._votes(X)
        proba = [v / v.sum(axis=1, keepdims=True) for v in votes]
        return proba if self.outputs_2d_ else proba[0]

    def predict(self, X):
        """Majority (or weighted) vote; ties go to the smallest label.
        Shape (n_queries,), or (n_queries, n_outputs) when fitted on 2-D y."""
        classes, votes = self._votes(X)
        if not self.outputs_2d_:
            return classes[0][np.argmax(votes[0], axis=1)]
        try:
            dtype = np.result_type(*[c.dtype for c in classes])
        except TypeError:  # e.g. int and str outputs
            dtype = object
        out = np.empty((votes[0].shape[0], len(classes)), dtype=dtype)
        for j, (c, v) in enumerate(zip(classes, votes)):
            out[:, j] = c[np.argmax(v, axis=1)]
        return out

    def score(self, X, y, sample_weight=None):
        """Mean accuracy; with 2-D y a query counts as right only when every
        output is (subset accuracy)."""
        if not getattr(self, "outputs_2d_", False):
            return super().score(X, y, sample_weight)
        hit = np.all(self.predict(X) == np.asarray(y), axis=1).astype(np.float64)
        return float(np.average(hit, weights=sample_weight))

    def _fastml_tags(self):
        return {**super()._fastml_tags(), "multi_output": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class KNeighborsRegressor(RegressorMixin, KNeighborsMixin, NeighborsBase):
    """Average of the targets of the k nearest training points (weighted with
    weights="distance" or a callable; exact matches win). Parameters as
    KNeighborsClassifier. 2-D y (n_samples, n_outputs) predicts
    (n_queries, n_outputs); a weights callable must give every query a
    non-zero weight."""

    _parameter_constraints = KNeighborsClassifier._parameter_constraints

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30,
                 p=2, metric="minkowski", metric_params=None, n_jobs=None,
                 algorithm_params=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.algorithm_params = algorithm_params
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
        """(n_queries,) for 1-D y, (n_queries, n_outputs) for 2-D y."""
        dist, ind = self.kneighbors(X)
        w = neighbor_weights(dist, self.weights)
        yk = self._y[ind]  # (nq, k) or (nq, k, n_outputs)
        if w is None:
            return yk.mean(axis=1)
        if yk.ndim == 3:
            w = w[:, :, None]
        return (yk * w).sum(axis=1) / w.sum(axis=1)

    def _fastml_tags(self):
        return {**super()._fastml_tags(), "multi_output": True}


class NearestNeighbors(KNeighborsMixin, RadiusNeighborsMixin, NeighborsBase):
    """Unsupervised nearest-neighbour search: kneighbors, radius_neighbors and
    their sparse graphs (kneighbors_graph, radius_neighbors_graph).

    Parameters as KNeighborsClassifier (no weights), plus radius (default 1.0,
    >= 0, inf allowed) for radius_neighbors. A callable metric is searched by brute
    force, radius queries included.
    """

    _parameter_constraints = {**NeighborsBase._parameter_constraints,
                              "algorithm_params": [dict, None],
                              "radius": [_RADIUS]}

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, metric_params=None, n_jobs=None,
                 algorithm_params=None):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.algorithm_params = algorithm_params
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        self._validate_params()
        X = self._validate_data(X)
        return self._fit(X)


_RADIUS_PARAM = {"radius": [_RADIUS]}


def _check_radius_param(radius):
    validate_parameter_constraints(_RADIUS_PARAM, {"radius": radius}, "radius_neighbors_graph")
    return float(radius)


def _graph_estimator(X, make, metric, p, metric_params, kind):
    """A fitted estimator for the module-level graph functions: X itself when
    it is one (its metric and p must match), else make().fit(X)."""
    if isinstance(X, kind):
        X._check_is_fitted()
        for name, value in (("metric", metric), ("p", p)):
            if value != getattr(X, name):
                raise ValueError(f"Got {value!r} for {name}, while the estimator has "
                                 f"{getattr(X, name)!r} for the same parameter.")
        return X
    return make().fit(X)


def _check_include_self(include_self, mode):
    if isinstance(include_self, str) and include_self == "auto":
        return mode == "connectivity"
    if not isinstance(include_self, (bool, np.bool_)):
        raise ValueError(f"include_self must be True, False or 'auto', "
                         f"got include_self={include_self!r}.")
    return bool(include_self)


def kneighbors_graph(X, n_neighbors, *, mode="connectivity", metric="minkowski", p=2,
                     metric_params=None, include_self=False, n_jobs=None):
    """Graph of the k nearest neighbours of every row of X (scikit-learn's
    sklearn.neighbors.kneighbors_graph).

    X is an array (n_samples, n_features) or a fitted NearestNeighbors /
    KNeighborsClassifier / KNeighborsRegressor (whose metric and p must equal
    the arguments). include_self=False leaves each point out of its own row
    ("auto": include it for mode="connectivity" only). Returns a CSR matrix
    (n_samples, n_samples).
    """
    check_mode(mode)
    include = _check_include_self(include_self, mode)
    est = _graph_estimator(
        X, lambda: NearestNeighbors(n_neighbors=n_neighbors, metric=metric, p=p,
                                    metric_params=metric_params, n_jobs=n_jobs),
        metric, p, metric_params, KNeighborsMixin)
    return est.kneighbors_graph(est._fit_X if include else None, n_neighbors, mode)


def radius_neighbors_graph(X, radius, *, mode="connectivity", metric="minkowski", p=2,
                           metric_params=None, include_self=False, n_jobs=None):
    """Graph of the neighbours within `radius` of every row of X (scikit-learn's
    sklearn.neighbors.radius_neighbors_graph).

    X is an array (n_samples, n_features) or a fitted NearestNeighbors (whose
    metric and p must equal the arguments). include_self as in
    kneighbors_graph. Returns a CSR matrix (n_samples, n_samples).
    """
    check_mode(mode)
    include = _check_include_self(include_self, mode)
    _check_radius_param(radius)
    est = _graph_estimator(
        X, lambda: NearestNeighbors(radius=radius, metric=metric, p=p,
                                    metric_params=metric_params, n_jobs=n_jobs),
        metric, p, metric_params, RadiusNeighborsMixin)
    return est.radius_neighbors_graph(est._fit_X if include else None, radius, mode)
