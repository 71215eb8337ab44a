"""Lasso and ElasticNet by cyclic coordinate descent (compiled kernel).

Objective (scikit-learn's), with weights s normalised to sum to n:

    1/(2n) sum s_i (y_i - x_i.w - b)^2 + alpha l1_ratio ||w||_1
        + alpha (1 - l1_ratio)/2 ||w||^2

The kernel (fastml._kernels.enet.enet_cd) works on the centred,
sqrt(s)-scaled data transposed to (n_features, n_samples) so each
coordinate update streams one contiguous row; it stops on the duality gap
(<= tol ||y||^2), like scikit-learn, so both reach the same optimum.

Sparse X (scipy CSR/CSC, matrix or array) is never densified or centred: the
kernel (fastml._kernels.sparse.enet_cd) sweeps its CSC columns and keeps the
centring (fit_intercept) as an implicit rank-one term, as scikit-learn's
sparse solver does; the optimum is the same as for the dense matrix.
"""
import numbers
import warnings

import numpy as np

from .._kernels import enet as _kl
from .._kernels import sparse as _ks
from ..base import RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval
from ..utils._sparse import check_sparse, is_sparse
from ..utils.validation import check_X_y
from ._base import LinearModel, _prepare

__all__ = ["ElasticNet", "Lasso"]


class ElasticNet(RegressorMixin, LinearModel):
    """Linear regression with combined L1 and L2 penalties (see module docstring).

    Attributes: coef_, intercept_, n_iter_ (sweeps), dual_gap_ (final
    duality gap per target, divided by n_samples like scikit-learn's).
    """

    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "copy_X": ["boolean"],
    }

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, max_iter=1000, tol=1e-4,
                 warm_start=False, positive=False, copy_X=True):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.copy_X = copy_X

    def fit(self, X, y, sample_weight=None, check_input=True):
        self._validate_params()
        alpha, l1_ratio = float(self.alpha), float(self.l1_ratio)
        max_iter, tol = int(self.max_iter), float(self.tol)
        X, Y, multi, sw = _prepare(self, X, y, sample_weight)
        n, p = X.shape
        dtype = X.dtype.type
        if sw is not None:
            sw = sw * (n / sw.sum())
        l1 = alpha * l1_ratio * n
        l2 = alpha * (1.0 - l1_ratio) * n
        k = Y.shape[1]
        W = np.zeros((p, k))
        if self.warm_start and getattr(self, "coef_", None) is not None:
            prev = np.asarray(self.coef_, dtype=np.float64).reshape(k, -1).T
            if prev.shape == W.shape:
                W[:] = prev
        solve = self._solve_sparse if is_sparse(X) else self._solve_dense
        X_off, y_off, n_iters, gaps = solve(X, Y, sw, W, l1, l2, max_iter, tol)
        self.n_iter_ = n_iters[0] if not multi else np.array(n_iters)
        gaps = np.array(gaps) / n  # in units of the 1/(2n)-scaled objective, as scikit-learn
        self.dual_gap_ = float(gaps[0]) if not multi else gaps
        self._set_coef(W, X_off, y_off, self.fit_intercept, dtype, multi)
        return self

    def _solve_dense(self, X, Y, sw, W, l1, l2, max_iter, tol):
        """Centred, transposed dense copy; coordinate descent per target into W."""
        n, p = X.shape
        # centre and transpose in one pass (a separate centring copy followed by
        # a transposing copy costs ~7x more on a (2000, 200) matrix)
        if self.fit_intercept:
            X_off = np.average(X, axis=0, weights=sw).astype(np.float64)
            y_off = np.average(Y, axis=0, weights=sw)
        else:
            X_off, y_off = np.zeros(p), np.zeros(Y.shape[1])
        XT = np.empty((p, n))
        np.subtract(X.T, X_off[:, None], out=XT)
        Yc = Y - y_off
        if sw is not None:
            r = np.sqrt(sw)
            XT *= r
            Yc *= r[:, None]
        return (X_off, y_off) + self._cd_targets(
            lambda w, yt: _kl.enet_cd(w, XT, yt, l1, l2, max_iter, tol, bool(self.positive)),
            W, Yc, l1, l2, tol)

    def _solve_sparse(self, X, Y, sw, W, l1, l2, max_iter, tol):
        """Sparse X: coordinate descent on its CSC columns with implicit
        centring (X is never densified or centred; the kernel keeps the
        centring as a rank-one term), as scikit-learn does for sparse input."""
        n, p = X.shape
        Xc = X.tocsc().astype(np.float64, copy=False)
        if not Xc.has_canonical_format:
            Xc = Xc.copy()
            Xc.sum_duplicates()
        wts = np.ones(n) if sw is None else sw
        if self.fit_intercept:
            X_off = np.asarray(Xc.T @ wts, dtype=np.float64).ravel() / wts.sum()
            y_off = np.average(Y, axis=0, weights=sw)
        else:
            X_off, y_off = np.zeros(p), np.zeros(Y.shape[1])
        Yc = Y - y_off
        r = None
        if sw is not None:
            r = np.sqrt(sw)
            Xc = Xc.copy()
            Xc.data = Xc.data * r[Xc.indices]
            Yc = Yc * r[:, None]
        mu = X_off if self.fit_intercept else None
        return (X_off, y_off) + self._cd_targets(
            lambda w, yt: _ks.enet_cd(w, Xc, mu, r, yt, l1, l2, max_iter, tol,
                                      bool(self.positive)),
            W, Yc, l1, l2, tol)

    @staticmethod
    def _cd_targets(cd, W, Yc, l1, l2, tol):
        """Runs cd(w, y_t) for every target column; (n_iters, gaps)."""
        n_iters, gaps = [], []
        for t in range(Yc.shape[1]):
            w = np.ascontiguousarray(W[:, t])
            yt = np.ascontiguousarray(Yc[:, t])
            it, gap = cd(w, yt)
            W[:, t] = w
            n_iters.append(it)
            gaps.append(gap)
            if gap > tol * float(yt @ yt) and l1 + l2 > 0:
                warnings.warn(f"Objective did not converge: duality gap {gap:.3g} after "
                              f"{it} iterations (tolerance {tol * float(yt @ yt):.3g}). "
                              "Increase max_iter or scale the features.",
                              ConvergenceWarning, stacklevel=4)
        return n_iters, gaps

    def _validate_data(self, X, y="no_validation", **kw):
        if not is_sparse(X):
            return super()._validate_data(X, y, **kw)
        X = check_sparse(X, accept=("csc", "csr"))
        self._check_n_features(X, reset=kw.get("reset", True))
        if isinstance(y, str):
            return X
        _, y = check_X_y(np.zeros((X.shape[0], 1)), y, multi_output=kw.get("multi_output", False),
                         y_numeric=kw.get("y_numeric", False))
        return X, y

    def _fastml_tags(self):
        return {**super()._fastml_tags(), "sparse": True}

    @property
    def sparse_coef_(self):
        return self.coef_


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty (ElasticNet with l1_ratio=1)."""

    _parameter_constraints = {k: v for k, v in ElasticNet._parameter_constraints.items()
                              if k != "l1_ratio"}

    def __init__(self, alpha=1.0, *, fit_intercept=True, max_iter=1000, tol=1e-4,
                 warm_start=False, positive=False, copy_X=True):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
                         max_iter=max_iter, tol=tol, warm_start=warm_start, positive=positive,
                         copy_X=copy_X)
