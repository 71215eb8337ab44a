"""Exact distributed nearest neighbours: NearestNeighbors,
KNeighborsClassifier and KNeighborsRegressor over row-partitioned data.

fit: every partition builds its own fastml index once (the k-d tree or
brute force, chosen by the single-machine rule on the *global* shape, so
every partition runs the engine one machine would run), kept on the worker
that built it (persisted). Partitions also keep their targets (class codes
of the global classes_, or float64 values), so a prediction never gathers y.

kneighbors: the queries (a dask collection, or an in-memory array split in
blocks of query_block_size rows) are sent block by block to every partition;
each answers its local top-min(k, n_i) with global indices (its row offset
added) and the targets of those rows; a tree reduction (fan-in 8) merges the
lists to the global top-k ordered by (distance, global index) -- the tie rule
of fastml.neighbors -- so neighbours and distances are those of the
single-machine estimator on the concatenated data, bit for bit (each
distance is computed by the same kernel on the same pair of rows). A worker
holds its partition and one query block at a time.

radius_neighbors: each partition returns its flat (ind, dist, offsets) of
the block; the merge orders every row by (distance, index) with
sort_results=True (the single-machine answer, bit for bit) and by index
otherwise (the single-machine set; fastml's tree returns it in tree order).

Sparse data (a dask array whose blocks are scipy.sparse CSR matrices, or an
in-memory sparse matrix, split in CSR blocks): every partition runs fastml's
sparse brute force (euclidean, sqeuclidean, manhattan, cosine), as one
machine does for sparse X; queries may be sparse or dense.

Supported metrics: those that do not depend on the whole training set
(seuclidean / mahalanobis need their V / VI in metric_params; "precomputed"
and "nan_euclidean" are not supported). For minkowski with p other than 1,
2, inf two distances whose p-th powers differ can round to one value; such a
tie at the k-th place may then be decided differently from one machine.
"""
import copy
import functools
import numbers
import warnings

import numpy as np

import dask
import dask.array as da
from dask import delayed

from ..neighbors import KNeighborsClassifier as _KNC
from ..neighbors import KNeighborsRegressor as _KNR
from ..neighbors import NearestNeighbors as _NN
from ..neighbors._base import choose_algorithm, csr_graph, neighbor_weights
from ..neighbors._metrics import resolve
from ..neighbors._sparse import sparse_metric
from ..neighbors._validation import check_k, check_mode, check_radius
from ..utils._param_validation import Interval
from ._utils import (as_dask_array, blocks, check_y, feature_names, has_sparse_blocks,
                     is_dask_collection, is_sparse, row_offsets, tree_reduce)

QUERY_BLOCK = 20_000  # default rows per query block for in-memory queries
_DATA_PARAMS = {"seuclidean": "V", "mahalanobis": "VI"}


class _Partition:
    """One partition's index: a fitted fastml NearestNeighbors (None when the
    partition is empty), its first global row and its targets.

    sq: the metric is euclidean and the index ranks by squared distance --
    the key fastml's engines rank euclidean neighbours by (two squared
    distances one ulp apart can share one square root, so merging on the
    roots could order such a tie differently); radius queries use a view of
    the same index with the euclidean metric."""

    def __init__(self, index, offset, n, y, sq):
        self.index, self.offset, self.n, self.y, self.sq = index, offset, n, y, sq
        self._radius = None

    def radius_index(self):
        if not self.sq:
            return self.index
        if self._radius is None:  # built once per worker (a brute index's tree, lazily)
            view = copy.copy(self.index)
            view._metric, view.effective_metric_ = "euclidean", "euclidean"
            self._radius = view
        return self._radius


def _fit_partition(Xb, yb, params, offset, classes, sq):
    n = Xb.shape[0]
    if sq:
        params = dict(params, metric="sqeuclidean", p=2, metric_params=None)
    index = _NN(**params).fit(Xb) if n else None
    y = None
    if yb is not None:
        yb = np.asarray(yb)
        y = (np.searchsorted(classes, yb).astype(np.intp) if classes is not None
             else yb.astype(np.float64))
    return _Partition(index, int(offset), n, y, sq)


def _empty_knn(nq, dtype, y):
    ind = np.empty((nq, 0), dtype=np.int64)
    yk = None if y is None else np.empty((nq, 0) + y.shape[1:], dtype=y.dtype)
    return np.empty((nq, 0), dtype=dtype), ind, yk


