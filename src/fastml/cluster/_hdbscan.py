"""HDBSCAN with scikit-learn's semantics and a compiled spanning tree.

Core distances (distance to the min_samples-th nearest point, the point
itself included) come from fastml's k-d tree k-nearest search for the metrics
it serves (euclidean, manhattan, chebyshev, minkowski); the minimum spanning
tree of the mutual-reachability graph max(core_a, core_b, dist / alpha) is
built by Prim's algorithm in compiled code with vectorised distance rows
(fastml._kernels.dbscan.mst; O(n^2 d) time, O(n d) memory; threads only when
n * d >= 2^20, since each step ends at a barrier). Other
metrics, sparse data and precomputed distances use a dense distance matrix
(brute force). The trees that turn the spanning tree into labels are in
_hdbscan_tree.py. Rows with NaN or infinite values are left out of the
clustering and labelled -3 (missing) and -2 (infinite) as in scikit-learn.

Differences on purpose: algorithm="ball_tree" is served by the k-d tree (same
neighbours); among equal mutual-reachability weights the spanning tree may
pick different edges than scikit-learn's, which can only change the flat
clustering through exactly tied merge heights.
"""
import numbers
import warnings

import numpy as np

from .._config import threads_scope
from .._kernels import dbscan as _kd
from .._kernels import kdtree as _kt
from ..base import BaseEstimator, ClusterMixin
from ..utils._param_validation import Hidden, Interval, StrOptions
from ..utils._set_output import dataframe_to_numpy
from ..utils._sparse import is_sparse
from ..utils.validation import check_array
from . import _hdbscan_tree as _tree

__all__ = ["HDBSCAN"]

_FAST = {"euclidean": ("euclidean", 2.0), "l2": ("euclidean", 2.0),
         "manhattan": ("manhattan", 1.0), "cityblock": ("manhattan", 1.0),
         "l1": ("manhattan", 1.0), "chebyshev": ("chebyshev", 2.0),
         "infinity": ("chebyshev", 2.0), "minkowski": ("minkowski", 2.0)}
_OUTLIER = {"infinite": (-2, 0.0), "missing": (-3, np.nan)}


def _metric_options():
    from ..neighbors._metrics import ALL_METRICS
    return StrOptions(set(ALL_METRICS) | {"precomputed"})


def _fast_metric(metric, params):
    """(kdtree metric name, p) for a metric the k-d tree serves, else None."""
    if not isinstance(metric, str) or metric not in _FAST:
        return None
    if set(params) - {"p"}:
        return None
    name, p = _FAST[metric]
    if metric == "minkowski":
        p = float(params.get("p", 2.0))
        if p < 1 or not np.isfinite(p):
            return None
        name = {1.0: "manhattan", 2.0: "euclidean"}.get(p, "minkowski")
    elif params:
        return None
    return name, p


def _distance_matrix(X, metric, params, n_jobs):
    if metric == "precomputed":
        D = X.toarray() if is_sparse(X) else np.array(X, dtype=np.float64)
        return D
    from ..metrics.pairwise import pairwise_distances
    if metric == "mahalanobis" and "V" in params and "VI" not in params:
        params = dict(params)  # the covariance, as a tree metric takes it
        params["VI"] = np.linalg.inv(np.asarray(params.pop("V"), dtype=np.float64))
    return np.asarray(pairwise_distances(X, metric=metric, n_jobs=n_jobs, **params),
                      dtype=np.float64)


