"""Multi-layer perceptrons with scikit-learn's API, trained with fastml.nn.

MLPClassifier and MLPRegressor follow sklearn.neural_network's parameters,
fitted attributes (coefs_, intercepts_, loss_curve_, n_iter_, out_activation_,
...) and algorithm: the output activation is softmax for multi-class, logistic
for binary and multi-label targets, identity (squared error / 2) or exp
(half Poisson deviance) for regression; the L2 term is
alpha / (2 sum(sample_weight)) * sum ||W||^2 over weights, not biases;
Glorot-uniform initialisation from the same random draws; scikit-learn's SGD
(momentum, Nesterov, "constant" / "invscaling" / "adaptive" learning rates)
and Adam update rules; L-BFGS through scipy.optimize (max_iter, max_fun,
gtol=tol); the stopping rule (loss not improving by tol for n_iter_no_change
epochs, or the validation score with early_stopping). Forward and backward
passes run on fastml.nn's compiled dense kernels in the dtype of X (float32
stays float32). Sparse X (CSR/CSC) is never densified: the first layer is a
sparse product and its weight gradient X.T @ delta.
"""
import numbers
import warnings

import numpy as np

from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .exceptions import ConvergenceWarning
from .linear_model._base import SparseInputMixin
from .utils._param_validation import Interval, Options, StrOptions
from .utils._sparse import is_sparse
from .utils.validation import (_check_sample_weight, _interop_class,
                               check_classification_targets, check_random_state,
                               column_or_1d)

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


def _hidden(x, activation, F):
    if activation == "tanh":
        return F.tanh(x)
    if activation == "logistic":
        return F.sigmoid(x)
    if activation == "relu":
        return F.relu(x)
    return x


def _net_forward(layers, X, activation, grad):
    """Hidden layers with `activation`, identity output layer (pre-activation
    output). Sparse X: the first layer is X @ W.T + b in scipy, entered as a
    leaf tensor whose gradient gives dW = (X.T @ dZ).T. Returns (out, leaf)."""
    nn = _nn()
    F = nn.functional
    n = len(layers)
    leaf = None
    start = 0
    if is_sparse(X):
        w, b = layers[0]
        z = np.asarray(X @ w.data.T) + b.data
        leaf = nn.Tensor(np.ascontiguousarray(z, dtype=w.data.dtype), requires_grad=grad)
        x = leaf if n == 1 else _hidden(leaf, activation, F)
        start = 1
    else:
        x = nn.Tensor(X)
    for i in range(start, n):
        w, b = layers[i]
        if i < n - 1 and activation == "relu":
            x = F.linear(x, w, b, activation="relu")  # fused epilogue
        else:
            x = F.linear(x, w, b)
            if i < n - 1:
                x = _hidden(x, activation, F)
    return x, leaf


def _out_activation(z, kind):
    """scikit-learn's output activations on the raw last-layer values."""
    if kind == "softmax":
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
    if kind == "logistic":
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-z))
    if kind == "exp":
        with np.errstate(over="ignore"):
            return np.exp(z)
    return z


def _data_loss(kind, T, P, sw):
    """scikit-learn's losses (log_loss, binary_log_loss, squared error / 2,
    half Poisson deviance) of predictions P (after the output activation)."""
    eps = np.finfo(P.dtype).eps
    P = P.astype(np.float64, copy=False)
    T = T.astype(np.float64, copy=False)
    if kind in ("softmax", "logistic"):
        P = np.clip(P, eps, 1 - eps)
        from scipy.special import xlogy

        if kind == "softmax":
            per = xlogy(T, P)
        else:
            per = xlogy(T, P) + xlogy(1 - T, 1 - P)
        return float(-np.average(per, weights=sw, axis=0).sum())
    if kind == "exp":
        from scipy.special import xlogy

        with np.errstate(divide="ignore", invalid="ignore"):
            per = xlogy(T, T / P) - T + P
        return float(np.average(per, weights=sw, axis=0).sum())
    return float(0.5 * np.average((T - P) ** 2, weights=sw, axis=0).mean())


