"""KMeans and MiniBatchKMeans with scikit-learn's semantics.

Each Lloyd iteration is one call of the compiled step (fastml._kernels.kmeans:
nearest-centre assignment fused with the centroid sums, OpenMP, deterministic
for any thread count); initialisation is greedy k-means++ like scikit-learn's,
in compiled code. MiniBatchKMeans uses the same assignment kernel.
"""
import numbers
import warnings

import numpy as np

from .._kernels import distance as _kdist
from .._kernels import kmeans as _kk
from ..base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.validation import _check_sample_weight as _check_sw
from ..utils._state import state_array, state_int
from ..utils.validation import check_array, check_is_fitted, check_random_state

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]


def _check_sample_weight(sample_weight, X):
    """fastml.utils.validation._check_sample_weight in X's dtype."""
    return _check_sw(sample_weight, X, dtype=X.dtype)


def _sqdist(A, B):
    """(len(A), len(B)) squared euclidean distances in A's dtype."""
    return _kdist.pairwise_distances(np.ascontiguousarray(A), np.ascontiguousarray(B),
                                     "sqeuclidean")


def _kmeans_plusplus(X, n_clusters, sw, random_state, n_local_trials=None):
    """Greedy k-means++ (as scikit-learn): the first centre is a row drawn with
    probability proportional to its weight, each further one the best of
    2 + int(log k) candidates sampled proportionally to w D(x)^2; the compiled
    seeding (fastml._kernels.kmeans.plusplus) computes the distances.

    The random stream is consumed as scikit-learn consumes it (one weighted
    choice, then n_local_trials uniforms per centre), so for the same
    random_state the centres equal scikit-learn's; they can differ only where
    rounding decides between candidates or sample boundaries (fastml's
    distances are direct sums, scikit-learn's come from |x|^2 - 2 x.y + |y|^2)."""
    n = X.shape[0]
    w = np.ones(n) if sw is None else sw.astype(np.float64)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    first = random_state.choice(n, p=w / w.sum())
    uniform = random_state.uniform(size=(n_clusters - 1) * n_local_trials)
    return _kk.plusplus(np.ascontiguousarray(X), n_clusters, sw, first, uniform,
                        n_local_trials)


_PLUSPLUS_PARAMS = {
    "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
    "n_local_trials": [Interval(numbers.Integral, 1, None, closed="left"), None],
}


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, random_state=None,
                    n_local_trials=None):
    """(centers, indices) chosen by greedy k-means++ (2 + int(log k) local
    trials by default). Same random stream as scikit-learn's kmeans_plusplus:
    for the same random_state the centres are the same (they can differ only
    where rounding decides between near-equal candidates)."""
    validate_parameter_constraints(_PLUSPLUS_PARAMS, {
        "n_clusters": n_clusters, "random_state": random_state,
        "n_local_trials": n_local_trials}, "kmeans_plusplus")
    X = check_array(X)
    if n_clusters > X.shape[0]:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}.")
    sw = _check_sample_weight(sample_weight, X)
    return _kmeans_plusplus(X, n_clusters, sw, check_random_state(random_state),
                            n_local_trials)


def _tolerance(X, tol):
    """scikit-learn's tolerance: tol times the mean feature variance of X."""
    if tol == 0:
        return 0.0
    return float(np.mean(np.var(X, axis=0, dtype=np.float64))) * tol


def _lloyd(X, sw, centers, max_iter, tol):
    """Lloyd iterations from `centers` (compiled loop); returns labels,
    inertia, centers, n_iter."""
    return _kk.lloyd(X, centers, sw, max_iter, tol)


