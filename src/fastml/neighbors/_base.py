"""Shared machinery of the neighbours estimators: parameter checks, fit
(resolve the metric, store the data, build the tree), kneighbors (including
X=None, which excludes each training point itself) and the neighbour
weights. The algorithm="auto" rule lives in __init__.py's docstring together
with the measurements behind it; the metrics beyond the compiled engines'
are in _metrics.py."""
import numbers
import warnings

import numpy as np

from .._config import threads_scope
from .._kernels import _magnitude
from .._kernels import kdtree as _kt, knn as _kb
from ..base import BaseEstimator
from ..utils._param_validation import HasMethods, Interval, StrOptions
from ..utils._set_output import dataframe_to_numpy
from ..utils._sparse import is_sparse
from ..utils.validation import check_array
from ._metrics import ALL_METRICS, VALID_METRICS, generic_knn, resolve
from ._precomputed import check_precomputed, knn_precomputed
from ._sparse import check_sparse_query, fit_sparse, query_sparse, validate_sparse
from ._state import check_fitted_neighbors
from ._validation import P_CONSTRAINT, check_k, check_mode, check_query, effective_leaf_size

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
    points and 0 to the others (the matching points win); a row whose
    distances all overflowed to inf (a query ~1e19 or more away in float32,
    with sqeuclidean) weighs its neighbours equally instead of 0/0 = NaN
    (scikit-learn returns all-zero probabilities there), and a row where 1/d
    overflows (subnormal distances) uses d_min / d, the same proportions.
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
        far = ~(w > 0).any(axis=1)
        if far.any():
            w[far] = 1.0
        # subnormal distances overflow 1/d to inf (inf / inf = NaN in the vote):
        # those rows use d_min / d, the same proportions without overflow
        tiny = np.isinf(w).any(axis=1) & ~rows
        if tiny.any():
            dt = d[tiny]
            w[tiny] = dt.min(axis=1, keepdims=True) / dt
        return w
    w = np.asarray(weights(dist), dtype=np.float64)
    if w.shape != np.shape(dist):
        raise ValueError(f"weights callable must return an array of shape {np.shape(dist)}, "
                         f"got {w.shape}.")
    if w.size and not (w != 0).any(axis=1).all():
        raise ValueError("All neighbors of some sample is getting zero weights. Please modify "
                         "'weights' to avoid this case if you are using a user-defined "
                         "function.")
    return w


def csr_graph(data, indices, indptr, shape):
    """scipy.sparse.csr_matrix (scikit-learn's default sparse interface) with
    int64 indices, as scikit-learn returns (csr_matrix((data, ...)) would
    downcast them to int32; going through csr_array keeps them, no copy).
    scipy is imported here, not at `import fastml.neighbors`."""
    from scipy.sparse import csr_array, csr_matrix

    return csr_matrix(csr_array((data, indices, indptr), shape=shape))


def _unwrap_fitted(X):
    """fit() also accepts a fitted neighbours estimator or a tree (fastml's
    KDTree, scikit-learn's BallTree/KDTree): their training data is used."""
    if isinstance(X, NeighborsBase):
        X._check_is_fitted()
        return X._fit_X
    cls = type(X)
    if cls.__name__ in ("KDTree", "BallTree") and hasattr(X, "data") and \
            cls.__module__.split(".")[0] in ("fastml", "sklearn"):
        return np.asarray(X.data)
    return X


def engine_of(est):
    """The fitted estimator's engine (inferred for a fit pickled before
    engines were recorded)."""
    engine = getattr(est, "_engine", None)
    if engine is not None:
        return engine
    if getattr(est, "_sparse_index", None) is not None:
        return "sparse"
    if getattr(est, "_metric", None) == "callable":
        return "callable"
    return "tree" if getattr(est, "_tree", None) is not None else "brute"


