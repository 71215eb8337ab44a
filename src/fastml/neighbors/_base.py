"""Shared machinery of NearestNeighbors, KNeighborsClassifier and
KNeighborsRegressor: parameter checks, fit (store the data, build the tree),
kneighbors (including X=None, which excludes each training point itself) and
the neighbour weights. The algorithm="auto" rule lives in __init__.py's
docstring together with the measurements behind it."""
import numbers

import numpy as np

from .._config import threads_scope
from .._kernels import _magnitude
from .._kernels import kdtree as _kt, knn as _kb
from ..base import BaseEstimator
from ..utils._param_validation import Interval, StrOptions
from ..utils._sparse import is_sparse
from ._sparse import check_sparse_query, fit_sparse, query_sparse, validate_sparse
from ._state import check_fitted_neighbors
from ._validation import (METRIC_OPTIONS, P_CONSTRAINT, check_k, check_metric, check_mode,
                          check_query, effective_leaf_size)

# Crossovers for algorithm="auto", measured (see fastml.neighbors' docstring).
AUTO_TREE_DIM = 10           # kd_tree up to this many features (crossover 8-12)
AUTO_MIN_SAMPLES = 256       # below this brute force is as fast and builds nothing
AUTO_MAX_K_FRACTION = 0.1    # kd_tree only while k <= this fraction of n_samples


def choose_algorithm(n_samples, n_features, k, metric):
    """"kd_tree" or "brute" for algorithm="auto" (measured crossovers)."""
    if metric == "callable" or n_samples < AUTO_MIN_SAMPLES:
        return "brute"
    if k > AUTO_MAX_K_FRACTION * n_samples:
        return "brute"
    if n_features <= AUTO_TREE_DIM:
        return "kd_tree"
    return "brute"


def neighbor_weights(dist, weights):
    """(n_queries, k) float64 weights, or None for uniform.

    "distance": 1/d; a row with exact zero distances gives weight 1 to those
    points and 0 to the others (the matching points win).
    """
    if weights in (None, "uniform"):
        return None
    if weights == "distance":
        d = np.asarray(dist, dtype=np.float64)
        with np.errstate(divide="ignore"):
            w = 1.0 / d
        zero = d == 0
        rows = zero.any(axis=1)
        w[rows] = zero[rows]
        return w
    w = np.asarray(weights(dist), dtype=np.float64)
    if w.shape != np.shape(dist):
        raise ValueError(f"weights callable must return an array of shape {np.shape(dist)}, "
                         f"got {w.shape}.")
    if w.size and not (w != 0).any(axis=1).all():
        raise ValueError("weights callable gave zero weight to all neighbours of some query; "
                         "every row needs a non-zero weight.")
    return w


def csr_graph(data, indices, indptr, shape):
    """scipy.sparse.csr_matrix (scikit-learn's default sparse interface) with
    int64 indices, as scikit-learn returns (csr_matrix((data, ...)) would
    downcast them to int32; going through csr_array keeps them, no copy).
    scipy is imported here, not at `import fastml.neighbors`."""
    from scipy.sparse import csr_array, csr_matrix

    return csr_matrix(csr_array((data, indices, indptr), shape=shape))


RADIUS_CALLABLE_TOPK = (16, 64)  # top-k sizes tried before whole rows
RADIUS_CALLABLE_BLOCK = 64       # training points per call when scanning whole rows
RADIUS_CALLABLE_ROWS = 4096      # queries per call when scanning whole rows


