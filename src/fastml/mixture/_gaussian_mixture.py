"""GaussianMixture: expectation-maximisation with scikit-learn's semantics.

Same parameters, fitted attributes, initialisations, stopping rule and
warnings as scikit-learn's GaussianMixture; from the same initial parameters
the same iterations are made (the lower bound agrees to rounding). The E-step
is fused in compiled code (fastml._kernels.gmm: squared Mahalanobis norms,
log-sum-exp and responsibilities in one pass), the whitening products go to
BLAS, and full covariances are accumulated by the weighted Gram kernel.
"""
import numbers
import time
import warnings

import numpy as np

from ..base import BaseEstimator
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils._state import state_array, state_int
from ..utils.validation import check_is_fitted, check_random_state
from . import _gm_math as gm

__all__ = ["GaussianMixture"]


class GaussianMixture(BaseEstimator):
    """Gaussian mixture model fitted by expectation-maximisation.

    Parameters (scikit-learn's): n_components, covariance_type ("full",
    "tied", "diag", "spherical"), tol (on the change of the mean
    log-likelihood lower bound), reg_covar (added to the covariance
    diagonals), max_iter, n_init, init_params ("kmeans" with fastml's KMeans,
    "k-means++", "random", "random_from_data"), weights_init, means_init,
    precisions_init, random_state, warm_start, verbose, verbose_interval.

    Attributes: weights_, means_, covariances_, precisions_,
    precisions_cholesky_, converged_, n_iter_, lower_bound_, lower_bounds_,
    n_features_in_ (feature_names_in_ for a DataFrame).

    float32 input stays float32 (fitted arrays and probabilities). Where fastml
    differs on purpose: the moment estimates are centred (full covariances
    exactly on each component's mean, tied/diag/spherical on the data mean
    instead of the raw second moments), so data with a large offset loses no
    precision; on ordinary data the results agree with scikit-learn's to
    rounding. init_params="kmeans" runs fastml's KMeans, which draws from
    random_state as scikit-learn's does.
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
        "tol": [Interval(numbers.Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(numbers.Real, 0.0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "n_init": [Interval(numbers.Integral, 1, None, closed="left")],
        "init_params": [StrOptions({"kmeans", "random", "random_from_data", "k-means++"})],
        "weights_init": ["array-like", None],
        "means_init": ["array-like", None],
        "precisions_init": ["array-like", None],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "verbose_interval": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3, reg_covar=1e-6,
                 max_iter=100, n_init=1, init_params="kmeans", weights_init=None,
                 means_init=None, precisions_init=None, random_state=None, warm_start=False,
                 verbose=0, verbose_interval=10):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # ---- pickled state: the arrays that reach the kernel ----------------------
    def __setstate__(self, state):
        self.__dict__.update(state)
        if "means_" not in state:
            return
        own = type(self).__name__
        cov_type = state.get("covariance_type")
        if cov_type not in gm._SHAPES:
            raise ValueError(f"Invalid pickled state of {own}: covariance_type "
                             f"{cov_type!r} is not one of {sorted(gm._SHAPES)}.")
        nf = state_int(own, "n_features_in_", state.get("n_features_in_"), 1)
        means = state_array(own, "means_", state["means_"], ndim=2, kinds="f",
                            shape=(None, nf), finite=True)
        if means.dtype not in (np.float32, np.float64) or means.shape[0] < 1:
            raise ValueError(f"Invalid pickled state of {own}: means_ must be a non-empty "
                             "float32 or float64 array.")
        k, d = means.shape
        shape = gm._SHAPES[cov_type](k, d)
        w = state_array(own, "weights_", state.get("weights_"), ndim=1, kinds="f",
                        shape=(k,), finite=True)
        pc = state_array(own, "precisions_cholesky_", state.get("precisions_cholesky_"),
                         ndim=len(shape), kinds="f", shape=shape, finite=True)
        if (w < 0).any():
            raise ValueError(f"Invalid pickled state of {own}: weights_ must be >= 0.")
        diag = (np.diagonal(pc, axis1=-2, axis2=-1) if cov_type in ("full", "tied") else pc)
        if (diag <= 0).any():
            raise ValueError(f"Invalid pickled state of {own}: precisions_cholesky_ must "
                             "have a positive diagonal.")
        self.means_, self.weights_, self.precisions_cholesky_ = means, w, pc

    # ---- fitting ----------------------------------------------------------------
    def fit(self, X, y=None):
        """Estimate the model parameters with EM (n_init runs, the best kept).
        Raises a ConvergenceWarning if the best run did not converge."""
        self.fit_predict(X, y)
        return self

    def _check_inits(self, X):
        k, d = self.n_components, X.shape[1]
        self._w_init = None if self.weights_init is None else gm.check_weights(
            self.weights_init, k)
        self._m_init = None if self.means_init is None else gm.check_means(
            self.means_init, k, d)
        self._p_init = None if self.precisions_init is None else gm.check_precisions(
            self.precisions_init, self.covariance_type, k, d)

    def _initial_resp(self, X, rng):
        n, k = X.shape[0], self.n_components
        init = self.init_params
        if init == "random":
            resp = rng.uniform(size=(n, k)).astype(X.dtype)
            resp /= resp.sum(axis=1)[:, None]
            return resp
        resp = np.zeros((n, k), dtype=X.dtype)
        if init == "kmeans":
            from ..cluster import KMeans
            labels = KMeans(n_clusters=k, n_init=1, random_state=rng).fit(X).labels_
            resp[np.arange(n), labels] = 1
        elif init == "random_from_data":
            resp[rng.choice(n, size=k, replace=False), np.arange(k)] = 1
        else:
            from ..cluster import kmeans_plusplus
            _, idx = kmeans_plusplus(X, k, random_state=rng)
            resp[idx, np.arange(k)] = 1
        return resp

    def _em_init(self, stats, rng):
        """Initial weights_, means_, covariances_, precisions_cholesky_ (scikit-learn's
        rules: resp from init_params unless all three *_init are given)."""
        X = stats.X
        n = X.shape[0]
        ct = self.covariance_type
        cov = None
        if self._w_init is None or self._m_init is None or self._p_init is None:
            resp = self._initial_resp(X, rng)
            nk, means, cov = gm.estimate_parameters(stats, resp, self.reg_covar, ct)
            weights = nk / n
        self.weights_ = weights if self._w_init is None else self._w_init
        self.means_ = means if self._m_init is None else self._m_init
        if self._p_init is None:
            self.covariances_ = cov
            self.precisions_cholesky_ = gm.precision_cholesky(cov, ct)
        else:
            self.precisions_cholesky_ = gm.precision_cholesky_from_precisions(self._p_init, ct)

    def _m_step(self, stats, resp):
        nk, self.means_, self.covariances_ = gm.estimate_parameters(
            stats, resp, self.reg_covar, self.covariance_type)
        self.weights_ = nk / nk.sum()
        self.precisions_cholesky_ = gm.precision_cholesky(self.covariances_,
                                                          self.covariance_type)

    def _estep(self, X):
        resp, lse = gm.estep(X, self.weights_, self.means_, self.precisions_cholesky_,
                             self.covariance_type)
        return resp, lse

    def _params(self):
        return (self.weights_, self.means_, getattr(self, "covariances_", None),
                self.precisions_cholesky_)

    def fit_predict(self, X, y=None):
        """Fit as fit() does, then return the most probable component of every row
        (a final E-step, so fit_predict(X) equals fit(X).predict(X))."""
        self._validate_params()
        X = np.ascontiguousarray(self._validate_data(X, ensure_min_samples=2))
        k = self.n_components
        if X.shape[0] < k:
            raise ValueError(f"Expected n_samples >= n_components but got n_components = {k}, "
                             f"n_samples = {X.shape[0]}")
        self._check_inits(X)
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        stats = gm.DataStats(X)
        rng = check_random_state(self.random_state)
        best, best_lb, best_n_iter, best_lbs = None, -np.inf, 0, []
        self.converged_ = False
        for init in range(n_init):
            self._verbose_init_begin(init)
            if do_init:
                self._em_init(stats, rng)
            lb = -np.inf if do_init else self.lower_bound_
            lbs = []
            if self.max_iter == 0:
                best, best_n_iter = self._params(), 0
                continue
            converged = False
            for n_iter in range(1, self.max_iter + 1):
                prev = lb
                resp, lse = self._estep(X)
                lb = lse.mean()
                if not np.isfinite(lb):
                    raise ValueError("The log-likelihood of the data under the current "
                                     "parameters is not finite; scale the input data or "
                                     "increase reg_covar.")
                self._m_step(stats, resp)
                lbs.append(lb)
                change = lb - prev
                self._verbose_iter_end(n_iter, change)
                if abs(change) < self.tol:
                    converged = True
                    break
            self._verbose_init_end(lb, converged)
            if lb > best_lb or best_lb == -np.inf:
                best_lb, best, best_n_iter, best_lbs = lb, self._params(), n_iter, lbs
                self.converged_ = converged
        if not self.converged_ and self.max_iter > 0:
            warnings.warn("Best performing initialization did not converge. Try different "
                          "init parameters, or increase max_iter, tol, or check for "
                          "degenerate data.", ConvergenceWarning, stacklevel=2)
        self._set_params(best)
        self.n_iter_ = best_n_iter
        self.lower_bound_ = best_lb
        self.lower_bounds_ = best_lbs
        return self._estep(X)[0].argmax(axis=1)

    def _set_params(self, params):
        self.weights_, self.means_, cov, self.precisions_cholesky_ = params
        if cov is not None:
            self.covariances_ = cov
        self.precisions_ = gm.precisions_from_cholesky(self.precisions_cholesky_,
                                                       self.covariance_type)

    # ---- verbose output (scikit-learn's lines) ---------------------------------
    def _verbose_init_begin(self, n_init):
        if self.verbose >= 1:
            print("Initialization %d" % n_init)
        if self.verbose >= 2:
            self._init_prev_time = self._iter_prev_time = time.time()

    def _verbose_iter_end(self, n_iter, diff_ll):
        if n_iter % self.verbose_interval == 0:
            if self.verbose == 1:
                print("  Iteration %d" % n_iter)
            elif self.verbose >= 2:
                now = time.time()
                print("  Iteration %d\t time lapse %.5fs\t ll change %.5f"
                      % (n_iter, now - self._iter_prev_time, diff_ll))
                self._iter_prev_time = now

    def _verbose_init_end(self, lb, converged):
        msg = "converged" if converged else "did not converge"
        if self.verbose == 1:
            print(f"Initialization {msg}.")
        elif self.verbose >= 2:
            t = time.time() - self._init_prev_time
            print(f"Initialization {msg}. time lapse {t:.5f}s\t lower bound {lb:.5f}.")

    # ---- prediction ------------------------------------------------------------
    def _check_X(self, X):
        check_is_fitted(self)
        X = self._validate_data(X, reset=False)
        return np.ascontiguousarray(X, dtype=self.means_.dtype)

    def score_samples(self, X):
        """log p(x) of every row under the mixture, shape (n_samples,)."""
        return self._estep(self._check_X(X))[1]

    def score(self, X, y=None):
        """Mean log-likelihood per row of X."""
        return float(self.score_samples(X).mean())

    def predict(self, X):
        """The most probable component of every row."""
        return self._estep(self._check_X(X))[0].argmax(axis=1)

    def predict_proba(self, X):
        """Posterior probability of every component, shape (n_samples, n_components)."""
        return self._estep(self._check_X(X))[0]

    def sample(self, n_samples=1):
        """(X, y): n_samples draws from the fitted mixture (float64) and their
        components, grouped by component as scikit-learn returns them."""
        check_is_fitted(self)
        if n_samples < 1:
            raise ValueError("Invalid value for 'n_samples': %d . The sampling requires at "
                             "least one sample." % (self.n_components))
        d = self.means_.shape[1]
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        ct = self.covariance_type
        if ct == "full":
            parts = [rng.multivariate_normal(m, c, int(s))
                     for m, c, s in zip(self.means_, self.covariances_, counts)]
        elif ct == "tied":
            parts = [rng.multivariate_normal(m, self.covariances_, int(s))
                     for m, s in zip(self.means_, counts)]
        else:
            parts = [m + rng.standard_normal(size=(s, d)) * np.sqrt(c)
                     for m, c, s in zip(self.means_, self.covariances_, counts)]
        y = np.concatenate([np.full(int(s), j, dtype=np.int64) for j, s in enumerate(counts)])
        return np.vstack(parts).astype(np.float64), y

    # ---- model selection -------------------------------------------------------
    def _n_parameters(self):
        k, d = self.means_.shape
        cov = {"full": k * d * (d + 1) / 2.0, "diag": k * d, "tied": d * (d + 1) / 2.0,
               "spherical": k}[self.covariance_type]
        return int(cov + d * k + k - 1)

    def bic(self, X):
        """Bayesian information criterion on X (lower is better)."""
        n = np.shape(X)[0]
        return -2 * self.score(X) * n + self._n_parameters() * np.log(n)

    def aic(self, X):
        """Akaike information criterion on X (lower is better)."""
        return -2 * self.score(X) * np.shape(X)[0] + 2 * self._n_parameters()

    def _fastml_tags(self):
        return {"estimator_type": "density_estimator"}