class _BaseKMeans(ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin, BaseEstimator):

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "cluster_centers_" in state:  # the centres reach C on every predict
            own = type(self).__name__
            d = state_int(own, "n_features_in_", state.get("n_features_in_"), 1)
            c = state_array(own, "cluster_centers_", state["cluster_centers_"], ndim=2,
                            kinds="f", shape=(None, d), finite=True)
            if c.dtype not in (np.float32, np.float64) or len(c) < 1:
                raise ValueError(f"Invalid pickled state of {own}: cluster_centers_ must be "
                                 f"a non-empty float32 or float64 array.")
            self.cluster_centers_ = c

    _parameter_constraints = {
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
        "init": [StrOptions({"k-means++", "random"}), callable, "array-like"],
        "n_init": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def _check_data_params(self, X):
        """Checks that depend on X (after the declarative pass)."""
        k = self.n_clusters
        if X.shape[0] < k:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={k}.")
        init = self.init
        if not isinstance(init, str) and not callable(init):
            arr = np.asarray(init)
            if arr.shape != (k, X.shape[1]):
                raise ValueError(
                    f"The shape of the initial centers {arr.shape} does not match the "
                    f"number of clusters {k} and features {X.shape[1]}.")

    def _init_centers(self, X, sw, rng):
        init, k = self.init, self.n_clusters
        if isinstance(init, str) and init == "k-means++":
            return _kmeans_plusplus(X, k, sw, rng)[0]
        if isinstance(init, str) and init == "random":
            return X[rng.permutation(X.shape[0])[:k]].copy()
        if callable(init):
            c = init(X, k, random_state=rng)
        else:
            c = init
        c = check_array(c, dtype=X.dtype, input_name="init")
        if c.shape != (k, X.shape[1]):
            raise ValueError(f"init returned centers of shape {c.shape}; expected "
                             f"{(k, X.shape[1])}.")
        return np.ascontiguousarray(c, dtype=X.dtype)

    def _n_init(self):
        n_init = self.n_init
        explicit = not (isinstance(self.init, str) or callable(self.init))
        if n_init == "auto":
            return 1 if (explicit or self.init == "k-means++") else 10
        if explicit and n_init != 1:
            warnings.warn("Explicit initial center position passed: performing only one "
                          f"init in {type(self).__name__} instead of n_init={n_init}.",
                          RuntimeWarning, stacklevel=3)
            return 1
        return int(n_init)

    def _check_test_data(self, X):
        check_is_fitted(self, "cluster_centers_")
        X = self._validate_data(X, reset=False)
        return np.ascontiguousarray(X, dtype=self.cluster_centers_.dtype)

    def _warn_distinct(self):
        distinct = int((np.bincount(self.labels_, minlength=self.n_clusters) > 0).sum())
        if distinct < self.n_clusters:
            warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than "
                          f"n_clusters ({self.n_clusters}). Possibly due to duplicate "
                          "points in X.", ConvergenceWarning, stacklevel=3)

    def predict(self, X, sample_weight=None):
        """Index of the nearest centre for each row of X."""
        X = self._check_test_data(X)
        return _kk.lloyd_step(X, self.cluster_centers_, None, update=False)[0]

    def transform(self, X):
        """Euclidean distances to every centre, shape (n_samples, n_clusters)."""
        X = self._check_test_data(X)
        return np.sqrt(np.maximum(_sqdist(X, self.cluster_centers_), 0))

    def fit_transform(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def fit_predict(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).labels_

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the fitted centres."""
        X = self._check_test_data(X)
        sw = _check_sample_weight(sample_weight, X)
        return -_kk.lloyd_step(X, self.cluster_centers_, sw, update=False)[2]

    def _fastml_tags(self):
        return {"preserves_dtype": [np.float64, np.float32]}


class KMeans(_BaseKMeans):
    """k-means clustering (Lloyd's algorithm, k-means++ initialisation).

    Parameters follow scikit-learn: n_clusters, init ("k-means++", "random",
    an array (n_clusters, n_features) or a callable), n_init ("auto" = 1 for
    k-means++ or an array, 10 for random), max_iter, tol (relative to the mean
    feature variance: iterations stop when the squared centre shift is <= tol *
    mean(var(X))), random_state. float32 input stays float32.

    algorithm: "lloyd" or "elkan" (scikit-learn 1.9's names; "auto" and
    "full" are gone there too). Both run fastml's Lloyd iterations: from the
    same initial centres the result is the one Elkan's method would give (the
    bounds only skip distance computations), and the fused assignment is
    faster than a bound-keeping pass at the shapes measured so far.

    Assignment: below 24 features a direct SIMD search; from 24 on, tiles of
    dot products |c|^2 - 2 x.c with the near ties re-decided by direct
    distances, so labels are those of the exact distances (scikit-learn keeps
    the |x|^2 - 2 x.c + |c|^2 ranking, which can pick the other centre of a
    float32 near tie). Results do not depend on n_jobs / the thread count.

    init="k-means++" draws from random_state as scikit-learn does, so the
    centres equal scikit-learn's kmeans_plusplus for the same random_state
    (they can differ only where rounding decides between two candidates).

    Attributes: cluster_centers_, labels_, inertia_, n_iter_, n_features_in_.
    """

    _parameter_constraints = {**_BaseKMeans._parameter_constraints,
                              "copy_x": ["boolean"],
                              "algorithm": [StrOptions({"lloyd", "elkan"})]}

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300,
                 tol=1e-4, verbose=0, random_state=None, copy_x=True, algorithm="lloyd"):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = self._validate_data(X)
        self._check_data_params(X)
        sw = _check_sample_weight(sample_weight, X)
        rng = check_random_state(self.random_state)
        tol = _tolerance(X, self.tol)
        best = None
        for _ in range(self._n_init()):
            centers = self._init_centers(X, sw, rng)
            labels, inertia, centers, n_iter = _lloyd(X, sw, centers, self.max_iter, tol)
            if best is None or inertia < best[1]:
                best = (labels, inertia, centers, n_iter)
        self.labels_, self.inertia_, self.cluster_centers_, self.n_iter_ = best
        self.inertia_ = float(self.inertia_)
        self._n_features_out = self.n_clusters
        self._warn_distinct()
        return self


class MiniBatchKMeans(_BaseKMeans):
    """Mini-batch k-means (Sculley 2010): each step assigns a random batch with
    the compiled kernel and moves every centre toward its batch mean with a
    per-centre learning rate 1 / (accumulated weight). Stops after max_iter
    passes over the data, or earlier when the centres move less than tol
    (relative to the mean variance), or when the smoothed batch inertia has not
    improved for max_no_improvement steps (as scikit-learn).
    """

    _parameter_constraints = {
        **_BaseKMeans._parameter_constraints,
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "compute_labels": ["boolean"],
        "max_no_improvement": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "init_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "reassignment_ratio": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=100, batch_size=1024,
                 verbose=0, compute_labels=True, random_state=None, tol=0.0,
                 max_no_improvement=10, init_size=None, n_init="auto",
                 reassignment_ratio=0.01):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio

    def _n_init(self):
        if self.n_init == "auto":
            explicit = not (isinstance(self.init, str) or callable(self.init))
            return 1 if (explicit or self.init == "k-means++") else 3
        return super()._n_init()

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = self._validate_data(X)
        self._check_data_params(X)
        sw = _check_sample_weight(sample_weight, X)
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        tol = _tolerance(X, self.tol)
        # choose the init among n_init candidates by inertia on a validation subsample
        init_size = min(n, self.init_size or max(3 * self.batch_size, 3 * self.n_clusters))
        val = X[rng.randint(0, n, init_size)]
        best_c, best_in = None, np.inf
        for _ in range(self._n_init()):
            idx = rng.randint(0, n, init_size)
            c = self._init_centers(X[idx], None if sw is None else sw[idx], rng)
            inertia = _kk.lloyd_step(np.ascontiguousarray(val), c, None, update=False)[2]
            if best_c is None or inertia < best_in:  # inf inertia (huge data) still counts
                best_c, best_in = c, inertia
        centers = best_c.astype(np.float64)
        counts = np.zeros(self.n_clusters)
        bs = min(self.batch_size, n)
        n_steps = int(np.ceil(self.max_iter * n / bs))
        ewa, ewa_min, no_improvement = None, np.inf, 0
        alpha = min(1.0, bs * 2.0 / (n + 1))
        for step in range(n_steps):
            idx = rng.randint(0, n, bs)
            xb = X[idx]
            wb = None if sw is None else np.ascontiguousarray(sw[idx])
            _, _, binertia, sums, wsum = _kk.lloyd_step(xb, centers.astype(X.dtype), wb)
            # early stop as scikit-learn: smoothed batch inertia stops improving
            binertia /= bs
            ewa = binertia if ewa is None else ewa * (1 - alpha) + binertia * alpha
            if ewa < ewa_min:
                ewa_min, no_improvement = ewa, 0
            else:
                no_improvement += 1
            nz = wsum > 0
            counts[nz] += wsum[nz]
            old = centers.copy()
            # c <- c + (w_b / W)(mean_b - c) == (c (W - w_b) + sum_b) / W
            centers[nz] = (centers[nz] * (counts[nz, None] - wsum[nz, None]) + sums[nz]) \
                / counts[nz, None]
            shift = float(((centers - old) ** 2).sum())
            if tol > 0 and shift <= tol:
                break
            if (self.max_no_improvement is not None
                    and no_improvement >= self.max_no_improvement):
                break
        self.cluster_centers_ = centers.astype(X.dtype)
        self._counts = counts
        self.n_steps_ = step + 1
        self.n_iter_ = int(np.ceil(self.n_steps_ * bs / n))
        labels, _, inertia, _, _ = _kk.lloyd_step(X, self.cluster_centers_, sw, update=False)
        self.labels_, self.inertia_ = labels, float(inertia)
        self._n_features_out = self.n_clusters
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch update with all of X as the batch."""
        self._validate_params()
        first = not hasattr(self, "cluster_centers_")
        X = self._validate_data(X, reset=first)
        sw = _check_sample_weight(sample_weight, X)
        if first:
            self._check_data_params(X)
            rng = check_random_state(self.random_state)
            self._random_state = rng
            self.cluster_centers_ = self._init_centers(X, sw, rng)
            self._counts = np.zeros(self.n_clusters)
            self.n_steps_ = 0
        X = np.ascontiguousarray(X, dtype=self.cluster_centers_.dtype)
        c = self.cluster_centers_.astype(np.float64)
        labels, _, inertia, sums, wsum = _kk.lloyd_step(X, self.cluster_centers_, sw)
        nz = wsum > 0
        self._counts[nz] += wsum[nz]
        c[nz] = (c[nz] * (self._counts[nz, None] - wsum[nz, None]) + sums[nz]) \
            / self._counts[nz, None]
        self.cluster_centers_ = c.astype(X.dtype)
        self.n_steps_ += 1
        if self.compute_labels:
            self.labels_, _, self.inertia_, _, _ = _kk.lloyd_step(X, self.cluster_centers_,
                                                                  sw, update=False)
        return self
