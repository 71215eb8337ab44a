"""Least squares: LinearRegression (lstsq or batch gradient descent) and Ridge.

Shared helpers centre the data for the intercept: with weights s_i, the model
y = X w + b is fitted as (y - y_mean) = (X - X_mean) w and
b = y_mean - X_mean . w, which is exact for the penalised problems too (the
intercept is never penalised).
"""
import numbers

import numpy as np

from ..base import BaseEstimator, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import _check_sample_weight

__all__ = ["LinearRegression", "Ridge"]


def _check_alpha_array(alpha):
    """alpha as a float, or as a float64 array (one per target) of finite
    values >= 0 (the constraint admits array-likes; their entries are checked here)."""
    if np.ndim(alpha) == 0 and not isinstance(alpha, np.ndarray):
        return float(alpha)
    try:
        arr = np.asarray(alpha, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a number or an array of numbers, got {alpha!r}.") \
            from None
    if arr.ndim > 1 or not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(f"alpha must hold finite values >= 0 (one per target), got {alpha!r}.")
    return arr if arr.ndim else float(arr)


def _center(X, y, fit_intercept, sw):
    """(Xc, yc, X_offset, y_offset) in float64; offsets are weighted means."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0
    X_off = np.average(X, axis=0, weights=sw)
    y_off = np.average(y, axis=0, weights=sw)
    return X - X_off, y - y_off, X_off, y_off


class LinearModel(BaseEstimator):
    """predict = X coef_.T + intercept_ (coef_ (n_features,) or (n_targets, n_features))."""

    def _fastml_tags(self):
        return {"multi_output": True}

    def _decision(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        out = X @ self.coef_.T.astype(X.dtype, copy=False) + self.intercept_
        return out

    def predict(self, X):
        return self._decision(X)

    def _set_coef(self, W, X_off, y_off, fit_intercept, dtype, multi):
        """W (n_features, n_targets) float64 -> coef_/intercept_ in dtype."""
        coef = W.T if multi else W[:, 0]
        self.coef_ = np.ascontiguousarray(coef, dtype=dtype)
        if fit_intercept:
            b = np.atleast_1d(y_off) - X_off @ W
            self.intercept_ = b.astype(dtype) if multi else dtype(b[0])
        else:
            self.intercept_ = np.zeros(W.shape[1], dtype=dtype) if multi else dtype(0.0)


def _prepare(est, X, y, sample_weight):
    X, y = est._validate_data(X, y, multi_output=True, y_numeric=True)
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] == 0:
        raise ValueError("y has 0 targets.")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("Input y contains NaN or infinity.")
    multi = y.ndim == 2
    Y = y if multi else y[:, None]
    sw = _check_sample_weight(sample_weight, X.shape[0])
    return X, Y, multi, sw


class LinearRegression(RegressorMixin, LinearModel):
    """Ordinary least squares.

    solver="lstsq" (default): SVD-based least squares (LAPACK gelsd via SciPy)
    on the centred data — stable for rank-deficient X (minimum-norm solution).
    solver="gd": batch gradient descent on the half mean squared error
    J(w, b) = 1/(2n) sum (x_i.w + b - y_i)^2, the classic taught algorithm:
    step `learning_rate`, at most `max_iter` iterations, stop when
    max|grad J| <= tol. `cost_history_[k]` is J after k steps (k = 0: the
    start, all zeros). Gradient descent does not rescale X: standardise the
    features (fastml.preprocessing.StandardScaler) so one step size fits all.
    """

    _parameter_constraints = {
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"lstsq", "gd"})],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "copy_X": ["boolean"],
    }

    def __init__(self, *, fit_intercept=True, solver="lstsq", learning_rate=0.01,
                 max_iter=1000, tol=1e-6, copy_X=True):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        X, Y, multi, sw = _prepare(self, X, y, sample_weight)
        dtype = X.dtype.type
        if self.solver == "gd":
            return self._fit_gd(X, Y, multi, sw, dtype)
        import scipy.linalg

        Xc, Yc, X_off, y_off = _center(X, Y, self.fit_intercept, sw)
        if sw is not None:
            r = np.sqrt(sw)[:, None]
            Xc, Yc = Xc * r, Yc * r
        # singular values below max(n, p) eps sigma_max are treated as zero (numerical rank)
        W, _, rank, sing = scipy.linalg.lstsq(Xc, Yc, cond=max(Xc.shape) * np.finfo(float).eps,
                                              check_finite=False, lapack_driver="gelsd")
        self.n_iter_ = 1  # one direct solve (n_iter_ is meaningful for solver="gd")
        self.rank_, self.singular_ = int(rank), sing.astype(dtype)
        self._set_coef(W, X_off, y_off, self.fit_intercept, dtype, multi)
        return self

    def _fit_gd(self, X, Y, multi, sw, dtype):
        import warnings

        from ..optimize import minimize_gd

        lr, max_iter, tol = float(self.learning_rate), int(self.max_iter), float(self.tol)
        Xd = np.asarray(X, dtype=np.float64)
        n, p = Xd.shape
        k = Y.shape[1]
        w_s = np.ones(n) / n if sw is None else sw / sw.sum()
        fi = bool(self.fit_intercept)

        def fun_and_grad(theta):
            T = theta.reshape(p + fi, k)
            R = Xd @ T[fi:] - Y
            if fi:
                R += T[0]
            wr = w_s[:, None] * R
            g = np.empty_like(T)
            g[fi:] = Xd.T @ wr
            if fi:
                g[0] = wr.sum(axis=0)
            return 0.5 * float((wr * R).sum()), g.ravel()

        res = minimize_gd(fun_and_grad, np.zeros((p + fi) * k), learning_rate=lr, tol=tol,
                          max_iter=max_iter)
        if not res.converged:
            warnings.warn(f"Gradient descent did not converge ({res.message}); increase "
                          "max_iter, or lower learning_rate if the cost diverged.",
                          ConvergenceWarning, stacklevel=3)
        T = res.x.reshape(p + fi, k)
        self.cost_history_ = res.history
        self.n_iter_ = res.n_iter
        coef = T[fi:]
        self.coef_ = np.ascontiguousarray(coef.T if multi else coef[:, 0], dtype=dtype)
        b = T[0] if fi else np.zeros(k)
        self.intercept_ = b.astype(dtype) if multi else dtype(b[0])
        return self


class Ridge(RegressorMixin, LinearModel):
    """Least squares with an L2 penalty: min ||y - Xw - b||^2 + alpha ||w||^2.

    Closed form on the centred data: Cholesky of X^T X + alpha I (n >= p) or
    of the kernel X X^T + alpha I (n < p); solver="svd" uses the SVD (exact
    also when alpha = 0 and X is rank deficient). alpha may be an array with
    one value per target.
    """

    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"auto", "cholesky", "svd"})],
        "copy_X": ["boolean"],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver="auto", copy_X=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.copy_X = copy_X

    def fit(self, X, y, sample_weight=None):
        import scipy.linalg

        self._validate_params()
        alpha = _check_alpha_array(self.alpha)
        X, Y, multi, sw = _prepare(self, X, y, sample_weight)
        dtype = X.dtype.type
        Xc, Yc, X_off, y_off = _center(X, Y, self.fit_intercept, sw)
        if sw is not None:
            r = np.sqrt(sw)[:, None]
            Xc, Yc = Xc * r, Yc * r
        alphas = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (Y.shape[1],)) \
            if np.ndim(alpha) == 0 or np.size(alpha) == Y.shape[1] else None
        if alphas is None:
            raise ValueError(f"Number of targets and number of penalties do not correspond: "
                             f"{Y.shape[1]} != {np.size(alpha)}")
        n, p = Xc.shape
        W = np.empty((p, Y.shape[1]))
        solver = self.solver
        if solver == "auto":
            solver = "cholesky" if alphas.min() > 0 else "svd"
        if solver == "svd":
            U, s, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False)
            UtY = U.T @ Yc
            keep = s > s.max(initial=0.0) * max(n, p) * np.finfo(np.float64).eps
            for t, a in enumerate(alphas):
                d = np.where(keep, s / np.where(keep, s * s + a, 1.0), 0.0)
                W[:, t] = Vt.T @ (d * UtY[:, t])
        else:
            for a in np.unique(alphas):
                cols = np.flatnonzero(alphas == a)
                primal = n >= p
                A = Xc.T @ Xc if primal else Xc @ Xc.T
                A.flat[:: A.shape[0] + 1] += a
                rhs = Xc.T @ Yc[:, cols] if primal else Yc[:, cols]
                try:
                    sol = scipy.linalg.solve(A, rhs, assume_a="pos", check_finite=False)
                except np.linalg.LinAlgError:  # numerically singular: least squares
                    sol = scipy.linalg.lstsq(A, rhs, check_finite=False)[0]
                W[:, cols] = sol if primal else Xc.T @ sol
        self._set_coef(W, X_off, y_off, self.fit_intercept, dtype, multi)
        return self
