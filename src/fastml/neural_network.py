"""Multi-layer perceptrons with scikit-learn's API, trained with fastml.nn.

MLPClassifier (softmax cross-entropy) and MLPRegressor (squared error / 2)
follow sklearn.neural_network's parameters and fitted attributes (coefs_,
intercepts_, loss_curve_, n_iter_, ...), the same L2 term
(alpha / (2 n_batch) * sum ||W||^2 over weights, not biases), Glorot-uniform
initialisation and stopping rule (loss not improving by tol for
n_iter_no_change epochs, or the validation score with early_stopping). The
network runs in the dtype of X (float32 stays float32) on fastml.nn's
compiled dense kernels; solvers are fastml.nn.optim's SGD, Adam and LBFGS.
"""
import numbers
import warnings

import numpy as np

from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .exceptions import ConvergenceWarning
from .utils._param_validation import Interval, StrOptions
from .utils.validation import _interop_class, check_classification_targets, check_random_state

__all__ = ["MLPClassifier", "MLPRegressor"]

_NN = []


def _nn():
    """fastml.nn, imported on first use (kept out of `import fastml`) and cached:
    an import statement per minibatch costs more than the small layers."""
    if not _NN:
        from . import nn

        _NN.append(nn)
    return _NN[0]

_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
_SOLVERS = ("lbfgs", "sgd", "adam")


def _net_forward(layers, x, activation, F):
    """Hidden layers with `activation`, identity output layer (logits / values)."""
    n = len(layers)
    for i, (w, b) in enumerate(layers):
        if i < n - 1 and activation == "relu":
            x = F.linear(x, w, b, activation="relu")  # fused epilogue
            continue
        x = F.linear(x, w, b)
        if i < n - 1:
            if activation == "tanh":
                x = F.tanh(x)
            elif activation == "logistic":
                x = F.sigmoid(x)
    return x