def _check_callable_result(dist, ind, metric, n):
    """A user metric that returned NaN (or never a comparable number) cannot rank
    neighbours: a clear error instead of NaN distances or indices past the data."""
    if np.isnan(dist).any() or (ind.size and (ind.min() < 0 or ind.max() >= n)):
        raise ValueError(f"metric={metric!r} returned NaN for some pair of rows; a callable "
                         "metric must return a number for every pair.")
    return dist, ind


def _metric_name(metric):
    return metric.lower() if isinstance(metric, str) else None


class NeighborsBase(BaseEstimator):
    """fit/kneighbors for the neighbours estimators (not public).

    Engines (``_engine``): "tree" (the C k-d tree; also serves
    algorithm="ball_tree"), "brute" (compiled brute force), "callable"
    (Numba-compiled user metric), "generic" (_metrics.py: every other metric),
    "precomputed" and "sparse" (_sparse.py). ``_fit_method`` is the
    algorithm in scikit-learn's terms ("kd_tree", "ball_tree", "brute").
    """

    def __setstate__(self, state):
        self.__dict__.update(state)
        check_fitted_neighbors(self)  # fitted arrays reach C: checked at load

    _parameter_constraints = {
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "algorithm": [StrOptions({"auto", "kd_tree", "ball_tree", "brute", "hnsw"})],
        # any leaf_size >= 1 is accepted; the tree caps it (effective_leaf_size)
        "leaf_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "p": [P_CONSTRAINT, None],
        "metric": [StrOptions(set(ALL_METRICS)), callable, HasMethods(["pairwise"])],
        "metric_params": [dict, None],
        "n_jobs": ["n_jobs"],
    }

    def _validate_data(self, X, y="no_validation", **kw):
        X = _unwrap_fitted(X)
        name = _metric_name(self.metric)
        if name == "precomputed" or is_sparse(X) or name == "nan_euclidean":
            reset = kw.pop("reset", True)
            if name == "precomputed":
                self._check_feature_names(X, reset=reset)
                X = check_precomputed(dataframe_to_numpy(X))
            elif is_sparse(X):  # sparse path: neighbors/_sparse.py
                return validate_sparse(self, X, y, dict(kw, reset=reset))
            else:
                self._check_feature_names(X, reset=reset)
                X = _check_nan_array(dataframe_to_numpy(X), kw.get("dtype"))
            self._check_n_features(X, reset=reset)
            if isinstance(y, str) and y == "no_validation":
                return X
            from ..utils.validation import check_X_y

            kw.pop("dtype", None)
            _, y = check_X_y(np.zeros((X.shape[0], 1)), y, **kw)
            return X, y
        return super()._validate_data(X, y, **kw)

    def _fit(self, X):
        """Resolve the metric, store X and build the tree; the caller validated
        the parameters."""
        self._sparse_index = None
        self._tree = None
        algorithm = self.algorithm
        if callable(self.metric) and algorithm == "kd_tree":
            raise ValueError("algorithm='kd_tree' does not support a callable metric; "
                             "use algorithm='brute', 'ball_tree' or 'auto'.")
        name = _metric_name(self.metric)
        if name is not None and algorithm in ("kd_tree", "ball_tree") and \
                name not in VALID_METRICS[algorithm] and \
                not (algorithm == "kd_tree" and name == "sqeuclidean"):
            raise ValueError(f"Metric '{self.metric}' not valid. Use "
                             f"sorted(sklearn.neighbors.VALID_METRICS['{algorithm}']) to get "
                             "valid options. Metric can also be a callable function.")
        sparse = is_sparse(X) and name != "precomputed"
        plan, eff, eff_params = resolve(self.metric, self.p, self.metric_params,
                                        None if sparse else X)
        self._plan = plan
        self.effective_metric_params_ = eff_params
        if plan.kind == "generic" and plan.name == "minkowski" and plan.p < 1:
            if algorithm in ("auto", "brute"):
                warnings.warn("Mind that for 0 < p < 1, Minkowski metrics are not distance "
                              "metrics. Continuing the execution with `algorithm='brute'`.",
                              UserWarning, stacklevel=3)
                algorithm = "brute"
            else:
                raise ValueError(f'algorithm="{algorithm}" does not support 0 < p < 1 for the '
                                 "Minkowski metric. To resolve this problem either set p >= 1 "
                                 'or algorithm="brute".')
        if algorithm == "kd_tree" and plan.kind == "generic":
            raise ValueError(f"algorithm='kd_tree' does not support metric={self.metric!r} "
                             f"with metric_params={self.metric_params!r}; use "
                             "algorithm='ball_tree' or 'brute'.")
        if sparse:
            if plan.kind == "callable":
                return self._fit_stored(X, "generic", "brute", eff, plan)
            fit_sparse(self, X, plan.name if plan.kind == "fast" else eff, plan.p)
            self.effective_metric_ = eff
            self._engine = "sparse"
            return self
        if plan.kind == "precomputed":
            return self._fit_stored(X, "precomputed", "brute", eff, plan)
        if algorithm == "hnsw" and (plan.kind != "fast" or getattr(self, "_radius_only", False)):
            raise ValueError("algorithm='hnsw' answers k-neighbour queries with the euclidean "
                             f"or sqeuclidean metric only; got metric={self.metric!r}"
                             + (" on a radius-only estimator" if plan.kind == "fast" else "")
                             + ".")
        if plan.kind == "fast":
            self._metric, self._p = plan.name, plan.p
            method = algorithm
            if method == "hnsw":  # approximate; never chosen by "auto"
                from ._hnsw import fit_index
                self._fit_stored(X, "brute", "hnsw", eff, plan)
                self._tree = None
                self._hnsw = fit_index(self, X, plan.name)
                return self
            if method == "auto":
                method = choose_algorithm(X.shape[0], X.shape[1],
                                          getattr(self, "n_neighbors", 1) or 1, plan.name)
            self._fit_stored(X, "tree" if method != "brute" else "brute", method, eff, plan)
            # radius-only estimators search with the tree even for brute force
            # (built here, so predict never changes the fitted state)
            if method != "brute" or getattr(self, "_radius_only", False):
                with threads_scope(self.n_jobs):
                    self._tree = _kt.build_tree(X, effective_leaf_size(self.leaf_size,
                                                                       X.shape[0]))
            return self
        engine = "callable" if plan.kind == "callable" and not plan.params else "generic"
        method = "brute" if algorithm == "auto" else algorithm
        return self._fit_stored(X, engine, method, eff, plan)

    def _fit_stored(self, X, engine, method, eff, plan):
        self._fit_X = X
        self._fit_absmax = _magnitude.absmax(X) if engine in ("tree", "brute") else None
        self.n_samples_fit_ = X.shape[0]
        self.effective_metric_ = eff
        if plan.kind != "fast":
            self._metric, self._p = ("callable" if plan.kind == "callable" else plan.kind), 2.0
        self._engine = engine
        self._fit_method = method
        return self

    def _check_query_input(self, X):
        """Validated query for kneighbors / radius_neighbors (not X=None)."""
        engine = engine_of(self)
        if engine == "precomputed":
            self._check_feature_names(X, reset=False)
            X = check_precomputed(dataframe_to_numpy(X))
            if X.shape[1] != self.n_samples_fit_:
                raise ValueError(f"Precomputed metric requires shape (n_queries, "
                                 f"n_indexed). Got ({X.shape[0]}, {X.shape[1]}) for "
                                 f"{self.n_samples_fit_} indexed.")
            return X
        if engine == "generic" and is_sparse(self._fit_X):
            return check_sparse_query(self, X)
        if is_sparse(X) and engine in ("generic", "callable"):
            if self._fit_method != "brute":
                raise ValueError(f"{self._fit_method} does not work with sparse matrices. "
                                 "Densify the data, or set algorithm='brute'")
            X = check_sparse_query(self, X)
            return np.ascontiguousarray(X.toarray())
        if is_sparse(X) or engine == "sparse":
            if is_sparse(X) and self._fit_method in ("kd_tree", "ball_tree"):
                raise ValueError(f"{self._fit_method} does not work with sparse matrices. "
                                 "Densify the data, or set algorithm='brute'")
            return check_sparse_query(self, X)
        if _metric_name(self.metric) == "nan_euclidean":
            self._check_feature_names(X, reset=False)
            X = _check_nan_array(dataframe_to_numpy(X), (self._fit_X.dtype,))
            self._check_n_features(X, reset=False)
            return X
        return check_query(X, self._fit_X.dtype, self._fit_X.shape[1], estimator=self)

    def _query(self, X, k):
        engine = engine_of(self)
        if engine == "precomputed":
            return knn_precomputed(X, k)
        if engine == "generic":
            if is_sparse(self._fit_X):
                return _sparse_generic_knn(self._plan, self._fit_X, X, k)
            return generic_knn(self._plan, self._fit_X, X, k, self._fit_X.dtype)
        if is_sparse(X) or engine == "sparse":
            return query_sparse(self, X, k)
        with threads_scope(self.n_jobs):
            if engine == "callable":
                dist, ind = _kb.brute_knn_callable(self._fit_X, X, k, self.metric)
                return _check_callable_result(dist, ind, self.metric, self.n_samples_fit_)
            if engine == "tree":
                return _kt.tree_query(self._tree, X, k, self._metric, self._p)
            if self._fit_method == "hnsw":
                from ._hnsw import query_index
                return query_index(getattr(self, "_hnsw", None), X, k)
            return _kb.brute_knn(self._fit_X, X, k, self._metric, self._p,
                                 x_absmax=getattr(self, "_fit_absmax", None))

    def _fastml_tags(self):
        name = _metric_name(self.metric)
        # sparse: brute force on CSR rows (neighbors/_sparse.py)
        return {"sparse": True, "pairwise": name == "precomputed",
                "allow_nan": name == "nan_euclidean"}


