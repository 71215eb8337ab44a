"""Distributed k-means: k-means|| initialisation (Bahmani et al., "Scalable
K-Means++", VLDB 2012) and Lloyd iterations whose per-partition work is
fastml's compiled Lloyd step (fastml._kernels.kmeans.lloyd_step: nearest
centre, per-cluster float64 sums and weights, inertia, in one pass).

Each iteration is one pass over the persisted partitions: every partition
returns (sums, weights, inertia) and its k farthest rows (for empty-cluster
relocation); a tree reduction adds them; the driver updates the centres
exactly as fastml.cluster.KMeans does (empty clusters take the globally
farthest rows, largest distance first, lowest row on ties; stop when the
squared centre shift is <= tol * mean feature variance). From the same
initial centres the result is single-machine fastml's up to the order of the
float64 partial sums (inertia equal to ~1e-12 relative).
"""
import functools
import numbers
import warnings

import numpy as np

import dask
import dask.array as da
from dask import delayed

from .._kernels import kmeans as _kk
from ..cluster import KMeans as _KMeans
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_array, check_random_state
from ._utils import (PostFitMixin, align_weights, as_dask_array, blocks, feature_names,
                     is_dask_collection, row_offsets, tree_reduce)


_PLUSPLUS_SAMPLE = 100_000  # default init_sample_size of init="k-means++"


def _prep(Xb, swb, offset):
    Xb = np.ascontiguousarray(check_array(np.asarray(Xb), dtype=(np.float64, np.float32),
                                          ensure_min_samples=0))
    sw = None
    if swb is not None:
        sw = np.ascontiguousarray(np.asarray(swb), dtype=Xb.dtype)
        if not np.all(np.isfinite(sw)) or (sw < 0).any():
            raise ValueError("sample_weight must be finite and non-negative.")
    return Xb, sw, int(offset)


def _moments(part):
    """(weight, mean, M2) of the partition's columns (float64)."""
    X, _, _ = part
    if X.shape[0] == 0:
        return 0.0, np.zeros(X.shape[1]), np.zeros(X.shape[1])
    m = X.mean(axis=0, dtype=np.float64)
    return float(X.shape[0]), m, ((X - m) ** 2).sum(axis=0, dtype=np.float64)


def _merge_moments(parts):
    n, m, M2 = parts[0]
    for n2, m2, M22 in parts[1:]:
        if n2 == 0:
            continue
        tot = n + n2
        d = m2 - m
        m = m + d * (n2 / tot)
        M2 = M2 + M22 + d * d * (n * n2 / tot)
        n = tot
    return n, m, M2


def _step(part, C, n_far):
    """Lloyd step of one partition: (sums, wsum, inertia, far) where far =
    (mind, global row, row values float64, label, weight) of its n_far
    farthest rows by (-distance, row)."""
    X, sw, off = part
    k, d = C.shape
    if X.shape[0] == 0:
        e = np.empty(0)
        return (np.zeros((k, d)), np.zeros(k), 0.0,
                (e, np.empty(0, np.int64), np.empty((0, d)), np.empty(0, np.int32), e))
    labels, mind, inertia, sums, wsum = _kk.lloyd_step(X, np.ascontiguousarray(C, X.dtype),
                                                       sw, update=True)
    m = mind.astype(np.float64)
    top = _farthest(m, n_far)
    far = (m[top], top.astype(np.int64) + off, X[top].astype(np.float64), labels[top],
           np.ones(top.size) if sw is None else sw[top].astype(np.float64))
    return sums, wsum, float(inertia), far


def _farthest(m, n_far):
    """Indices of the n_far largest values of m by (-value, index), in that
    order: a linear-time selection of the candidates (every value >= the
    n_far-th largest, ties included) and a sort of those only."""
    if n_far < m.size:
        kth = np.partition(m, m.size - n_far)[m.size - n_far]
        cand = np.flatnonzero(m >= kth)
    else:
        cand = np.arange(m.size)
    return cand[np.lexsort((cand, -m[cand]))[:n_far]]