def radius_callable(X, Q, r, func, sort):
    """Radius search for a user metric: flat (ind, dist, offsets) as
    _kernels.kdtree.tree_radius returns them (rows in index order, or by
    (distance, index) with sort).

    Brute force through the compiled k-nearest kernel, which keeps a sorted
    top-k (an insertion costs O(k)). First k = 16, then 64, for the rows whose
    k-th distance is still within their radius (the neighbours within r are
    a prefix of the sorted row). Rows with more neighbours are scanned whole
    against blocks of RADIUS_CALLABLE_BLOCK training points with k = block
    size: O(n * block) shifts per query rather than O(n^2) with k = n. (Blocks
    of 32 were no faster on one thread, and each parallel call has a fixed
    start-up cost.) A dedicated radius kernel would skip the top-k entirely.
    """
    n, nq = X.shape[0], Q.shape[0]
    rr = np.broadcast_to(r, (nq,))
    part_row, part_ind, part_dist = [], [], []

    def keep(rows, ind, dist, offset=0):
        # (rows, k) results -> entries within radius; unfilled slots (a metric
        # that returned NaN) stay (inf, n) and never qualify. Unsorted output
        # is in index order: sorting each short row here makes every call's
        # entries one run ordered by (row, index), which the final stable sort
        # merges in about linear time.
        if not sort:
            o = np.argsort(ind, axis=1)
            ind, dist = np.take_along_axis(ind, o, 1), np.take_along_axis(dist, o, 1)
        qi, j = np.nonzero(dist <= rr[rows, None])
        part_row.append(rows[qi])
        part_ind.append(ind[qi, j] + offset)
        part_dist.append(dist[qi, j])

    pending = np.arange(nq)
    for k in RADIUS_CALLABLE_TOPK:
        if not pending.size:
            break
        k = min(k, n)
        left = []
        for s in range(0, pending.size, RADIUS_CALLABLE_ROWS):
            rows = pending[s:s + RADIUS_CALLABLE_ROWS]
            dist, ind = _kb.brute_knn_callable(X, Q[rows], k, func)
            more = dist[:, -1] <= rr[rows] if k < n else np.zeros(rows.size, dtype=bool)
            left.append(rows[more])
            keep(rows[~more], ind[~more], dist[~more])
        pending = np.concatenate(left)
    B = RADIUS_CALLABLE_BLOCK
    for s in range(0, pending.size, RADIUS_CALLABLE_ROWS):
        rows = pending[s:s + RADIUS_CALLABLE_ROWS]
        for b in range(0, n, B):
            Xb = X[b:b + B]
            dist, ind = _kb.brute_knn_callable(Xb, Q[rows], Xb.shape[0], func)
            keep(rows, ind, dist, b)
    row = np.concatenate(part_row)
    ind = np.concatenate(part_ind).astype(np.int64, copy=False)
    dist = np.concatenate(part_dist)
    if sort:
        order = np.lexsort((ind, dist, row))
    else:
        order = np.argsort(row * n + ind, kind="stable")
    offsets = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=nq), out=offsets[1:])
    return ind[order], dist[order], offsets