class _SGDOptimizer:
    """scikit-learn's MLP SGD: velocity = momentum * velocity - lr * grad
    (Nesterov: the update looks one step ahead), learning rate "constant",
    "invscaling" (lr_init / (t + 1) ** power_t after each epoch, t = samples
    seen) or "adaptive" (divided by 5 when the loss stalls)."""

    def __init__(self, params, learning_rate_init, lr_schedule, momentum, nesterov, power_t):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = [np.zeros_like(p) for p in params]

    def update_params(self, params, grads):
        lr, mu = self.learning_rate, self.momentum
        for p, g, v in zip(params, grads, self.velocities):
            v *= mu
            v -= lr * g
            if self.nesterov:
                p += mu * v - lr * g
            else:
                p += v

    def iteration_ends(self, time_step):
        if self.lr_schedule == "invscaling":
            self.learning_rate = float(self.learning_rate_init) / (time_step + 1) ** self.power_t

    def trigger_stopping(self, msg, verbose):
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + " Setting learning rate to %f" % self.learning_rate)
        return False


class _AdamOptimizer:
    """scikit-learn's MLP Adam: lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t),
    p -= lr_t * m / (sqrt(v) + epsilon)."""

    def __init__(self, params, learning_rate_init, beta_1, beta_2, epsilon):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def update_params(self, params, grads):
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        self.learning_rate = (self.learning_rate_init * np.sqrt(1 - b2 ** self.t)
                              / (1 - b1 ** self.t))
        for p, g, m, v in zip(params, grads, self.ms, self.vs):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            p -= self.learning_rate * m / (np.sqrt(v) + self.epsilon)

    def iteration_ends(self, time_step):
        pass

    def trigger_stopping(self, msg, verbose):
        if verbose:
            print(msg + " Stopping.")
        return True


