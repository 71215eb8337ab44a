"""fastml.neighbors.HNSW: approximate k-nearest-neighbour search on a
hierarchical navigable small-world graph (Malkov & Yashunin, 2018).

The graph is built and searched in C (csrc/hnsw.h describes the layout,
csrc/hnsw_build_tmpl.h and hnsw_search_tmpl.h the algorithm); this class
validates inputs once, draws the node levels, owns the graph's arrays (all a
pickle stores) and turns the graph's distances into the metric's.
"""
import math
import numbers

import numpy as np

from .._config import threads_scope
from .._kernels import _magnitude
from .._kernels import hnsw as _hn
from .._kernels import knn as _kb
from ..base import BaseEstimator
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils._progress import progress
from ..utils.validation import check_random_state
from ._hnsw_state import check_graph_state, graph_state
from ._validation import check_k, check_mode, check_query

__all__ = ["HNSW"]

MAX_M = 2048                 # 2M level-0 links of 4 bytes per node: 16 KiB per node at most
MAX_NODES = 2**31 - 2        # node ids are int32 in the graph
_EF = {"ef_search": [Interval(numbers.Integral, 1, None, closed="left")]}


class HNSW(BaseEstimator):
    """Approximate nearest neighbours with an HNSW graph.

    Parameters
    ----------
    n_neighbors : int, default 5
        Neighbours returned by kneighbors when n_neighbors is not given.
    metric : {"euclidean", "sqeuclidean", "cosine", "ip"}, default "euclidean"
        "cosine" stores normalised rows and returns 1 - cos (in [0, 2]); "ip"
        returns 1 - <x, q> (may be negative; rows are not normalised).
    M : int in [2, 2048], default 16
        Links per node on the upper levels; level 0 keeps up to 2M. Larger M:
        higher recall at a given ef_search, more memory, slower build.
    ef_construction : int >= 1, default 200
        Beam width while inserting nodes.
    ef_search : int >= 1, default 50
        Beam width of a query; must be >= the number of neighbours asked for.
        May be changed with set_params after fitting (no rebuild). With
        ef_search >= n_samples the search visits every node reachable from
        the entry point, which on ordinary data is every node: results are then
        exact.
    n_jobs : int or None
        Threads for building (nodes are inserted concurrently) and for queries
        (answered in parallel). None: fastml.set_num_threads.
    verbose : int, default 0
        1: a progress bar over the inserted points while building (see
        fastml.utils._progress); 0: silent.
    random_state : None, int or RandomState
        Seeds the node levels. With one thread (n_jobs=1) the graph, and so
        every answer, depends only on the data, the parameters and this seed;
        with several threads insertions interleave and the graph (not its
        quality) varies from run to run.

    Unlike the exact estimators, results are approximate: recall@10 on
    clustered data is ~0.98 at the default ef_search (see
    benchmarks/bench_hnsw.py). Rows are sorted by (distance, index); a query
    whose walk reached fewer than k nodes (only possible on a disconnected
    graph) gets its row by exact brute force.

    Attributes
    ----------
    n_samples_fit_ : int
        Points in the index (fit plus every add).
    n_features_in_ : int
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [StrOptions({"euclidean", "sqeuclidean", "cosine", "ip"})],
        "M": [Interval(numbers.Integral, 2, MAX_M, closed="both")],
        "ef_construction": [Interval(numbers.Integral, 1, None, closed="left")],
        "ef_search": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_jobs": ["n_jobs"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, n_neighbors=5, *, metric="euclidean", M=16, ef_construction=200,
                 ef_search=50, n_jobs=None, random_state=None, verbose=0):
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.M = M
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # ---- building ----------------------------------------------------------------------
    def fit(self, X, y=None):
        """Build the index over the rows of X (float32 stays float32)."""
        self._validate_params()
        X = self._validate_data(X)
        self._check_ef(self.n_neighbors)
        for name in ("n_samples_fit_", "_graph"):  # a failed refit leaves it unfitted
            self.__dict__.pop(name, None)
        self.effective_metric_ = self.metric
        self._kind = "ip" if self.metric in ("cosine", "ip") else "l2"
        self._rng = check_random_state(self.random_state)
        self._exp = 0  # euclidean data is stored divided by 2**_exp (see _prepare)
        graph = _hn.new_graph(X.shape[1], self.M, X.dtype, self._kind)
        self._insert(graph, X)
        self._graph = graph
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_graph") and hasattr(self, "n_samples_fit_")

    def add(self, X):
        """Insert the rows of X (incremental; their indices continue from
        n_samples_fit_). Returns self."""
        self._check_is_fitted()
        X = check_query(X, self._graph["dtype"], self._graph["d"], estimator=self)
        self._insert(self._graph, X)
        return self

    def _insert(self, graph, X):
        n, m = graph["n"], X.shape[0]
        if n + m > MAX_NODES:
            raise ValueError(f"HNSW holds at most {MAX_NODES} points; adding {m} to {n} "
                             f"exceeds it.")
        validate_parameter_constraints(
            {"ef_construction": self._parameter_constraints["ef_construction"]},
            {"ef_construction": self.ef_construction}, "HNSW")
        levels = _hn.draw_levels(self._rng, m, graph["M"])
        efc = min(int(self.ef_construction), n + m)
        Xp = self._prepare(X, graph, grow=True)
        # verbose: insert in 100 slices to report progress (the same insertion
        # order, so the same graph with one thread)
        step = max(1, m if not self.verbose else -(-m // 100))
        with threads_scope(self.n_jobs), progress(m, "HNSW build", self.verbose) as bar:
            for a in range(0, m, step):
                _hn.add(graph, Xp[a:a + step], levels[a:a + step], efc, repair=step == m)
                bar.update(min(step, m - a))
            if step < m:
                _hn.repair(graph, efc)
        self.n_samples_fit_ = graph["n"]

    def _prepare(self, X, graph, grow=False):
        """Rows as the graph stores them: C-contiguous in its dtype; for cosine
        normalised (zero rows stay zero); for the euclidean metrics divided by
        2**_exp, a power of two (exact) that keeps sums of d squares finite and
        above underflow (see _kernels/_magnitude.py). With grow (fit, add) the
        index is rescaled first when X would leave that range."""
        dtype = graph["dtype"]
        X = np.asarray(X)
        if self.effective_metric_ == "cosine":
            X = np.ldexp(X, -_magnitude.row_exponents(X)[:, None])  # no overflow in the norm
            norms = np.sqrt(np.einsum("ij,ij->i", X, X, dtype=np.float64))
            norms[norms == 0] = 1.0
            return np.ascontiguousarray(X / norms[:, None], dtype=dtype)
        if self._kind == "l2" and X.size:
            mag = _magnitude.absmax(X)
            lo, hi = _magnitude.safe_range(dtype, X.shape[1])
            if grow and graph["n"] == 0 and mag and not lo <= mag <= hi:
                self._exp = (math.ceil(math.log2(mag / hi)) if mag > hi
                             else int(np.frexp(mag)[1]))
            elif grow and mag and math.log2(mag) - self._exp > math.log2(hi):
                e = self._exp + math.ceil(math.log2(mag) - self._exp - math.log2(hi))
                V = _hn.vectors(graph)
                V[:] = np.ldexp(V, self._exp - e)  # exact but for underflow of tiny values
                self._exp = e
            if self._exp:
                X = np.ldexp(X, -self._exp)
        return np.ascontiguousarray(X, dtype=dtype)

    # ---- queries -----------------------------------------------------------------------
    def _check_ef(self, k):
        validate_parameter_constraints(_EF, {"ef_search": self.ef_search}, "HNSW")
        if self.ef_search < k:
            raise ValueError(f"ef_search={self.ef_search} must be >= n_neighbors={k}: a "
                             f"query keeps ef_search candidates. Raise it with "
                             f"set_params(ef_search=...) (no rebuild needed) or ask for "
                             f"fewer neighbours.")

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Approximate k nearest indexed points of each query.

        X=None queries the indexed points themselves, each excluding itself
        (as scikit-learn does). Returns (dist, ind) of shape (n_queries, k), or
        ind alone; rows are ordered by (distance, index). Distances are the
        metric's (euclidean: the square root of the squared distance).
        """
        self._check_is_fitted()
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        k = check_k(k, "HNSW.kneighbors", name="n_neighbors")
        self._check_ef(k)
        return self._kneighbors(X, k, self.ef_search, return_distance)

    def _kneighbors(self, X, k, ef, return_distance=True):
        """kneighbors with a given beam width (raised to k when smaller)."""
        g = self._graph
        query_is_train = X is None
        if query_is_train:
            Q = np.ascontiguousarray(_hn.vectors(g))
            k += 1
        else:
            Xq = check_query(X, g["dtype"], g["d"], estimator=self)
            Q = self._prepare(Xq, g)
        n = g["n"]
        if k > n:
            raise ValueError(f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {k}, "
                             f"n_samples_fit = {n}, n_samples = {Q.shape[0]}")
        ef = min(max(int(ef), k), n)
        with threads_scope(self.n_jobs):
            dist, ind = _hn.search(g, Q, k, ef)
        short = np.flatnonzero(ind[:, -1] < 0)
        if short.size:
            dist[short], ind[short] = self._exact(Q[short], k)
        far, far_e = None, None
        if self._kind == "l2" and Q.size:  # queries beyond the index's safe range: exact
            hi = _magnitude.safe_range(g["dtype"], g["d"])[1]
            far = np.flatnonzero(np.abs(Q).max(axis=1) > hi)
            if far.size:
                V = np.ascontiguousarray(_hn.vectors(g))
                # euclidean distances (their squares may not be representable in
                # the dtype); the metric's units are restored below
                ed, ind[far] = _kb.brute_knn(V, np.ascontiguousarray(Q[far]), k, "euclidean")
                far_e = np.asarray(ed, dtype=np.float64)
                with np.errstate(over="ignore"):
                    dist[far] = far_e ** 2
        if query_is_train:
            nq = Q.shape[0]
            keep = ind != np.arange(nq)[:, None]
            absent = keep.all(axis=1)  # self not among the k + 1: drop the farthest
            keep[absent, -1] = False
            ind = ind[keep].reshape(nq, k - 1)
            dist = dist[keep].reshape(nq, k - 1)
        dist = self._metric_distance(dist)
        if far_e is not None and far.size:
            e = self._exp
            with np.errstate(over="ignore"):
                if self.effective_metric_ == "euclidean":
                    dist[far] = np.ldexp(far_e, e)
                else:  # sqeuclidean: inf when the square leaves the dtype's range
                    dist[far] = np.ldexp(far_e ** 2, 2 * e)
        if self._kind == "l2" and self._exp and len(ind) and return_distance:
            dist, ind = self._rescaled_distances(None if query_is_train else Xq, ind, dist.dtype)
        return (dist, ind) if return_distance else ind

    def _rescaled_distances(self, Xq, ind, dtype):
        """The found neighbours' distances recomputed in float64 from the query
        at its own scale (Xq; None: the indexed rows themselves). The index holds
        rows divided by 2**_exp, where a difference far below the largest value
        underflows (a neighbour 1e-3 away in float32 data that also holds 3e38
        read as 0). Rows are re-sorted by (distance, index)."""
        e = self._exp
        V = _hn.vectors(self._graph)
        dist = np.empty(ind.shape, dtype=np.float64)
        step = max(1, (1 << 22) // max(1, ind.shape[1] * V.shape[1]))
        for i in range(0, len(ind), step):
            rows = slice(i, i + step)
            q = (np.asarray(V[rows], dtype=np.float64) if Xq is None
                 else np.ldexp(np.asarray(Xq[rows], dtype=np.float64), -e))
            diff = q[:, None, :] - np.asarray(V[ind[rows]], dtype=np.float64)
            dist[rows] = np.einsum("ijk,ijk->ij", diff, diff)
        with np.errstate(over="ignore"):
            if self.effective_metric_ == "euclidean":
                dist = np.ldexp(np.sqrt(dist), e)
            else:  # sqeuclidean
                dist = np.ldexp(dist, 2 * e)
        order = np.lexsort((ind, dist), axis=1)
        ind = np.take_along_axis(ind, order, axis=1)
        with np.errstate(over="ignore"):
            return np.take_along_axis(dist, order, axis=1).astype(dtype), ind

    def _exact(self, Q, k):
        """(graph distance, index) by brute force, rows by (distance, index)."""
        V = np.asarray(_hn.vectors(self._graph), dtype=np.float64)
        Qd = Q.astype(np.float64)
        if self._kind == "ip":
            D = 1.0 - Qd @ V.T
        else:
            D = ((Qd[:, None, :] - V[None, :, :]) ** 2).sum(axis=2)
        idx = np.arange(V.shape[0])
        order = np.lexsort((np.broadcast_to(idx, D.shape), D), axis=1)[:, :k]
        return np.take_along_axis(D, order, 1).astype(self._graph["dtype"]), order

    def _metric_distance(self, dist):
        e = self._exp
        with np.errstate(over="ignore"):
            if self.effective_metric_ == "euclidean":
                dist = np.sqrt(np.maximum(dist, 0, out=dist), out=dist)
                return np.ldexp(dist, e).astype(dist.dtype, copy=False) if e else dist
            if self.effective_metric_ == "sqeuclidean":
                dist = np.maximum(dist, 0, out=dist)
                return np.ldexp(dist, 2 * e).astype(dist.dtype, copy=False) if e else dist
        if self.effective_metric_ == "cosine":
            return np.clip(dist, 0, 2, out=dist)
        return dist

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """k-nearest-neighbour graph as a scipy.sparse CSR matrix of shape
        (n_queries, n_samples_fit_): ones (mode="connectivity") or distances
        (mode="distance") at each query's neighbours, in kneighbors order.
        X=None uses the indexed points, each excluding itself."""
        self._check_is_fitted()
        check_mode(mode)
        dist, ind = self.kneighbors(X, n_neighbors)
        nq, k = ind.shape
        data = np.ones(nq * k) if mode == "connectivity" else dist.ravel()
        indptr = np.arange(0, nq * k + 1, k, dtype=np.int64)
        from scipy.sparse import csr_array, csr_matrix

        return csr_matrix(csr_array((data, ind.ravel(), indptr),
                                    shape=(nq, self.n_samples_fit_)))

    def index_nbytes(self):
        """Bytes held by the index's arrays (vectors, links, levels)."""
        self._check_is_fitted()
        return _hn.graph_nbytes(self._graph)

    # ---- pickling ----------------------------------------------------------------------
    def __getstate__(self):
        state = dict(self.__dict__)
        if "_graph" in state:
            state["_graph"] = graph_state(self._graph)
        return state

    def __setstate__(self, state):
        if not isinstance(state, dict):
            raise ValueError("Invalid pickled state of HNSW: not a dict.")
        state = dict(state)
        if "_graph" in state:  # every array reaches C on the next query: check it here
            state["_graph"] = check_graph_state(state["_graph"])
            if state.get("n_samples_fit_") != state["_graph"]["n"]:
                raise ValueError("Invalid pickled state of HNSW: n_samples_fit_ does not "
                                 "match the graph.")
            kind = state["_graph"]["metric"]
            if state.get("_kind") != kind or \
                    state.get("effective_metric_") not in {"l2": ("euclidean", "sqeuclidean"),
                                                           "ip": ("cosine", "ip")}[kind]:
                raise ValueError("Invalid pickled state of HNSW: the metric does not match "
                                 "the graph.")
            e = state.get("_exp")
            if isinstance(e, bool) or not isinstance(e, numbers.Integral) or abs(e) > 2200:
                raise ValueError(f"Invalid pickled state of HNSW: _exp must be an int in "
                                 f"[-2200, 2200], got {e!r}.")
        self.__dict__.update(state)



def fit_index(est, X, metric):
    """The HNSW index behind algorithm="hnsw" of the KNN estimators, built from
    their n_neighbors, n_jobs and algorithm_params (M, ef_construction,
    ef_search, random_state)."""
    if metric not in ("euclidean", "sqeuclidean"):
        raise ValueError(f"algorithm='hnsw' supports the euclidean (minkowski with p=2) and "
                         f"sqeuclidean metrics, got metric={est.metric!r}.")
    params = dict(est.algorithm_params or {})
    unknown = sorted(set(params) - {"M", "ef_construction", "ef_search", "random_state"})
    if unknown:
        raise ValueError(f"algorithm_params has unknown keys {unknown}: expected some of "
                         f"M, ef_construction, ef_search, random_state.")
    params.setdefault("ef_search", max(50, est.n_neighbors))
    return HNSW(n_neighbors=est.n_neighbors, metric=metric, n_jobs=est.n_jobs,
                **params).fit(X)


def query_index(index, X, k):
    """(dist, ind) from an index built by fit_index; its ef_search is raised
    to k when smaller (KNN estimators ask for any k up to n_samples)."""
    if not isinstance(index, HNSW) or not index.__sklearn_is_fitted__():
        raise ValueError("the estimator's HNSW index is missing or not fitted.")
    return index._kneighbors(X, k, index.ef_search)
