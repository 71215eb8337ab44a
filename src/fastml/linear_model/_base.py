"""Least squares: LinearRegression and Ridge (normal equations, SVD, iterative
solvers) and LinearRegression's batch gradient descent.

The intercept comes from centring: with weights s_i, the model y = X w + b is
fitted as (y - y_mean) = (X - X_mean) w and b = y_mean - X_mean . w, which is
exact for the penalised problems too (the intercept is never penalised). The
direct solvers never build a centred copy of X: they take the centred Gram
matrix X_c^T S X_c and X_c^T S Y_c from fastml.utils._gram (BLAS SYRK plus a
small correction, or a one-read blocked pass) and solve with a Cholesky
factorisation of the Jacobi-scaled matrix.

Sparse X (scipy CSR/CSC/COO..., matrix or array) is never densified or
centred: the centring is applied implicitly (CenteredOperator: products with
X plus a rank-one correction), as scikit-learn does; the solvers that need the
rows run on that operator.
"""
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils._gram import blas_limit, blas_threads, centered_gram, small_blas
from ..utils._param_validation import Interval, StrOptions
from ..utils._sparse import check_sparse, dense_required, is_sparse
from ..utils.validation import _check_sample_weight, check_X_y
from . import _lsq_solvers as _sol

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


def _center(X, y, fit_intercept, sw, copy=True):
    """(Xc, yc, X_offset, y_offset) in float64; offsets are weighted means.
    copy=False centres a writable float64 X in place (copy_X=False)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0
    X_off = np.average(X, axis=0, weights=sw)
    y_off = np.average(y, axis=0, weights=sw)
    if not copy and X.flags.writeable:
        X -= X_off
        return X, y - y_off, X_off, y_off
    return X - X_off, y - y_off, X_off, y_off


def _sparse_offsets(X, Y, sw, fit_intercept):
    """(X_off, y_off) weighted column means of sparse X and of Y (zeros
    without an intercept), float64; X is not touched."""
    if not fit_intercept:
        return np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    wts = np.ones(X.shape[0]) if sw is None else sw
    X_off = np.asarray(X.T @ wts, dtype=np.float64).ravel() / wts.sum()
    return X_off, np.average(Y, axis=0, weights=sw)


def _sparse_problem(X, Y, sw, fit_intercept):
    """The data form of a sparse problem: (A, B, X_off, y_off) with A the
    implicitly centred, sqrt(sw)-scaled CenteredOperator and B dense."""
    X_off, y_off = _sparse_offsets(X, Y, sw, fit_intercept)
    r = None if sw is None else np.sqrt(sw)
    A = _sol.CenteredOperator(X, X_off if fit_intercept else None, r)
    B = np.asarray(Y, dtype=np.float64) - y_off
    if r is not None:
        B = B * r[:, None]
    return A, B, X_off, y_off


def linear_scores(X, coef, intercept):
    """X coef^T + intercept as a dense float array, for dense or sparse X and
    dense or sparse (sparsified) coef."""
    Z = X @ coef.T
    if is_sparse(Z):
        Z = Z.toarray()
    return np.asarray(Z) + intercept


class SparseCoefMixin:
    """sparsify() / densify(): coef_ as a scipy CSR matrix or back to an array
    (scikit-learn's API; predictions work with either)."""

    def sparsify(self):
        """Store coef_ as a scipy.sparse CSR matrix (memory for mostly-zero
        coefficients, e.g. after an L1 fit); returns self."""
        self._check_is_fitted()
        import scipy.sparse as sp

        self.coef_ = sp.csr_matrix(self.coef_)
        return self

    def densify(self):
        """Store coef_ as a dense array again (the default); returns self."""
        self._check_is_fitted()
        if is_sparse(self.coef_):
            self.coef_ = self.coef_.toarray()
        return self


class SparseInputMixin:
    """_validate_data that also accepts scipy.sparse X (matrix or array, any
    format): converted to CSR (CSC kept), canonical, float32/float64, finite;
    never densified. Dense input goes through BaseEstimator's validation."""

    def _validate_data(self, X, y="no_validation", **kw):
        if not is_sparse(X):
            return super()._validate_data(X, y, **kw)
        reset = kw.get("reset", True)
        self._check_feature_names(X, reset=reset)
        X = check_sparse(X, accept=("csr", "csc"),
                         ensure_min_samples=kw.get("ensure_min_samples", 1))
        self._check_n_features(X, reset=reset)
        if isinstance(y, str):
            return X
        _, y = check_X_y(np.zeros((X.shape[0], 1)), y, multi_output=kw.get("multi_output", False),
                         y_numeric=kw.get("y_numeric", False))
        return X, y


class LinearModel(SparseInputMixin, BaseEstimator):
    """predict = X coef_.T + intercept_ (coef_ (n_features,) or (n_targets, n_features)).

    X may be a scipy.sparse matrix or array (any format; kept CSR or CSC)."""

    def _fastml_tags(self):
        return {"multi_output": True, "sparse": True}

    def _decision(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        out = X @ self.coef_.T.astype(X.dtype, copy=False) + self.intercept_
        return np.asarray(out)

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


def _centered_rows(X, Y, fit_intercept, sw, copy=True):
    """Data form for the row-based solvers: sqrt(S)(X - X_off), sqrt(S)(Y - y_off)
    (copy=False: X overwritten when it is a writable float64 array)."""
    Xc, Yc, X_off, y_off = _center(X, Y, fit_intercept, sw, copy=copy)
    if sw is not None:
        r = np.sqrt(sw)[:, None]
        if not copy and Xc.flags.writeable:
            Xc *= r
        else:
            Xc = Xc * r
        Yc = Yc * r
    return Xc, Yc, X_off, y_off


def _gram(X, Y, fit_intercept, sw):
    G, C, X_off, y_off, wsum = centered_gram(X, Y, sw, center=fit_intercept)
    return G, C, X_off, y_off


class LinearRegression(RegressorMixin, LinearModel):
    """Ordinary least squares.

    solver="auto" (default): normal equations. The centred Gram matrix
    X_c^T X_c and X_c^T y come from one BLAS SYRK/GEMM pass over X (no centred
    copy; with sample_weight, a one-read blocked pass), then a Cholesky
    factorisation of the Jacobi-scaled Gram. When that matrix is numerically
    singular or its reciprocal condition number (LAPACK pocon) is below 1e-8, or
    n_samples - fit_intercept < n_features, the fit falls back to "lstsq".
    Wide float64 X (n_samples - fit_intercept < n_features) instead solves the
    (n_samples, n_samples) kernel system of the centred rows by Cholesky,
    which gives the same minimum-norm solution as "lstsq"; it too falls back
    to "lstsq" when that system is numerically singular or badly conditioned.
    solver="lstsq": SVD-based least squares (LAPACK gelsd via SciPy) on the
    centred data, as scikit-learn does — stable for rank-deficient X
    (minimum-norm solution).
    solver="gd": batch gradient descent on the half mean squared error
    J(w, b) = 1/(2n) sum (x_i.w + b - y_i)^2, the classic taught algorithm:
    step `learning_rate`, at most `max_iter` iterations, stop when
    max|grad J| <= tol. `cost_history_[k]` is J after k steps (k = 0: the
    start, all zeros). Gradient descent does not rescale X: standardise the
    features (fastml.preprocessing.StandardScaler) so one step size fits all.

    Sparse X (scipy.sparse): LSQR with atol = btol = tol on the implicitly
    centred matrix, as scikit-learn does (rank_ / singular_ are then not
    available; positive=True and solver="gd" need dense X).

    positive=True: non-negative least squares (SciPy's NNLS), on the (p, p)
    Cholesky factor of the Gram matrix when it is well conditioned, else on the
    rows. n_jobs: threads of the BLAS calls (None: the BLAS's own setting).
    Attributes rank_ and singular_ (singular values of the centred, weighted X)
    are computed from the Gram matrix on first access after a normal-equation
    fit (its eigenvalues are the squared singular values).
    """

    _parameter_constraints = {
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"auto", "lstsq", "gd"})],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "copy_X": ["boolean"],
        "n_jobs": [None, Interval(numbers.Integral, None, None, closed="neither")],
        "positive": ["boolean"],
    }

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None,
                 positive=False, solver="auto", learning_rate=0.01, max_iter=1000):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        X, Y, multi, sw = _prepare(self, X, y, sample_weight)
        dtype = X.dtype.type
        if is_sparse(X):
            return self._fit_sparse(X, Y, multi, sw, dtype)
        if self.solver == "gd":
            if self.positive:
                raise ValueError("positive=True is not supported with solver='gd'; use "
                                 "solver='auto' or 'lstsq'.")
            return self._fit_gd(X, Y, multi, sw, dtype)
        self.__dict__.pop("_gram_", None)
        self.__dict__.pop("_gram_null_", None)
        self.__dict__.pop("_singular", None)
        with blas_threads(self.n_jobs):
            W = None
            n, p = X.shape
            if self.solver == "auto" and n - self.fit_intercept >= p:
                G, C, X_off, y_off = _gram(X, Y.astype(X.dtype, copy=False), self.fit_intercept,
                                           sw)
                with small_blas(p):
                    if self.positive:
                        W = _sol.nnls_gram(G, C)
                    else:
                        W = _sol.chol_solve(G, C, np.zeros(C.shape[1]), rcond_min=1e-8)
                if W is not None:
                    self._gram_ = G
            elif self.solver == "auto" and not self.positive and X.dtype == np.float64:
                W, X_off, y_off = self._fit_kernel(X, Y, sw)
            if W is None:
                W = self._fit_rows(X, Y, sw, dtype)
                X_off, y_off = self._offsets
        self.n_iter_ = 1  # one direct solve (n_iter_ is meaningful for solver="gd")
        self._set_coef(W, X_off, y_off, self.fit_intercept, dtype, multi)
        return self

    def _fastml_tags(self):
        # sparse X: LSQR; not with positive=True (NNLS) or solver="gd"
        return {**super()._fastml_tags(),
                "sparse": not self.positive and self.solver != "gd"}

    def _fit_sparse(self, X, Y, multi, sw, dtype):
        """Sparse X: LSQR (atol = btol = tol) on the implicitly centred
        operator, as scikit-learn does; X is neither densified nor copied."""
        if self.positive:
            raise dense_required("X")
        if self.solver == "gd":
            raise ValueError("solver='gd' does not accept sparse X; use solver='auto' or "
                             "'lstsq' (LSQR on the sparse matrix).")
        self.__dict__.pop("_gram_", None)
        self.__dict__.pop("_singular", None)
        A, B, X_off, y_off = _sparse_problem(X, Y, sw, self.fit_intercept)
        W, n_iter = _sol.lsqr_solve(A, B, np.zeros(B.shape[1]), float(self.tol), None)
        self.n_iter_ = int(n_iter.max())
        self._set_coef(W, X_off, y_off, self.fit_intercept, dtype, multi)
        return self

    def _fit_rows(self, X, Y, sw, dtype):
        import scipy.linalg

        Xc, Yc, X_off, y_off = _centered_rows(X, Y, self.fit_intercept, sw,
                                              copy=self.copy_X)
        self._offsets = X_off, y_off
        if self.positive:
            return _sol.nnls_data(Xc, Yc)
        # singular values below max(n, p) eps sigma_max are treated as zero (numerical rank)
        W, _, rank, sing = scipy.linalg.lstsq(Xc, Yc, cond=max(Xc.shape) * np.finfo(float).eps,
                                              check_finite=False, lapack_driver="gelsd")
        self._singular = (int(rank), sing.astype(dtype))
        return W

    def _fit_kernel(self, X, Y, sw):
        """Wide X: the minimum-norm solution from the kernel of the centred rows
        (_lsq_solvers.kernel_lstsq); (W, X_off, y_off) or Nones (then "lstsq")."""
        out = _sol.kernel_lstsq(X, Y, sw, self.fit_intercept)
        if out is None:
            return None, None, None
        W, mu, y_off, K, v = out
        self._gram_ = K
        self._gram_null_ = v
        return W, mu, y_off

    def _rank_singular(self):
        if "_singular" not in self.__dict__:
            G = self.__dict__.get("_gram_")
            if G is None:
                raise AttributeError("rank_ / singular_ are set by fit.")
            import scipy.linalg

            v = self.__dict__.get("_gram_null_")
            if v is not None:
                # the kernel of centred rows: its structural null vector v is
                # lifted to trace(G), removed from the spectrum and reported as 0
                t = float(np.trace(G))
                ev = scipy.linalg.eigvalsh(G + t * np.outer(v, v), check_finite=False)
                ev = np.append(np.delete(ev, np.argmin(np.abs(ev - t))), 0.0)
                ev = np.clip(np.sort(ev)[::-1], 0.0, None)
            else:
                ev = np.clip(scipy.linalg.eigvalsh(G, check_finite=False)[::-1], 0.0, None)
            s = np.sqrt(ev)
            rank = int(np.count_nonzero(s > s.max(initial=0.0) * np.sqrt(np.finfo(float).eps)))
            self._singular = (rank, s.astype(self.coef_.dtype))
        return self._singular

    @property
    def rank_(self):
        return self._rank_singular()[0]

    @property
    def singular_(self):
        return self._rank_singular()[1]

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




