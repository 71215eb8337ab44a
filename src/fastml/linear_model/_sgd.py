"""Linear models fitted by per-sample stochastic gradient descent.

Each epoch is one compiled pass (fastml._kernels.sgd.sgd_epoch; for sparse X
fastml._kernels.sparse.sgd_epoch) over a shuffled order: scikit-learn's plain
SGD (scaled weight vector for the L2 decay, cumulative truncated-gradient L1,
learning-rate schedules "constant", "optimal", "invscaling", "adaptive", and
the passive-aggressive steps "pa1" / "pa2" for the hinge (classifier) and
epsilon-insensitive (regressor) losses, scikit-learn's PA-I / PA-II with
eta0 as C).
Between epochs Python applies the stopping rule: stop once the epoch loss has
not dropped by tol * n_samples for n_iter_no_change epochs, or with
early_stopping=True once the score on a held-out validation_fraction (accuracy
or R^2, stratified for classifiers) has not risen by tol. Multi-class
classification is one-vs-rest; its binary problems run on n_jobs threads.

Sparse X (scipy.sparse, any format) is never densified: each step touches the
row's stored features (L1 truncation too, lazily, as scikit-learn does) and,
as in scikit-learn, the intercept step is damped by 0.01 for sparse data.
``average`` (averaged SGD) keeps scikit-learn's lazy running average inside
the same compiled epochs (fastml._kernels.sgd; sparse X: csr_sgd_epoch), so
coef_ / intercept_ are the averages once `average` updates have been made.
A random_state gives scikit-learn's shuffles, validation split and so its
iterates (below 17 features bit for bit: the margin is then one running sum in
scikit-learn's order). Without early stopping, the stopping rule compares
scikit-learn 1.9's objective, the epoch's summed loss plus the penalty at each
sample (reference.sgd.sgd_epoch, state[7]). Differs: on sparse X the rule
compares the summed loss alone (the sparse epochs keep no penalty sum), so a
penalised sparse fit may stop at another epoch; a later SGDClassifier.partial_fit with
averaging continues from the last (non-averaged) intercept; scikit-learn's
restarts it from the initial one.
"""
import numbers
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._kernels import sgd as _kl
from .._kernels import sparse as _ks
from .._kernels.reference import sgd as _ref
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils._sparse import is_sparse
from ..utils.validation import (_check_sample_weight, check_classification_targets,
                                check_random_state, resolve_n_jobs)
from ._base import SparseCoefMixin, SparseInputMixin, linear_scores
from ._logistic import _class_weights, _sigmoid
from ._sgd_losses import _CLF_LOSSES, _REG_LOSSES, _LossFunctions

__all__ = ["SGDClassifier", "SGDRegressor"]

_SPARSE_INTERCEPT_DECAY = 0.01
_INT32_MAX = np.iinfo(np.int32).max


