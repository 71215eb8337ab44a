"""fastml.neighbors.LSH: locality-sensitive hashing, the teaching baseline for
approximate nearest neighbours (HNSW is the fast method).

Two families, each hashing a row with ``n_bits`` functions per table into one
bucket key, over ``n_tables`` independent tables:

* cosine: random hyperplanes (sign of r . x, Charikar 2002): two rows at angle
  t collide on one function with probability 1 - t / pi;
* euclidean / sqeuclidean: p-stable projections floor((a . x + b) / w) with
  Gaussian a and b uniform in [0, w) (Datar et al. 2004): collision
  probability falls with distance / w.

A query's candidates are the rows sharing its bucket in any table; they are
ranked by their exact distance. A query with fewer than k candidates is
answered by exact brute force (so every row has k neighbours). Pure NumPy:
tables are sorted key arrays searched with searchsorted.
"""
import numbers

import numpy as np

from ..base import BaseEstimator
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_random_state
from ._validation import check_k, check_mode, check_query

__all__ = ["LSH"]

_MIX = np.uint64(0x9E3779B97F4A7C15)


class LSH(BaseEstimator):
    """Approximate nearest neighbours by locality-sensitive hashing.

    Parameters
    ----------
    n_neighbors : int, default 5
    metric : {"euclidean", "sqeuclidean", "cosine"}, default "euclidean"
    n_tables : int >= 1, default 16
        Independent hash tables; more raise recall and cost.
    n_bits : int in [1, 64], default 10
        Hash functions per table; more make buckets smaller (fewer, closer
        candidates).
    bucket_width : float > 0 or None, default None
        w of the p-stable hashes (euclidean); None: 4 x the median distance
        from a sample of rows to their nearest sampled row.
    random_state : None, int or RandomState
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [StrOptions({"euclidean", "sqeuclidean", "cosine"})],
        "n_tables": [Interval(numbers.Integral, 1, 1024, closed="both")],
        "n_bits": [Interval(numbers.Integral, 1, 64, closed="both")],
        "bucket_width": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, n_neighbors=5, *, metric="euclidean", n_tables=16, n_bits=10,
                 bucket_width=None, random_state=None):
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.n_tables = n_tables
        self.n_bits = n_bits
        self.bucket_width = bucket_width
        self.random_state = random_state

    def fit(self, X, y=None):
        """Draw the hash functions and hash the rows of X."""
        self._validate_params()
        X = self._validate_data(X)
        rng = check_random_state(self.random_state)
        L, b, d = self.n_tables, self.n_bits, X.shape[1]
        self._planes = rng.standard_normal((d, L * b))
        self._width = 1.0
        if self.metric != "cosine":
            self._width = float(self.bucket_width or self._auto_width(X, rng))
            self._offsets = rng.uniform(0, self._width, L * b)
        draw = rng.integers if hasattr(rng, "integers") else rng.randint
        self._mult = (draw(1, 2**62, size=b, dtype=np.int64).astype(np.uint64)
                      * np.uint64(2) + np.uint64(1))  # odd multipliers mix the b hashes
        self._X = np.empty((0, d), dtype=X.dtype)
        self._keys = np.empty((L, 0), dtype=np.uint64)
        self._order = np.empty((L, 0), dtype=np.int64)
        self._store(X)
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_keys") and hasattr(self, "n_samples_fit_")

    def add(self, X):
        """Hash and store more rows (indices continue from n_samples_fit_)."""
        self._check_is_fitted()
        self._store(check_query(X, self._X.dtype, self._X.shape[1], estimator=self))
        return self

    @staticmethod
    def _auto_width(X, rng):
        S = X[rng.choice(X.shape[0], min(X.shape[0], 1000), replace=False)].astype(np.float64)
        if S.shape[0] < 2:
            return 1.0
        D = ((S[:, None] - S[None]) ** 2).sum(-1)
        np.fill_diagonal(D, np.inf)
        r = float(np.median(np.sqrt(D.min(axis=1))))
        return 4.0 * r if r > 0 else 1.0

    def _unit(self, X):
        X = X.astype(np.float64)
        if self.metric == "cosine":
            n = np.linalg.norm(X, axis=1, keepdims=True)
            X = X / np.where(n == 0, 1.0, n)
        return X

    def _hash(self, X):
        """(n_tables, len(X)) uint64 bucket keys."""
        P = self._unit(X) @ self._planes  # (n, L * b)
        if self.metric == "cosine":
            h = (P > 0).astype(np.uint64)
        else:
            h = np.floor((P + self._offsets) / self._width).astype(np.int64).view(np.uint64)
        h = h.reshape(X.shape[0], self.n_tables, self.n_bits)
        with np.errstate(over="ignore"):
            keys = (h * self._mult).sum(axis=2, dtype=np.uint64) * _MIX
        return np.ascontiguousarray(keys.T)

    def _store(self, X):
        self._X = np.concatenate([self._X, X])
        self._keys = np.concatenate([self._keys[np.arange(self.n_tables)[:, None],
                                                self._order.argsort(axis=1)]
                                     if self._keys.size else self._keys, self._hash(X)], axis=1)
        self._order = np.argsort(self._keys, axis=1, kind="stable")
        self._keys = np.take_along_axis(self._keys, self._order, 1)
        self.n_samples_fit_ = self._X.shape[0]

    def _distances(self, Q, idx):
        C = self._X[idx].astype(np.float64)
        if self.metric == "cosine":
            return 1.0 - self._unit(C) @ self._unit(Q[None])[0]
        dd = ((C - Q.astype(np.float64)) ** 2).sum(axis=1)
        return np.sqrt(dd) if self.metric == "euclidean" else dd

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Approximate k nearest stored rows of each query, rows sorted by
        (distance, index); X=None queries the stored rows, excluding each."""
        self._check_is_fitted()
        k = check_k(self.n_neighbors if n_neighbors is None else n_neighbors,
                    "LSH.kneighbors", name="n_neighbors")
        train = X is None
        Q = self._X if train else check_query(X, self._X.dtype, self._X.shape[1], estimator=self)
        n = self.n_samples_fit_
        if k + train > n:
            raise ValueError(f"Expected n_neighbors <= n_samples_fit, but n_neighbors = "
                             f"{k + train}, n_samples_fit = {n}, n_samples = {Q.shape[0]}")
        keys = self._hash(Q)
        dist = np.empty((Q.shape[0], k), dtype=self._X.dtype)
        ind = np.empty((Q.shape[0], k), dtype=np.int64)
        for i in range(Q.shape[0]):
            parts = []
            for t in range(self.n_tables):
                lo, hi = np.searchsorted(self._keys[t], keys[t, i], side="left"), \
                    np.searchsorted(self._keys[t], keys[t, i], side="right")
                parts.append(self._order[t, lo:hi])
            cand = np.unique(np.concatenate(parts))
            if train:
                cand = cand[cand != i]
            if cand.size < k:  # too few collisions: exact
                cand = np.arange(n) if not train else np.delete(np.arange(n), i)
            dc = self._distances(Q[i], cand)
            top = np.lexsort((cand, dc))[:k]
            dist[i], ind[i] = np.maximum(dc[top], 0) if self.metric == "cosine" else dc[top], \
                cand[top]
        return (dist, ind) if return_distance else ind

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """CSR graph of kneighbors, as HNSW.kneighbors_graph."""
        self._check_is_fitted()
        check_mode(mode)
        dist, ind = self.kneighbors(X, n_neighbors)
        nq, k = ind.shape
        data = np.ones(nq * k) if mode == "connectivity" else dist.ravel()
        from scipy.sparse import csr_array, csr_matrix

        return csr_matrix(csr_array((data, ind.ravel(), np.arange(0, nq * k + 1, k)),
                                    shape=(nq, self.n_samples_fit_)))