def _local_knn(part, Qb, k, dtype):
    """(dist, global ind, targets of those rows) of the partition's top-min(k, n)."""
    Qb = Qb if is_sparse(Qb) else np.asarray(Qb)
    if part.n == 0 or Qb.shape[0] == 0:
        return _empty_knn(Qb.shape[0], dtype, part.y)
    dist, ind = part.index.kneighbors(Qb, min(k, part.n))
    yk = None if part.y is None else part.y[ind]
    return dist, ind + part.offset, yk


def _merge_knn(parts, k):
    """Global top-k of several partial lists, by (distance, global index)."""
    dist = np.concatenate([p[0] for p in parts], axis=1)
    ind = np.concatenate([p[1] for p in parts], axis=1)
    yk = None if parts[0][2] is None else np.concatenate([p[2] for p in parts], axis=1)
    order = np.lexsort((ind, dist), axis=-1)[:, :k]
    dist = np.take_along_axis(dist, order, 1)
    ind = np.take_along_axis(ind, order, 1)
    if yk is not None:
        yk = np.take_along_axis(yk, order if yk.ndim == 2 else order[:, :, None], 1)
    return dist, ind, yk


def _finish_knn(res, first_row, sq):
    """Squared keys -> euclidean distances; X=None (first_row not None):
    remove each training row from its own list (k + 1 were asked), as
    fastml.neighbors does (with more duplicates than neighbours, the first)."""
    dist, ind, yk = res
    if sq:
        dist = np.sqrt(dist)
    if first_row is None:
        return dist, ind, yk
    nq, k1 = ind.shape
    mask = ind != (first_row + np.arange(nq))[:, None]
    dup = mask.all(axis=1)
    mask[dup, 0] = False
    out = (dist[mask].reshape(nq, k1 - 1), ind[mask].reshape(nq, k1 - 1))
    if yk is not None:
        yk = yk[mask].reshape((nq, k1 - 1) + yk.shape[2:])
    return out + (yk,)


def _local_radius(part, Qb, r, sort, dtype):
    Qb = Qb if is_sparse(Qb) else np.asarray(Qb)
    nq = Qb.shape[0]
    if part.n == 0 or nq == 0:
        return (np.empty(0, np.int64), np.empty(0, dtype), np.zeros(nq + 1, np.int64))
    ind, dist, off, _ = part.radius_index()._radius_flat(Qb, r, sort)
    return ind + part.offset, dist, off


def _merge_radius(parts, sort):
    nq = parts[0][2].shape[0] - 1
    row = np.concatenate([np.repeat(np.arange(nq), np.diff(p[2])) for p in parts])
    ind = np.concatenate([p[0] for p in parts])
    dist = np.concatenate([p[1] for p in parts])
    order = np.lexsort((ind, dist, row)) if sort else np.lexsort((ind, row))
    off = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=nq), out=off[1:])
    return ind[order], dist[order], off


def _drop_self_radius(res, first_row):
    ind, dist, off = res
    nq = off.shape[0] - 1
    row = np.repeat(np.arange(nq), np.diff(off))
    keep = ind != row + first_row
    off2 = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(np.bincount(row[keep], minlength=nq), out=off2[1:])
    return ind[keep], dist[keep], off2