class NeighborsBase(BaseEstimator):
    """fit/kneighbors for the KNN estimators (not public)."""

    def __setstate__(self, state):
        self.__dict__.update(state)
        check_fitted_neighbors(self)  # fitted arrays reach C: checked at load

    _parameter_constraints = {
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "algorithm": [StrOptions({"auto", "kd_tree", "brute", "hnsw"})],
        "algorithm_params": [dict, None],  # HNSW's M, ef_construction, ef_search, random_state
        # any leaf_size >= 1 is accepted; the tree caps it (effective_leaf_size)
        "leaf_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "p": [P_CONSTRAINT],
        "metric": [METRIC_OPTIONS, StrOptions({"cosine"}), callable],  # cosine: sparse X
        "n_jobs": ["n_jobs"],
    }

    def _validate_data(self, X, y="no_validation", **kw):
        if is_sparse(X):  # sparse path: neighbors/_sparse.py
            return validate_sparse(self, X, y, kw)
        return super()._validate_data(X, y, **kw)

    def _fit(self, X):
        """Store X and build the tree; the caller validated the parameters."""
        self._sparse_index = None
        if is_sparse(X):
            return fit_sparse(self, X)
        metric, p = check_metric(self.metric, self.p)
        if metric == "callable" and self.algorithm == "kd_tree":
            raise ValueError("algorithm='kd_tree' does not support a callable metric; "
                             "use algorithm='brute' or 'auto'.")
        self._fit_X = X
        self._fit_absmax = _magnitude.absmax(X)  # extreme-value check of brute force
        self.n_samples_fit_ = X.shape[0]
        self.effective_metric_ = self.metric if metric == "callable" else metric
        self._metric, self._p = metric, p
        method = self.algorithm
        if method == "auto":
            method = choose_algorithm(X.shape[0], X.shape[1], self.n_neighbors, metric)
        self._fit_method = method
        self._tree = None
        if method == "hnsw":  # approximate; never chosen by "auto"
            from ._hnsw import fit_index
            self._hnsw = fit_index(self, X, metric)
        if method == "kd_tree":
            with threads_scope(self.n_jobs):
                self._tree = _kt.build_tree(X, effective_leaf_size(self.leaf_size,
                                                                   X.shape[0]))
        return self

    def _query(self, X, k):
        if is_sparse(X) or getattr(self, "_sparse_index", None) is not None:
            return query_sparse(self, X, k)
        with threads_scope(self.n_jobs):
            if self._metric == "callable":
                return _kb.brute_knn_callable(self._fit_X, X, k, self.metric)
            if self._fit_method == "kd_tree":
                return _kt.tree_query(self._tree, X, k, self._metric, self._p)
            if self._fit_method == "hnsw":
                from ._hnsw import query_index
                return query_index(getattr(self, "_hnsw", None), X, k)
            return _kb.brute_knn(self._fit_X, X, k, self._metric, self._p,
                                 x_absmax=getattr(self, "_fit_absmax", None))

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """k nearest training points of each query.

        X=None queries the training points themselves, each excluding itself
        (as scikit-learn does). Returns (dist, ind) of shape (n_queries, k), or
        ind alone; rows are ordered by (distance, training index).
        """
        self._check_is_fitted()
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        k = check_k(k, f"{type(self).__name__}.kneighbors", name="n_neighbors")
        query_is_train = X is None
        if query_is_train:
            X = self._fit_X
            k += 1
        elif is_sparse(X) or getattr(self, "_sparse_index", None) is not None:
            X = check_sparse_query(self, X)
        else:
            X = check_query(X, self._fit_X.dtype, self._fit_X.shape[1], estimator=self)
        n = self.n_samples_fit_
        if k > n:
            raise ValueError(f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {k}, "
                             f"n_samples_fit = {n}, n_samples = {X.shape[0]}")
        dist, ind = self._query(X, k)
        if query_is_train:
            nq = X.shape[0]
            mask = ind != np.arange(nq)[:, None]
            # more duplicates than neighbours: self may be missing; drop the first
            dup = mask.all(axis=1)
            mask[dup, 0] = False
            ind = ind[mask].reshape(nq, k - 1)
            dist = dist[mask].reshape(nq, k - 1)
        return (dist, ind) if return_distance else ind

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """k-nearest-neighbour graph as a scipy.sparse CSR matrix of shape
        (n_queries, n_samples_fit), as scikit-learn builds it.

        Row i holds the k neighbours of query i in kneighbors order (by
        distance, then index): ones with mode="connectivity", the distances
        (in the training dtype) with mode="distance". X=None uses the training
        points, each excluding itself.
        """
        self._check_is_fitted()
        check_mode(mode)
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        dist, ind = self.kneighbors(X, k)
        nq, k = ind.shape
        data = np.ones(nq * k) if mode == "connectivity" else dist.ravel()
        indptr = np.arange(0, nq * k + 1, k, dtype=np.int64)
        return csr_graph(data, ind.ravel(), indptr, (nq, self.n_samples_fit_))

    def _fastml_tags(self):
        return {"sparse": True}  # brute force on CSR rows (neighbors/_sparse.py)