def _merge_steps(parts, n_far):
    sums = parts[0][0].copy()
    wsum = parts[0][1].copy()
    inertia = parts[0][2]
    for p in parts[1:]:
        sums += p[0]
        wsum += p[1]
        inertia += p[2]
    far = [np.concatenate([p[3][i] for p in parts]) for i in range(5)]
    top = np.lexsort((far[1], -far[0]))[:n_far]
    return sums, wsum, inertia, tuple(f[top] for f in far)


def _assign(part, C):
    X, sw, _ = part
    if X.shape[0] == 0:
        return np.empty(0, np.int32), 0.0
    labels, _, inertia, _, _ = _kk.lloyd_step(X, np.ascontiguousarray(C, X.dtype), sw,
                                              update=False)
    return labels, float(inertia)


def _cost(part, C):
    return _assign(part, C)[1]


def _sample(part, C, ell, phi, seed):
    """k-means|| draw: each row independently with probability
    min(1, ell * w * d^2(x, C) / phi)."""
    X, sw, _ = part
    if X.shape[0] == 0:
        return np.empty((0, X.shape[1]), dtype=X.dtype)
    _, mind, _, _, _ = _kk.lloyd_step(X, np.ascontiguousarray(C, X.dtype), sw, update=False)
    w = mind.astype(np.float64) * (1.0 if sw is None else sw)
    u = np.random.default_rng(seed).random(X.shape[0])
    return X[u < ell * w / phi]


def _candidate_weights(part, C):
    X, sw, _ = part
    if X.shape[0] == 0:
        return np.zeros(C.shape[0])
    return _kk.lloyd_step(X, np.ascontiguousarray(C, X.dtype), sw, update=True)[4]


def _add(parts):
    return functools.reduce(np.add, parts)