class _DistributedNeighbors:
    """fit / kneighbors / radius_neighbors over partitions (not public)."""

    _dask_params = {"query_block_size": [Interval(numbers.Integral, 1, None, closed="left")]}

    def __getstate__(self):
        # the partition indices come home with the estimator (fastml's own
        # pickling: the k-d tree's flat arrays, no rebuild on load)
        state = dict(self.__dict__)
        if "_parts" in state:
            state["_parts"] = list(dask.compute(*state["_parts"]))
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _check_metric(self):
        if isinstance(self.algorithm, str) and self.algorithm == "hnsw":
            raise ValueError("algorithm='hnsw' is approximate; fastml.dask's neighbours are "
                             "exact: use 'auto', 'kd_tree', 'ball_tree' or 'brute'.")
        name = self.metric.lower() if isinstance(self.metric, str) else None
        params = self.metric_params or {}
        if name in ("precomputed", "nan_euclidean") or \
                (name in _DATA_PARAMS and _DATA_PARAMS[name] not in params):
            need = f" without metric_params['{_DATA_PARAMS[name]}']" if name in _DATA_PARAMS \
                else ""
            raise ValueError(f"metric={self.metric!r}{need} is not supported by fastml.dask "
                             "(it depends on the whole training set at once); use a "
                             "coordinate metric or give its parameters explicitly.")
        plan, _, _ = resolve(self.metric, self.p, self.metric_params, None)
        return plan

    def _fit_dask(self, X, y=None, classes=None, names=None):
        self._validate_params()
        plan = self._check_metric()
        if names is None:
            names = feature_names(X)
        X = as_dask_array(X, "X")
        n, d = X.shape
        if n == 0:
            raise ValueError("Found array with 0 sample(s) (shape=(0, %d)) while a minimum of "
                             "1 is required by %s." % (d, type(self).__name__))
        algorithm = self.algorithm
        if has_sparse_blocks(X):  # fastml's sparse brute force, as on one machine
            sparse_metric(self.metric, self.p)  # its error for the other metrics
            if algorithm not in ("auto", "brute"):
                warnings.warn("cannot use tree with sparse input: using brute force",
                              UserWarning, stacklevel=3)
            algorithm = "brute"
        elif algorithm == "auto":  # the single-machine rule on the global shape
            algorithm = "brute" if plan.kind != "fast" else choose_algorithm(
                n, d, getattr(self, "n_neighbors", 1) or 1, plan.name)
        params = dict(n_neighbors=1, algorithm=algorithm, leaf_size=self.leaf_size,
                      metric=self.metric, p=self.p, metric_params=self.metric_params,
                      n_jobs=self.n_jobs)
        off = row_offsets(X)
        ybl = [None] * len(off[:-1]) if y is None else blocks(y)
        fit = delayed(_fit_partition, pure=True)
        self._sq = plan.kind == "fast" and plan.name == "euclidean"
        parts = [fit(xb, yb, params, int(o), classes, self._sq)
                 for xb, yb, o in zip(blocks(X), ybl, off[:-1])]
        self._parts = list(dask.persist(*parts))
        self._X = X  # for X=None queries (the training blocks)
        self._offsets = off
        self._fit_method = algorithm
        self._fit_dtype = np.dtype(X.dtype if X.dtype in (np.float32, np.float64)
                                   else np.float64)
        self.n_samples_fit_ = int(n)
        self.n_features_in_ = int(d)
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.effective_metric_ = resolve(self.metric, self.p, self.metric_params, None)[1]
        return self

    # ---- queries ----------------------------------------------------------------
    def _query_blocks(self, X):
        """(list of delayed query blocks, their sizes, first rows or None, lazy?)."""
        if X is None:
            return blocks(self._X), list(self._X.chunks[0]), list(self._offsets[:-1]), True
        lazy = is_dask_collection(X)
        names = feature_names(X)
        if names is not None and getattr(self, "feature_names_in_", None) is not None and \
                not np.array_equal(names, self.feature_names_in_):
            raise ValueError("The feature names should match those that were passed during "
                             "fit.")
        Q = as_dask_array(X, "X", rows=self.query_block_size)
        if Q.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {Q.shape[1]} features, but {type(self).__name__} is "
                             f"expecting {self.n_features_in_} features as input.")
        return blocks(Q), list(Q.chunks[0]), None, lazy

    def _knn_delayed(self, X, k):
        """Per query block: delayed (dist, ind, targets) of the global top-k."""
        self._check_is_fitted()
        k = check_k(k, f"{type(self).__name__}.kneighbors", name="n_neighbors")
        qb, sizes, first, lazy = self._query_blocks(X)
        kq = k + 1 if first is not None else k
        if kq > self.n_samples_fit_:
            raise ValueError(f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {kq}, "
                             f"n_samples_fit = {self.n_samples_fit_}, n_samples = {sum(sizes)}")
        local = delayed(_local_knn, pure=True)
        out = []
        for j, q in enumerate(qb):
            parts = [local(p, q, kq, self._fit_dtype) for p in self._parts]
            res = tree_reduce(parts, functools.partial(_merge_knn, k=kq))
            if first is not None or self._sq:
                res = delayed(_finish_knn, pure=True)(
                    res, None if first is None else int(first[j]), self._sq)
            out.append(res)
        return out, sizes, lazy, k

    def _assemble(self, pieces, sizes, lazy, tail, dtype):
        arrs = [da.from_delayed(p, shape=(s,) + tail, dtype=dtype)
                for p, s in zip(pieces, sizes)]
        arr = da.concatenate(arrs, axis=0) if len(arrs) > 1 else arrs[0]
        return arr

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """k nearest training rows of every query: (dist, ind), each
        (n_queries, k), ordered by (distance, global index) -- the
        single-machine answer. Dask arrays back (lazy) for a dask X and for
        X=None (the training rows, each excluding itself); NumPy for an
        in-memory X."""
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        res, sizes, lazy, k = self._knn_delayed(X, k)
        dt = self._fit_dtype
        dist = self._assemble([r[0] for r in res], sizes, lazy, (k,), dt)
        ind = self._assemble([r[1] for r in res], sizes, lazy, (k,), np.int64)
        if not lazy:
            dist, ind = dask.compute(dist, ind)
        return (dist, ind) if return_distance else ind

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """CSR (n_queries, n_samples_fit) graph of kneighbors (computed)."""
        check_mode(mode)
        dist, ind = self.kneighbors(X, n_neighbors)
        if is_dask_collection(dist):
            dist, ind = dask.compute(dist, ind)
        nq, k = ind.shape
        data = np.ones(nq * k) if mode == "connectivity" else dist.ravel()
        indptr = np.arange(0, nq * k + 1, k, dtype=np.int64)
        return csr_graph(data, ind.ravel(), indptr, (nq, self.n_samples_fit_))