class _BaseMLP(BaseEstimator):
    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "solver": [StrOptions(set(_SOLVERS))],
        # alpha and learning_rate_init must be finite: inf gave all-NaN weights
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(numbers.Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_fun": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate_init=0.001, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, max_fun=15000):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    # ---- validation -------------------------------------------------------------
    def _hidden_sizes(self):
        """hidden_layer_sizes as a list of ints >= 1 (after _validate_params,
        which admits an int or an array-like; the entries are checked here)."""
        hls = self.hidden_layer_sizes
        hls = [hls] if np.isscalar(hls) else list(hls)
        if any(isinstance(h, (bool, np.bool_)) or not isinstance(h, numbers.Integral) or h < 1
               for h in hls):
            raise ValueError(f"hidden_layer_sizes must be positive ints, got "
                             f"{self.hidden_layer_sizes!r}")
        return [int(h) for h in hls]

    # ---- network ---------------------------------------------------------------
    def _init_layers(self, sizes, dtype, rng):
        from . import nn

        layers = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            factor = 2.0 if self.activation == "logistic" else 6.0
            bound = np.sqrt(factor / (fan_in + fan_out))
            # drawn (fan_in, fan_out) like scikit-learn's coefs_, so the same
            # random_state starts both libraries from the same weights
            w = np.ascontiguousarray(rng.uniform(-bound, bound, (fan_in, fan_out)).T,
                                     dtype=dtype)
            b = rng.uniform(-bound, bound, fan_out).astype(dtype)
            layers.append((nn.Parameter(w), nn.Parameter(b)))
        return layers

    def _params(self):
        return [p for wb in self._layers for p in wb]

    def _forward(self, X):
        nn = _nn()
        return _net_forward(self._layers, nn.Tensor(X), self.activation, nn.functional)

    def _raw_predict(self, X):
        from .nn import no_grad

        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        with no_grad():
            return self._forward(X.astype(self._dtype, copy=False)).data

    @property
    def coefs_(self):
        return [w.data.T.copy() for w, _ in self._layers]

    @property
    def intercepts_(self):
        return [b.data.copy() for _, b in self._layers]

    def _batch_loss(self, X, T):
        """Data loss + L2 term for one batch; L2 gradient added to the weights' grads."""
        out = self._forward(X)
        loss = self._loss(out, T)
        loss.backward()
        n = X.shape[0]
        reg = 0.0
        if self.alpha:
            for w, _ in self._layers:
                w.grad += w.data * w.data.dtype.type(self.alpha / n)
                reg += float(np.sum(w.data * w.data, dtype=np.float64))
            reg *= 0.5 * self.alpha / n
        return loss.item() + reg

    def _make_optimizer(self):
        from .nn import optim

        ps = self._params()
        if self.solver == "adam":
            return optim.Adam(ps, lr=self.learning_rate_init, betas=(self.beta_1, self.beta_2),
                              eps=self.epsilon)
        if self.solver == "sgd":
            return optim.SGD(ps, lr=self.learning_rate_init, momentum=self.momentum,
                             nesterov=self.nesterovs_momentum and self.momentum > 0)
        return None

    # ---- fitting -------------------------------------------------------------------
    def _fit(self, X, T, incremental):
        hidden = self._hidden_sizes()
        rng = check_random_state(self.random_state)
        first = not (hasattr(self, "_layers") and (self.warm_start or incremental))
        if first:
            self._dtype = X.dtype
            sizes = [X.shape[1]] + hidden + [T.shape[1] if T.ndim == 2 else self._n_out]
            self._layers = self._init_layers(sizes, X.dtype, rng)
            self.n_layers_ = len(sizes)
            self.n_outputs_ = sizes[-1]
            self.loss_curve_ = []
            self.best_loss_ = np.inf
            self._no_improve = 0
            self.t_ = 0
            self._optimizer = self._make_optimizer()
            self.validation_scores_ = [] if self.early_stopping else None
            self._best_state = None
            self.best_validation_score_ = -np.inf if self.early_stopping else None
        X = X.astype(self._dtype, copy=False)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, T)
        else:
            self._fit_stochastic(X, T, rng, incremental)
        return self

    def _fit_lbfgs(self, X, T):
        from .nn import optim

        opt = optim.LBFGS(self._params(), lr=1, max_iter=self.max_iter, max_eval=self.max_fun,
                          tolerance_grad=self.tol * 1e-2, tolerance_change=np.finfo(float).eps,
                          history_size=10, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            return self._batch_loss(X, T)

        opt.step(closure)
        st = opt.state[id(self._params()[0])]
        self.n_iter_ = st["n_iter"]
        self.loss_ = float(closure())
        self.loss_curve_ = [self.loss_]
        self.best_loss_ = self.loss_
        if self.n_iter_ >= self.max_iter:
            warnings.warn(f"lbfgs reached max_iter={self.max_iter} without converging.",
                          _interop_class(ConvergenceWarning))

    def _fit_stochastic(self, X, T, rng, incremental):
        n = X.shape[0]
        Xv = Tv = None
        if self.early_stopping and not incremental:
            n_val = max(1, int(round(self.validation_fraction * n)))
            if n - n_val < 1:
                raise ValueError(f"early_stopping needs more samples than {n}")
            perm = rng.permutation(n)
            vi, ti = perm[:n_val], perm[n_val:]
            Xv, Tv = X[vi], self._targets_for_score(T[vi])
            X, T = X[ti], T[ti]
            n = X.shape[0]
        bs = min(200, n) if self.batch_size == "auto" else min(int(self.batch_size), n)
        opt = self._optimizer
        iters = 1 if incremental else self.max_iter
        for _ in range(iters):
            idx = rng.permutation(n) if self.shuffle else np.arange(n)
            total = 0.0
            for start in range(0, n, bs):
                sl = idx[start:start + bs]
                opt.zero_grad()
                total += self._batch_loss(X[sl], T[sl]) * len(sl)
                opt.step()
            self.t_ += n
            self.loss_ = total / n
            self.loss_curve_.append(self.loss_)
            self.n_iter_ = len(self.loss_curve_)
            if self._update_no_improvement(Xv, Tv):
                break
        else:
            if not incremental and self.max_iter == iters:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                              "reached and the optimization hasn't converged yet.",
                              _interop_class(ConvergenceWarning))
        if self.early_stopping and not incremental and self._best_state is not None:
            for (w, b), (bw, bb) in zip(self._layers, self._best_state):
                w.data, b.data = bw, bb

    def _update_no_improvement(self, Xv, Tv):
        if Xv is not None:
            score = self._score_raw(self._predict_raw_nograd(Xv), Tv)
            self.validation_scores_.append(score)
            if score < self.best_validation_score_ + self.tol:
                self._no_improve += 1
            else:
                self._no_improve = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_state = [(w.data.copy(), b.data.copy()) for w, b in self._layers]
        else:
            if self.loss_ > self.best_loss_ - self.tol:
                self._no_improve += 1
            else:
                self._no_improve = 0
        self.best_loss_ = min(self.best_loss_, self.loss_)
        return self._no_improve > self.n_iter_no_change

    def _predict_raw_nograd(self, X):
        from .nn import no_grad

        with no_grad():
            return self._forward(X).data

    def _fastml_tags(self):
        return {"non_deterministic": False}


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier (softmax output, cross-entropy loss)."""

    def _loss(self, out, T):
        return _nn().functional.cross_entropy(out, T)

    def _targets_for_score(self, T):
        return T

    def _score_raw(self, raw, T):
        return float(np.mean(raw.argmax(axis=1) == T))

    def _encode(self, y, incremental, classes=None):
        check_classification_targets(y)
        if incremental and hasattr(self, "classes_") and classes is None:
            classes_ = self.classes_
        elif classes is not None:
            classes_ = np.unique(np.asarray(classes))
        else:
            classes_ = np.unique(y)
        if not np.isin(y, classes_).all():
            raise ValueError(f"y contains labels not in classes {classes_!r}")
        if hasattr(self, "classes_") and incremental and not np.array_equal(
                classes_, self.classes_):
            raise ValueError("classes must not change between partial_fit calls")
        self.classes_ = classes_
        self._n_out = max(2, len(classes_))
        return np.searchsorted(classes_, y).astype(np.int64)

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y)
        return self._fit(X, self._encode(y, False), incremental=False)

    def partial_fit(self, X, y, classes=None):
        """One epoch of sgd/adam on (X, y); `classes` is required on the first call."""
        self._validate_params()
        if self.solver not in ("sgd", "adam"):
            raise AttributeError(f"partial_fit is only available for stochastic optimizers; "
                                 f"{self.solver!r} is not stochastic.")
        first = not hasattr(self, "_layers")
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        X, y = self._validate_data(X, y, reset=first)
        return self._fit(X, self._encode(y, not first, classes if first else None),
                         incremental=True)

    def predict_proba(self, X):
        # one class: the network keeps two outputs (_n_out >= 2), the model one column
        raw = self._raw_predict(X).astype(np.float64)[:, :len(self.classes_)]
        raw -= raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return e / e.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        raw = self._raw_predict(X)[:, :len(self.classes_)]
        return self.classes_[raw.argmax(axis=1)]


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor (identity output, squared error / 2)."""

    def _loss(self, out, T):
        # sklearn's squared_error: ((y - p)^2).mean() over samples only, / 2
        return _nn().functional.mse_loss(out, T) * (0.5 * T.shape[1])

    def _targets_for_score(self, T):
        return T

    def _score_raw(self, raw, T):
        num = ((T - raw) ** 2).sum()
        den = ((T - T.mean(axis=0)) ** 2).sum()
        return float(1 - num / den) if den > 0 else 0.0

    def _prep(self, X, y, reset):
        X, y = self._validate_data(X, y, reset=reset, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        if reset:
            self._y_1d = y.ndim == 1
        T = y.reshape(-1, 1) if y.ndim == 1 else y
        if not np.all(np.isfinite(T)):
            raise ValueError("Input y contains NaN or infinity.")
        self._n_out = T.shape[1]
        return X, np.ascontiguousarray(T.astype(X.dtype))

    def fit(self, X, y):
        self._validate_params()
        X, T = self._prep(X, y, True)
        return self._fit(X, T, incremental=False)

    def partial_fit(self, X, y):
        """One epoch of sgd/adam on (X, y)."""
        self._validate_params()
        if self.solver not in ("sgd", "adam"):
            raise AttributeError(f"partial_fit is only available for stochastic optimizers; "
                                 f"{self.solver!r} is not stochastic.")
        first = not hasattr(self, "_layers")
        X, T = self._prep(X, y, first)
        return self._fit(X, T, incremental=True)

    def predict(self, X):
        raw = self._raw_predict(X)
        return raw.ravel() if self._y_1d else raw

    def _fastml_tags(self):
        return {"non_deterministic": False, "multi_output": True}