def _sparse_precomputed_mst(X, min_samples, alpha, params):
    """Spanning tree of a sparse distance graph: core distances from the stored
    entries of each row; missing entries are no edge (max_distance in
    metric_params stands in for them)."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    G = sp.csr_matrix(X, dtype=np.float64, copy=True)
    G.sum_duplicates()
    G.data /= alpha
    n = G.shape[0]
    counts = np.diff(G.indptr)
    max_distance = float(params.get("max_distance", 0.0))
    if max_distance == 0.0 and (counts < min_samples).any():
        raise ValueError(
            f"There exists points with fewer than {min_samples} neighbors. Ensure your "
            f"distance matrix has non-zero values for at least `min_sample`={min_samples} "
            "neighbors for each points (i.e. K-nn graph), or specify a `max_distance` in "
            "`metric_params` to use when distances are missing.")
    core = np.full(n, np.inf)
    for i in range(n):
        row = G.data[G.indptr[i]:G.indptr[i + 1]]
        if min_samples - 1 < row.size:
            core[i] = np.partition(row, min_samples - 1)[min_samples - 1]
        elif max_distance:
            core[i] = max_distance
    nc = connected_components(G, directed=False, return_labels=False)
    if nc > 1 and max_distance == 0.0:
        raise ValueError(
            f"Sparse mutual reachability matrix has {nc} connected components. HDBSCAN "
            "cannot be performed on a disconnected graph. Ensure that the sparse distance "
            "matrix has only one connected component.")
    D = np.full((n, n), max_distance if max_distance else np.inf)
    rows = np.repeat(np.arange(n), counts)
    D[rows, G.indices] = G.data
    D = np.minimum(D, D.T)
    return _kd.mst_dense(np.ascontiguousarray(D), core, 1.0)


def _mst(X, min_samples, alpha, metric, params, algorithm, leaf_size, n_jobs):
    """(src, dst, w) edges of the mutual-reachability spanning tree."""
    fast = None if (is_sparse(X) or metric == "precomputed") else _fast_metric(metric, params)
    if algorithm in ("kd_tree", "ball_tree"):
        from ..neighbors._metrics import VALID_METRICS
        valid = set(VALID_METRICS[algorithm])
        if algorithm == "kd_tree":  # the metrics fastml's KDTree itself accepts
            from ..neighbors import KDTree
            valid |= set(KDTree.valid_metrics)
        if not isinstance(metric, str) or metric not in valid:
            kind = "KDTree" if algorithm == "kd_tree" else "BallTree"
            raise ValueError(f"{metric} is not a valid metric for a {kind}-based algorithm. "
                             "Please select a different metric.")
        if is_sparse(X):
            raise ValueError("Sparse data matrices only support algorithm `brute`.")
    if fast is not None and algorithm != "brute":
        name, p = fast
        X = np.ascontiguousarray(X, dtype=np.float64)
        from ..neighbors._validation import effective_leaf_size
        tree = _kt.build_tree(X, effective_leaf_size(leaf_size, X.shape[0]))
        dist, _ = _kt.tree_query(tree, X, min_samples, name, p)
        core = np.ascontiguousarray(dist[:, -1], dtype=np.float64)
        return _kd.mst(X, core, name, p, float(alpha))
    if metric == "precomputed" and is_sparse(X):
        return _sparse_precomputed_mst(X, min_samples, alpha, params)
    if metric == "precomputed" and X.shape[0] != X.shape[1]:
        raise ValueError("The precomputed distance matrix is expected to be symmetric, however "
                         f"it has shape {X.shape}. Please verify that the distance matrix was "
                         "constructed correctly.")
    D = _distance_matrix(X, metric, params, n_jobs)
    if metric == "precomputed" and not np.allclose(D, D.T):
        raise ValueError("The precomputed distance matrix is expected to be symmetric, however "
                         "its values appear to be asymmetric. Please verify that the distance "
                         "matrix was constructed correctly.")
    D = D / alpha
    core = np.ascontiguousarray(np.partition(D, min_samples - 1, axis=1)[:, min_samples - 1])
    src, dst, w = _kd.mst_dense(np.ascontiguousarray(D), core, 1.0)
    if np.isinf(w).any():
        warnings.warn("The minimum spanning tree contains edge weights with value infinity. "
                      "Potentially, you are missing too many distances in the initial "
                      "distance matrix for the given neighborhood size.", UserWarning)
    return src, dst, w


def _remap_tree(tree, finite_index, nonfinite, n_raw):
    """The dendrogram over the finite rows, renumbered to the raw rows, with the
    non-finite rows merged in last at height inf."""
    nf = finite_index.shape[0]
    out = np.empty(n_raw - 1, dtype=_tree.HIERARCHY_DTYPE)
    m = tree.shape[0]
    for f in ("left_node", "right_node"):
        v = tree[f]
        out[f][:m] = np.where(v < nf, finite_index[np.minimum(v, nf - 1)], v + len(nonfinite))
    out["value"][:m], out["cluster_size"][:m] = tree["value"], tree["cluster_size"]
    last = max(out["left_node"][m - 1], out["right_node"][m - 1]) if m else (
        finite_index[0] if nf else 0)
    size = tree["cluster_size"][m - 1] if m else nf
    for j, row in enumerate(sorted(nonfinite)):
        out[m + j] = (row, last + 1, np.inf, size + 1)
        last += 1
        size += 1
    return out


class HDBSCAN(ClusterMixin, BaseEstimator):
    """Hierarchical density-based clustering (scikit-learn's parameters,
    attributes and labels: ``labels_`` with -1 noise, -2 infinite and -3
    missing rows; ``probabilities_``; ``centroids_`` / ``medoids_`` with
    store_centers). See the module docstring for how it is computed."""

    _parameter_constraints = {
        "min_cluster_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "min_samples": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "cluster_selection_epsilon": [Interval(numbers.Real, 0, None, closed="left")],
        "max_cluster_size": [None, Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [_metric_options(), callable],
        "metric_params": [dict, None],
        "alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "algorithm": [StrOptions({"auto", "brute", "kd_tree", "ball_tree"})],
        "leaf_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_jobs": [numbers.Integral, None],
        "cluster_selection_method": [StrOptions({"eom", "leaf"})],
        "allow_single_cluster": ["boolean"],
        "store_centers": [None, StrOptions({"centroid", "medoid", "both"})],
        "copy": ["boolean", Hidden(StrOptions({"warn"}))],
    }

    def __init__(self, min_cluster_size=5, min_samples=None, cluster_selection_epsilon=0.0,
                 max_cluster_size=None, metric="euclidean", metric_params=None, alpha=1.0,
                 algorithm="auto", leaf_size=40, n_jobs=None, cluster_selection_method="eom",
                 allow_single_cluster=False, store_centers=None, copy="warn"):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.cluster_selection_epsilon = cluster_selection_epsilon
        self.max_cluster_size = max_cluster_size
        self.metric = metric
        self.metric_params = metric_params
        self.alpha = alpha
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.n_jobs = n_jobs
        self.cluster_selection_method = cluster_selection_method
        self.allow_single_cluster = allow_single_cluster
        self.store_centers = store_centers
        self.copy = copy

    def _check_X(self, X):
        self._check_feature_names(X, reset=True)
        X = dataframe_to_numpy(X)
        if is_sparse(X):
            import scipy.sparse as sp

            from ..utils._sparse import check_sparse
            if self.metric != "precomputed":  # NaN / inf rows are set aside in fit
                X = sp.csr_matrix(X, dtype=np.float64, copy=True)
                X.sum_duplicates()
                probe = X.copy()
                probe.data = np.where(np.isfinite(X.data), X.data, 0.0)
                check_sparse(probe, accept=("csr",), dtype=(np.float64,))
            else:
                X = check_sparse(X, accept=("csr",), dtype=(np.float64,))
        elif self.metric == "precomputed":
            X = check_array(X, dtype=(np.float64,), ensure_all_finite=False)
            if np.isnan(X).any():
                raise ValueError("np.nan values found in precomputed-dense")
        else:
            X = check_array(X, dtype=(np.float64,), ensure_all_finite=False)
        self._check_n_features(X, reset=True)
        return X

    def fit(self, X, y=None):
        """Cluster X (features, or distances with metric="precomputed")."""
        self._validate_params()
        if self.copy == "warn":
            warnings.warn("The default value of `copy` will change from False to True in "
                          "1.10. Explicitly set a value for `copy` to silence this warning.",
                          FutureWarning)
        if self.metric == "precomputed" and self.store_centers is not None:
            raise ValueError("Cannot store centers when using a precomputed distance matrix.")
        params = dict(self.metric_params or {})
        X = self._check_X(X)
        n_raw = X.shape[0]
        finite_index, missing, infinite = None, np.zeros(0, np.intp), np.zeros(0, np.intp)
        if self.metric != "precomputed":
            vals = X.data if is_sparse(X) else X
            if not np.isfinite(vals).all():
                s = np.asarray(X.sum(axis=1)).ravel()
                missing = np.flatnonzero(np.isnan(s))
                infinite = np.flatnonzero(np.isinf(s))
                if is_sparse(X):
                    bad = np.zeros(n_raw, bool)
                    rows = np.repeat(np.arange(n_raw), np.diff(X.indptr))
                    bad[rows[~np.isfinite(X.data)]] = True
                    finite_index = np.flatnonzero(~bad)
                else:
                    finite_index = np.flatnonzero(np.isfinite(s))
                X = X[finite_index]
        if X.shape[0] == 1:
            raise ValueError("n_samples=1 while HDBSCAN requires more than one sample")
        self._min_samples = self.min_cluster_size if self.min_samples is None \
            else self.min_samples
        if self._min_samples > X.shape[0]:
            raise ValueError(f"min_samples ({self._min_samples}) must be at most the number "
                             f"of samples in X ({X.shape[0]})")
        with threads_scope(self.n_jobs):
            src, dst, w = _mst(X, self._min_samples, float(self.alpha), self.metric, params,
                               self.algorithm, self.leaf_size, self.n_jobs)
        tree = _tree.single_linkage(src, dst, w, X.shape[0])
        labels, probs = _tree.tree_to_labels(
            tree, self.min_cluster_size, self.cluster_selection_method,
            bool(self.allow_single_cluster), float(self.cluster_selection_epsilon),
            self.max_cluster_size)
        self._single_linkage_tree_ = tree
        if finite_index is not None:
            self._single_linkage_tree_ = _remap_tree(
                tree, finite_index, set(np.concatenate([infinite, missing]).tolist()), n_raw)
            full = np.empty(n_raw, np.intp)
            full[finite_index] = labels
            full[infinite] = _OUTLIER["infinite"][0]
            full[missing] = _OUTLIER["missing"][0]
            pfull = np.zeros(n_raw)
            pfull[finite_index] = probs
            pfull[infinite] = _OUTLIER["infinite"][1]
            pfull[missing] = _OUTLIER["missing"][1]
            labels, probs = full, pfull
        self.labels_, self.probabilities_ = labels, probs
        if self.store_centers:
            self._weighted_cluster_center(X if finite_index is None else X, finite_index)
        return self

    def fit_predict(self, X, y=None):
        """fit(X) and return labels_."""
        self.fit(X)
        return self.labels_

    def _weighted_cluster_center(self, X, finite_index):
        labels = self.labels_ if finite_index is None else self.labels_[finite_index]
        probs = self.probabilities_ if finite_index is None else self.probabilities_[finite_index]
        k = len(set(labels.tolist()) - {-1, -2, -3})
        Xd = X.toarray() if is_sparse(X) else X
        make_c = self.store_centers in ("centroid", "both")
        make_m = self.store_centers in ("medoid", "both")
        if make_c:
            self.centroids_ = np.empty((k, X.shape[1]))
        if make_m:
            self.medoids_ = np.empty((k, X.shape[1]))
        for c in range(k):
            mask = labels == c
            data, strength = Xd[mask], probs[mask]
            if make_c:
                self.centroids_[c] = np.average(data, weights=strength, axis=0)
            if make_m:
                D = _distance_matrix(data, self.metric, dict(self.metric_params or {}),
                                     self.n_jobs)
                self.medoids_[c] = data[np.argmin((D * strength).sum(axis=1))]

    def dbscan_clustering(self, cut_distance, min_cluster_size=5):
        """Labels of DBSCAN* at eps = cut_distance (a horizontal cut of the
        single-linkage tree); components smaller than min_cluster_size are
        noise; non-finite rows keep -2 / -3."""
        labels = _tree.labelling_at_cut(self._single_linkage_tree_, cut_distance,
                                        min_cluster_size)
        labels[self.labels_ == -2] = -2
        labels[self.labels_ == -3] = -3
        return labels

    def _fastml_tags(self):
        return {"pairwise": self.metric == "precomputed", "sparse": True,
                "allow_nan": self.metric != "precomputed"}