class KMeans(PostFitMixin, _KMeans):
    """fastml.cluster.KMeans over a dask array / DataFrame partitioned by rows.

    init: "k-means||" (default; scalable k-means++: `init_max_iter` rounds
    -- default 5 -- each drawing about oversampling_factor * n_clusters rows
    with probability proportional to their weighted squared distance, then the
    candidates, weighted by the rows they attract, are reduced to n_clusters
    by fastml's weighted k-means++ + Lloyd), "k-means++" (fastml's compiled
    greedy k-means++, fastml.cluster.kmeans_plusplus, on rows gathered to the
    client: all of them when n_samples <= init_sample_size -- then the centres
    are exactly single-machine fastml's for the same random_state -- else
    init_sample_size distinct rows drawn uniformly, with their sample weights;
    default init_sample_size 100_000), "random" (n_clusters distinct rows
    drawn uniformly) or an array (n_clusters, n_features). Lloyd: see the
    module docstring. labels_ is a dask array (one block per partition) when X
    is a dask collection. predict / transform / score run blockwise.
    """

    _parameter_constraints = {
        **_KMeans._parameter_constraints,
        "init": [StrOptions({"k-means||", "k-means++", "random"}), "array-like"],
        "init_sample_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "oversampling_factor": [Interval(numbers.Real, 0, None, closed="neither")],
        "init_max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
    }

    def __init__(self, n_clusters=8, *, init="k-means||", n_init=1, max_iter=300, tol=1e-4,
                 verbose=0, random_state=None, copy_x=True, algorithm="lloyd",
                 oversampling_factor=2, init_max_iter=None, init_sample_size=None):
        super().__init__(n_clusters, init=init, n_init=n_init, max_iter=max_iter, tol=tol,
                         verbose=verbose, random_state=random_state, copy_x=copy_x,
                         algorithm=algorithm)
        self.oversampling_factor = oversampling_factor
        self.init_max_iter = init_max_iter
        self.init_sample_size = init_sample_size

    # ---- fit ------------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        names = feature_names(X)
        lazy = is_dask_collection(X)
        Xd = as_dask_array(X, "X")
        n, d = Xd.shape
        k = self.n_clusters
        if n < k:
            raise ValueError(f"n_samples={n} should be >= n_clusters={k}.")
        sw = align_weights(sample_weight, Xd)
        off = row_offsets(Xd)
        swb = [None] * (len(off) - 1) if sw is None else blocks(sw)
        prep = delayed(_prep, pure=True)
        parts = list(dask.persist(*[prep(xb, s, int(o))
                                    for xb, s, o in zip(blocks(Xd), swb, off[:-1])]))
        self._parts = parts
        dtype = np.float32 if Xd.dtype == np.float32 else np.float64
        self._dtype = dtype
        w, _, M2 = tree_reduce([delayed(_moments)(p) for p in parts], _merge_moments).compute()
        tol = float(np.mean(M2 / w)) * self.tol if self.tol else 0.0
        rng = check_random_state(self.random_state)
        n_init = 1 if not isinstance(self.init, str) else \
            (1 if self.n_init == "auto" else int(self.n_init))
        best = None
        for _ in range(n_init):
            C0 = self._initial_centers(Xd, sw, parts, rng, n, d, dtype)
            C, inertia, n_iter = self._lloyd(parts, C0, tol, dtype)
            if best is None or inertia < best[1]:
                best = (C, inertia, n_iter)
        C, inertia, self.n_iter_ = best
        self.cluster_centers_ = C
        self.inertia_ = float(inertia)
        res = [delayed(_assign, pure=True)(p, C) for p in parts]
        labels = [da.from_delayed(r[0], shape=(s,), dtype=np.int32)
                  for r, s in zip(res, Xd.chunks[0])]
        labels = da.concatenate(labels) if len(labels) > 1 else labels[0]
        self.labels_ = labels.persist() if lazy else labels.compute()
        self.n_features_in_ = int(d)
        if names is not None:
            self.feature_names_in_ = names
        self._n_features_out = k
        del self._parts
        if self.n_iter_ == self.max_iter and tol > 0:
            warnings.warn(f"KMeans did not converge in max_iter={self.max_iter} iterations.",
                          ConvergenceWarning, stacklevel=2)
        return self

    def _initial_centers(self, Xd, sw, parts, rng, n, d, dtype):
        init, k = self.init, self.n_clusters
        if not isinstance(init, str):
            C = np.asarray(init, dtype=dtype)
            if C.shape != (k, d):
                raise ValueError(f"The shape of the initial centers {C.shape} does not match "
                                 f"the number of clusters {k} and features {d}: expected "
                                 f"({k}, {d}).")
            if not np.all(np.isfinite(C)):
                raise ValueError("init contains NaN or infinity.")
            return np.ascontiguousarray(C)
        if init == "random":
            idx = np.sort(rng.choice(n, size=k, replace=False))
            return np.ascontiguousarray(Xd[idx].compute(), dtype=dtype)
        if init == "k-means++":
            return self._kmeans_plusplus(Xd, sw, rng, n, dtype)
        return self._kmeans_parallel(Xd, parts, rng, n, dtype)

    def _kmeans_plusplus(self, Xd, sw, rng, n, dtype):
        """Compiled k-means++ on rows gathered to the client (all rows, in
        order, when n <= init_sample_size: single-machine fastml's draw)."""
        from ..cluster import kmeans_plusplus

        m = _PLUSPLUS_SAMPLE if self.init_sample_size is None else int(self.init_sample_size)
        k = self.n_clusters
        if m < k:
            raise ValueError(f"init_sample_size={m} should be >= n_clusters={k}.")
        if n <= m:
            S, w = Xd, sw
        else:
            idx = np.sort(rng.choice(n, size=m, replace=False))
            S, w = Xd[idx], None if sw is None else sw[idx]
        S, w = dask.compute(S, w)
        S = np.ascontiguousarray(S, dtype=dtype)
        if w is not None and not w.sum() > 0:  # the sample holds only zero weights
            w = None
        return np.ascontiguousarray(kmeans_plusplus(S, k, sample_weight=w,
                                                    random_state=rng)[0], dtype=dtype)

    def _kmeans_parallel(self, Xd, parts, rng, n, dtype):
        """k-means|| (see the class docstring)."""
        k = self.n_clusters
        C = np.ascontiguousarray(Xd[int(rng.randint(n))].compute(), dtype=dtype)[None, :]
        ell = float(self.oversampling_factor) * k
        rounds = 5 if self.init_max_iter is None else int(self.init_max_iter)
        seeds = rng.randint(0, 2 ** 31 - 1, size=(rounds, len(parts)))
        for r in range(rounds):
            phi = tree_reduce([delayed(_cost)(p, C) for p in parts], sum).compute()
            if not phi > 0:
                break
            new = dask.compute(*[delayed(_sample)(p, C, ell, phi, int(s))
                                 for p, s in zip(parts, seeds[r])])
            C = np.concatenate([C] + list(new)).astype(dtype)
        w = tree_reduce([delayed(_candidate_weights)(p, C) for p in parts], _add).compute()
        keep = w > 0
        C, w = C[keep], w[keep]
        if C.shape[0] <= k:  # too few candidates: top up with distinct random rows
            extra = np.sort(rng.choice(n, size=k, replace=False))
            C = np.concatenate([C, np.asarray(Xd[extra].compute(), dtype=dtype)])[:k]
            return np.ascontiguousarray(C)
        local = _KMeans(n_clusters=k, init="k-means++", n_init=1,
                        random_state=int(rng.randint(2 ** 31 - 1)))
        return np.ascontiguousarray(local.fit(C, sample_weight=w).cluster_centers_,
                                    dtype=dtype)

    def _lloyd(self, parts, centers, tol, dtype):
        k = self.n_clusters
        C = np.array(centers, dtype=dtype, copy=True)
        step = delayed(_step, pure=True)
        merge = functools.partial(_merge_steps, n_far=k)
        it = 0
        for it in range(self.max_iter):
            sums, wsum, inertia, far = tree_reduce([step(p, C, k) for p in parts],
                                                   merge).compute()
            if self.verbose:
                print(f"Iteration {it}, inertia {inertia}.")
            _relocate(sums, wsum, far)
            nz = wsum > 0
            new = C.astype(np.float64)
            new[nz] = sums[nz] / wsum[nz, None]
            new = new.astype(dtype)
            shift = float(((new.astype(np.float64) - C) ** 2).sum())
            C = new
            if shift <= tol:
                break
        final = tree_reduce([delayed(_cost)(p, C) for p in parts], sum).compute()
        return C, float(final), it + 1

    # ---- blockwise methods --------------------------------------------------------
    def transform(self, X):
        return self._blockwise("transform", X)

    def fit_predict(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).labels_

    def fit_transform(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None):
        if not is_dask_collection(X):
            return super().score(X, sample_weight=sample_weight)
        Xd = as_dask_array(X)
        sw = align_weights(sample_weight, Xd)
        swb = [None] * len(Xd.chunks[0]) if sw is None else blocks(sw)
        C = self.cluster_centers_
        parts = [delayed(_prep)(xb, s, 0) for xb, s in zip(blocks(Xd), swb)]
        return -float(tree_reduce([delayed(_cost)(p, C) for p in parts], sum).compute())


def _relocate(sums, wsum, far):
    """Empty clusters (in increasing order) take the globally farthest rows,
    as fastml.cluster's loops do (sums and wsum updated in place)."""
    empty = np.flatnonzero(wsum == 0)
    mind, _, rows, labels, weights = far
    if empty.size == 0 or mind.size == 0 or not (mind.max() > 0):
        return
    for j, new in enumerate(empty[:mind.size]):
        w, x = weights[j], rows[j]
        sums[labels[j]] -= w * x
        wsum[labels[j]] -= w
        sums[new] = w * x
        wsum[new] = w

