"""Lasso and ElasticNet by cyclic coordinate descent (compiled kernel).

Objective (scikit-learn's), with weights s normalised to sum to n:

    1/(2n) sum s_i (y_i - x_i.w - b)^2 + alpha l1_ratio ||w||_1
        + alpha (1 - l1_ratio)/2 ||w||^2

The kernel (fastml._kernels.enet.enet_cd) works on the centred,
sqrt(s)-scaled data transposed to (n_features, n_samples) so each
coordinate update streams one contiguous row; it stops on the duality gap
(<= tol ||y||^2), like scikit-learn, so both reach the same optimum. Tall
dense data (n_samples >= 2 n_features) instead runs the same updates on the
Gram form (enet_cd_gram: G = X_c^T S X_c from one threaded pass over X, no
copy; O(p^2) per sweep), as scikit-learn does with precompute=True: the
iterates agree with the data form up to rounding.

Sparse X (scipy CSR/CSC, matrix or array) is never densified or centred: the
kernel (fastml._kernels.sparse.enet_cd) sweeps its CSC columns and keeps the
centring (fit_intercept) as an implicit rank-one term, as scikit-learn's
sparse solver does; the optimum is the same as for the dense matrix.

``precompute`` (True / False / a Gram matrix) is accepted as in scikit-learn;
fastml picks the data or Gram form by shape (above), which reaches the same optimum, so a
user Gram matrix is only validated (one element checked, as scikit-learn
does), not used. ``selection="random"`` updates, in each sweep of p updates,
a feature drawn at random (with replacement) instead of the next one in
order, from scikit-learn's generator seeded per target by
``check_random_state(random_state).randint(0, 2**31 - 1)`` (scikit-learn's
draw), so a given random_state gives scikit-learn's coordinate sequence; all
three kernels (data form, Gram form, sparse) take it.
"""
import numbers
import warnings

import numpy as np

from .._kernels import enet as _kl
from .._kernels import sparse as _ks
from ..base import RegressorMixin
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils._sparse import is_sparse
from ..utils.validation import check_random_state
from ._base import LinearModel, _prepare

_CONV_MSG = ("Objective did not converge. You might want to increase the number of "
             "iterations, check the scale of the features or consider increasing "
             "regularisation.")

__all__ = ["ElasticNet", "Lasso"]

# Gram-form descent up to this many columns of [X | Y | 1] (G is p x p; its
# one pass over X is cheaper than a transposed copy plus O(n p) sweeps)
_GRAM_MAX_M = 512


