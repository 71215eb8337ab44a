"""Logistic regression: binary (sigmoid) and multinomial (softmax).

Objective, with sample weights s (class_weight folded in), S = sum s and
r = l1_ratio:

    F(W, b) = 1/S sum_i s_i loss_i + ((1 - r)/2 ||W||^2 + r ||W||_1) / (C S)

(b never penalised), which is scikit-learn's objective (C sum s loss +
penalty) divided by C S: the optimum is the same and ``tol`` is a gradient
tolerance on comparable scales. Binary problems fit one vector (coef_ (1, p)),
K > 2 classes the full softmax (coef_ (K, p)); ``multi_class`` is gone, as in
scikit-learn 1.8+. The loss, gradient and Hessian products are evaluated in
cache-sized row blocks on n_jobs threads (``_logistic_loss``).

Solvers (scikit-learn's names):
- "lbfgs" (default): L-BFGS, l2 or no penalty.
- "newton-cg": truncated Newton, CG on exact Hessian-vector products.
- "newton-cholesky": exact Newton, dense Hessian ((K p)^2 entries: for small
  K p) solved by Cholesky.
- "liblinear": binary only; scikit-learn's liblinear objective, where the
  intercept is the weight of a constant feature ``intercept_scaling`` and is
  penalised with the rest; l2 is solved by newton-cg, l1 by OWL-QN.
- "sag", "saga": deliberately different algorithms, same optimum. fastml does
  not run the stochastic average gradient: "sag" (l2/None) and "saga" with
  l2/None solve the objective with L-BFGS, "saga" with l1/elasticnet with
  OWL-QN (L-BFGS restricted to orthants; exact zeros). The names keep
  scikit-learn's penalty rules; ``n_iter_`` counts the iterations of the
  solver used, not epochs.
X may be scipy.sparse (any format): the loss is then evaluated with
sparse-times-dense products over CSR row blocks (never densified); the legacy
"sgd" solver needs dense X. Unlike scikit-learn's liblinear/sag/saga, int64
sparse indices are accepted by every solver.
Older fastml names stay accepted: "newton" (= "newton-cholesky"), "cg"
(nonlinear conjugate gradients), "gd" (accelerated proximal gradient, FISTA
with adaptive restart, step 1/L; also l1 / elastic net), "sgd"
(compiled per-sample SGD epochs).
"""
import math
import numbers
import warnings

import numpy as np

from .. import optimize as _opt
from .._kernels import sgd as _kl
from .._optimize.newton import _gmax, newton_cg, newton_cholesky
from .._optimize.owlqn import owlqn
from ..base import BaseEstimator, ClassifierMixin
from ..callback import CallbackSupportMixin, IterationTasks, callback_management_context
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Hidden, Interval, StrOptions
from ..utils._sparse import dense_required, is_sparse
from ..utils.validation import (_check_sample_weight, check_classification_targets,
                                check_random_state, resolve_n_jobs)
from ._base import SparseCoefMixin, SparseInputMixin, linear_scores
from ._logistic_loss import LogisticLoss

__all__ = ["LogisticRegression"]

_SOLVERS = ("lbfgs", "newton-cg", "newton-cholesky", "liblinear", "sag", "saga")
_LEGACY = ("newton", "cg", "gd", "sgd")
_L2_ONLY = ("lbfgs", "newton-cg", "newton-cholesky", "sag", "newton", "cg")


def _class_weights(class_weight, classes, y_idx):
    if class_weight is None:
        return np.ones(len(classes))
    if class_weight == "balanced":
        counts = np.bincount(y_idx, minlength=len(classes))
        return len(y_idx) / (len(classes) * np.maximum(counts, 1))
    if isinstance(class_weight, dict):
        cw = np.ones(len(classes))
        for c, v in class_weight.items():
            hits = np.flatnonzero(classes == c)
            if hits.size == 0:
                raise ValueError(f"Class label {c!r} not present in the training classes "
                                 f"{classes.tolist()}.")
            cw[hits[0]] = v
        return cw
    raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {class_weight!r}.")


