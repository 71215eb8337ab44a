"""Logistic regression: binary (sigmoid) and multinomial (softmax).

Objective, with sample weights s (class_weight folded in) and S = sum s:

    F(W, b) = 1/S sum_i s_i loss_i + penalty(W) / (C S)
    penalty: l2 -> ||W||^2 / 2, l1 -> ||W||_1, None -> 0 (b is never penalised)

which is scikit-learn's objective (C sum s loss + penalty) divided by C S, so
the optimum is the same and `tol` is a gradient tolerance on comparable
scales. Binary problems fit one vector (coef_ (1, p)), K > 2 classes the full
softmax (coef_ (K, p)). Loss and gradient are a few BLAS calls on NumPy.

Solvers: "lbfgs" (default), "newton" (Newton/IRLS with the exact Hessian),
"cg" (nonlinear conjugate gradients) — l2 or no penalty; "gd" (accelerated
proximal gradient, FISTA, step 1/L) and "sgd" (compiled per-sample SGD
epochs) — also l1.
"""
import math
import numbers
import warnings

import numpy as np

from .. import optimize as _opt
from .._kernels import sgd as _kl
from ..base import BaseEstimator, ClassifierMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Hidden, Interval, StrOptions
from ..utils.validation import (_check_sample_weight, check_classification_targets,
                                check_random_state)

__all__ = ["LogisticRegression"]

_SOLVERS = ("lbfgs", "newton", "cg", "gd", "sgd")


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


