"""Solvers for (penalised) least squares on centred data.

All take the problem in one of two forms:
- Gram form: G = X_c^T S X_c (p, p) and C = X_c^T S Y_c (p, k) in float64, from
  fastml.utils._gram.centered_gram (no centred copy of X);
- data form: A = sqrt(S) X_c (n, p) and B = sqrt(S) Y_c (n, k), a centred copy,
  for the solvers that need the rows (SVD, LSQR, the kernel form when n < p).
and return W (p, k) float64. For sparse X the data form is a CenteredOperator:
A is applied as products with X and a rank-one correction, never formed, and
the iterative solvers take G as a callable v -> A^T A v.
"""
import warnings

import numpy as np

from ..exceptions import ConvergenceWarning


class CenteredOperator:
    """A = diag(r) (X - 1 mu^T) for sparse X (n, p) without forming it: mu (p,)
    the column offsets (None: no centring), r (n,) the row scale (None: ones).
    Products cost one sparse product plus O(n + p); gram() / kernel() build the
    dense (p, p) A^T A / (n, n) A A^T from the sparse products and a rank-two
    correction (for the direct solvers on small min(n, p))."""

    def __init__(self, X, mu=None, r=None):
        # float64 CSR: A v by the threaded CSR kernel (fastml._kernels.sparse.csr_dense),
        # A^T u by the threaded CSR scatter (class_sums with one class: fixed row
        # lanes; a CSR copy of X^T costs more than it saves at these iteration counts)
        self.X = X.tocsr().astype(np.float64, copy=False)
        self.shape = X.shape
        self.dtype = np.dtype(np.float64)
        self.mu = None if mu is None else np.asarray(mu, dtype=np.float64)
        self.r = None if r is None else np.asarray(r, dtype=np.float64)

    @staticmethod
    def _prod(M, v):
        from .._kernels import sparse as _ks

        return _ks.csr_dense(M, np.ascontiguousarray(v, dtype=np.float64)[:, None]).ravel()

    @staticmethod
    def _rprod(M, u):
        """M^T u by the threaded CSR kernel (fixed row lanes, thread-count independent)."""
        from .._kernels import sparse as _ks

        return _ks.class_sums(M, np.zeros(M.shape[0], dtype=np.int64), 1, u)[0]

    def matvec(self, v):
        """A v: (p,) -> (n,)."""
        v = np.asarray(v, dtype=np.float64).ravel()
        out = self._prod(self.X, v)
        if self.mu is not None:
            out -= self.mu @ v
        if self.r is not None:
            out *= self.r
        return out

    def rmatvec(self, u):
        """A^T u: (n,) -> (p,)."""
        u = np.asarray(u, dtype=np.float64).ravel()
        if self.r is not None:
            u = u * self.r
        out = self._rprod(self.X, u)
        if self.mu is not None:
            out -= self.mu * u.sum()
        return out

    def rmatmat(self, U):
        """A^T U: (n, k) -> (p, k)."""
        return np.column_stack([self.rmatvec(U[:, t]) for t in range(U.shape[1])])

    def normal_matvec(self, v):
        """A^T A v."""
        return self.rmatvec(self.matvec(v))

    def linear_operator(self):
        from scipy.sparse.linalg import LinearOperator

        return LinearOperator(self.shape, matvec=self.matvec, rmatvec=self.rmatvec,
                              dtype=np.float64)

    def _scaled(self):
        X = self.X.astype(np.float64)
        if self.r is not None:
            from ..utils._sparse import scale_rows
            X = scale_rows(X.tocsr(), self.r)
        return X

    def _ones(self):
        return np.ones(self.shape[0]) if self.r is None else self.r

    def gram(self):
        """Dense A^T A (p, p) = Xs^T Xs - c mu^T - mu c^T + (r.r) mu mu^T, Xs = diag(r) X."""
        Xs = self._scaled()
        G = np.asarray((Xs.T @ Xs).toarray(), dtype=np.float64)
        if self.mu is not None:
            r = self._ones()
            c = np.asarray(Xs.T @ r, dtype=np.float64).ravel()
            G -= np.outer(c, self.mu)
            G -= np.outer(self.mu, c)
            G += float(r @ r) * np.outer(self.mu, self.mu)
        return G

    def kernel(self):
        """Dense A A^T (n, n) = Xs Xs^T - g r^T - r g^T + (mu.mu) r r^T, g = Xs mu."""
        Xs = self._scaled()
        K = np.asarray((Xs @ Xs.T).toarray(), dtype=np.float64)
        if self.mu is not None:
            r = self._ones()
            g = np.asarray(Xs @ self.mu, dtype=np.float64).ravel()
            K -= np.outer(g, r)
            K -= np.outer(r, g)
            K += float(self.mu @ self.mu) * np.outer(r, r)
        return K


