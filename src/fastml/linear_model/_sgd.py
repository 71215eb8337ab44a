"""Linear models fitted by per-sample stochastic gradient descent.

Each epoch is one compiled pass (fastml._kernels.sgd.sgd_epoch) over a
shuffled order: scikit-learn's plain SGD (scaled weight vector for the L2
decay, cumulative truncated-gradient L1, learning-rate schedules "constant",
"optimal", "invscaling", "adaptive"). Between epochs Python applies the
stopping rule: stop once the epoch loss has not dropped by tol * n_samples
for n_iter_no_change epochs. Multi-class classification is one-vs-rest.
"""
import numbers
import warnings

import numpy as np

from .._kernels import sgd as _kl
from .._kernels.reference import sgd as _ref
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import (_check_sample_weight, check_classification_targets,
                                check_random_state)
from ._logistic import _class_weights, _sigmoid

__all__ = ["SGDClassifier", "SGDRegressor"]

_CLF_LOSSES = ("hinge", "log_loss", "modified_huber", "squared_hinge", "squared_error",
               "huber", "epsilon_insensitive", "squared_epsilon_insensitive")
_REG_LOSSES = ("squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive")


class _BaseSGD(BaseEstimator):
    _parameter_constraints = {
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left"), None],
        "shuffle": ["boolean"],
        "epsilon": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "learning_rate": [StrOptions(set(_ref.SCHEDULES))],
        "eta0": [Interval(numbers.Real, 0, None, closed="left")],
        "power_t": [Interval(numbers.Real, None, None, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
    }

    def _check_combined_params(self):
        """The declarative pass plus the checks that combine parameters."""
        self._validate_params()
        if self.learning_rate == "optimal" and self.alpha == 0:
            raise ValueError("alpha must be > 0 since learning_rate is 'optimal'.")
        if self.learning_rate != "optimal" and self.eta0 <= 0:
            raise ValueError(f"eta0 must be > 0, got {self.eta0!r}.")
        return float(self.alpha), float(self.l1_ratio), float(self.eta0)

    def _optimal_init(self, alpha):
        typw = np.sqrt(1.0 / np.sqrt(alpha))
        d = _ref.loss_dloss(_ref.LOSSES.index(self.loss), -typw, 1.0, float(self.epsilon))
        return 1.0 / (typw / max(1.0, d) * alpha)

    def _init_models(self, k, p):
        # one row per binary problem: [wscale, intercept, t, u]; W scaled by wscale
        self._W = np.zeros((k, p))
        self._Q = np.zeros((k, p))
        self._state = np.tile(np.array([1.0, 0.0, 1.0, 0.0]), (k, 1))

    def _epochs(self, X, targets, sw, n_epochs, stop, rng):
        """Run up to n_epochs; targets (k, n) in the loss's coding. Returns epochs run."""
        alpha, l1_ratio, eta0 = float(self.alpha), float(self.l1_ratio), float(self.eta0)
        optimal_init = self._optimal_init(alpha) if self.learning_rate == "optimal" else 0.0
        n = X.shape[0]
        k = targets.shape[0]
        best = np.full(k, np.inf)
        stall = np.zeros(k, dtype=int)
        done = np.zeros(k, dtype=bool)
        eta = np.full(k, eta0)
        schedule = "constant" if self.learning_rate == "adaptive" else self.learning_rate
        epoch = 0
        for epoch in range(1, n_epochs + 1):
            order = rng.permutation(n).astype(np.int64) if self.shuffle else \
                np.arange(n, dtype=np.int64)
            for c in range(k):
                if done[c]:
                    continue
                w = self._W[c]
                loss = _kl.sgd_epoch(w, self._Q[c], self._state[c], X, targets[c], sw, order,
                                     self.loss, self.epsilon, self.penalty, alpha, l1_ratio,
                                     schedule, eta[c], self.power_t, optimal_init,
                                     self.fit_intercept)
                if not np.isfinite(loss) or not np.isfinite(w).all():
                    raise ValueError("Floating-point under-/overflow occurred at epoch "
                                     f"#{epoch}. Scaling input data with StandardScaler or "
                                     "MinMaxScaler might help.")
                if stop and self.tol is not None:
                    if loss > best[c] - self.tol * n:
                        stall[c] += 1
                    else:
                        stall[c] = 0
                    best[c] = min(best[c], loss)
                    if stall[c] >= self.n_iter_no_change:
                        if self.learning_rate == "adaptive" and eta[c] > 1e-6:
                            eta[c] /= 5.0
                            stall[c] = 0
                        else:
                            done[c] = True
            if done.all():
                break
        if stop and self.tol is not None and not done.all() and epoch == n_epochs:
            warnings.warn(f"Maximum number of iteration reached before convergence "
                          f"(max_iter={n_epochs}). Consider increasing max_iter to improve "
                          "the fit.", ConvergenceWarning, stacklevel=3)
        self._sync()
        return epoch

    def _sync(self):
        scale = self._state[:, 0:1]
        self._W *= scale
        self._state[:, 0] = 1.0
        self.coef_ = self._W.copy()
        self.intercept_ = self._state[:, 1].copy()
        self.t_ = float(self._state[0, 2])

    def _decision(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        return np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_

    def _fit(self, X, y, sample_weight, classes, n_epochs, stop, partial):
        raise NotImplementedError


class SGDClassifier(ClassifierMixin, _BaseSGD):
    """Linear classifier by SGD: loss "hinge" (linear SVM, default), "log_loss"
    (logistic regression), "modified_huber", "squared_hinge", or a regression
    loss; one-vs-rest for K > 2 classes. partial_fit runs one epoch."""

    _parameter_constraints = {**_BaseSGD._parameter_constraints,
                              "loss": [StrOptions(set(_CLF_LOSSES))],
                              "class_weight": [StrOptions({"balanced"}), dict, None]}

    def __init__(self, loss="hinge", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, epsilon=0.1,
                 random_state=None, learning_rate="optimal", eta0=0.01, power_t=0.5,
                 n_iter_no_change=5, class_weight=None, warm_start=False):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

    def _fit(self, X, y, sample_weight, classes, n_epochs, stop, partial):
        self._check_combined_params()
        n_epochs = int(self.max_iter) if n_epochs is None else n_epochs
        first = not (partial and hasattr(self, "classes_"))
        X, y = self._validate_data(X, y, reset=first)
        check_classification_targets(y)
        if first:
            cls = np.unique(y) if classes is None else np.unique(np.asarray(classes))
            if len(cls) < 2:
                raise ValueError("The number of classes has to be greater than one; got "
                                 f"{len(cls)} class")
            self.classes_ = cls
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"`classes={classes!r}` is not the same as on the first call to "
                             f"partial_fit, was: {self.classes_!r}")
        if not np.isin(y, self.classes_).all():
            raise ValueError(f"y contains labels not in classes {self.classes_.tolist()}.")
        y_idx = np.searchsorted(self.classes_, y)
        k = 1 if len(self.classes_) == 2 else len(self.classes_)
        X = np.ascontiguousarray(X, dtype=np.float64)
        if first or not hasattr(self, "_W"):
            if not (self.warm_start and hasattr(self, "_W") and self._W.shape == (k, X.shape[1])):
                self._init_models(k, X.shape[1])
        sw = _check_sample_weight(sample_weight, X.shape[0])
        sw = np.ones(X.shape[0]) if sw is None else sw
        sw = sw * _class_weights(self.class_weight, self.classes_, y_idx)[y_idx]
        if k == 1:
            targets = np.where(y_idx == 1, 1.0, -1.0)[None, :]
        else:
            targets = np.where(y_idx[None, :] == np.arange(k)[:, None], 1.0, -1.0)
        if not hasattr(self, "_rng") or not partial:
            self._rng = check_random_state(self.random_state)
        self.n_iter_ = self._epochs(X, np.ascontiguousarray(targets), sw, n_epochs, stop,
                                    self._rng)
        return self

    def fit(self, X, y, sample_weight=None):
        return self._fit(X, y, sample_weight, None, None, True, False)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        if not hasattr(self, "classes_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return self._fit(X, y, sample_weight, classes, 1, False, True)

    def decision_function(self, X):
        Z = self._decision(X)
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict(self, X):
        Z = self.decision_function(X)
        idx = (Z > 0).astype(np.intp) if Z.ndim == 1 else Z.argmax(axis=1)
        return self.classes_[idx]

    @property
    def predict_proba(self):
        if self.loss not in ("log_loss", "modified_huber"):
            raise AttributeError(f"probability estimates are not available for loss="
                                 f"{self.loss!r}")
        return self._predict_proba

    @property
    def predict_log_proba(self):
        proba = self.predict_proba
        return lambda X: np.log(proba(X))

    def _predict_proba(self, X):
        Z = np.asarray(self._decision(X))
        if self.loss == "log_loss":
            P = _sigmoid(Z.ravel()).reshape(Z.shape)
        else:  # modified huber: (clip(z, -1, 1) + 1) / 2
            P = (np.clip(Z, -1, 1) + 1) / 2
        if P.shape[1] == 1:
            return np.column_stack([1 - P[:, 0], P[:, 0]])
        s = P.sum(axis=1, keepdims=True)
        return np.where(s > 0, P / np.where(s > 0, s, 1), 1.0 / P.shape[1])


class SGDRegressor(RegressorMixin, _BaseSGD):
    """Linear regression by SGD: loss "squared_error" (default), "huber",
    "epsilon_insensitive" (linear SVR) or "squared_epsilon_insensitive"."""

    _parameter_constraints = {**_BaseSGD._parameter_constraints,
                              "loss": [StrOptions(set(_REG_LOSSES))]}

    def __init__(self, loss="squared_error", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, epsilon=0.1,
                 random_state=None, learning_rate="invscaling", eta0=0.01, power_t=0.25,
                 n_iter_no_change=5, warm_start=False):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start

    def _fit(self, X, y, sample_weight, classes, n_epochs, stop, partial):
        self._check_combined_params()
        n_epochs = int(self.max_iter) if n_epochs is None else n_epochs
        first = not (partial and hasattr(self, "_W"))
        X, y = self._validate_data(X, y, reset=first, y_numeric=True)
        X = np.ascontiguousarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if first and not (self.warm_start and hasattr(self, "_W")
                          and self._W.shape == (1, X.shape[1])):
            self._init_models(1, X.shape[1])
        sw = _check_sample_weight(sample_weight, X.shape[0])
        sw = np.ones(X.shape[0]) if sw is None else sw
        if not hasattr(self, "_rng") or not partial:
            self._rng = check_random_state(self.random_state)
        self.n_iter_ = self._epochs(X, y[None, :].copy(), sw, n_epochs, stop, self._rng)
        self.coef_ = self.coef_[0]
        self.intercept_ = self.intercept_[:1].copy()
        return self

    def fit(self, X, y, sample_weight=None):
        return self._fit(X, y, sample_weight, None, None, True, False)

    def partial_fit(self, X, y, sample_weight=None):
        return self._fit(X, y, sample_weight, None, 1, False, True)

    def predict(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        return np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_[0]
