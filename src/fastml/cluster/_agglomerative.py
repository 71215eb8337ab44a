"""AgglomerativeClustering and FeatureAgglomeration with scikit-learn's semantics.

Without a connectivity graph the tree is built in compiled code in O(n^2) time
(fastml._kernels.linkage): Ward by the nearest-neighbour chain over cluster
centroids (O(n d) memory, no distance matrix), complete / average by the chain
on the condensed distance matrix, single by Prim's algorithm without a matrix
for Euclidean and Manhattan distances. children_, distances_ and labels_
agree with scikit-learn's (same tree, same labelling and tie order; merge
distances agree to rounding). With a connectivity graph the merges follow
scikit-learn's heap algorithms (see _agglomerative_tree.py).
"""
import numbers

import numpy as np
from scipy import sparse

from ..base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from ..utils._param_validation import HasMethods, Interval, StrOptions
from ..utils.validation import check_is_fitted
from ._agglomerative_tree import (VALID_METRICS, _check_connectivity, _hc_cut, _hc_heads,
                                  linkage_tree, ward_tree)

__all__ = ["AgglomerativeClustering", "FeatureAgglomeration"]

_LINKAGES = ("ward", "complete", "average", "single")


def _check_memory(memory):
    if memory is None:
        return None
    if isinstance(memory, str):
        try:
            import joblib
        except ImportError as exc:  # pragma: no cover - joblib ships with scikit-learn
            raise ImportError("memory as a path needs joblib installed") from exc
        return joblib.Memory(location=memory, verbose=0)
    return memory


def _build_tree(linkage, X, connectivity, n_clusters, return_distance, metric):
    if linkage == "ward":
        return ward_tree(X, connectivity=connectivity, n_clusters=n_clusters,
                         return_distance=return_distance)
    return linkage_tree(X, connectivity=connectivity, n_clusters=n_clusters, linkage=linkage,
                        affinity=metric, return_distance=return_distance)


class AgglomerativeClustering(ClusterMixin, BaseEstimator):
    """Recursively merge the pair of clusters that least increases the linkage
    distance (scikit-learn's AgglomerativeClustering).

    Parameters, fitted attributes (labels_, n_clusters_, n_leaves_,
    n_connected_components_, children_, distances_, n_features_in_,
    feature_names_in_) and errors are scikit-learn's. `metric` accepts
    "euclidean", "l1", "l2", "manhattan", "cityblock", "cosine" (computed by
    fastml), SciPy's pdist metric names, "precomputed" or a callable returning
    the (n, n) distance matrix. Ward needs Euclidean distances.

    Without connectivity the whole tree is built in O(n^2) time, Ward and
    single linkage (Euclidean, Manhattan) in O(n d) memory; complete and
    average linkage keep the condensed distance matrix (n (n - 1) / 2 doubles).
    """

    _parameter_constraints = {
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "metric": [StrOptions(set(VALID_METRICS) | {"precomputed"}), callable],
        "memory": [str, HasMethods("cache"), None],
        "connectivity": ["array-like", callable, None],
        "compute_full_tree": [StrOptions({"auto"}), "boolean"],
        "linkage": [StrOptions(set(_LINKAGES))],
        "distance_threshold": [Interval(numbers.Real, 0, None, closed="left"), None],
        "compute_distances": ["boolean"],
    }

    def __init__(self, n_clusters=2, *, metric="euclidean", memory=None, connectivity=None,
                 compute_full_tree="auto", linkage="ward", distance_threshold=None,
                 compute_distances=False):
        self.n_clusters = n_clusters
        self.distance_threshold = distance_threshold
        self.memory = memory
        self.connectivity = connectivity
        self.compute_full_tree = compute_full_tree
        self.linkage = linkage
        self.metric = metric
        self.compute_distances = compute_distances

    def _fastml_tags(self):
        return {"pairwise": isinstance(self.metric, str) and self.metric == "precomputed"}

    def fit(self, X, y=None):
        """Fit the hierarchical clustering from features, or a distance matrix
        when metric="precomputed". Returns self."""
        self._validate_params()
        X = self._validate_data(X, ensure_min_samples=2)
        return self._fit(X)

    def _fit(self, X):
        memory = _check_memory(self.memory)
        if not ((self.n_clusters is None) ^ (self.distance_threshold is None)):
            raise ValueError("Exactly one of n_clusters and distance_threshold has to be set, "
                             "and the other needs to be None.")
        if self.distance_threshold is not None and not self.compute_full_tree:
            raise ValueError("compute_full_tree must be True if distance_threshold is set.")
        if self.linkage == "ward" and self.metric not in ("euclidean", "l2"):
            raise ValueError(f"{self.metric} was provided as metric. Ward can only work with "
                             "euclidean distances (i.e. 'euclidean' and 'l2').")
        connectivity = self.connectivity
        if connectivity is not None:
            if callable(connectivity):
                connectivity = connectivity(X)
            connectivity = _check_connectivity(connectivity)
        n_samples = len(X)
        compute_full_tree = self.compute_full_tree
        if self.connectivity is None:
            compute_full_tree = True
        if compute_full_tree == "auto":
            if self.distance_threshold is not None:
                compute_full_tree = True
            else:
                compute_full_tree = self.n_clusters < max(100, 0.02 * n_samples)
        n_clusters = None if compute_full_tree else self.n_clusters
        return_distance = self.distance_threshold is not None or self.compute_distances
        build = _build_tree if memory is None else memory.cache(_build_tree)
        out = build(self.linkage, X, connectivity, n_clusters, return_distance, self.metric)
        self.children_, self.n_connected_components_, self.n_leaves_, parents = out[:4]
        if return_distance:
            self.distances_ = out[-1]
        if self.distance_threshold is not None:
            self.n_clusters_ = int(np.count_nonzero(self.distances_ >= self.distance_threshold)) + 1
        else:
            self.n_clusters_ = self.n_clusters
        if compute_full_tree:
            self.labels_ = _hc_cut(self.n_clusters_, self.children_, self.n_leaves_)
        else:
            self.labels_ = _hc_heads(parents, n_samples)
        return self

    def fit_predict(self, X, y=None):
        """Fit and return the cluster label of each sample."""
        return super().fit_predict(X, y)