def _dense_gap(XT, y, w, l1, l2, positive):
    """Duality gap of 0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2 at w (XT is
    X transposed), the kernels' formula."""
    R = y - XT.T @ w
    XtA = XT @ R - l2 * w
    dual = float(XtA.max(initial=0.0) if positive else np.abs(XtA).max(initial=0.0))
    r2, ry = float(R @ R), float(R @ y)
    cst, gap = 1.0, r2
    if dual > l1:
        cst = l1 / dual
        gap = 0.5 * (r2 + r2 * cst * cst)
    return gap + l1 * float(np.abs(w).sum()) - cst * ry + 0.5 * l2 * (1 + cst * cst) * float(w @ w)


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
        "precompute": ["boolean", "array-like"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
    }

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute=False,
                 max_iter=1000, copy_X=True, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def fit(self, X, y, sample_weight=None, check_input=True):
        self._validate_params()
        alpha, l1_ratio = float(self.alpha), float(self.l1_ratio)
        max_iter, tol = int(self.max_iter), float(self.tol)
        if alpha == 0:
            warnings.warn("With alpha=0, this algorithm does not converge well. You are advised "
                          "to use the LinearRegression estimator", UserWarning, stacklevel=2)
        X, Y, multi, sw = _prepare(self, X, y, sample_weight)
        n, p = X.shape
        dtype = X.dtype.type
        if sw is not None:
            sw = sw * (n / sw.sum())
        if not isinstance(self.precompute, (bool, np.bool_)) and not is_sparse(X):
            self._check_gram(X, sw)
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
        if not (np.isfinite(self.coef_).all() and np.isfinite(self.intercept_).all()):
            raise ValueError("Coordinate descent iterations resulted in non-finite parameter "
                             "values. The input data may contain large values and need to be "
                             "preprocessed.")
        return self

    def _check_gram(self, X, sw):
        """A user Gram matrix (precompute=array): shape (p, p) and one element
        checked against the centred, weighted data, as scikit-learn does. When
        the intercept re-centres X the matrix cannot apply (warning)."""
        p = X.shape[1]
        G = np.asarray(self.precompute)
        if G.shape != (p, p):
            raise ValueError(f"Gram matrix passed in via 'precompute' has shape {G.shape}; "
                             f"expected ({p}, {p}).")
        X_off = np.zeros(p)
        if self.fit_intercept:
            X_off = np.average(X, axis=0, weights=sw)
            if not np.allclose(X_off, 0.0):
                warnings.warn("Gram matrix was provided but X was centered to fit intercept: "
                              "recomputing Gram matrix.", UserWarning, stacklevel=3)
                return
        f1 = p // 2
        f2 = min(f1 + 1, p - 1)
        r = 1.0 if sw is None else np.sqrt(sw)
        v1 = (X[:, f1] - X_off[f1]) * r
        v2 = (X[:, f2] - X_off[f2]) * r
        expected, actual = float(np.dot(v1, v2)), float(G[f1, f2])
        rtol = max(1e-4 if dt == np.float32 else 1e-7 for dt in (G.dtype, X.dtype))
        if not np.isclose(expected, actual, rtol=rtol, atol=1e-5):
            raise ValueError("Gram matrix passed in via 'precompute' parameter did not pass "
                             "validation when a single element was checked - please check "
                             "that it was computed properly. For element "
                             f"({f1},{f2}) we computed {expected} but the user-supplied value "
                             f"was {actual}.")

    def _solve_gram(self, X, Y, sw, W, l1, l2, max_iter, tol):
        """n >> p: the centred, weighted Gram matrix G = X_c^T S X_c, c = X_c^T S y_c
        and ||y_c||_S^2 from one threaded pass over X (fastml.utils._gram), then
        coordinate descent on the Gram form (O(p^2) per sweep, no copy of X)."""
        from .._kernels.reference.enet import enet_gap_gram
        from ..utils._gram import centered_gram

        G, C, X_off, y_off, _ = centered_gram(X, Y, sw, center=self.fit_intercept)
        Yc = Y - y_off
        yy = np.einsum("ij,ij->j", Yc, Yc) if sw is None else np.einsum("ij,ij,i->j", Yc, Yc, sw)
        G = np.ascontiguousarray(G, dtype=np.float64)
        C = np.ascontiguousarray(np.asarray(C, dtype=np.float64).T)
        positive = bool(self.positive)

        random = self.selection == "random"

        def cd(w, t, seed):
            if w.any():  # warm start: no sweep when it already meets the gap
                gap = enet_gap_gram(w, G @ w, C[t], float(yy[t]), l1, l2, positive)
                if gap <= tol * float(yy[t]):
                    return 0, gap
            return _kl.enet_cd_gram(w, G, C[t], float(yy[t]), l1, l2, max_iter, tol, positive,
                                    random, seed)

        return (X_off, y_off) + self._cd_targets(cd, W, yy, l1, l2, tol)

    def _solve_dense(self, X, Y, sw, W, l1, l2, max_iter, tol):
        """Centred, transposed dense copy; coordinate descent per target into W.
        Tall data (n >= 2 p, p + n_targets < _GRAM_MAX_M) takes the Gram form."""
        n, p = X.shape
        if n >= 2 * p and p + Y.shape[1] < _GRAM_MAX_M:
            return self._solve_gram(X, Y, sw, W, l1, l2, max_iter, tol)
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
        positive = bool(self.positive)

        Yc = np.ascontiguousarray(Yc.T)
        random = self.selection == "random"

        def cd(w, t, seed):
            yt = Yc[t]
            if w.any():  # warm start: no sweep when it already meets the gap (as sparse)
                gap = _dense_gap(XT, yt, w, l1, l2, positive)
                if gap <= tol * float(yt @ yt):
                    return 0, gap
            return _kl.enet_cd(w, XT, yt, l1, l2, max_iter, tol, positive, random, seed)

        return (X_off, y_off) + self._cd_targets(cd, W, np.einsum("ij,ij->i", Yc, Yc), l1, l2,
                                                 tol)

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
        Yc = np.ascontiguousarray(Yc.T)
        random = self.selection == "random"
        return (X_off, y_off) + self._cd_targets(
            lambda w, t, seed: _ks.enet_cd(w, Xc, mu, r, Yc[t], l1, l2, max_iter, tol,
                                           bool(self.positive), random, seed),
            W, np.einsum("ij,ij->i", Yc, Yc), l1, l2, tol)

    def _cd_targets(self, cd, W, yy, l1, l2, tol):
        """Runs cd(w, t, seed) for every target t (yy[t] = ||y_t||^2 of the centred,
        weighted target); (n_iters, gaps). Each target draws its seed from a
        fresh check_random_state(random_state), as scikit-learn's path does
        (an int gives every target the same seed, a RandomState advances)."""
        def seed(t):
            return int(check_random_state(self.random_state).randint(0, 2**31 - 1))

        n_iters, gaps = [], []
        for t in range(W.shape[1]):
            w = np.ascontiguousarray(W[:, t])
            it, gap = cd(w, t, seed(t))
            W[:, t] = w
            n_iters.append(it)
            gaps.append(gap)
            if gap > tol * float(yy[t]) and l1 + l2 > 0:
                warnings.warn(f"{_CONV_MSG} Duality gap: {gap:.6e}, tolerance: "
                              f"{tol * float(yy[t]):.3e} (after {it} iterations)",
                              ConvergenceWarning, stacklevel=4)
        return n_iters, gaps

    def _fastml_tags(self):
        return {**super()._fastml_tags(), "sparse": True}

    @property
    def sparse_coef_(self):
        """coef_ as a scipy.sparse CSR matrix (1 or n_targets rows)."""
        import scipy.sparse as sp

        return sp.csr_matrix(np.atleast_2d(self.coef_))


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty (ElasticNet with l1_ratio=1)."""

    _parameter_constraints = {k: v for k, v in ElasticNet._parameter_constraints.items()
                              if k != "l1_ratio"}

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute=False, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, positive=False, random_state=None,
                 selection="cyclic"):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
                         precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
                         warm_start=warm_start, positive=positive, random_state=random_state,
                         selection=selection)