class KNeighborsMixin:
    """kneighbors and kneighbors_graph of a fitted NeighborsBase with an
    n_neighbors parameter (scikit-learn's KNeighborsMixin counterpart)."""

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
        else:
            X = self._check_query_input(X)
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


def _check_nan_array(X, dtype):
    """check_array for metric="nan_euclidean": NaN allowed, infinity not."""
    X = check_array(X, dtype=dtype or (np.float64, np.float32), ensure_all_finite=False)
    if np.isinf(X).any():
        raise ValueError("Input X contains infinity or a value too large for "
                         f"{X.dtype!r}.")
    return X


SPARSE_GENERIC_ROWS = 256  # rows densified at a time by the sparse generic engine


def _sparse_generic_pairwise(plan, Q, X):
    """float64 distances between sparse rows: a user callable receives the
    (1, n_features) sparse rows, as scikit-learn passes them; other metrics
    see densified rows (Q is at most SPARSE_GENERIC_ROWS rows)."""
    from ._metrics import pairwise

    if plan.kind == "callable":
        D = np.empty((Q.shape[0], X.shape[0]))
        for i in range(Q.shape[0]):
            for j in range(X.shape[0]):
                D[i, j] = plan.obj(Q[i:i + 1], X[j:j + 1], **plan.params)
        return D
    return pairwise(plan, Q.toarray(), X.toarray())


def _sparse_generic_knn(plan, X, Q, k):
    """k nearest for a user metric on sparse rows."""
    from ._metrics import knn_from_distances

    out_d, out_i = [], []
    for s in range(0, Q.shape[0], SPARSE_GENERIC_ROWS):
        d, i = knn_from_distances(_sparse_generic_pairwise(
            plan, Q[s:s + SPARSE_GENERIC_ROWS], X), k)
        out_d.append(d)
        out_i.append(i)
    if not out_d:
        return np.empty((0, k)), np.empty((0, k), np.int64)
    return np.concatenate(out_d), np.concatenate(out_i)