def _sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _fista(prob, theta, l1, tol, max_iter):
    """Accelerated proximal gradient with adaptive restart; l1 on the W part."""
    step = 1.0 / prob.lipschitz()
    nw = prob.K * prob.p
    x, yk, t = theta.copy(), theta.copy(), 1.0
    f_prev = np.inf
    history = []
    for it in range(1, max_iter + 1):
        f, g = prob.smooth(yk)
        x_new = yk - step * g
        if l1:
            x_new[:nw] = np.sign(x_new[:nw]) * np.maximum(np.abs(x_new[:nw]) - step * l1, 0.0)
        gmap = np.max(np.abs(yk - x_new)) / step
        f_new = prob.smooth(x_new)[0] + l1 * np.abs(x_new[:nw]).sum()
        history.append(f_new)
        if f_new > f_prev:  # restart momentum
            t, yk = 1.0, x.copy()
            continue
        t_new = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
        yk = x_new + ((t - 1) / t_new) * (x_new - x)
        x, t, f_prev = x_new, t_new, f_new
        if gmap <= tol:
            return x, it, True, history
    return x, max_iter, False, history


_NOT_CONVERGED = {
    "newton-cg": "newton-cg failed to converge after {n} iterations. Increase the number of "
                 "iterations.",
    "liblinear": "Liblinear failed to converge, increase the number of iterations.",
    "sag": "The max_iter was reached which means the coef_ did not converge",
    "saga": "The max_iter was reached which means the coef_ did not converge",
    "newton-cholesky": "Newton solver did not converge after {n} iterations.",
    "newton": "Newton solver did not converge after {n} iterations.",
}