def chol_solve(G, C, alphas, rcond_min=0.0):
    """W with (G + alpha_t I) W[:, t] = C[:, t], or None if a factorisation fails
    or its reciprocal condition number (of the Jacobi-scaled matrix, LAPACK
    pocon) is below rcond_min. Targets sharing an alpha share one factorisation."""
    from scipy.linalg import lapack

    p = G.shape[0]
    W = np.empty((p, C.shape[1]))
    for a in np.unique(alphas):
        cols = np.flatnonzero(alphas == a)
        A = G.copy()
        A.flat[:: p + 1] += a
        dg = A.diagonal().copy()
        if not np.all(dg > 0):
            return None
        s = 1.0 / np.sqrt(dg)
        A *= s[:, None]
        A *= s[None, :]
        anorm = np.abs(A).sum(axis=0).max()
        c, info = lapack.dpotrf(A, lower=0, clean=1, overwrite_a=1)
        if info != 0:
            return None
        if rcond_min > 0:
            rc, info = lapack.dpocon(c, anorm)
            if info != 0 or not rc >= rcond_min:
                return None
        x, info = lapack.dpotrs(c, C[:, cols] * s[:, None])
        if info != 0 or not np.all(np.isfinite(x)):
            return None
        W[:, cols] = x * s[:, None]
    return W


def kernel_lstsq(X, Y, sw, fit_intercept):
    """Wide X (n - fit_intercept < p): the minimum-norm least-squares solution
    from the (n, n) kernel K = A A^T of the centred, weighted rows
    A = diag(r) (X - 1 mu^T), r = sqrt(sw): w = A^T u with K u = b. Centring
    makes v = r / |r| a null vector of K (and b is orthogonal to it), so
    K + trace(K) v v^T is factorised instead: its solution has u . v = 0,
    hence K u = b, and w lies in the row space of A (minimum norm). K is X X^T
    (utils._gram.row_gram) plus a rank-two correction. Returns (W, mu, y_off, K, v)
    (v None without centring), or None when the centring cancels digits or K
    is not well conditioned on the complement of v (the caller runs lstsq)."""
    from ..utils._gram import row_gram, small_blas

    n, p = X.shape
    r = np.ones(n) if sw is None else np.sqrt(sw)
    if fit_intercept:
        s = r * r
        mu = (s @ X) / s.sum()
        y_off = (s @ Y) / s.sum()
    else:
        mu, y_off = np.zeros(p), np.zeros(Y.shape[1])
    K = row_gram(np.asarray(X, dtype=np.float64))  # X X^T in float64 (as dsyrk)
    raw = np.diag(K).copy()
    if fit_intercept:
        g = X @ mu
        K -= g[:, None]
        K -= g[None, :]
        K += float(mu @ mu)
        if np.any((np.diag(K) < 1e-6 * raw) & (raw > 0)):
            return None  # centring cancelled: lstsq on the centred copy
    if sw is not None:
        K *= r[:, None]
        K *= r[None, :]
    B = (Y - y_off) * r[:, None]
    v = r / np.sqrt(r @ r) if fit_intercept else None
    Kd = K + float(np.trace(K)) * np.outer(v, v) if fit_intercept else K
    with small_blas(n):
        U = chol_solve(Kd, B, np.zeros(B.shape[1]), rcond_min=1e-8)
    if U is None:
        return None
    U *= r[:, None]
    W = X.T @ U - np.outer(mu, U.sum(axis=0))
    return W, mu, y_off, K, v