class _BaseMLP(SparseInputMixin, BaseEstimator):
    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "solver": [StrOptions(set(_SOLVERS))],
        # alpha and learning_rate_init must be finite: inf gave all-NaN weights
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(numbers.Real, 0, None, closed="neither")],
        "power_t": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(numbers.Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"),
                             Options(numbers.Real, {np.inf})],
        "max_fun": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    # ---- validation -------------------------------------------------------------
    def _hidden_sizes(self):
        """hidden_layer_sizes as a list of ints >= 1 (after _validate_params,
        which admits an int or an array-like; the entries are checked here)."""
        hls = self.hidden_layer_sizes
        hls = [hls] if np.isscalar(hls) else list(hls)
        if any(isinstance(h, (bool, np.bool_)) or not isinstance(h, numbers.Integral) or h < 1
               for h in hls):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {self.hidden_layer_sizes!r}.")
        return [int(h) for h in hls]

    def _check_solver(self):
        if self.solver not in ("sgd", "adam"):
            raise AttributeError(f"partial_fit is only available for stochastic optimizers. "
                                 f"{self.solver} is not stochastic.")
        return True

    # ---- network and its scikit-learn view ---------------------------------------------
    def _init_layers(self, sizes, dtype, rng):
        nn = _nn()
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

    @property
    def coefs_(self):
        pending = self._pending("coefs")
        if pending is not None:
            return pending
        return [w.data.T.copy() for w, _ in self._layers]

    @coefs_.setter
    def coefs_(self, coefs):
        self._set_layers(coefs=coefs)

    @property
    def intercepts_(self):
        pending = self._pending("intercepts")
        if pending is not None:
            return pending
        return [b.data.copy() for _, b in self._layers]

    def _pending(self, key):
        """The list assigned to coefs_ / intercepts_ before the network is
        rebuilt from it (returned as is, so item assignment fills it in)."""
        assigned = self.__dict__.get("_assigned")
        if assigned and "_layers" not in self.__dict__:
            if key not in assigned:
                raise AttributeError(f"{key}_")
            return assigned[key]
        return None

    @intercepts_.setter
    def intercepts_(self, intercepts):
        self._set_layers(intercepts=intercepts)

    def _set_layers(self, coefs=None, intercepts=None):
        """Assigning coefs_ / intercepts_ (lists, as scikit-learn stores them)
        replaces the network's weights; a list being filled in place is read
        when the network is next used (see _sync_assigned)."""
        self._assigned = getattr(self, "_assigned", {})
        if coefs is not None:
            self._assigned["coefs"] = coefs
        if intercepts is not None:
            self._assigned["intercepts"] = intercepts
        self.__dict__.pop("_layers", None)

    def _sync_assigned(self):
        assigned = self.__dict__.get("_assigned")
        if not assigned or "_layers" in self.__dict__:
            return
        nn = _nn()
        coefs = [np.asarray(c) for c in assigned.get("coefs", [])]
        inters = [np.asarray(b) for b in assigned.get("intercepts", [])]
        dtype = np.result_type(*(coefs + inters + [np.float32]))
        dtype = np.float64 if dtype != np.float32 else dtype
        self._layers = [(nn.Parameter(np.ascontiguousarray(c.T, dtype=dtype)),
                         nn.Parameter(np.ascontiguousarray(b, dtype=dtype)))
                        for c, b in zip(coefs, inters)]
        self._dtype = np.dtype(dtype)
        del self._assigned

    def _has_network(self):
        self._sync_assigned()
        return "_layers" in self.__dict__

    def _params(self):
        return [p for wb in self._layers for p in wb]

    def _forward_raw(self, X, grad=False):
        """Values after the output activation, as float arrays."""
        from .nn import no_grad

        if grad:
            out, _ = _net_forward(self._layers, X, self.activation, True)
            return out
        with no_grad():
            out, _ = _net_forward(self._layers, X, self.activation, False)
        return _out_activation(out.data, self.out_activation_)

    def _predict_values(self, X):
        self._check_is_fitted()
        self._sync_assigned()
        X = self._validate_data(X, reset=False)
        X = X.astype(self._dtype, copy=False)
        return self._forward_raw(X)

    # ---- loss and gradient -----------------------------------------------------------
    def _loss_grad(self, X, T, sw):
        """Loss (data + L2) of a batch; leaves the gradients in the parameters'
        .grad (scikit-learn's: delta = (act(z) - y) * sw / sum(sw) at the
        output, canonical link)."""
        for p in self._params():
            p.grad = None
        out, leaf = _net_forward(self._layers, X, self.activation, True)
        P = _out_activation(out.data, self.out_activation_)
        n = X.shape[0]
        sw_sum = float(n if sw is None else sw.sum())
        loss = _data_loss(self.out_activation_, T, P, sw)
        delta = P - T
        if sw is not None:
            delta = delta * sw[:, None].astype(delta.dtype)
        delta = np.ascontiguousarray(delta / sw_sum, dtype=out.data.dtype)
        out.backward(delta)
        if leaf is not None:
            w, b = self._layers[0]
            dz = leaf.grad
            w.grad = np.ascontiguousarray(np.asarray(X.T @ dz).T, dtype=w.data.dtype)
            b.grad = dz.sum(axis=0).astype(b.data.dtype)
        for p in self._params():
            if p.grad is None:
                p.grad = np.zeros_like(p.data)
        values = 0.0
        for w, _ in self._layers:
            values += float(np.dot(w.data.ravel(), w.data.ravel()))
            if self.alpha:
                w.grad += w.data * w.data.dtype.type(self.alpha / sw_sum)
        return loss + 0.5 * self.alpha * values / sw_sum

    # ---- fitting -------------------------------------------------------------------
    def _initialize(self, T, sizes, dtype, rng):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = T.shape[1]
        self.n_layers_ = len(sizes)
        self.out_activation_ = self._output_kind()
        self._layers = self._init_layers(sizes, dtype, rng)
        self._dtype = np.dtype(dtype)
        self._best_state = [(w.data.copy(), b.data.copy()) for w, b in self._layers]
        self.__dict__.pop("_optimizer", None)
        if self.solver in ("sgd", "adam"):
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    def _fit(self, X, y, sample_weight, incremental):
        hidden = self._hidden_sizes()
        first = not self._has_network() or (not self.warm_start and not incremental)
        X, T = self._validate_input(X, y, incremental, reset=first)
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, X.shape[0])
        self.n_outputs_ = T.shape[1]
        sizes = [X.shape[1]] + hidden + [T.shape[1]]
        self._random_state = check_random_state(self.random_state)
        if first:
            self._initialize(T, sizes, X.dtype, self._random_state)
        elif not hasattr(self, "out_activation_"):
            self.out_activation_ = self._output_kind()
        X = X.astype(self._dtype, copy=False)
        T = np.ascontiguousarray(T, dtype=self._dtype)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, T, sw)
        else:
            self._fit_stochastic(X, T, sw, incremental)
        for w, b in self._layers:
            if not (np.isfinite(w.data).all() and np.isfinite(b.data).all()):
                raise ValueError("Solver produced non-finite parameter weights. The input data "
                                 "may contain large values and need to be preprocessed.")
        return self

    def _pack(self):
        """Parameters as one vector in scikit-learn's layout: every coefs_[i]
        (fan_in, fan_out) raveled, then every intercepts_[i]."""
        return np.concatenate([w.data.T.ravel() for w, _ in self._layers]
                              + [b.data.ravel() for _, b in self._layers]).astype(np.float64)

    def _unpack(self, theta):
        start = 0
        for w, _ in self._layers:
            fan_out, fan_in = w.data.shape
            end = start + fan_in * fan_out
            w.data = np.ascontiguousarray(theta[start:end].reshape(fan_in, fan_out).T,
                                          dtype=self._dtype)
            start = end
        for _, b in self._layers:
            end = start + b.data.size
            b.data = np.ascontiguousarray(theta[start:end], dtype=self._dtype)
            start = end

    def _loss_grad_lbfgs(self, packed_coef_inter, X, y, sample_weight=None, *buffers):
        """Loss and gradient at the packed parameters (scikit-learn's layout
        and signature; the trailing work buffers are not needed)."""
        self._unpack(np.asarray(packed_coef_inter, dtype=np.float64))
        T = np.asarray(y, dtype=self._dtype)
        T = T.reshape(-1, 1) if T.ndim == 1 else T
        X = X if is_sparse(X) else np.ascontiguousarray(X, dtype=self._dtype)
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        loss = self._loss_grad(X, np.ascontiguousarray(T), sw)
        grad = np.concatenate([w.grad.T.ravel() for w, _ in self._layers]
                              + [b.grad.ravel() for _, b in self._layers])
        return loss, grad.astype(np.float64)

    def _fit_lbfgs(self, X, T, sw):
        import scipy.optimize

        options = {"maxfun": self.max_fun, "maxiter": self.max_iter, "gtol": self.tol}
        if self.verbose is True or self.verbose >= 1:
            options["disp"] = True
        res = scipy.optimize.minimize(self._loss_grad_lbfgs, self._pack(), method="L-BFGS-B",
                                      jac=True, options=options, args=(X, T, sw))
        if res.status != 0:
            msg = res.message.decode("latin1") if isinstance(res.message, bytes) \
                else res.message
            warnings.warn(f"lbfgs failed to converge after {res.nit} iteration(s) "
                          f"(status={res.status}):\n{msg}.\n\nIncrease the number of "
                          "iterations to improve the convergence (max_iter="
                          f"{self.max_iter}).", _interop_class(ConvergenceWarning),
                          stacklevel=3)
        self.n_iter_ = min(int(res.nit), self.max_iter)
        self.loss_ = float(res.fun)
        self._unpack(res.x)

    def _make_optimizer(self):
        params = [p.data for p in self._params()]
        if self.solver == "sgd":
            return _SGDOptimizer(params, self.learning_rate_init, self.learning_rate,
                                 self.momentum, self.nesterovs_momentum, self.power_t)
        return _AdamOptimizer(params, self.learning_rate_init, self.beta_1, self.beta_2,
                              self.epsilon)

    def _fit_stochastic(self, X, T, sw, incremental):
        from .model_selection import train_test_split

        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer()
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        rng = self._random_state
        early = self.early_stopping
        Xv = Tv = swv = None
        if early:
            stratify = T.astype(bool) if self._stratify_validation() else None
            arrays = (X, T) if sw is None else (X, T, sw)
            parts = train_test_split(*arrays, random_state=rng,
                                     test_size=self.validation_fraction, stratify=stratify)
            X, Xv, T, Tv = parts[:4]
            if sw is not None:
                sw, swv = parts[4], parts[5]
            if Xv.shape[0] < 2:
                raise ValueError("The validation set is too small. Increase "
                                 "'validation_fraction' or the size of your dataset.")
        n = X.shape[0]
        if self.batch_size == "auto":
            bs = min(200, n)
        else:
            if self.batch_size > n:
                warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is "
                              "going to be clipped")
            bs = int(np.clip(self.batch_size, 1, n))
        opt = self._optimizer
        sample_idx = np.arange(n)
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            if self.shuffle:
                sample_idx = sample_idx[rng.permutation(n)]
            total = 0.0
            for start in range(0, n, bs):
                sl = sample_idx[start:start + bs] if self.shuffle else slice(start, start + bs)
                swb = None if sw is None else sw[sl]
                batch_loss = self._loss_grad(X[sl], T[sl], swb)
                total += batch_loss * (min(start + bs, n) - start)
                params = self._params()
                opt.update_params([p.data for p in params], [p.grad for p in params])
            self.n_iter_ += 1
            self.loss_ = total / n
            self.t_ += n
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print("Iteration %d, loss = %.8f" % (self.n_iter_, self.loss_))
            self._update_no_improvement_count(early, Xv, Tv, swv)
            opt.iteration_ends(self.t_)
            if self._no_improvement_count > self.n_iter_no_change:
                if early:
                    msg = ("Validation score did not improve more than tol=%f for %d "
                           "consecutive epochs." % (self.tol, self.n_iter_no_change))
                else:
                    msg = ("Training loss did not improve more than tol=%f for %d "
                           "consecutive epochs." % (self.tol, self.n_iter_no_change))
                if opt.trigger_stopping(msg, self.verbose):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                              "reached and the optimization hasn't converged yet.",
                              _interop_class(ConvergenceWarning), stacklevel=3)
        if early:
            for (w, b), (bw, bb) in zip(self._layers, self._best_state):
                w.data, b.data = bw, bb

    def _update_no_improvement_count(self, early, Xv, Tv, swv):
        if early:
            score = self._validation_score(Xv, Tv, swv)
            self.validation_scores_.append(score)
            if self.verbose:
                print("Validation score: %f" % score)
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_state = [(w.data.copy(), b.data.copy()) for w, b in self._layers]
        else:
            last = self.loss_curve_[-1]
            if last > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if last < self.best_loss_:
                self.best_loss_ = last

    def _validation_score(self, Xv, Tv, swv):
        P = self._forward_raw(Xv)
        if not np.isfinite(P).all():
            return float(np.nan)
        return float(self._score_values(P, Tv, swv))

    def _fastml_tags(self):
        return {"non_deterministic": False, "sparse": True}


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier: softmax output with cross-entropy
    for K > 2 classes, one logistic output for two classes, one logistic
    output per label for a multi-label indicator y (scikit-learn's model)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
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

    loss = "log_loss"

    def _output_kind(self):
        return "softmax" if self._y_type == "multiclass" else "logistic"

    def _stratify_validation(self):
        return self.n_outputs_ == 1 or self._y_type == "multiclass"

    @staticmethod
    def _label_type(y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            return "multilabel"
        return "multiclass" if len(np.unique(y)) > 2 else "binary"

    def _binarize(self, y):
        """scikit-learn's LabelBinarizer coding: (n, 1) for two classes (and
        one), one-hot for more, the indicator itself for multi-label."""
        if self._y_type == "multilabel":
            return np.asarray(y, dtype=np.float64)
        k = len(self.classes_)
        idx = np.searchsorted(self.classes_, y)
        if k <= 2:
            return (idx == 1).astype(np.float64)[:, None] if k == 2 else \
                np.zeros((len(y), 1))
        T = np.zeros((len(y), k))
        T[np.arange(len(y)), idx] = 1.0
        return T

    def _set_classes(self, y, classes=None):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            if not np.isin(y, (0, 1)).all():
                raise ValueError("Multioutput target data is not supported with label "
                                 "binarization")
            self.classes_ = np.arange(y.shape[1])
            self._y_type = "multilabel"
            return
        self.classes_ = np.unique(y if classes is None else np.asarray(classes))
        self._y_type = "multiclass" if len(self.classes_) > 2 else "binary"

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_data(X, y, reset=reset, multi_output=True)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim == 2:
            if not hasattr(self, "_y_type") or not (self.warm_start or incremental) or reset:
                self._set_classes(y)
            return X, self._binarize(y)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._set_classes(y)
        else:
            classes = np.unique(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError("warm_start can only be used where `y` has the same "
                                     "classes as in the previous call to fit. Previously got "
                                     f"{self.classes_}, `y` has {classes}")
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError("`y` has classes not in `self.classes_`. `self.classes_` has "
                                 f"{self.classes_}. 'y' has {classes}.")
        return X, self._binarize(y)

    def _score_values(self, P, T, sw):
        if self._y_type == "multilabel":
            hit = np.all((P > 0.5) == (T > 0.5), axis=1)
        elif P.shape[1] == 1:
            hit = (P[:, 0] > 0.5) == (T[:, 0] > 0.5)
        else:
            hit = P.argmax(axis=1) == T.argmax(axis=1)
        return np.average(hit.astype(np.float64), weights=sw)

    def fit(self, X, y, sample_weight=None):
        """Fit the network on (X, y); sample_weight weights each sample's loss."""
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=False)

    @property
    def partial_fit(self):
        """One epoch of sgd/adam on (X, y); `classes` is required on the first
        call. Not available for solver="lbfgs"."""
        self._check_solver()
        return self._partial_fit

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        self._validate_params()
        if getattr(self, "classes_", None) is None or not hasattr(self, "_y_type"):
            if classes is None and not (np.ndim(y) == 2 and np.shape(y)[1] > 1):
                raise ValueError("classes must be passed on the first call to partial_fit.")
            if np.ndim(y) == 2 and np.shape(y)[1] > 1:
                self._set_classes(y)
            else:
                self._set_classes(None, classes)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"`classes={classes!r}` is not the same as on the first call to "
                             f"partial_fit, was: {self.classes_!r}")
        return self._fit(X, y, sample_weight, incremental=True)

    def predict_proba(self, X):
        P = self._predict_values(X).astype(np.float64, copy=False)
        if P.shape[1] == 1:
            return np.column_stack([1 - P[:, 0], P[:, 0]])
        return P

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        P = self._predict_values(X)
        if self._y_type == "multilabel":
            return (P > 0.5).astype(np.int64)
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(np.intp) if len(self.classes_) > 1
                                 else np.zeros(len(P), dtype=np.intp)]
        return self.classes_[P.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor: identity output with squared error / 2
    (loss="squared_error") or exp output with half Poisson deviance
    (loss="poisson")."""

    _parameter_constraints = {**_BaseMLP._parameter_constraints,
                              "loss": [StrOptions({"squared_error", "poisson"})]}

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
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

    def _output_kind(self):
        return "exp" if self.loss == "poisson" else "identity"

    def _stratify_validation(self):
        return False

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_data(X, y, reset=reset, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        if reset or not hasattr(self, "_y_1d"):
            self._y_1d = y.ndim == 1
        return X, (y.reshape(-1, 1) if y.ndim == 1 else y)

    def _score_values(self, P, T, sw):
        w = np.ones(len(T)) if sw is None else sw
        num = (w[:, None] * (T - P) ** 2).sum(axis=0)
        ybar = np.average(T, weights=w, axis=0)
        den = (w[:, None] * (T - ybar) ** 2).sum(axis=0)
        r2 = np.where(den > 0, 1 - num / np.where(den > 0, den, 1),
                      np.where(num == 0, 1.0, 0.0))
        return float(np.mean(r2))

    def fit(self, X, y, sample_weight=None):
        """Fit the network on (X, y); sample_weight weights each sample's loss."""
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=False)

    @property
    def partial_fit(self):
        """One epoch of sgd/adam on (X, y). Not available for solver="lbfgs"."""
        self._check_solver()
        return self._partial_fit

    def _partial_fit(self, X, y, sample_weight=None):
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        P = self._predict_values(X)
        return P.ravel() if self._y_1d else P

    def _fastml_tags(self):
        return {"non_deterministic": False, "multi_output": True, "sparse": True}