class _RadiusQueries:
    def _radius_flat_all(self, X, radius, sort):
        """Computed (ind, dist, offsets, n_queries) over all query blocks."""
        self._check_is_fitted()
        r = self.radius if radius is None else radius
        check_radius(r, 1, name="radius", allow_inf=True)
        qb, sizes, first, _ = self._query_blocks(X)
        local = delayed(_local_radius, pure=True)
        out = []
        for j, q in enumerate(qb):
            parts = [local(p, q, r, sort, self._fit_dtype) for p in self._parts]
            res = tree_reduce(parts, functools.partial(_merge_radius, sort=sort))
            if first is not None:
                res = delayed(_drop_self_radius, pure=True)(res, int(first[j]))
            out.append(res)
        got = dask.compute(*out)
        ind = np.concatenate([g[0] for g in got]) if got else np.empty(0, np.int64)
        dist = np.concatenate([g[1] for g in got]) if got else np.empty(0, self._fit_dtype)
        off = [np.zeros(1, np.int64)]
        base = 0
        for g in got:
            off.append(g[2][1:] + base)
            base += g[2][-1]
        return ind, dist, np.concatenate(off), sum(sizes)

    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """Training rows within `radius` of every query, as object arrays
        (dist, ind) like fastml.neighbors (computed, also for a dask X).
        Without sort_results each row is in increasing index order (the
        single-machine set, which fastml's tree lists in tree order); with it
        by (distance, index), exactly as on one machine."""
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        ind_f, dist_f, off, nq = self._radius_flat_all(X, radius, sort_results)
        ind = np.empty(nq, dtype=object)
        dist = np.empty(nq, dtype=object)
        for i in range(nq):
            a, b = off[i], off[i + 1]
            ind[i], dist[i] = ind_f[a:b], dist_f[a:b]
        return (dist, ind) if return_distance else ind

    def radius_neighbors_graph(self, X=None, radius=None, mode="connectivity",
                               sort_results=False):
        check_mode(mode)
        sort = sort_results and mode == "distance"
        ind, dist, off, nq = self._radius_flat_all(X, radius, sort)
        data = np.ones(ind.size) if mode == "connectivity" else dist
        return csr_graph(data, ind, off, (nq, self.n_samples_fit_))


class NearestNeighbors(_RadiusQueries, _DistributedNeighbors, _NN):
    """fastml.neighbors.NearestNeighbors over a dask array / DataFrame
    partitioned by rows (exact; same answers as on one machine, see the
    module docstring). Parameters as fastml.neighbors.NearestNeighbors
    (algorithm="hnsw" excluded: it is approximate) plus query_block_size:
    rows per query block when the queries are an in-memory array."""

    _parameter_constraints = {**_NN._parameter_constraints,
                              **_DistributedNeighbors._dask_params}

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30,
                 metric="minkowski", p=2, metric_params=None, n_jobs=None,
                 algorithm_params=None, query_block_size=QUERY_BLOCK):
        super().__init__(n_neighbors=n_neighbors, radius=radius, algorithm=algorithm,
                         leaf_size=leaf_size, metric=metric, p=p, metric_params=metric_params,
                         n_jobs=n_jobs, algorithm_params=algorithm_params)
        self.query_block_size = query_block_size

    def fit(self, X, y=None):
        return self._fit_dask(X)