def kernel_solve(A, B, alphas):
    """Ridge in kernel form for n < p: W = A^T (A A^T + alpha I)^-1 B, or None.
    A is a dense array or a CenteredOperator."""
    import scipy.linalg

    from ..utils._gram import row_gram

    op = isinstance(A, CenteredOperator)
    K = A.kernel() if op else row_gram(A)
    n = K.shape[0]
    W = np.empty((A.shape[1], B.shape[1]))
    for a in np.unique(alphas):
        cols = np.flatnonzero(alphas == a)
        Ka = K.copy()
        Ka.flat[:: n + 1] += a
        try:
            dual = scipy.linalg.solve(Ka, B[:, cols], assume_a="pos", check_finite=False)
        except (np.linalg.LinAlgError, ValueError):
            return None
        W[:, cols] = A.rmatmat(dual) if op else A.T @ dual
    return W


def svd_solve(A, B, alphas):
    """Ridge (alpha may be 0: minimum-norm least squares) by the thin SVD of A."""
    import scipy.linalg

    n, p = A.shape
    U, s, Vt = scipy.linalg.svd(A, full_matrices=False, check_finite=False)
    UtB = U.T @ B
    keep = s > s.max(initial=0.0) * max(n, p) * np.finfo(np.float64).eps
    W = np.empty((p, B.shape[1]))
    for t, a in enumerate(alphas):
        d = np.where(keep, s / np.where(keep, s * s + a, 1.0), 0.0)
        W[:, t] = Vt.T @ (d * UtB[:, t])
    return W


def lsqr_solve(A, B, alphas, tol, max_iter):
    """scipy's LSQR per target on min ||A w - b||^2 + alpha ||w||^2 (damp = sqrt(alpha)),
    stopping at atol = btol = tol; returns (W, n_iter). A: dense or CenteredOperator."""
    from scipy.sparse.linalg import lsqr

    if isinstance(A, CenteredOperator):
        A = A.linear_operator()
    W = np.empty((A.shape[1], B.shape[1]))
    n_iter = np.empty(B.shape[1], dtype=np.int32)
    for t, a in enumerate(alphas):
        out = lsqr(A, B[:, t], damp=np.sqrt(a), atol=tol, btol=tol, iter_lim=max_iter)
        W[:, t], n_iter[t] = out[0], out[2]
    return W, n_iter


def _cg(matvec, b, tol, max_iter):
    """Conjugate gradients on an SPD operator: stop when ||r|| <= tol ||b||."""
    x = np.zeros_like(b)
    r = b.copy()
    d = r.copy()
    rr = r @ r
    stop = (tol * np.sqrt(b @ b)) ** 2
    limit = 10 * b.shape[0] if max_iter is None else int(max_iter)
    it = 0
    while rr > stop and it < limit:
        q = matvec(d)
        step = rr / (d @ q)
        x += step * d
        r -= step * q
        rr_new = r @ r
        d = r + (rr_new / rr) * d
        rr = rr_new
        it += 1
    return x, it, rr <= stop


def _gram_mv(G):
    """v -> G v for a dense G or a callable."""
    return G if callable(G) else (lambda v: G @ v)


