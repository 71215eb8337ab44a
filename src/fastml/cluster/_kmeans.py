"""KMeans and MiniBatchKMeans with scikit-learn's semantics.

Each Lloyd iteration is one call of the compiled step (fastml._kernels.kmeans:
nearest-centre assignment fused with the centroid sums, OpenMP, deterministic
for any thread count); initialisation is greedy k-means++ like scikit-learn's,
in compiled code. MiniBatchKMeans uses the same assignment kernel.
"""
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils._sparse import is_sparse
from ..utils._state import state_array, state_int
from ..utils.validation import check_array, check_is_fitted, check_random_state
from . import _kmeans_common as _km
from ._kmeans_common import check_sample_weight as _check_sample_weight

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]


_PLUSPLUS_PARAMS = {
    "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
    "x_squared_norms": ["array-like", None],
    "random_state": ["random_state"],
    "n_local_trials": [Interval(numbers.Integral, 1, None, closed="left"), None],
}


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, x_squared_norms=None,
                    random_state=None, n_local_trials=None):
    """(centers, indices) chosen by greedy k-means++ (2 + int(log k) local
    trials by default). X may be dense or scipy.sparse (CSR/CSC; never
    densified). Same random stream as scikit-learn's kmeans_plusplus: for the
    same random_state the centres are the same (they can differ only where
    rounding decides between near-equal candidates). x_squared_norms is
    checked for its length and otherwise recomputed (fastml's seeding uses
    its own norms)."""
    validate_parameter_constraints(_PLUSPLUS_PARAMS, {
        "n_clusters": n_clusters, "x_squared_norms": x_squared_norms,
        "random_state": random_state, "n_local_trials": n_local_trials}, "kmeans_plusplus")
    if is_sparse(X):
        from ..utils._sparse import check_sparse
        X = check_sparse(X, accept=("csr",))
    else:
        X = check_array(X)
    if n_clusters > X.shape[0]:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}.")
    if x_squared_norms is not None and len(np.ravel(x_squared_norms)) != X.shape[0]:
        raise ValueError(f"The length of x_squared_norms {len(np.ravel(x_squared_norms))} "
                         f"should be equal to the length of n_samples {X.shape[0]}.")
    sw = _check_sample_weight(sample_weight, X)
    return _km.plusplus(X, n_clusters, sw, check_random_state(random_state), n_local_trials)


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
            _km.check_centers(init, X, k)

    def _init_centers(self, X, sw, rng, init_size=None):
        """Initial centres (dense, X's dtype), as scikit-learn draws them:
        on a random subsample of init_size rows when init_size < n_samples."""
        init, k, n = self.init, self.n_clusters, X.shape[0]
        if init_size is not None and init_size < n:
            idx = rng.randint(0, n, init_size)
            X, sw = X[idx], None if sw is None else sw[idx]
            n = init_size
        if isinstance(init, str) and init == "k-means++":
            return _km.plusplus(X, k, sw, rng)[0]
        if isinstance(init, str) and init == "random":
            w = np.ones(n) if sw is None else sw.astype(np.float64)
            seeds = rng.choice(n, size=k, replace=False, p=w / w.sum())
            return _km.rows(X, seeds)
        c = init(X, k, random_state=rng) if callable(init) else init
        return _km.check_centers(c, X, k)

    def _resolve_n_init(self, default):
        """The number of initialisations (scikit-learn's rule for n_init="auto":
        1 for k-means++ or explicit centres, `default` otherwise)."""
        n_init = self.n_init
        explicit = not (isinstance(self.init, str) or callable(self.init))
        if n_init == "auto":
            return 1 if (explicit or self.init == "k-means++") else default
        if explicit and n_init != 1:
            warnings.warn("Explicit initial center position passed: performing only one "
                          f"init in {type(self).__name__} instead of n_init={n_init}.",
                          RuntimeWarning, stacklevel=3)
            return 1
        return int(n_init)

    def _check_test_data(self, X):
        check_is_fitted(self, "cluster_centers_")
        X = _km.validate_X(self, X, reset=False)
        dt = self.cluster_centers_.dtype
        return X.astype(dt) if X.dtype != dt else X

    def _warn_distinct(self):
        distinct = int((np.bincount(self.labels_, minlength=self.n_clusters) > 0).sum())
        if distinct < self.n_clusters:
            warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than "
                          f"n_clusters ({self.n_clusters}). Possibly due to duplicate "
                          "points in X.", ConvergenceWarning, stacklevel=3)

    def predict(self, X, sample_weight=None):
        """Index of the nearest centre for each row of X (dense or sparse)."""
        X = self._check_test_data(X)
        return _km.step(X, self.cluster_centers_, None, update=False)[0]

    def transform(self, X):
        """Euclidean distances to every centre, shape (n_samples, n_clusters)."""
        X = self._check_test_data(X)
        return np.sqrt(np.maximum(_km.sqdist(X, self.cluster_centers_), 0))

    def fit_transform(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def fit_predict(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).labels_

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the fitted centres."""
        X = self._check_test_data(X)
        sw = _check_sample_weight(sample_weight, X)
        return -_km.step(X, self.cluster_centers_, sw, update=False)[2]

    def _fastml_tags(self):
        return {"preserves_dtype": [np.float64, np.float32], "sparse": True}


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

    Sparse X (scipy.sparse CSR/CSC, matrix or array) is clustered without
    densifying it: a compiled CSR Lloyd kernel ranks centres by |c|^2 - 2 x.c
    over the stored entries (as scikit-learn does for sparse input) and sums
    the centres per cluster; cluster_centers_ are dense.

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
        X = _km.validate_X(self, X)
        self._check_data_params(X)
        if self.algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn("algorithm='elkan' doesn't make sense for a single cluster. Using "
                          "'lloyd' instead.", RuntimeWarning, stacklevel=2)
        sw = _check_sample_weight(sample_weight, X)
        rng = check_random_state(self.random_state)
        tol = _km.tolerance(X, self.tol)
        self._n_init = self._resolve_n_init(10)
        best = None
        for _ in range(self._n_init):
            centers = self._init_centers(X, sw, rng)
            if self.verbose:
                print("Initialization complete")
                out = _km.lloyd_verbose(X, sw, centers, self.max_iter, tol)
            else:
                out = _km.lloyd(X, sw, centers, self.max_iter, tol)
            if best is None or out[1] < best[1]:
                best = out
        self.labels_, self.inertia_, self.cluster_centers_, self.n_iter_ = best
        self.inertia_ = float(self.inertia_)
        self._n_features_out = self.n_clusters
        self._warn_distinct()
        return self


class MiniBatchKMeans(_BaseKMeans):
    """Mini-batch k-means (Sculley 2010), scikit-learn's procedure: each step
    draws a batch (with replacement, probability proportional to
    sample_weight), assigns it with the compiled kernel (dense or CSR) and
    moves every centre toward its batch mean with a per-centre learning rate
    1 / (accumulated weight); centres whose accumulated weight falls below
    reassignment_ratio * the largest are moved to random batch rows (every
    10 * n_clusters samples, or as soon as a centre has no weight). Stops
    after max_iter passes (n_steps_ = max_iter * n_samples // batch_size),
    or earlier when the centres move less than tol (relative to the mean
    variance) or the smoothed batch inertia has not improved for
    max_no_improvement steps. Sparse X is never densified (only batch rows
    chosen as centres are).
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

    def _check_sizes(self, X):
        """Batch and init sizes for this X (scikit-learn's rules and warning)."""
        n, k = X.shape[0], self.n_clusters
        self._batch_size = min(self.batch_size, n)
        init_size = self.init_size
        if init_size is None:
            init_size = 3 * self._batch_size
            if init_size < k:
                init_size = 3 * k
        elif init_size < k:
            warnings.warn(f"init_size={init_size} should be larger than n_clusters={k}. "
                          "Setting it to min(3*n_clusters, n_samples)", RuntimeWarning,
                          stacklevel=3)
            init_size = 3 * k
        self._init_size = min(init_size, n)

    def _random_reassign(self):
        """Whether this step may reassign small centres (scikit-learn's schedule)."""
        self._n_since_last_reassign += self._batch_size
        if (self._counts == 0).any() or self._n_since_last_reassign >= 10 * self.n_clusters:
            self._n_since_last_reassign = 0
            return True
        return False

    def _batch_step(self, xb, wb, centers, rng, reassign):
        """One mini-batch update of `centers` (float64, in place) and
        self._counts; returns the batch inertia (before the update)."""
        _, _, inertia, sums, wsum = _km.step(xb, centers.astype(xb.dtype), wb)
        nz = wsum > 0
        counts = self._counts
        counts[nz] += wsum[nz]
        # c <- c + (w_b / W)(mean_b - c) == (c (W - w_b) + sum_b) / W
        centers[nz] = (centers[nz] * (counts[nz, None] - wsum[nz, None]) + sums[nz]) \
            / counts[nz, None]
        if reassign and self.reassignment_ratio > 0:
            small = counts < self.reassignment_ratio * counts.max()
            nb = xb.shape[0]
            if small.sum() > 0.5 * nb:  # at most half the batch become new centres
                small[np.argsort(counts, kind="stable")[int(0.5 * nb):]] = False
            m = int(small.sum())
            if m:
                pick = rng.choice(nb, replace=False, size=m)
                if self.verbose:
                    print(f"[MiniBatchKMeans] Reassigning {m} cluster centers.")
                centers[small] = _km.rows(xb, pick)
                counts[small] = np.min(counts[~small])
        return inertia

    def _converged(self, step, n_steps, n, shift, binertia):
        """scikit-learn's early stopping on the smoothed batch inertia / shift."""
        binertia /= self._batch_size
        step += 1
        if step == 1:
            if self.verbose:
                print(f"Minibatch step {step}/{n_steps}: mean batch inertia: {binertia}")
            return False
        if self._ewa_inertia is None:
            self._ewa_inertia = binertia
        else:
            alpha = min(1.0, self._batch_size * 2.0 / (n + 1))
            self._ewa_inertia = self._ewa_inertia * (1 - alpha) + binertia * alpha
        if self.verbose:
            print(f"Minibatch step {step}/{n_steps}: mean batch inertia: {binertia}, "
                  f"ewa inertia: {self._ewa_inertia}")
        if self._tol > 0.0 and shift <= self._tol:
            if self.verbose:
                print(f"Converged (small centers change) at step {step}/{n_steps}")
            return True
        if self._ewa_inertia_min is None or self._ewa_inertia < self._ewa_inertia_min:
            self._no_improvement = 0
            self._ewa_inertia_min = self._ewa_inertia
        else:
            self._no_improvement += 1
        if self.max_no_improvement is not None and \
                self._no_improvement >= self.max_no_improvement:
            if self.verbose:
                print(f"Converged (lack of improvement in inertia) at step {step}/{n_steps}")
            return True
        return False

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = _km.validate_X(self, X)
        self._check_data_params(X)
        self._check_sizes(X)
        sw = _check_sample_weight(sample_weight, X)
        w = np.ones(X.shape[0]) if sw is None else sw.astype(np.float64)
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        self._tol = _km.tolerance(X, self.tol)
        self._n_init = self._resolve_n_init(3)
        # choose the init among n_init candidates by inertia on a validation subsample
        val = rng.randint(0, n, self._init_size)
        xv, wv = X[val], None if sw is None else np.ascontiguousarray(sw[val])
        best_c, best_in = None, np.inf
        for i in range(self._n_init):
            if self.verbose:
                print(f"Init {i + 1}/{self._n_init} with method {self.init}")
            c = self._init_centers(X, sw, rng, init_size=self._init_size)
            inertia = _km.step(xv, c, wv, update=False)[2]
            if self.verbose:
                print(f"Inertia for init {i + 1}/{self._n_init}: {inertia}")
            if best_c is None or inertia < best_in:  # inf inertia (huge data) still counts
                best_c, best_in = c, inertia
        centers = best_c.astype(np.float64)
        self._counts = np.zeros(self.n_clusters)
        self._ewa_inertia, self._ewa_inertia_min, self._no_improvement = None, None, 0
        self._n_since_last_reassign = 0
        n_steps = (self.max_iter * n) // self._batch_size
        p = w / w.sum()
        step = 0
        for step in range(n_steps):
            idx = rng.choice(n, self._batch_size, p=p, replace=True)
            old = centers.copy()
            binertia = self._batch_step(X[idx], None, centers, rng, self._random_reassign())
            shift = float(((centers - old) ** 2).sum()) if self._tol > 0 else 0.0
            if self._converged(step, n_steps, n, shift, binertia):
                break
        self.cluster_centers_ = centers.astype(X.dtype)
        self._n_features_out = self.n_clusters
        self.n_steps_ = step + 1
        self.n_iter_ = int(np.ceil(self.n_steps_ * self._batch_size / n))
        if self.compute_labels:
            labels, _, inertia, _, _ = _km.step(X, self.cluster_centers_, sw, update=False)
            self.labels_, self.inertia_ = labels, float(inertia)
        else:
            self.inertia_ = float(self._ewa_inertia * w.sum()) \
                if self._ewa_inertia is not None else float(best_in)
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch update with all of X as the batch."""
        self._validate_params()
        first = not hasattr(self, "cluster_centers_")
        X = _km.validate_X(self, X, reset=first)
        if not first and X.dtype != self.cluster_centers_.dtype:
            X = X.astype(self.cluster_centers_.dtype)
        sw = _check_sample_weight(sample_weight, X)
        if not hasattr(self, "_random_state"):
            self._random_state = check_random_state(self.random_state)
        rng = self._random_state
        self.n_steps_ = getattr(self, "n_steps_", 0)
        if first:
            self._check_data_params(X)
            self._check_sizes(X)
            self.cluster_centers_ = self._init_centers(X, sw, rng, init_size=self._init_size)
            self._counts = np.zeros(self.n_clusters)
            self._n_since_last_reassign = 0
        if not hasattr(self, "_batch_size"):
            self._batch_size = min(self.batch_size, X.shape[0])
        c = self.cluster_centers_.astype(np.float64)
        self._batch_step(X, sw, c, rng, self._random_reassign())
        self.cluster_centers_ = c.astype(X.dtype)
        if self.compute_labels:
            self.labels_, _, inertia, _, _ = _km.step(X, self.cluster_centers_, sw,
                                                      update=False)
            self.inertia_ = float(inertia)
        self.n_steps_ += 1
        self._n_features_out = self.n_clusters
        return self