class FeatureAgglomeration(ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                           AgglomerativeClustering):
    """Agglomerate features (scikit-learn's FeatureAgglomeration): the columns
    of X are clustered with AgglomerativeClustering's tree, `transform` pools
    each cluster's columns with `pooling_func` (default np.mean)."""

    _parameter_constraints = {
        **AgglomerativeClustering._parameter_constraints,
        "pooling_func": [callable],
    }

    def __init__(self, n_clusters=2, *, metric="euclidean", memory=None, connectivity=None,
                 compute_full_tree="auto", linkage="ward", pooling_func=np.mean,
                 distance_threshold=None, compute_distances=False):
        super().__init__(n_clusters=n_clusters, memory=memory, connectivity=connectivity,
                         compute_full_tree=compute_full_tree, linkage=linkage, metric=metric,
                         distance_threshold=distance_threshold,
                         compute_distances=compute_distances)
        self.pooling_func = pooling_func

    def _fastml_tags(self):
        return {}

    def fit(self, X, y=None):
        """Fit the hierarchical clustering on the features of X. Returns self."""
        self._validate_params()
        X = self._validate_data(X)
        if X.shape[1] < 2:
            raise ValueError(f"Found array with {X.shape[1]} feature(s) (shape={X.shape}) while "
                             "a minimum of 2 is required by FeatureAgglomeration.")
        super()._fit(X.T)
        self._n_features_out = self.n_clusters_
        return self

    @property
    def fit_predict(self):
        """Not available: FeatureAgglomeration clusters features, not samples."""
        raise AttributeError("'FeatureAgglomeration' has no attribute 'fit_predict'")

    def transform(self, X):
        """(n_samples, n_clusters_): each feature cluster pooled with pooling_func."""
        check_is_fitted(self)
        X = self._validate_data(X, reset=False)
        if self.pooling_func == np.mean and not sparse.issparse(X):
            size = np.bincount(self.labels_)
            return np.array([np.bincount(self.labels_, X[i, :]) / size
                             for i in range(X.shape[0])]).reshape(X.shape[0], -1)
        pooled = [self.pooling_func(X[:, self.labels_ == lab], axis=1)
                  for lab in np.unique(self.labels_)]
        return np.array(pooled).T

    def inverse_transform(self, X):
        """(n_samples, n_features): each feature takes its cluster's pooled value."""
        check_is_fitted(self)
        _, inverse = np.unique(self.labels_, return_inverse=True)
        return np.asarray(X)[..., inverse]