class _Problem:
    """Loss/gradient/Hessian of F over theta = [W.ravel(), b] (b only if fit_intercept)."""

    def __init__(self, X, y_idx, s, n_classes, lam, fit_intercept):
        self.X = X
        self.n, self.p = X.shape
        self.K = 1 if n_classes == 2 else n_classes
        self.fi = fit_intercept
        self.S = s.sum()
        self.sn = s / self.S  # weights summing to one
        self.lam = lam  # l2 strength 1/(C S) (0 for no / l1 penalty)
        if self.K == 1:
            self.ypm = np.where(y_idx == 1, 1.0, -1.0)
        else:
            self.y_idx = y_idx
            self.rows = np.arange(self.n)
        self.size = self.K * self.p + (self.K if fit_intercept else 0)

    def unpack(self, theta):
        W = theta[: self.K * self.p].reshape(self.K, self.p)
        b = theta[self.K * self.p:] if self.fi else np.zeros(self.K)
        return W, b

    def _scores(self, W, b):
        Z = self.X @ W.T
        if self.fi:
            Z += b
        return Z

    def smooth(self, theta):
        """(loss, grad) of the data term plus the l2 term."""
        W, b = self.unpack(theta)
        if self.K == 1:
            z = self.X @ W[0]
            if self.fi:
                z += b[0]
            yz = self.ypm * z
            loss = float(self.sn @ np.logaddexp(0.0, -yz))
            D = (-self.ypm * self.sn * _sigmoid(-yz))[None, :]
        else:
            # class-major (K, n) layout: the per-sample reductions over K run
            # as K-row elementwise passes instead of short strided rows
            D = W @ self.X.T
            if self.fi:
                D += b[:, None]
            zmax = D.max(axis=0)
            zy = D[self.y_idx, self.rows]
            D -= zmax
            np.exp(D, out=D)
            sumE = D.sum(axis=0)
            loss = float(self.sn @ (np.log(sumE) + zmax - zy))
            D *= self.sn / sumE
            D[self.y_idx, self.rows] -= self.sn
        gW = D @ self.X
        if self.lam:
            loss += 0.5 * self.lam * float((W * W).sum())
            gW += self.lam * W
        if self.fi:
            return loss, np.concatenate([gW.ravel(), D.sum(axis=1)])
        return loss, gW.ravel()

    def hessian(self, theta):
        W, b = self.unpack(theta)
        Z = self._scores(W, b)
        Xa = np.hstack([self.X, np.ones((self.n, 1))]) if self.fi else self.X
        pa = Xa.shape[1]
        if self.K == 1:
            pr = _sigmoid(Z[:, 0])
            H = (Xa * (self.sn * pr * (1 - pr))[:, None]).T @ Xa
        else:
            P = np.exp(Z - Z.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
            # H = blockdiag_k(Xa^T diag(s p_k) Xa) - A^T diag(s) A, A[i, (k, :)] = p_ik x_i
            A = (P[:, :, None] * Xa[:, None, :]).reshape(self.n, self.K * pa)
            H = -(A * self.sn[:, None]).T @ A
            for k in range(self.K):
                blk = (Xa * (self.sn * P[:, k])[:, None]).T @ Xa
                H[k * pa:(k + 1) * pa, k * pa:(k + 1) * pa] += blk
        # reorder from per-class [w_k, b_k] blocks to theta's [W.ravel(), b] layout
        if self.fi:
            idx = np.arange(self.K * pa).reshape(self.K, pa)
            perm = np.concatenate([idx[:, :-1].ravel(), idx[:, -1]])
            H = H[np.ix_(perm, perm)]
        if self.lam:
            d = np.arange(self.K * self.p)
            H[d, d] += self.lam
        return H

    def lipschitz(self):
        Xa = np.hstack([self.X, np.ones((self.n, 1))]) if self.fi else self.X
        Xs = Xa * np.sqrt(self.sn)[:, None]
        top = np.linalg.norm(Xs, 2) ** 2
        return top * (0.25 if self.K == 1 else 0.5) + self.lam


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


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression classifier (see the module docstring for the objective).

    Parameters follow scikit-learn: C is the inverse regularisation strength,
    penalty in {"l2", "l1", None}, class_weight None/"balanced"/dict,
    max_iter iterations (epochs for "sgd"), tol the gradient tolerance.
    """

    _parameter_constraints = {
        # "none" is the pre-1.2 scikit-learn spelling of None, still accepted
        "penalty": [StrOptions({"l2", "l1"}), Hidden(StrOptions({"none"})), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        # C = inf means no penalty, as in scikit-learn
        "C": [Interval(numbers.Real, 0, math.inf, closed="right")],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "solver": [StrOptions(set(_SOLVERS))],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
    }

    def __init__(self, penalty="l2", *, tol=1e-4, C=1.0, fit_intercept=True, class_weight=None,
                 random_state=None, solver="lbfgs", max_iter=100, warm_start=False):
        self.penalty = penalty
        self.tol = tol
        self.C = C
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        penalty = None if self.penalty == "none" else self.penalty
        if penalty == "l1" and self.solver not in ("gd", "sgd"):
            raise ValueError(f"Solver {self.solver} supports only 'l2' or None penalties; use "
                             "solver='gd' or 'sgd' for penalty='l1'.")
        C, tol, max_iter = float(self.C), float(self.tol), int(self.max_iter)
        X, y = self._validate_data(X, y)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, but "
                             f"the data contains only one class: {self.classes_[0]!r}")
        sw = _check_sample_weight(sample_weight, X.shape[0])
        s = (np.ones(X.shape[0]) if sw is None else sw) * \
            _class_weights(self.class_weight, self.classes_, y_idx)[y_idx]
        if s.sum() <= 0:
            raise ValueError("Sample weights (times class weights) must not all be zero.")
        Xd = np.asarray(X, dtype=np.float64)
        lam = 1.0 / (C * s.sum()) if penalty == "l2" else 0.0
        prob = _Problem(Xd, y_idx, s, len(self.classes_), lam, bool(self.fit_intercept))
        theta = np.zeros(prob.size)
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (prob.K, prob.p):
            theta[: prob.K * prob.p] = self.coef_.ravel()
            if prob.fi:
                theta[prob.K * prob.p:] = self.intercept_
        l1 = 1.0 / (C * s.sum()) if penalty == "l1" else 0.0
        if self.solver == "lbfgs":
            res = _opt.minimize_lbfgs(prob.smooth, theta, tol=tol, max_iter=max_iter)
            theta, n_iter, ok = res.x, res.n_iter, res.converged
        elif self.solver == "newton":
            res = _opt.minimize_newton(prob.smooth, theta, prob.hessian, tol=tol,
                                       max_iter=max_iter)
            theta, n_iter, ok = res.x, res.n_iter, res.converged
        elif self.solver == "cg":
            res = _opt.minimize_cg(prob.smooth, theta, tol=tol, max_iter=max_iter)
            theta, n_iter, ok = res.x, res.n_iter, res.converged
        elif self.solver == "gd":
            theta, n_iter, ok, _ = _fista(prob, theta, l1, tol, max_iter)
        else:
            theta, n_iter, ok = self._fit_sgd(prob, Xd, y_idx, s, lam, l1, tol, max_iter, theta)
        if not ok:
            warnings.warn(f"{self.solver} failed to converge after {n_iter} iterations "
                          f"(max_iter={max_iter}). Increase max_iter or scale the data.",
                          ConvergenceWarning, stacklevel=2)
        W, b = prob.unpack(theta)
        if prob.K > 1:
            # softmax is invariant to adding one vector to every class: pick the
            # symmetric representative (unpenalised parts sum to zero over classes;
            # the l2 optimum already has that property, l1 does not need it)
            b = b - b.mean()
            if penalty is None:
                W = W - W.mean(axis=0)
        self.coef_ = np.ascontiguousarray(W, dtype=X.dtype)
        self.intercept_ = np.asarray(b, dtype=X.dtype).copy()
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

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
        Z = X @ self.coef_.T + self.intercept_
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

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        Z = self.decision_function(X)
        idx = (Z > 0).astype(np.intp) if Z.ndim == 1 else Z.argmax(axis=1)
        return self.classes_[idx]
