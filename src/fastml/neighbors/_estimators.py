"""KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors."""
import numpy as np

from .._config import threads_scope
from .._kernels import neighbors as _kn
from ..base import ClassifierMixin, RegressorMixin
from ..utils.validation import check_classification_targets
from ._base import NeighborsBase, neighbor_weights
from ._validation import check_query, check_radius

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors"]


class KNeighborsClassifier(ClassifierMixin, NeighborsBase):
    """Vote among the k nearest training points.

    Parameters
    ----------
    n_neighbors : int, default 5
    weights : "uniform", "distance" or callable, default "uniform"
        "distance" weighs a vote by 1/distance; points at distance exactly 0
        take all the weight of their row. A callable maps the (n_queries, k)
        distance array to weights of the same shape.
    algorithm : "auto", "kd_tree" or "brute", default "auto"
        "auto" picks from measured crossovers (see fastml.neighbors).
    leaf_size : int, default 30
    metric : str or callable, default "minkowski" (with p=2: euclidean)
    p : float >= 1, default 2
    n_jobs : int or None
        Threads for this estimator's searches (None: fastml.set_num_threads).

    Ties in the vote go to the smallest class label (classes_ is sorted), as in
    scikit-learn; ties in distance to the lower training index.
    """

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30,
                 p=2, metric="minkowski", n_jobs=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.n_jobs = n_jobs

    def fit(self, X, y):
        X, y = self._validate_data(X, y)
        check_classification_targets(y)
        self.classes_, self._y = np.unique(y, return_inverse=True)
        self._y = self._y.reshape(-1).astype(np.intp)
        return self._fit(X)

    def predict_proba(self, X):
        dist, ind = self.kneighbors(X)
        w = neighbor_weights(dist, self.weights)
        nq, k = ind.shape
        C = len(self.classes_)
        flat = (self._y[ind] + C * np.arange(nq)[:, None]).ravel()
        proba = np.bincount(flat, weights=None if w is None else w.ravel(),
                            minlength=nq * C).reshape(nq, C).astype(np.float64)
        s = proba.sum(axis=1, keepdims=True)
        s[s == 0] = 1.0
        return proba / s

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class KNeighborsRegressor(RegressorMixin, NeighborsBase):
    """Average of the targets of the k nearest training points (weighted with
    weights="distance" or a callable; exact matches win). Parameters as
    KNeighborsClassifier."""

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30,
                 p=2, metric="minkowski", n_jobs=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.n_jobs = n_jobs

    def fit(self, X, y):
        X, y = self._validate_data(X, y, y_numeric=True)
        self._y = np.asarray(y, dtype=np.float64)
        return self._fit(X)

    def predict(self, X):
        dist, ind = self.kneighbors(X)
        w = neighbor_weights(dist, self.weights)
        yk = self._y[ind]
        if w is None:
            return yk.mean(axis=1)
        s = w.sum(axis=1)
        s[s == 0] = 1.0
        return (yk * w).sum(axis=1) / s


class NearestNeighbors(NeighborsBase):
    """Unsupervised nearest-neighbour search: kneighbors and radius_neighbors.

    Parameters as KNeighborsClassifier (no weights), plus radius (default 1.0)
    for radius_neighbors.
    """

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        X = self._validate_data(X)
        return self._fit(X)

    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """Training points within `radius` (<= radius) of each query.

        Returns object arrays (dist, ind) like scikit-learn (or ind alone).
        X=None queries the training points, excluding each point itself.
        """
        self._check_is_fitted()
        if self._metric == "callable":
            raise ValueError("radius_neighbors does not support a callable metric.")
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        query_is_train = X is None
        X = self._fit_X if query_is_train else check_query(
            X, self._fit_X.dtype, self._fit_X.shape[1], estimator=self)
        r = check_radius(self.radius if radius is None else radius, X.shape[0])
        if self._tree is None:
            with threads_scope(self.n_jobs):
                self._tree = _kn.build_tree(self._fit_X, self.leaf_size)
        with threads_scope(self.n_jobs):
            flat_ind, flat_dist, off = _kn.tree_radius(
                self._tree, X, r, self._metric, self._p, return_distance=True,
                sort=sort_results)
        nq = X.shape[0]
        ind = np.empty(nq, dtype=object)
        dist = np.empty(nq, dtype=object)
        for i in range(nq):
            a, b = off[i], off[i + 1]
            ii, dd = flat_ind[a:b], flat_dist[a:b]
            if query_is_train:
                keep = ii != i
                ii, dd = ii[keep], dd[keep]
            ind[i], dist[i] = ii, dd
        return (dist, ind) if return_distance else ind
