"""MeanShift with a flat kernel, on fastml's k-d tree.

scikit-learn's procedure (seeds, stopping rule, duplicate removal, labels),
with the hill climbing done for all seeds at once: every round is one
threaded radius query of the k-d tree for the seeds still moving, and the
new means are segment sums of the neighbours found. A seed's neighbours come
back in the tree's order, so seeds that reach the same window reach the same
mean bit for bit and are merged as scikit-learn merges them.
"""
import numbers
import warnings

import numpy as np

from .._config import threads_scope
from .._kernels import kdtree as _kt
from ..base import BaseEstimator, ClusterMixin
from ..neighbors import KDTree
from ..utils._param_validation import Interval, validate_parameter_constraints
from ..utils._state import state_array
from ..utils.validation import check_array, check_is_fitted, check_random_state

__all__ = ["MeanShift", "estimate_bandwidth", "get_bin_seeds", "mean_shift"]

_SEEDS_PER_QUERY = 4096


def estimate_bandwidth(X, *, quantile=0.3, n_samples=None, random_state=0, n_jobs=None):
    """Mean distance from each point to its int(quantile * n)-th nearest point
    (itself included), on n_samples randomly chosen rows if given; a float64
    scalar whatever X's dtype. Time is about quadratic in the number of rows
    used: subsample large data."""
    validate_parameter_constraints(
        {"quantile": [Interval(numbers.Real, 0, 1, closed="both")],
         "n_samples": [Interval(numbers.Integral, 1, None, closed="left"), None],
         "random_state": ["random_state"],
         "n_jobs": [numbers.Integral, None]},
        {"quantile": quantile, "n_samples": n_samples, "random_state": random_state,
         "n_jobs": n_jobs}, "estimate_bandwidth")
    X = check_array(X)
    rng = check_random_state(random_state)
    if n_samples is not None:
        X = X[rng.permutation(X.shape[0])[:n_samples]]
    k = max(1, int(X.shape[0] * quantile))
    with threads_scope(n_jobs):
        tree = KDTree(X)
        bandwidth = 0.0
        for lo in range(0, X.shape[0], 500):
            d, _ = tree.query(X[lo:lo + 500], k=k)
            bandwidth += np.max(d, axis=1).astype(np.float64).sum()
    return np.float64(bandwidth / X.shape[0])


def get_bin_seeds(X, bin_size, min_bin_freq=1):
    """Seeds from a grid of spacing bin_size: the centre of every cell holding
    at least min_bin_freq points, in the order the cells are first met (float32
    grid coordinates, as scikit-learn returns them). bin_size 0 or a grid with
    one point per cell returns X itself."""
    if bin_size == 0:
        return X
    X = np.asarray(X)
    cells = np.round(X / bin_size)
    _, first, inverse, counts = np.unique(cells, axis=0, return_index=True,
                                          return_inverse=True, return_counts=True)
    keep = np.flatnonzero(counts >= min_bin_freq)
    keep = keep[np.argsort(first[keep], kind="stable")]
    seeds = cells[first[keep]].astype(np.float32)
    if len(seeds) == len(X):
        warnings.warn("Binning data failed with provided bin_size=%f, using data points as "
                      "seeds." % bin_size)
        return X
    return seeds * bin_size


def _climb(tree, X, seeds, bandwidth, max_iter):
    """Hill-climb every seed: (means, counts, iterations), as scikit-learn's
    per-seed loop leaves them (count 0: the seed's window was empty)."""
    ns = len(seeds)
    means = np.array(seeds, dtype=X.dtype)
    counts = np.zeros(ns, dtype=np.int64)
    done_iter = np.zeros(ns, dtype=np.int64)
    stop = 1e-3 * bandwidth
    active = np.arange(ns)
    r = np.array([bandwidth], dtype=np.float64)
    while active.size:
        moving = []
        for lo in range(0, active.size, _SEEDS_PER_QUERY):
            idx = active[lo:lo + _SEEDS_PER_QUERY]
            Q = np.ascontiguousarray(means[idx])
            ind, _, off = _kt.tree_radius(tree, Q, r, "euclidean", 2.0)
            cnt = np.diff(off)
            hit = cnt > 0
            counts[idx[~hit]] = 0
            idx, cnt, starts = idx[hit], cnt[hit], off[:-1][hit]
            if not idx.size:
                continue
            new = np.add.reduceat(X[ind], starts, axis=0) if ind.size else means[idx]
            new = new / cnt[:, None].astype(X.dtype)
            diff = new - means[idx]
            shift = np.sqrt(np.einsum("ij,ij->i", diff, diff))
            means[idx] = new
            counts[idx] = cnt
            go = ~((shift <= stop) | (done_iter[idx] == max_iter))
            done_iter[idx[go]] += 1
            moving.append(idx[go])
        active = np.concatenate(moving) if moving else np.empty(0, dtype=np.int64)
    return means, counts, done_iter