def _vote(res, n_classes, weights):
    """predict_proba of one block from its merged (dist, ind, codes), with
    fastml.neighbors.KNeighborsClassifier's arithmetic."""
    dist, _, yk = res
    w = neighbor_weights(dist, weights)
    nq = yk.shape[0]
    flat = (yk + n_classes * np.arange(nq)[:, None]).ravel()
    votes = np.bincount(flat, weights=None if w is None else w.ravel(),
                        minlength=nq * n_classes).reshape(nq, n_classes).astype(np.float64)
    return votes / votes.sum(axis=1, keepdims=True)


def _regress(res, weights):
    dist, _, yk = res
    w = neighbor_weights(dist, weights)
    if w is None:
        return yk.mean(axis=1)
    if yk.ndim == 3:
        w = w[:, :, None]
    return (yk * w).sum(axis=1) / w.sum(axis=1)


def _unique(blocks_):
    return np.unique(np.concatenate([np.unique(np.asarray(b)) for b in blocks_]))


class _Supervised:
    """What the classifier and the regressor share: the constructor (the
    single-machine parameters plus query_block_size; both single-machine
    constructors take the same arguments), the fit inputs and the blockwise
    prediction."""

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30,
                 p=2, metric="minkowski", metric_params=None, n_jobs=None,
                 algorithm_params=None, query_block_size=QUERY_BLOCK):
        super().__init__(n_neighbors, weights=weights, algorithm=algorithm,
                         leaf_size=leaf_size, p=p, metric=metric, metric_params=metric_params,
                         n_jobs=n_jobs, algorithm_params=algorithm_params)
        self.query_block_size = query_block_size

    @staticmethod
    def _fit_inputs(X, y):
        """(feature names, X as a row-partitioned dask array, y aligned with it)."""
        names = feature_names(X)
        X = as_dask_array(X, "X")
        return names, X, check_y(y, X)

    def _predict_blocks(self, X, fn, tail, dtype):
        res, sizes, lazy, _ = self._knn_delayed(X, self.n_neighbors)
        f = delayed(fn, pure=True)
        out = self._assemble([f(r) for r in res], sizes, lazy, tail, dtype)
        return out if lazy else out.compute()


class KNeighborsClassifier(_Supervised, _DistributedNeighbors, _KNC):
    """fastml.neighbors.KNeighborsClassifier over partitioned data: the vote
    is taken over the exact global k nearest (same predictions as on one
    machine). y is 1-D (a dask array / Series aligned with X, or in memory)."""

    _parameter_constraints = {**_KNC._parameter_constraints,
                              **_DistributedNeighbors._dask_params}

    def fit(self, X, y):
        names, X, y = self._fit_inputs(X, y)
        self.classes_ = delayed(_unique)(blocks(y)).compute()
        self.outputs_2d_ = False
        return self._fit_dask(X, y, self.classes_, names)

    def predict_proba(self, X):
        C = len(self.classes_)
        return self._predict_blocks(X, functools.partial(_vote, n_classes=C,
                                                         weights=self.weights),
                                    (C,), np.float64)

    def predict(self, X):
        proba = self.predict_proba(X)
        classes = self.classes_
        if is_dask_collection(proba):
            return proba.map_blocks(lambda p: classes[np.argmax(p, axis=1)], drop_axis=1,
                                    dtype=classes.dtype)
        return classes[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None):
        pred = self.predict(X)
        y = np.asarray(y.compute() if is_dask_collection(y) else y)
        pred = np.asarray(pred.compute() if is_dask_collection(pred) else pred)
        return float(np.average(pred == y, weights=sample_weight))


class KNeighborsRegressor(_Supervised, _DistributedNeighbors, _KNR):
    """fastml.neighbors.KNeighborsRegressor over partitioned data (1-D y):
    the average over the exact global k nearest."""

    _parameter_constraints = {**_KNR._parameter_constraints,
                              **_DistributedNeighbors._dask_params}

    def fit(self, X, y):
        names, X, y = self._fit_inputs(X, y)
        return self._fit_dask(X, y, None, names)

    def predict(self, X):
        return self._predict_blocks(X, functools.partial(_regress, weights=self.weights), (),
                                    np.float64)

    def score(self, X, y, sample_weight=None):
        from ..metrics import r2_score

        pred = self.predict(X)
        y = np.asarray(y.compute() if is_dask_collection(y) else y)
        pred = np.asarray(pred.compute() if is_dask_collection(pred) else pred)
        return r2_score(y, pred, sample_weight=sample_weight)