def cg_solve(G, C, alphas, tol, max_iter, A=None):
    """Conjugate gradients on (G + alpha I) w = c (Gram form; G dense or a
    callable v -> G v), or on the kernel system (A A^T + alpha I) u = b,
    w = A^T u when A (n < p; dense or a CenteredOperator) is given (then C
    holds B). Returns (W, n_iter)."""
    k = C.shape[1]
    op = isinstance(A, CenteredOperator)
    p = C.shape[0] if A is None else A.shape[1]
    W = np.empty((p, k))
    n_iter = np.empty(k, dtype=np.int32)
    gmv = None if G is None else _gram_mv(G)
    for t, a in enumerate(alphas):
        if A is None:
            w, it, ok = _cg(lambda v, a=a: gmv(v) + a * v, C[:, t], tol, max_iter)
        elif op:
            u, it, ok = _cg(lambda v, a=a: A.matvec(A.rmatvec(v)) + a * v, C[:, t], tol,
                            max_iter)
            w = A.rmatvec(u)
        else:
            u, it, ok = _cg(lambda v, a=a: A @ (A.T @ v) + a * v, C[:, t], tol, max_iter)
            w = A.T @ u
        if not ok and max_iter is not None:
            warnings.warn(f"sparse_cg did not converge after {it} iterations (tol={tol}).",
                          ConvergenceWarning, stacklevel=4)
        W[:, t], n_iter[t] = w, it
    return W, n_iter


def lbfgs_solve(A, B, alphas, tol, max_iter, positive):
    """L-BFGS-B on 0.5 ||b - A w||^2 + 0.5 alpha ||w||^2 per column b of B (A the
    centred, sqrt(sw)-scaled rows: dense or a CenteredOperator), bounds w >= 0
    when positive. The objective is evaluated from the residual, as
    scikit-learn does: the Gram form 0.5 b.b - c.w + 0.5 w.G w loses the digits
    L-BFGS-B's relative-decrease test needs at small tol (it cancels to the
    residual's size). Returns (W, n_iter)."""
    from scipy.optimize import minimize

    op = isinstance(A, CenteredOperator)
    mv = A.matvec if op else (lambda v: A @ v)
    rmv = A.rmatvec if op else (lambda u: A.T @ u)
    p, k = A.shape[1], B.shape[1]
    W = np.empty((p, k))
    n_iter = np.empty(k, dtype=np.int32)
    opts = {} if max_iter is None else {"maxiter": int(max_iter)}
    bounds = [(0.0, np.inf)] * p if positive else None
    for t, a in enumerate(alphas):
        b = np.ascontiguousarray(B[:, t], dtype=np.float64)

        def fg(w, a=a, b=b):
            r = mv(w) - b
            return 0.5 * float(r @ r) + 0.5 * a * float(w @ w), rmv(r) + a * w

        res = minimize(fg, np.zeros(p), method="L-BFGS-B", jac=True, tol=tol, bounds=bounds,
                       options=opts)
        if not res.success:
            warnings.warn(f"The lbfgs solver did not converge. Try increasing max_iter or "
                          f"tol. Currently: max_iter={max_iter} and tol={tol}",
                          ConvergenceWarning, stacklevel=4)
        W[:, t], n_iter[t] = res.x, res.nit
    return W, n_iter


def nnls_gram(G, C):
    """Non-negative least squares from the Gram form: with G = R^T R,
    ||A w - b||^2 = ||R w - R^-T c||^2 + const, so NNLS on the (p, p) system has
    the same minimiser. None when G is not numerically positive definite."""
    import scipy.linalg
    from scipy.optimize import nnls

    try:
        R = scipy.linalg.cholesky(G, lower=False, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    rc, info = scipy.linalg.lapack.dpocon(R, np.abs(G).sum(axis=0).max())
    if info != 0 or not rc >= 1e-10:
        return None
    Z = scipy.linalg.solve_triangular(R, C, trans="T", check_finite=False)
    W = np.empty(C.shape)
    for t in range(C.shape[1]):
        W[:, t] = nnls(R, Z[:, t], maxiter=50 * G.shape[0])[0]
    return W


def nnls_data(A, B):
    """Non-negative least squares on the rows (the fallback of nnls_gram)."""
    from scipy.optimize import nnls

    W = np.empty((A.shape[1], B.shape[1]))
    for t in range(B.shape[1]):
        W[:, t] = nnls(A, B[:, t], maxiter=50 * A.shape[1])[0]
    return W
