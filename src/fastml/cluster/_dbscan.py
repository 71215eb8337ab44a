"""DBSCAN with scikit-learn's semantics on fastml's own neighbour search.

Every point's eps-neighbourhood (itself included; "within" is distance <=
eps) comes from fastml's k-d tree radius search (threaded, compiled) for the
metrics the tree serves (euclidean, manhattan, chebyshev, minkowski p >= 1,
sqeuclidean), whatever `algorithm` names: brute force would find the same
neighbourhoods, only slower. Other metrics, callables, sparse data and
precomputed distances go through fastml.neighbors.NearestNeighbors. The core
flags (weighted counts >= min_samples) and the expansion of clusters from the
core points in row order are compiled (fastml._kernels.dbscan); the labels are
scikit-learn's exactly, including the cluster a border point shared by two
clusters joins and the numbering of the clusters.

Differences on purpose: dense float32 data is searched in float64 (as
scikit-learn's trees do), so borderline neighbours agree; `components_` keeps
the input dtype.
"""
import numbers
import warnings

import numpy as np

from .._config import threads_scope
from .._kernels import dbscan as _kd
from .._kernels import kdtree as _kt
from ..base import BaseEstimator, ClusterMixin
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils._sparse import is_sparse
from ..utils._set_output import dataframe_to_numpy
from ..utils.validation import check_array

__all__ = ["DBSCAN", "dbscan"]


def _metric_options():
    from ..neighbors._metrics import ALL_METRICS
    return StrOptions(set(ALL_METRICS) | {"precomputed"})