def _remove_duplicates(means, counts, bandwidth):
    """Distinct converged windows by decreasing (intensity, coordinates); a
    centre within bandwidth of a stronger kept centre is dropped."""
    live = counts > 0
    best = {}
    for m, c in zip(map(tuple, means[live].tolist()), counts[live].tolist()):
        best[m] = c
    order = sorted(best.items(), key=lambda t: (t[1], t[0]), reverse=True)
    centers = np.array([t[0] for t in order], dtype=means.dtype)
    unique = np.ones(len(centers), dtype=bool)
    tree = KDTree(centers)
    near = tree.query_radius(centers, bandwidth)
    for i in range(len(centers)):
        if unique[i]:
            unique[near[i]] = False
            unique[i] = True
    return centers[unique]


class MeanShift(ClusterMixin, BaseEstimator):
    """Mean shift clustering with a flat kernel.

    Parameters (scikit-learn's): bandwidth (None: estimate_bandwidth(X)),
    seeds, bin_seeding, min_bin_freq, cluster_all, n_jobs (threads of the
    radius and nearest-centre queries), max_iter.

    Attributes: cluster_centers_, labels_, n_iter_, n_features_in_.

    Same centres as scikit-learn (to rounding: the window means are summed in
    the k-d tree's order), computed with batched, threaded radius queries of
    fastml's k-d tree instead of one query per seed and iteration.
    """

    _parameter_constraints = {
        "bandwidth": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "seeds": ["array-like", None],
        "bin_seeding": ["boolean"],
        "min_bin_freq": [Interval(numbers.Integral, 1, None, closed="left")],
        "cluster_all": ["boolean"],
        "n_jobs": [numbers.Integral, None],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, *, bandwidth=None, seeds=None, bin_seeding=False, min_bin_freq=1,
                 cluster_all=True, n_jobs=None, max_iter=300):
        self.bandwidth = bandwidth
        self.seeds = seeds
        self.bin_seeding = bin_seeding
        self.min_bin_freq = min_bin_freq
        self.cluster_all = cluster_all
        self.n_jobs = n_jobs
        self.max_iter = max_iter

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "cluster_centers_" in state:
            own = type(self).__name__
            c = state_array(own, "cluster_centers_", state["cluster_centers_"], ndim=2,
                            kinds="f", finite=True)
            if len(c) < 1:
                raise ValueError(f"Invalid pickled state of {own}: cluster_centers_ must be "
                                 "non-empty.")
            self.cluster_centers_ = c

    def fit(self, X, y=None):
        """Cluster X: climb from every seed, merge the windows, label every row."""
        self._validate_params()
        X = np.ascontiguousarray(self._validate_data(X))
        with threads_scope(self.n_jobs):
            bandwidth = self.bandwidth
            if bandwidth is None:
                bandwidth = estimate_bandwidth(X)
            seeds = self.seeds
            if seeds is None:
                seeds = get_bin_seeds(X, bandwidth, self.min_bin_freq) if self.bin_seeding \
                    else X
            else:
                seeds = check_array(seeds, input_name="seeds")
                if seeds.shape[1] != X.shape[1]:
                    raise ValueError(f"seeds has {seeds.shape[1]} features, but X has "
                                     f"{X.shape[1]} features.")
            tree = KDTree(X)
            means, counts, iters = _climb(tree._tree, X, seeds, float(bandwidth),
                                          self.max_iter)
            self.n_iter_ = int(iters.max()) if len(iters) else 0
            if not (counts > 0).any():
                raise ValueError("No point was within bandwidth=%f of any seed. Try a "
                                 "different seeding strategy or increase the bandwidth."
                                 % bandwidth)
            centers = _remove_duplicates(means, counts, float(bandwidth))
            dist, idx = KDTree(centers).query(X, k=1)
        labels = idx[:, 0].astype(np.intp)
        if not self.cluster_all:
            labels[dist[:, 0] > bandwidth] = -1
        self.cluster_centers_, self.labels_ = centers, labels
        return self

    def predict(self, X):
        """Index of the nearest cluster centre for each row of X."""
        check_is_fitted(self)
        X = self._validate_data(X, reset=False)
        with threads_scope(self.n_jobs):
            return KDTree(self.cluster_centers_).query(X, k=1)[1][:, 0].astype(np.intp)


def mean_shift(X, *, bandwidth=None, seeds=None, bin_seeding=False, min_bin_freq=1,
               cluster_all=True, max_iter=300, n_jobs=None):
    """(cluster_centers, labels) of MeanShift(...).fit(X)."""
    m = MeanShift(bandwidth=bandwidth, seeds=seeds, min_bin_freq=min_bin_freq,
                  bin_seeding=bin_seeding, cluster_all=cluster_all, n_jobs=n_jobs,
                  max_iter=max_iter).fit(X)
    return m.cluster_centers_, m.labels_
