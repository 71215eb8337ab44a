"""Shared MLP machinery: the network on fastml.nn, scikit-learn's output
activations and losses, the solvers' loops (see fastml.neural_network)."""
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator
from ..exceptions import ConvergenceWarning
from ..linear_model._base import SparseInputMixin
from ..utils._param_validation import Interval, Options, StrOptions
from ..utils._sparse import is_sparse
from ..utils.validation import _check_sample_weight, _interop_class, check_random_state
from ._stochastic_optimizers import _AdamOptimizer, _SGDOptimizer

_NN: list = []


def _nn():
    """fastml.nn, imported on first use (kept out of `import fastml`) and cached:
    an import statement per minibatch costs more than the small layers."""
    if not _NN:
        from .. import nn

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

    def _pending(self, key):
        """The list assigned to coefs_ / intercepts_ before the network is
        rebuilt from it (returned as is, so item assignment fills it in)."""
        assigned = self.__dict__.get("_assigned")
        if assigned and "_layers" not in self.__dict__:
            if key not in assigned:
                raise AttributeError(f"{key}_")
            return assigned[key]
        return None

    @property
    def intercepts_(self):
        pending = self._pending("intercepts")
        if pending is not None:
            return pending
        return [b.data.copy() for _, b in self._layers]

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
        from ..nn import no_grad

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
        from ..model_selection import train_test_split

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
