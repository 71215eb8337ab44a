"""Radius search shared by NearestNeighbors and the RadiusNeighbors*
estimators: radius_neighbors and radius_neighbors_graph over every engine
(k-d tree, compiled brute force through the tree's radius search, user
callable, generic metrics, precomputed distances, sparse rows)."""

import numpy as np

from .._config import threads_scope
from .._kernels import kdtree as _kt, knn as _kb
from ..utils._sparse import is_sparse
from ._base import csr_graph, engine_of
from ._metrics import (MetricPlan, finish_radius, generic_radius, pairwise,
                       radius_from_distances)
from ._precomputed import radius_precomputed
from ._sparse import QUERY_CHUNK, radius_sparse
from ._validation import check_mode, check_radius, effective_leaf_size

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


def _rows_dense(Q, s, e):
    Qb = Q[s:e]
    return np.ascontiguousarray(Qb.toarray()) if is_sparse(Qb) else Qb


class RadiusNeighborsMixin:
    """radius_neighbors / radius_neighbors_graph for a fitted NeighborsBase."""

    def _radius_engine(self, X, r, sort):
        """Flat (ind, dist, offsets) for validated queries X and radii r."""
        engine = engine_of(self)
        nq = X.shape[0]
        if engine == "precomputed":
            return radius_precomputed(X, r, sort)
        if engine == "sparse":
            return radius_sparse(self, X, r, sort)
        if engine == "generic" or is_sparse(X):
            # generic metrics (and sparse queries against a dense fit) in
            # chunks of queries, densified QUERY_CHUNK rows at a time
            parts = []
            for s in range(0, nq, QUERY_CHUNK):
                e = min(nq, s + QUERY_CHUNK)
                rb = r if r.shape[0] == 1 else r[s:e]
                if engine == "generic" and is_sparse(self._fit_X):
                    from ._base import _sparse_generic_pairwise

                    D = _sparse_generic_pairwise(self._plan, X[s:e], self._fit_X)
                    parts.append(radius_from_distances(D, np.broadcast_to(rb, (e - s,)),
                                                       sort, s))
                    continue
                Qb = _rows_dense(X, s, e)
                if engine == "generic":
                    ind, dist, off = generic_radius(self._plan, self._fit_X, Qb, rb, sort,
                                                    self._fit_X.dtype)
                else:
                    ind, dist, off = self._radius_engine(Qb, rb, sort)
                parts.append((np.repeat(np.arange(s, e), np.diff(off)), ind, dist))
            return _merge(parts, nq, sort, self._fit_X.dtype)
        inf = np.isinf(r)
        if inf.any():  # radius = inf: every point, distances by brute force
            return self._radius_with_inf(X, r, inf, sort)
        with threads_scope(self.n_jobs):
            if engine == "callable":
                return radius_callable(self._fit_X, X, r, self.metric, sort)
            if self._tree is None:
                self._tree = _kt.build_tree(self._fit_X, effective_leaf_size(
                    self.leaf_size, self.n_samples_fit_))
            return _kt.tree_radius(self._tree, X, r, self._metric, self._p,
                                   return_distance=True, sort=sort)

    def _radius_with_inf(self, X, r, inf, sort):
        nq = X.shape[0]
        rr = np.broadcast_to(r, (nq,))
        inf = np.broadcast_to(inf, (nq,))
        parts = []
        rows_inf = np.flatnonzero(inf)
        for s in range(0, rows_inf.size, QUERY_CHUNK):
            rows = rows_inf[s:s + QUERY_CHUNK]
            if engine_of(self) == "callable":
                plan = MetricPlan("callable", "callable", obj=self.metric)
            else:  # (a fit pickled before plans were recorded: its fast metric)
                plan = getattr(self, "_plan", None) or MetricPlan("fast", self._metric, self._p)
            D = pairwise(plan, X[rows], self._fit_X).astype(self._fit_X.dtype)
            qi, j = np.nonzero(~np.isnan(D))
            parts.append((rows[qi], j.astype(np.int64), D[qi, j]))
        fin = np.flatnonzero(~inf)
        if fin.size:
            ind, dist, off = self._radius_engine(X[fin], np.ascontiguousarray(rr[fin]), sort)
            parts.append((np.repeat(fin, np.diff(off)), ind, dist))
        return _merge(parts, nq, sort, self._fit_X.dtype)

    def _radius_flat(self, X, radius, sort):
        """(ind, dist, offsets, n_queries): neighbours of query i are
        ind[offsets[i]:offsets[i+1]]; X=None excludes each training point."""
        self._check_is_fitted()
        query_is_train = X is None
        X = self._fit_X if query_is_train else self._check_query_input(X)
        nq = X.shape[0]
        r = check_radius(self.radius if radius is None else radius, nq, name="radius",
                         allow_inf=True)
        ind, dist, off = self._radius_engine(X, r, sort)
        if query_is_train:
            row = np.repeat(np.arange(nq), np.diff(off))
            keep = ind != row
            ind, dist = ind[keep], dist[keep]
            off = np.zeros(nq + 1, dtype=np.int64)
            np.cumsum(np.bincount(row[keep], minlength=nq), out=off[1:])
        return ind, dist, off, nq

    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """Training points within `radius` (<= radius) of each query.

        Returns object arrays (dist, ind) like scikit-learn (or ind alone).
        X=None queries the training points, excluding each point itself.
        Without sort_results the order within a row is the engine's
        (deterministic); with it, by (distance, index). radius may be inf.
        """
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        flat_ind, flat_dist, off, nq = self._radius_flat(X, radius, sort_results)
        ind = np.empty(nq, dtype=object)
        dist = np.empty(nq, dtype=object)
        for i in range(nq):
            a, b = off[i], off[i + 1]
            ind[i], dist[i] = flat_ind[a:b], flat_dist[a:b]
        return (dist, ind) if return_distance else ind

    def radius_neighbors_graph(self, X=None, radius=None, mode="connectivity",
                               sort_results=False):
        """Radius-neighbourhood graph as a scipy.sparse CSR matrix of shape
        (n_queries, n_samples_fit), as scikit-learn builds it: ones
        (mode="connectivity") or distances (mode="distance", rows sorted by
        distance with sort_results=True) at the neighbours of each query.
        """
        self._check_is_fitted()
        check_mode(mode)
        sort = sort_results and mode == "distance"  # scikit-learn sorts only distances
        ind, dist, off, nq = self._radius_flat(X, radius, sort)
        data = np.ones(ind.size) if mode == "connectivity" else dist
        return csr_graph(data, ind, off, (nq, self.n_samples_fit_))


def _merge(parts, nq, sort, dtype):
    if not parts:
        return np.empty(0, np.int64), np.empty(0, dtype), np.zeros(nq + 1, np.int64)
    row = np.concatenate([p[0] for p in parts])
    ind = np.concatenate([p[1] for p in parts])
    dist = np.concatenate([p[2] for p in parts]).astype(dtype, copy=False)
    return finish_radius(row, ind, dist, nq, sort)