def check_weights(sample_weight, n):
    """sample_weight as float64 (n,) or None. Negative weights are allowed
    (they can keep a neighbour from being core), as in scikit-learn."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number) and not isinstance(sample_weight, bool):
        sw = np.full(n, float(sample_weight))
    else:
        try:
            sw = np.asarray(sample_weight, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"sample_weight must be numeric, got {sample_weight!r}.") from None
        if sw.ndim != 1:
            raise ValueError("Sample weights must be 1D array or scalar")
        if sw.shape[0] != n:
            raise ValueError(f"sample_weight.shape == {sw.shape}, expected ({n},)!")
    if not np.isfinite(sw).all():
        raise ValueError("Input sample_weight contains NaN or infinity.")
    if not np.any(sw != 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return np.ascontiguousarray(sw)


def _neighbourhoods(X, eps, metric, metric_params, algorithm, leaf_size, p, n_jobs):
    """CSR (indptr, indices) int64 of every row's eps-neighbourhood (itself
    included for a true metric; for precomputed distances, the stored entries
    <= eps)."""
    from ..neighbors import NearestNeighbors

    nn = NearestNeighbors(radius=eps, algorithm=algorithm, leaf_size=leaf_size, metric=metric,
                          metric_params=metric_params, p=p, n_jobs=n_jobs)
    nn.fit(X)
    if callable(metric):
        try:
            ind, _, off, _ = nn._radius_flat(X, eps, False)
        except Exception as exc:  # a callable the JIT cannot compile: call it from Python
            if not type(exc).__module__.startswith("numba"):
                raise
            return _callable_neighbourhoods(X, eps, metric, metric_params or {})
        return (np.ascontiguousarray(off, dtype=np.int64),
                np.ascontiguousarray(ind, dtype=np.int64))
    r = np.array([float(eps)])
    if nn._engine in ("tree", "brute") and not is_sparse(X):
        with threads_scope(n_jobs):
            tree = nn._tree
            if tree is None:
                from ..neighbors._validation import effective_leaf_size
                tree = _kt.build_tree(nn._fit_X, effective_leaf_size(leaf_size, X.shape[0]))
            ind, _, off = _kt.tree_radius(tree, nn._fit_X, r, nn._metric, nn._p)
    else:
        ind, _, off, _ = nn._radius_flat(X, eps, False)
    return (np.ascontiguousarray(off, dtype=np.int64),
            np.ascontiguousarray(ind, dtype=np.int64))


def _callable_neighbourhoods(X, eps, metric, params):
    """Neighbourhoods under a Python callable, one call per pair (as a tree
    would call it, without the pruning)."""
    X = X.toarray() if is_sparse(X) else X
    n = X.shape[0]
    rows = []
    for i in range(n):
        d = np.array([metric(X[i], X[j], **params) for j in range(n)], dtype=np.float64)
        rows.append(np.flatnonzero(d <= eps))
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum([r.size for r in rows], out=indptr[1:])
    return indptr, np.concatenate(rows).astype(np.int64) if n else np.zeros(0, np.int64)


def _prepare_precomputed_sparse(X):
    """A copy whose diagonal is stored explicitly (a point is its own
    neighbour at distance 0 even where the graph omits it)."""
    import scipy.sparse as sp

    X = sp.csr_matrix(X, dtype=np.float64, copy=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SparseEfficiencyWarning)
        X.setdiag(X.diagonal())
    return X


def _fit_dbscan(X, sw, eps, min_samples, metric, metric_params, algorithm, leaf_size, p,
                n_jobs):
    """(core mask, labels, X as clustered) for validated X."""
    Xs = X
    if metric == "precomputed" and is_sparse(X):
        X = Xs = _prepare_precomputed_sparse(X)
    elif not is_sparse(X) and metric != "precomputed" and X.dtype != np.float64:
        Xs = np.ascontiguousarray(X, dtype=np.float64)
    indptr, indices = _neighbourhoods(Xs, eps, metric, metric_params, algorithm, leaf_size, p,
                                      n_jobs)
    if sw is not None and sw.shape[0] != indptr.shape[0] - 1:
        raise ValueError(f"sample_weight has {sw.shape[0]} entries, expected "
                         f"{indptr.shape[0] - 1}.")
    with threads_scope(n_jobs):
        core = _kd.core_flags(indptr, indices, sw, float(min_samples))
        labels, _ = _kd.expand(core, indptr, indices)
    return core.astype(bool), labels.astype(np.intp, copy=False), X


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based spatial clustering of applications with noise.

    Parameters, attributes and labels are scikit-learn's: ``labels_`` (noise
    is -1), ``core_sample_indices_``, ``components_`` (copies of the core
    samples). See the module docstring for how neighbourhoods are found.
    """

    _parameter_constraints = {
        "eps": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "min_samples": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [_metric_options(), callable],
        "metric_params": [dict, None],
        "algorithm": [StrOptions({"auto", "ball_tree", "kd_tree", "brute"})],
        "leaf_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "p": [Interval(numbers.Real, 0.0, None, closed="left"), None],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, eps=0.5, *, min_samples=5, metric="euclidean", metric_params=None,
                 algorithm="auto", leaf_size=30, p=None, n_jobs=None):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.metric_params = metric_params
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.n_jobs = n_jobs

    def _check_X(self, X):
        self._check_feature_names(X, reset=True)
        X = dataframe_to_numpy(X)
        if is_sparse(X):
            from ..utils._sparse import check_sparse
            X = check_sparse(X, accept=("csr",))
        elif self.metric == "precomputed":
            X = check_array(X, dtype=(np.float64,))
        else:
            X = check_array(X, dtype=(np.float64, np.float32))
        self._check_n_features(X, reset=True)
        return X

    def fit(self, X, y=None, sample_weight=None):
        """Cluster X (features, or distances with metric="precomputed")."""
        self._validate_params()
        X = self._check_X(X)
        sw = check_weights(sample_weight, X.shape[0])
        core, labels, X = _fit_dbscan(X, sw, self.eps, self.min_samples, self.metric,
                                   self.metric_params, self.algorithm, self.leaf_size, self.p,
                                   self.n_jobs)
        self.core_sample_indices_ = np.flatnonzero(core).astype(np.intp)
        self.labels_ = labels
        if self.core_sample_indices_.size:
            self.components_ = X[self.core_sample_indices_].copy()
        else:
            self.components_ = np.empty((0, X.shape[1]))
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """fit(X) and return labels_."""
        self.fit(X, sample_weight=sample_weight)
        return self.labels_

    def _fastml_tags(self):
        return {"pairwise": self.metric == "precomputed", "sparse": True}


_DBSCAN_PARAMS = {**DBSCAN._parameter_constraints, "X": ["no_validation"],
                  "sample_weight": ["array-like", None]}


def dbscan(X, eps=0.5, *, min_samples=5, metric="minkowski", metric_params=None,
           algorithm="auto", leaf_size=30, p=2, sample_weight=None, n_jobs=None):
    """DBSCAN as a function: returns (core_sample_indices, labels)."""
    validate_parameter_constraints(
        _DBSCAN_PARAMS, {"X": X, "eps": eps, "min_samples": min_samples, "metric": metric,
                         "metric_params": metric_params, "algorithm": algorithm,
                         "leaf_size": leaf_size, "p": p, "sample_weight": sample_weight,
                         "n_jobs": n_jobs}, "dbscan")
    est = DBSCAN(eps=eps, min_samples=min_samples, metric=metric, metric_params=metric_params,
                 algorithm=algorithm, leaf_size=leaf_size, p=p, n_jobs=n_jobs)
    est.fit(X, sample_weight=sample_weight)
    return est.core_sample_indices_, est.labels_