class _BaseSGD(SparseCoefMixin, SparseInputMixin, BaseEstimator):
    loss_functions = _LossFunctions()
    _parameter_constraints = {
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both"), None],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, None, None, closed="neither"), None],
        "shuffle": ["boolean"],
        "verbose": ["verbose"],
        "epsilon": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "learning_rate": [StrOptions(set(_ref.SCHEDULES))],
        "eta0": [Interval(numbers.Real, 0, None, closed="left")],
        "power_t": [Interval(numbers.Real, None, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "average": [Interval(numbers.Integral, 0, None, closed="neither"), "boolean"],
    }

    def _fastml_tags(self):
        return {"sparse": True}

    def _check_combined_params(self):
        """The declarative pass plus the checks that combine parameters."""
        self._validate_params()
        if self.penalty == "elasticnet" and self.l1_ratio is None:
            raise ValueError("l1_ratio must be set when penalty is 'elasticnet'")
        if self.learning_rate == "optimal" and self.alpha == 0:
            raise ValueError("alpha must be > 0 since learning_rate is 'optimal'.")
        if self.learning_rate != "optimal" and self.eta0 <= 0:
            raise ValueError(f"eta0 must be > 0, got {self.eta0!r}.")
        if self.learning_rate in ("pa1", "pa2"):
            need = "hinge" if isinstance(self, ClassifierMixin) else "epsilon_insensitive"
            if self.loss != need:
                raise ValueError(f"Learning rate '{self.learning_rate}' only works with loss "
                                 f"'{need}'.")
        if self.power_t < 0:
            warnings.warn("Negative values for `power_t` are deprecated in version 1.8 and "
                          "will raise an error in 1.10. Use values in the range [0.0, inf) "
                          "instead.", FutureWarning, stacklevel=3)

    def _avg_start(self):
        """Update number from which averaging starts (0: no averaging)."""
        return 0 if not self.average else (1 if self.average is True else int(self.average))

    def _optimal_init(self, alpha):
        typw = np.sqrt(1.0 / np.sqrt(alpha))
        d = _ref.loss_dloss(_ref.LOSSES.index(self.loss), -typw, 1.0, float(self.epsilon))
        return 1.0 / (typw / max(1.0, d) * alpha)

    def _init_models(self, k, p):
        # one row per binary problem: [wscale, intercept, t, u]; W scaled by wscale
        # [.., avg_a, avg_b, avg_intercept] for averaged SGD (reference.sgd.avg_step),
        # [.., the last dense epoch's penalty sum, ||w||^2, ||w||_1] for the
        # stopping objective (reference.sgd.sgd_epoch)
        self._W = np.zeros((k, p))
        self._Q = np.zeros((k, p))
        self._AW = np.zeros((k, p)) if self._avg_start() else None
        self._state = np.tile(np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
                              (k, 1))

    def _start(self, k, p, coef_init, intercept_init, first):
        """Model state for a fit: fresh (t = 1) unless partial_fit continues;
        coef_init / intercept_init, else warm_start's coef_ / intercept_, seed it."""
        if not first and getattr(self, "_W", None) is not None and self._W.shape == (k, p):
            return
        warm = self.warm_start and getattr(self, "_W", None) is not None \
            and self._W.shape == (k, p)
        # as scikit-learn, a warm start continues from coef_ / intercept_ (the
        # averaged ones when averaging was active)
        W0, b0 = (np.asarray(self.coef_, dtype=np.float64).reshape(k, p),
                  np.asarray(self.intercept_, dtype=np.float64).reshape(k).copy()) \
            if warm else (None, None)
        self._init_models(k, p)
        if coef_init is not None:
            c = np.asarray(coef_init, dtype=np.float64)
            c = c.ravel() if k == 1 else c
            if c.shape != ((p,) if k == 1 else (k, p)):
                raise ValueError("Provided coef_init does not match dataset.")
            W0 = c.reshape(k, p)
        if intercept_init is not None:
            b = np.asarray(intercept_init, dtype=np.float64)
            if b.shape not in ((k,),) + (((), (1,)) if k == 1 else ()):
                raise ValueError("Provided intercept_init does not match dataset.")
            b0 = b.reshape(k)
        if W0 is not None:
            self._W[:] = W0
        if b0 is not None:
            self._state[:, 1] = b0

    def _validation_split(self, y, sw, partial, stratify):
        """(train, val) index arrays for early_stopping (val None without it):
        scikit-learn's (Stratified)ShuffleSplit draws from random_state."""
        n = y.shape[0]
        if not self.early_stopping or partial:
            return np.arange(n), None
        rng = self.random_state
        from ..model_selection import train_test_split

        try:
            train, val = train_test_split(np.arange(n), test_size=self.validation_fraction,
                                          random_state=rng,
                                          stratify=y if stratify else None)
        except ValueError as exc:
            raise ValueError(f"Splitting {n} samples into a train set and a validation set "
                             f"with validation_fraction={self.validation_fraction!r} failed "
                             f"({exc}). Please either change validation_fraction, increase "
                             "number of samples, or disable early_stopping.") from None
        if not np.any(sw[val] > 0):
            raise ValueError("The sample weights for validation set are all zero, consider "
                             "using a different random state.")
        return np.sort(train), np.sort(val)

    @staticmethod
    def _check_weight_sum(sw):
        # after the validation split, whose own all-zero message comes first
        if not sw.sum() > 0:
            raise ValueError("Sample weights must not all be zero (sample_weight sums to 0).")

    def _val_score(self, c, Xv, tv, swv):
        """Validation score of binary problem / regression c: weighted accuracy
        of the sign (classifiers) or R^2."""
        pred = np.asarray(Xv @ (self._W[c] * self._state[c, 0])).ravel() + self._state[c, 1]
        if isinstance(self, ClassifierMixin):
            hit = (np.where(pred > 0, 1.0, -1.0) == tv).astype(np.float64)
            return float(hit @ swv / swv.sum())
        ybar = float(tv @ swv / swv.sum())
        num, den = float(swv @ (tv - pred) ** 2), float(swv @ (tv - ybar) ** 2)
        if den == 0.0:
            return 1.0 if num == 0.0 else 0.0
        return 1.0 - num / den

    def _epoch(self, c, X, target, sw, order, schedule, eta, optimal_init):
        alpha = float(self.alpha)
        l1_ratio = 0.0 if self.l1_ratio is None else float(self.l1_ratio)
        args = (self._W[c], self._Q[c], self._state[c], X, target, sw, order, self.loss,
                self.epsilon, self.penalty, alpha, l1_ratio, schedule, eta, self.power_t,
                optimal_init, self.fit_intercept)
        start = self._avg_start()
        if self._state.shape[1] > 9:
            self._state[c, 7] = 0.0  # the dense epochs write their penalty sum here
        if start or (is_sparse(X) and (self.loss == "perceptron" or schedule in ("pa1", "pa2"))):
            # the compiled C sparse epoch has no perceptron loss and no
            # passive-aggressive step: the jitted CSR epoch (average = 0:
            # plain SGD) runs them
            if is_sparse(X):
                aw = self._AW[c] if start else np.zeros(X.shape[1])
                return _kl.csr_sgd_epoch(self._W[c], self._Q[c], self._state[c], aw,
                                         *args[3:], _SPARSE_INTERCEPT_DECAY, start)
            return _kl.sgd_epoch(*args, aw=self._AW[c], average=start)
        if is_sparse(X):
            return _ks.sgd_epoch(*args, _SPARSE_INTERCEPT_DECAY)
        return _kl.sgd_epoch(*args)

    def _epochs(self, X, targets, sw, n_epochs, stop, seeds, val=None, nthreads=1,
                train_mask=None):
        """Run up to n_epochs; targets (k, n) in the loss's coding; sw (n,) or
        (k, n) per problem; seeds[c] the
        shuffle seed of problem c; val = (X_val, targets_val, sw_val) for early
        stopping, whose rows train_mask excludes from the epochs. As in
        scikit-learn, each epoch shuffles every sample's index with the seed's
        swap sequence (applied again each epoch) and skips validation rows, so
        a random_state gives scikit-learn's visiting order. Returns epochs run."""
        alpha = float(self.alpha)
        optimal_init = self._optimal_init(alpha) if self.learning_rate == "optimal" else 0.0
        k = targets.shape[0]
        n_all = X.shape[0]
        if self._state.shape[1] > 9:  # the objective's norms, from this call's start
            Wm = self._W * self._state[:, 0:1]
            self._state[:, 8] = np.einsum("ij,ij->i", Wm, Wm)
            self._state[:, 9] = np.abs(Wm).sum(axis=1)
        n = n_all if train_mask is None else int(train_mask.sum())
        inds = [np.arange(n_all, dtype=np.int64) for _ in range(k)]
        swaps = [_kl.shuffle_swaps(s, n_all) for s in seeds] if self.shuffle else None
        best = np.full(k, -np.inf if val is not None else np.inf)
        stall = np.zeros(k, dtype=int)
        done = np.zeros(k, dtype=bool)
        eta = np.full(k, float(self.eta0))
        schedule = "constant" if self.learning_rate == "adaptive" else self.learning_rate
        tol = self.tol
        pool = ThreadPoolExecutor(min(nthreads, k)) if nthreads > 1 and k > 1 else None
        t0 = time.perf_counter()
        epoch = 0
        try:
            for epoch in range(1, n_epochs + 1):
                active = np.flatnonzero(~done)

                def run(c):
                    if swaps is not None:
                        _kl.apply_swaps(inds[c], swaps[c])
                    order = inds[c] if train_mask is None else inds[c][train_mask[inds[c]]]
                    return self._epoch(c, X, targets[c], sw if sw.ndim == 1 else sw[c], order,
                                       schedule, eta[c], optimal_init)

                losses = list(pool.map(run, active)) if pool else [run(c) for c in active]
                for c, loss in zip(active, losses):
                    if not np.isfinite(loss) or not np.isfinite(self._W[c]).all():
                        raise ValueError("Floating-point under-/overflow occurred at epoch "
                                         f"#{epoch}. Scaling input data with StandardScaler "
                                         "or MinMaxScaler might help.")
                    if self.verbose:
                        self._print_epoch(epoch, c, loss / max(n, 1), t0)
                    if not stop or tol is None:
                        continue
                    if val is not None:
                        score = self._val_score(c, val[0], val[1][c], val[2])
                        worse = score < best[c] + tol
                        best[c] = max(best[c], score)
                    else:  # scikit-learn's objective: loss + penalty (dense epochs)
                        objective = loss + (self._state[c, 7] if self._state.shape[1] > 9
                                            else 0.0)
                        worse = objective > best[c] - tol * n
                        best[c] = min(best[c], objective)
                    stall[c] = stall[c] + 1 if worse else 0
                    if stall[c] >= self.n_iter_no_change:
                        if self.learning_rate == "adaptive" and eta[c] > 1e-6:
                            eta[c] /= 5.0
                            stall[c] = 0
                        else:
                            done[c] = True
                if done.all():
                    if self.verbose:
                        print(f"Convergence after {epoch} epochs took "
                              f"{time.perf_counter() - t0:.2f} seconds")
                    break
        finally:
            if pool is not None:
                pool.shutdown()
        if stop and tol is not None and epoch == n_epochs:
            # scikit-learn warns whenever max_iter epochs ran (also when the
            # last one met the stopping rule)
            warnings.warn("Maximum number of iteration reached before convergence. Consider "
                          "increasing max_iter to improve the fit.", ConvergenceWarning,
                          stacklevel=3)
        self._sync()
        return epoch

    def _print_epoch(self, epoch, c, avg_loss, t0):
        w = self._W[c] * self._state[c, 0]
        print(f"-- Epoch {epoch}")
        print(f"Norm: {np.linalg.norm(w):.2f}, NNZs: {np.count_nonzero(w)}, Bias: "
              f"{self._state[c, 1]:.6f}, T: {int(self._state[c, 2]) - 1}, Avg. loss: "
              f"{avg_loss:.6f}")
        print(f"Total training time: {time.perf_counter() - t0:.2f} seconds.")

    def _sync(self):
        avg = self._avg_start() and getattr(self, "_AW", None) is not None
        if avg:  # fold the lazy average: aw <- (aw + avg_a * w) / avg_b
            self._AW += self._state[:, 4:5] * self._W
            self._AW *= 1.0 / self._state[:, 5:6]
            self._state[:, 4], self._state[:, 5] = 0.0, 1.0
        scale = self._state[:, 0:1]
        self._W *= scale
        self._state[:, 0] = 1.0
        dt = getattr(self, "_dtype", np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            self.coef_ = self._W.astype(dt)
            self.intercept_ = self._state[:, 1].astype(dt)
        if not (np.isfinite(self.coef_).all() and np.isfinite(self.intercept_).all()):
            # finite in float64 during the epochs, beyond the model's dtype (float32)
            raise ValueError("Floating-point under-/overflow occurred: the coefficients do "
                             f"not fit in {np.dtype(dt).name}. Scaling input data with "
                             "StandardScaler or MinMaxScaler might help.")
        self.t_ = float(self._state[0, 2])
        for name in ("_average_coef", "_average_intercept", "_standard_coef",
                     "_standard_intercept"):
            self.__dict__.pop(name, None)
        if avg:
            self._standard_coef, self._standard_intercept = self.coef_, self.intercept_
            self._average_coef = self._AW.astype(dt)
            self._average_intercept = self._state[:, 6].astype(dt)
            if self._avg_start() <= self.t_ - 1:
                self.coef_, self.intercept_ = self._average_coef, self._average_intercept

    def _prepare_X(self, X):
        """float64 C-contiguous dense, or CSR float64 (never densified)."""
        if is_sparse(X):
            return X.tocsr().astype(np.float64, copy=False)
        return np.ascontiguousarray(X, dtype=np.float64)

    def _decision(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        return linear_scores(X, self.coef_, self.intercept_)


class SGDClassifier(ClassifierMixin, _BaseSGD):
    """Linear classifier by SGD: loss "hinge" (linear SVM, default), "log_loss"
    (logistic regression), "modified_huber", "squared_hinge", or a regression
    loss; one-vs-rest for K > 2 classes (n_jobs threads over the classes).
    partial_fit runs one epoch. fit accepts coef_init / intercept_init."""

    _LOSSES = _CLF_LOSSES
    _parameter_constraints = {**_BaseSGD._parameter_constraints,
                              "loss": [StrOptions(set(_CLF_LOSSES))],
                              "class_weight": [StrOptions({"balanced"}), dict, None],
                              "n_jobs": [None, Interval(numbers.Integral, None, None,
                                                        closed="neither")]}

    def __init__(self, loss="hinge", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, verbose=0,
                 epsilon=0.1, n_jobs=None, random_state=None, learning_rate="optimal",
                 eta0=0.01, power_t=0.5, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False, average=False):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.average = average

    def _fit(self, X, y, sample_weight, classes, n_epochs, stop, partial, coef_init=None,
             intercept_init=None):
        self._check_combined_params()
        nthreads = resolve_n_jobs(self.n_jobs)
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
        if first:
            self._dtype = X.dtype.type
        X = self._prepare_X(X)
        self._start(k, X.shape[1], coef_init, intercept_init, first)
        sw = _check_sample_weight(sample_weight, X.shape[0], allow_all_zero=True)
        sw_raw = np.ones(X.shape[0]) if sw is None else sw
        cw = _class_weights(self.class_weight, self.classes_, y_idx)
        sw = sw_raw * cw[y_idx]
        # the weights the epochs use: binary, each sample its class's weight;
        # one-vs-rest problem c (scikit-learn's pos_weight / neg_weight), the
        # weight of class c on its positives and 1 on the rest
        sw_fit = sw if k == 1 else \
            sw_raw[None, :] * np.where(y_idx[None, :] == np.arange(k)[:, None], cw[:, None], 1.0)
        if k == 1:
            targets = np.where(y_idx == 1, 1.0, -1.0)[None, :]
        else:
            targets = np.where(y_idx[None, :] == np.arange(k)[:, None], 1.0, -1.0)
        # scikit-learn's random draws, in its order: per binary problem one draw
        # for its dataset and one shuffle seed; the validation split from
        # random_state itself (the same generator when it is an instance)
        if k == 1:
            rs = check_random_state(self.random_state)
            rs.randint(1, _INT32_MAX)
            train, val = self._validation_split(y_idx, sw, partial, True)
            seeds = [rs.randint(_INT32_MAX)]
        else:
            train, val = self._validation_split(y_idx, sw, partial, True)
            rs = check_random_state(self.random_state)
            seeds = []
            for s in rs.randint(_INT32_MAX, size=k):
                r = np.random.RandomState(s)
                r.randint(1, _INT32_MAX)
                seeds.append(r.randint(_INT32_MAX))
        self._check_weight_sum(sw)
        vset, mask = None, None
        if val is not None:  # scored with the sample weights alone, as scikit-learn
            vset = (X[val], targets[:, val], sw_raw[val])
            mask = np.zeros(X.shape[0], dtype=bool)
            mask[train] = True
        self.n_iter_ = self._epochs(X, np.ascontiguousarray(targets), sw_fit, n_epochs, stop,
                                    seeds, vset, nthreads, mask)
        return self

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        return self._fit(X, y, sample_weight, None, None, True, False, coef_init,
                         intercept_init)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        self._check_combined_params()
        if self.early_stopping:
            raise ValueError("early_stopping should be False with partial_fit")
        if self.class_weight == "balanced":
            raise ValueError("class_weight 'balanced' is not supported for partial_fit. In "
                             "order to use 'balanced' weights, use compute_class_weight("
                             "'balanced', classes=classes, y=y). In place of y you can use a "
                             "large enough sample of the full training set target to properly "
                             "estimate the class frequency distributions. Pass the resulting "
                             "weights as the class_weight parameter.")
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
            # scikit-learn's available_if wording, the reason as the cause
            cause = AttributeError(f"probability estimates are not available for loss="
                                   f"{self.loss!r}")
            raise AttributeError(f"This '{type(self).__name__}' has no attribute "
                                 "'predict_proba'") from cause
        return self._predict_proba

    @property
    def predict_log_proba(self):
        try:
            proba = self.predict_proba
        except AttributeError as exc:
            raise AttributeError(f"This '{type(self).__name__}' has no attribute "
                                 "'predict_log_proba'") from exc.__cause__
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
    "epsilon_insensitive" (linear SVR) or "squared_epsilon_insensitive".
    fit accepts coef_init / intercept_init."""

    _LOSSES = _REG_LOSSES
    _parameter_constraints = {**_BaseSGD._parameter_constraints,
                              "loss": [StrOptions(set(_REG_LOSSES))]}

    def __init__(self, loss="squared_error", *, penalty="l2", alpha=0.0001, l1_ratio=0.15,
                 fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, verbose=0,
                 epsilon=0.1, random_state=None, learning_rate="invscaling", eta0=0.01,
                 power_t=0.25, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, warm_start=False, average=False):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.average = average

    def _fit(self, X, y, sample_weight, classes, n_epochs, stop, partial, coef_init=None,
             intercept_init=None):
        self._check_combined_params()
        n_epochs = int(self.max_iter) if n_epochs is None else n_epochs
        first = not (partial and hasattr(self, "_W"))
        X, y = self._validate_data(X, y, reset=first, y_numeric=True)
        if first:
            self._dtype = X.dtype.type
        X = self._prepare_X(X)
        y = np.asarray(y, dtype=np.float64)
        self._start(1, X.shape[1], coef_init, intercept_init, first)
        sw = _check_sample_weight(sample_weight, X.shape[0], allow_all_zero=True)
        sw = np.ones(X.shape[0]) if sw is None else sw
        # scikit-learn's random draws, in its order: validation split, shuffle
        # seed, the dataset's draw
        train, val = self._validation_split(y, sw, partial, False)
        rs = check_random_state(self.random_state)
        seeds = [rs.randint(0, _INT32_MAX)]
        rs.randint(1, _INT32_MAX)
        self._check_weight_sum(sw)
        vset, mask = None, None
        if val is not None:
            vset = (X[val], y[None, val], sw[val])
            mask = np.zeros(X.shape[0], dtype=bool)
            mask[train] = True
        self.n_iter_ = self._epochs(X, y[None, :].copy(), sw, n_epochs, stop, seeds, vset,
                                    1, mask)
        self.coef_ = self.coef_[0]
        self.intercept_ = self.intercept_[:1].copy()
        if "_average_coef" in self.__dict__:
            self._average_coef, self._standard_coef = self._average_coef[0], \
                self._standard_coef[0]
        return self

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        return self._fit(X, y, sample_weight, None, None, True, False, coef_init,
                         intercept_init)

    def partial_fit(self, X, y, sample_weight=None):
        self._check_combined_params()
        if self.early_stopping:
            raise ValueError("early_stopping should be False with partial_fit")
        return self._fit(X, y, sample_weight, None, 1, False, True)

    def predict(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        return linear_scores(X, self.coef_, self.intercept_[0]).ravel()