_DIRECT_MAX = 4096  # largest min(n, p) for which sparse sag/saga build a dense Gram matrix
_RIDGE_SOLVERS = {"auto", "cholesky", "svd", "lsqr", "sparse_cg", "sag", "saga", "lbfgs"}


class Ridge(RegressorMixin, LinearModel):
    """Least squares with an L2 penalty: min ||y - Xw - b||^2_S + alpha ||w||^2.

    alpha may be an array with one value per target. Solvers (scikit-learn's names):

    - "auto": "lbfgs" when positive=True, "sparse_cg" for sparse X, else "cholesky".
    - "cholesky": closed form. n_samples >= n_features: the centred Gram
      X_c^T S X_c (one BLAS pass over X, no centred copy) + alpha I by Cholesky;
      otherwise the kernel form X_c X_c^T + alpha I. A failed factorisation
      falls back to "svd" (as scikit-learn does; solver_ then says "svd").
    - "svd": thin SVD of the centred data (exact also for alpha = 0 and
      rank-deficient X). Dense X only.
    - "lsqr": SciPy's LSQR with damp = sqrt(alpha), atol = btol = tol.
    - "sparse_cg": conjugate gradients on the normal (or kernel) equations,
      stopping at ||r|| <= tol ||b||.
    - "sag", "saga": fastml does not implement stochastic average gradient:
      these names solve the same objective with "cholesky" (the exact
      minimiser, which SAG approaches to within tol; on sparse X with
      min(n_samples, n_features) > 4096, with "sparse_cg"); random_state is
      unused and n_iter_ is None.
    - "lbfgs": L-BFGS-B on the objective evaluated from the Gram matrix (or
      operator products for sparse X); the only solver for positive=True (as
      in scikit-learn).

    Sparse X (scipy.sparse, any format) is never densified: with
    fit_intercept=True the centring is implicit (products with X plus a
    rank-one term) and, as in scikit-learn, only "auto", "sparse_cg", "lsqr",
    "sag" and "lbfgs" (positive) are accepted; "svd" needs dense X.
    solver_: the solver used, in scikit-learn's naming.
    n_iter_: iterations per target for lsqr (as scikit-learn), else None.
    """

    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "copy_X": ["boolean"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "solver": [StrOptions(_RIDGE_SOLVERS)],
        "positive": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None, tol=1e-4,
                 solver="auto", positive=False, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def _resolve_solver(self, sparse):
        """(solver_, algorithm): scikit-learn's name for the solver used (its
        rules, errors and warnings) and the fastml algorithm that runs it."""
        solver = self.solver
        if self.positive:
            if solver not in ("auto", "lbfgs"):
                raise ValueError(f"solver='{solver}' does not support positive fitting. Please "
                                 "set the solver to 'auto' or 'lbfgs', or set `positive=False`")
            return "lbfgs", "lbfgs"
        if solver == "lbfgs":
            raise ValueError("'lbfgs' solver can be used only when positive=True. "
                             "Please use another solver.")
        if sparse and self.fit_intercept:
            if solver not in ("auto", "lsqr", "sag", "sparse_cg"):
                raise ValueError(f"solver='{solver}' does not support fitting the intercept "
                                 "on sparse data. Please set the solver to 'auto' or "
                                 "'lsqr', 'sparse_cg', 'sag', 'lbfgs' "
                                 "or set `fit_intercept=False`")
            if solver == "sag" and self.max_iter is None and self.tol > 1e-4:
                warnings.warn('"sag" solver requires many iterations to fit an intercept with '
                              'sparse inputs. Either set the solver to "auto" or "sparse_cg", '
                              'or set a low "tol" and a high "max_iter" (especially if inputs '
                              'are not standardized).', UserWarning, stacklevel=3)
            if solver == "auto":
                solver = "sparse_cg"
        if sparse:
            if solver == "svd":
                raise TypeError("SVD solver does not support sparse inputs currently")
            if solver == "auto":
                solver = "sparse_cg"
        elif solver == "auto":
            solver = "cholesky"
        return solver, ("cholesky" if solver in ("sag", "saga") else solver)

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        alpha = _check_alpha_array(self.alpha)
        sparse = is_sparse(X)
        solver_name, solver = self._resolve_solver(sparse)
        X, Y, multi, sw = _prepare(self, X, y, sample_weight)
        dtype = X.dtype.type
        k = Y.shape[1]
        if not (np.ndim(alpha) == 0 or np.size(alpha) == k):
            raise ValueError(f"Number of targets and number of penalties do not correspond: "
                             f"{np.size(alpha)} != {k}")
        alphas = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (k,))
        Y = Y.astype(dtype, copy=False)
        tol, max_iter = float(self.tol), self.max_iter
        self.n_iter_ = None
        if sparse:
            W, X_off, y_off, solver = self._solve_sparse(X, Y, sw, alphas, solver, tol, max_iter)
        else:
            W, X_off, y_off, solver = self._solve_dense(X, Y, sw, alphas, solver, tol, max_iter)
        if solver == "svd" and solver_name == "cholesky":
            solver_name = "svd"  # numerically singular: fell back, as scikit-learn reports
        self.solver_ = solver_name
        self._set_coef(W, X_off, y_off, self.fit_intercept, dtype, multi)
        if multi and k == 1:  # scikit-learn ravels a single target's coef_ (not intercept_)
            self.coef_ = self.coef_[0]
        return self

    def _solve_dense(self, X, Y, sw, alphas, solver, tol, max_iter):
        n, p = X.shape
        W = None
        if n >= p and solver in ("cholesky", "sparse_cg"):
            G, C, X_off, y_off = _gram(X, Y, self.fit_intercept, sw)
            if solver == "cholesky":
                with small_blas(p):
                    W = _sol.chol_solve(G, C, alphas)
                if W is None:
                    solver = "svd"  # numerically singular: as scikit-learn, fall back to svd
            else:
                W, _ = _sol.cg_solve(G, C, alphas, tol, max_iter)
        if W is None:
            A, B, X_off, y_off = _centered_rows(X, Y, self.fit_intercept, sw)
            if solver == "cholesky":
                W = _sol.kernel_solve(A, B, alphas)
                if W is None:
                    solver = "svd"
            if solver == "svd":
                W = _sol.svd_solve(A, B, alphas)
            elif solver == "lsqr":
                W, self.n_iter_ = _sol.lsqr_solve(A, B, alphas, tol, max_iter)
            elif solver == "sparse_cg":
                W, _ = _sol.cg_solve(None, B, alphas, tol, max_iter, A=A)
            elif solver == "lbfgs":
                W, _ = _sol.lbfgs_solve(A, B, alphas, tol, max_iter, self.positive)
        return W, X_off, y_off, solver

    def _solve_sparse(self, X, Y, sw, alphas, solver, tol, max_iter):
        """Sparse X on the implicitly centred operator (never densified):
        sparse_cg (primal CG for n >= p, kernel CG otherwise), lsqr, lbfgs on
        products; cholesky (and sag/saga) factor the dense min(n, p)^2 Gram
        or kernel matrix built from sparse products when min(n, p) <= 4096,
        else run sparse_cg."""
        A, B, X_off, y_off = _sparse_problem(X, Y, sw, self.fit_intercept)
        n, p = X.shape
        W = None
        if solver == "cholesky" and min(n, p) > _DIRECT_MAX and self.solver in ("sag", "saga"):
            solver = "sparse_cg"
        if solver == "cholesky":
            if n >= p:
                W = _sol.chol_solve(A.gram(), A.rmatmat(B), alphas)
            else:
                W = _sol.kernel_solve(A, B, alphas)
            if W is None:  # numerically singular (alpha ~ 0): least squares by LSQR instead
                W, _ = _sol.lsqr_solve(A, B, alphas, min(tol, 1e-10), None)
            return W, X_off, y_off, solver
        # the iterative solvers: fastml's kernels thread the sparse products, so the
        # vector BLAS calls between them (dots, axpys) run on one thread -- a second
        # thread pool waking while fastml's OpenMP team still spins costs ~3 ms a call
        with blas_limit(1):
            if solver == "sparse_cg":
                if n >= p:
                    W, _ = _sol.cg_solve(A.normal_matvec, A.rmatmat(B), alphas, tol, max_iter)
                else:
                    W, _ = _sol.cg_solve(None, B, alphas, tol, max_iter, A=A)
            elif solver == "lsqr":
                W, self.n_iter_ = _sol.lsqr_solve(A, B, alphas, tol, max_iter)
            else:  # lbfgs (positive)
                W, _ = _sol.lbfgs_solve(A, B, alphas, tol, max_iter, self.positive)
        return W, X_off, y_off, solver