class LogisticRegression(CallbackSupportMixin, ClassifierMixin, SparseCoefMixin, SparseInputMixin,
                         BaseEstimator):
    """Logistic regression classifier (see the module docstring for the objective).

    Parameters follow scikit-learn 1.9: ``l1_ratio`` (0: l2, 1: l1, between:
    elastic net) and ``C`` (``np.inf``: no penalty) choose the penalty while
    ``penalty`` is left at its default; an explicit ``penalty`` in {"l2", "l1",
    "elasticnet", None} is still honoured (without scikit-learn's deprecation
    warning). ``dual=True`` is accepted with liblinear + l2 as in scikit-learn;
    fastml solves the primal (same optimum). ``n_jobs`` is the thread count of
    the loss evaluations (scikit-learn ignores it since 1.8). ``verbose`` >= 1
    prints one line per fit (iterations, convergence, final objective); >= 2
    also the objective at every lbfgs / cg iteration. ``max_iter`` counts iterations (epochs for "sgd").
    """

    _parameter_constraints = {
        # "deprecated": derive the penalty from l1_ratio and C (scikit-learn 1.8+);
        # "none" is the pre-1.2 spelling of None
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None,
                    Hidden(StrOptions({"none", "deprecated"}))],
        "C": [Interval(numbers.Real, 0, math.inf, closed="right")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both"), None],
        "dual": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "solver": [StrOptions(set(_SOLVERS)), Hidden(StrOptions(set(_LEGACY)))],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "n_jobs": [None, numbers.Integral],
    }

    def __init__(self, penalty="deprecated", *, C=1.0, l1_ratio=0.0, dual=False, tol=1e-4,
                 fit_intercept=True, intercept_scaling=1, class_weight=None, random_state=None,
                 solver="lbfgs", max_iter=100, verbose=0, warm_start=False, n_jobs=None):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    def _resolve_penalty(self):
        """(penalty, l1_ratio) with penalty in {"l2", "l1", "elasticnet", None}."""
        r = self.l1_ratio
        if self.penalty == "deprecated":
            if r is None:  # scikit-learn 1.8 deprecated it; it is read as 0 (l2)
                warnings.warn("'l1_ratio=None' was deprecated (as in scikit-learn 1.8) and will "
                              "become an error: use 0 <= l1_ratio <= 1 (None is read as 0, "
                              "an l2 penalty).", FutureWarning, stacklevel=3)
            if r is None or r == 0:
                penalty = "l2"
            elif r == 1:
                penalty = "l1"
            else:
                penalty = "elasticnet"
            if self.C == math.inf:
                penalty = None
        else:
            penalty = None if self.penalty == "none" else self.penalty
            warnings.warn("'penalty' was deprecated (as in scikit-learn 1.8) and will be "
                          "removed: leave it at its default and use l1_ratio and C instead "
                          "(l1_ratio=0 for 'l2', 1 for 'l1', in between for 'elasticnet'; "
                          "C=np.inf for None).", FutureWarning, stacklevel=3)
            if penalty == "elasticnet" and r is None:
                raise ValueError("l1_ratio must be specified when penalty is elasticnet.")
            # scikit-learn's warnings for an explicit penalty it is deprecating
            if penalty != "elasticnet" and r is not None and 0 < r < 1:
                warnings.warn("l1_ratio parameter is only used when penalty is 'elasticnet'. "
                              f"Got (penalty={penalty})", UserWarning, stacklevel=3)
            if (penalty == "l2" and r != 0) or (penalty == "l1" and r != 1):
                warnings.warn(f"Inconsistent values: penalty={penalty} with l1_ratio={r}. "
                              "penalty is deprecated. Please use l1_ratio only.", UserWarning,
                              stacklevel=3)
            if penalty is None and self.C != 1.0:
                warnings.warn("Setting penalty=None will ignore the C and l1_ratio parameters",
                              UserWarning, stacklevel=3)
        ratio = {"l2": 0.0, "l1": 1.0, None: 0.0}.get(penalty, r)
        solver = self.solver
        if penalty not in ("l2", None) and solver in _L2_ONLY:
            raise ValueError(f"Solver {solver} supports only 'l2' or None penalties, got "
                             f"{penalty} penalty (l1_ratio={r!r}); use solver='saga' (or "
                             "'liblinear' for l1).")
        if solver == "liblinear" and penalty == "elasticnet":
            raise ValueError(f"Only 'saga' solver supports elasticnet penalty, got "
                             f"solver={solver}. (l1_ratio={r!r}: use 0 or 1 with liblinear.)")
        if solver == "liblinear" and penalty not in ("l1", "l2"):
            raise ValueError(f"penalty={penalty!r} is not supported for the liblinear solver; "
                             "use 'l1' or 'l2' (l1_ratio 1 or 0 with finite C).")
        if solver == "sgd" and penalty == "elasticnet":
            raise ValueError("Solver sgd supports 'l2', 'l1' or None penalties; use "
                             "solver='saga' for elasticnet.")
        if self.dual and not (solver == "liblinear" and penalty == "l2"):
            raise ValueError(f"Solver {solver} supports only dual=False, got dual=True "
                             f"(penalty {penalty}); dual=True needs solver='liblinear' and "
                             "'l2'.")
        return penalty, float(ratio)

    def set_callbacks(self, *callbacks):
        """Register fit callbacks (see fastml.callback): the fit is one task and,
        with solver="lbfgs", each iteration a subtask whose ``fitted_estimator``
        holds the coefficients reached so far. Returns self."""
        if callbacks and self.solver != "lbfgs":
            warnings.warn("Callbacks are only supported in LogisticRegression for "
                          f"solver='lbfgs' (got solver={self.solver!r}): only the whole fit "
                          "is reported as one task.", UserWarning, stacklevel=2)
        return super().set_callbacks(*callbacks)

    def fit(self, X, y, sample_weight=None):
        with callback_management_context(self):  # callbacks' teardown, always
            self._validate_params()
            penalty, ratio = self._resolve_penalty()
            C, tol, max_iter = float(self.C), float(self.tol), int(self.max_iter)
            nthreads = resolve_n_jobs(self.n_jobs)
            X, y = self._validate_data(X, y)
            check_classification_targets(y)
            self.classes_, y_idx = np.unique(y, return_inverse=True)
            if len(self.classes_) < 2:
                raise ValueError("This solver needs samples of at least 2 classes in the data, "
                                 "but the data contains only one class: "
                                 f"{self.classes_[0]!r}")
            solver = {"newton": "newton-cholesky"}.get(self.solver, self.solver)
            liblinear = solver == "liblinear"
            if liblinear and len(self.classes_) > 2:
                raise ValueError("The 'liblinear' solver does not support multiclass "
                                 "classification (n_classes >= 3). Either use another solver "
                                 "or wrap the estimator"
                                 " in a OneVsRestClassifier to keep applying a one-versus-rest "
                                 "scheme.")
            if liblinear and X.shape[0] and X.max() > 1e30:
                # scikit-learn's guard and message: at this scale the liblinear
                # objective's products (x.w, the Hessian's x^2 terms) overflow
                # float64 within the first steps and the fit stalls at w = 0
                raise ValueError("Using the 'liblinear' solver while X contains a maximum "
                                 "value > 1e30 results in a frozen fit. Please choose another "
                                 "solver or rescale the input X.")
            sw = _check_sample_weight(sample_weight, X.shape[0])
            s = (np.ones(X.shape[0]) if sw is None else sw) * \
                _class_weights(self.class_weight, self.classes_, y_idx)[y_idx]
            if s.sum() <= 0:
                raise ValueError("Sample weights (times class weights) must not all be zero.")
            fit_b = bool(self.fit_intercept)
            scaling = float(self.intercept_scaling)
            if is_sparse(X):
                if solver == "sgd":
                    raise dense_required("X")
                Xd = X.astype(np.float64, copy=False).tocsr()
                if liblinear and fit_b:  # the intercept is a penalised constant feature
                    import scipy.sparse as sp
                    Xd = sp.hstack([Xd, sp.csr_matrix(np.full((Xd.shape[0], 1), scaling))],
                                   format="csr")
            else:
                Xd = np.asarray(X, dtype=np.float64)
                if liblinear and fit_b:  # the intercept is a penalised constant feature
                    Xd = np.hstack([Xd, np.full((Xd.shape[0], 1), scaling)])
            strength = 0.0 if penalty is None else 1.0 / (C * s.sum())
            lam, l1 = (1.0 - ratio) * strength, ratio * strength
            prob = LogisticLoss(Xd, y_idx, s, len(self.classes_), lam, fit_b and not liblinear,
                                nthreads)
            theta = self._warm_theta(prob, liblinear and fit_b, scaling)
            out = np.float64 if liblinear else X.dtype  # scikit-learn's liblinear is float64

            def attributes(th):
                coef, intercept = self._coef_intercept(prob, th, liblinear and fit_b, scaling,
                                                       penalty, out)
                return {"coef_": coef, "intercept_": intercept}

            ctx = self._init_callback_context(max_subtasks=max(max_iter, 1) + 1)
            metadata = None if sample_weight is None else {"sample_weight": sample_weight}
            ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
            iters = None
            if self.solver == "lbfgs" and ctx._callbacks:
                iters = IterationTasks(ctx, self, attributes, theta, task_name="lbfgs-iter", X=X,
                                       y=y, metadata=metadata)
            with prob.session():
                theta, n_iter, ok = self._solve(solver, prob, theta, l1, tol, max_iter, Xd, y_idx,
                                                s, lam, iters)
                if iters is not None:
                    if n_iter == 0:
                        iters.idle(theta)
                    iters.close()
                if self.verbose:
                    f = prob.smooth(theta)[0] + l1 * np.abs(theta[: prob.K * prob.p]).sum()
                    print(f"LogisticRegression (solver={self.solver!r}): {n_iter} iterations, "
                          f"{'converged' if ok else 'not converged'}, objective {f:.8g}",
                          flush=True)
            if not ok and max_iter > 0:
                head = _NOT_CONVERGED.get(self.solver, "{s} failed to converge after {n} "
                                          "iterations.").format(s=self.solver, n=n_iter)
                warnings.warn(f"{head} (max_iter={max_iter}; increase max_iter or scale the "
                              "data)", ConvergenceWarning, stacklevel=2)
            self.coef_, self.intercept_ = self._coef_intercept(prob, theta, liblinear and fit_b,
                                                               scaling, penalty, out)
            self.n_iter_ = np.array([n_iter], dtype=np.int32)
            ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata,
                                     reconstruction_attributes={})
            return self

    @staticmethod
    def _coef_intercept(prob, theta, liblinear_b, scaling, penalty, out):
        """(coef_, intercept_) of the solver's parameter vector theta."""
        W, b = prob.unpack(theta)
        if liblinear_b:
            W, b = W[:, :-1], W[:, -1] * scaling
        if prob.K > 1:
            # softmax is invariant to adding one vector to every class: pick the
            # symmetric representative (unpenalised parts sum to zero over classes;
            # the l2 optimum already has that property, l1 does not need it)
            b = b - b.mean()
            if penalty is None:
                W = W - W.mean(axis=0)
        return np.ascontiguousarray(W, dtype=out), np.asarray(b, dtype=out).copy()

    def _fastml_tags(self):
        return {"sparse": self.solver != "sgd"}  # the legacy "sgd" epochs need dense X

    def _warm_theta(self, prob, liblinear_b, scaling):
        theta = np.zeros(prob.size)
        coef = getattr(self, "coef_", None) if self.warm_start else None
        if coef is not None and is_sparse(coef):
            coef = coef.toarray()
        p_user = prob.p - (1 if liblinear_b else 0)
        if coef is None or coef.shape != (prob.K, p_user):
            return theta
        W = theta[: prob.K * prob.p].reshape(prob.K, prob.p)
        W[:, :p_user] = coef
        if liblinear_b:
            W[:, -1] = np.asarray(self.intercept_) / scaling
        elif prob.fi:
            theta[prob.K * prob.p:] = self.intercept_
        return theta

    def _print_history(self, res):
        """verbose >= 2: the objective after every iteration of lbfgs / cg."""
        if int(self.verbose) >= 2:
            for it, f in enumerate(res.history):
                print(f"iteration {it:4d}  objective {f:.10g}")

    def _solve(self, solver, prob, theta, l1, tol, max_iter, Xd, y_idx, s, lam, iters=None):
        """(theta, n_iter, converged) of the chosen solver; `iters` (lbfgs) is
        called with the iterate after every iteration."""
        if max_iter == 0:
            return theta, 0, False
        if solver in ("saga", "liblinear") and l1 > 0:
            c = np.zeros(prob.size)
            c[: prob.K * prob.p] = l1
            theta, n_iter, ok = owlqn(prob.smooth, theta, c, tol=tol, max_iter=max_iter)
        elif solver == "gd":
            theta, n_iter, ok, _ = _fista(prob, theta, l1, tol, max_iter)
        elif solver in ("lbfgs", "sag", "saga"):
            res = _opt.minimize_lbfgs(prob.smooth, theta, tol=tol, max_iter=max_iter,
                                      callback=iters)
            theta, n_iter, ok = res.x, res.n_iter, res.converged
            self._print_history(res)
            if n_iter < max_iter and _gmax(res.grad) > tol:
                # L-BFGS stopped where f no longer decreases measurably (relative
                # decrease ~1e-14), typically ~1e-8 from the optimum with the gradient
                # still above a tight tol: finish with Newton-CG on the gradient test
                theta, extra, ok = newton_cg(prob.smooth, prob.grad_hess, theta, tol=tol,
                                             max_iter=max_iter - n_iter, callback=iters)
                n_iter += extra
        elif solver in ("newton-cg", "liblinear"):
            theta, n_iter, ok = newton_cg(prob.smooth, prob.grad_hess, theta, tol=tol,
                                          max_iter=max_iter)
        elif solver == "newton-cholesky":
            theta, n_iter, ok = newton_cholesky(prob.grad_hess_full, prob.smooth, theta,
                                                tol=tol, max_iter=max_iter)
        elif solver == "cg":
            res = _opt.minimize_cg(prob.smooth, theta, tol=tol, max_iter=max_iter)
            theta, n_iter, ok = res.x, res.n_iter, res.converged
            self._print_history(res)
        else:
            theta, n_iter, ok = self._fit_sgd(prob, Xd, y_idx, s, lam, l1, tol, max_iter, theta)
        return theta, n_iter, ok

    def _fit_sgd(self, prob, Xd, y_idx, s, lam, l1, tol, max_iter, theta):
        """Per-sample SGD on the mean loss: alpha = lam (l2) or l1 strength, the
        "optimal" schedule; stop when the epoch loss has not improved by
        tol * n for 5 epochs (scikit-learn's SGD rule)."""
        rng = check_random_state(self.random_state)
        n = Xd.shape[0]
        sn = s / s.mean()  # per-sample weights of the mean loss
        alpha = lam + l1 if (lam + l1) > 0 else 1e-4 / n
        typw = np.sqrt(1.0 / np.sqrt(alpha))
        optimal_init = 1.0 / (typw / max(1.0, 1.0 / (np.exp(typw) + 1)) * alpha)
        W, b = prob.unpack(theta)
        W, b = W.copy(), b.copy()
        best, stall, ok = np.inf, 0, False
        if prob.K == 1:
            w, q = W[0].copy(), np.zeros(prob.p)
            state = np.array([1.0, b[0], 1.0, 0.0])
            pen = "l1" if l1 else ("l2" if lam else None)  # None: alpha only sets the schedule
        else:
            state = np.array([1.0, 0.0, 1.0])
        for epoch in range(1, max_iter + 1):
            order = rng.permutation(n).astype(np.int64)
            if prob.K == 1:
                loss = _kl.sgd_epoch(w, q, state, Xd, prob.ypm, sn, order, "log_loss", 0.0, pen,
                                     alpha, 1.0, "optimal", 0.0, 0.5, optimal_init,
                                     prob.fi)
            else:
                loss = _kl.softmax_sgd_epoch(W, b, state, Xd, y_idx.astype(np.int64), sn, order,
                                             lam, l1, "optimal", 0.0, 0.5, optimal_init,
                                             prob.fi, alpha)
            if not np.isfinite(loss):
                break
            if loss > best - tol * n:
                stall += 1
            else:
                stall = 0
            best = min(best, loss)
            if stall >= 5:
                ok = True
                break
        if prob.K == 1:
            W[0], b[0] = w * state[0], state[1]
        else:
            W *= state[0]
        theta = np.concatenate([W.ravel(), b]) if prob.fi else W.ravel()
        return theta, epoch, ok

    # ---- prediction ---------------------------------------------------------
    def decision_function(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        Z = linear_scores(X, self.coef_, self.intercept_)
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict_proba(self, X):
        Z = np.asarray(self.decision_function(X), dtype=np.float64)
        if Z.ndim == 1:
            p1 = _sigmoid(Z)
            P = np.column_stack([1.0 - p1, p1])
        else:
            P = np.exp(Z - Z.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
        return P.astype(self.coef_.dtype, copy=False)

    def _predict_proba_lr(self, X):
        """One-vs-rest probabilities: per-class sigmoids normalised to sum to 1
        (scikit-learn's helper of the same name; predict_proba is softmax)."""
        Z = np.asarray(self.decision_function(X), dtype=np.float64)
        P = _sigmoid(Z.ravel()).reshape(Z.shape)
        if P.ndim == 1:
            return np.column_stack([1.0 - P, P])
        return P / P.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        Z = self.decision_function(X)
        idx = (Z > 0).astype(np.intp) if Z.ndim == 1 else Z.argmax(axis=1)
        return self.classes_[idx]
