"""Distributed linear models: LinearRegression and Ridge from per-partition
centred Gram matrices (or TSQR), LogisticRegression by L-BFGS over
per-partition loss / gradient reductions.

Gram reduction: every partition computes its weighted mean and centred
products X_c^T X_c, X_c^T Y_c with fastml's one-pass kernel
(fastml.utils._gram.centered_gram); the tree reduction merges them with the
exact pairwise update (Chan, Golub & LeVeque), so nothing is ever formed
around a far-away origin. The solve is fastml's (Jacobi-scaled Cholesky with
the same condition test); an ill-conditioned Gram matrix (reciprocal
condition < 1e-8) or solver="tsqr" solves by the R factor of a dask TSQR of
the centred data instead (SVD of R: minimum-norm least squares).

Sparse partitions (dask arrays whose blocks are scipy.sparse CSR matrices):
the Gram matrices are formed by sparse-times-dense products (X^T W X, then
the rank-one mean correction within each partition: exact for data centred
near the origin, as sparse data usually is; p x p dense results), TSQR
densifies one block at a time; LogisticRegression evaluates its loss on the
CSR blocks without densifying them.
"""
import functools
import warnings

import numpy as np

import dask
import dask.array as da
from dask import delayed

from .. import optimize as _opt
from ..callback import CallbackSupportMixin, callback_management_context
from ..exceptions import ConvergenceWarning
from ..linear_model import LinearRegression as _LR
from ..linear_model import LogisticRegression as _LogR
from ..linear_model import Ridge as _Ridge
from ..linear_model import _lsq_solvers as _sol
from ..linear_model._logistic import _class_weights
from ..linear_model._logistic_loss import LogisticLoss
from ..utils._gram import centered_gram
from ..utils._param_validation import StrOptions
from ..utils.validation import check_array
from ._utils import (PostFitMixin, align_weights, as_dask_array, blocks, check_y,
                     feature_names, has_sparse_blocks, is_sparse, tree_reduce)


def _xblock(Xb):
    return check_array(np.asarray(Xb), dtype=(np.float64, np.float32), ensure_min_samples=0)


def _sparse_gram(Xb, Yb, sw, center):
    """centered_gram of a CSR block: the weighted products in float64 by
    sparse-times-dense products, minus the rank-one mean correction."""
    Xb = Xb.tocsr().astype(np.float64)
    Yb = Yb.astype(np.float64)
    w = np.ones(Xb.shape[0]) if sw is None else sw
    wsum = float(w.sum())
    WX = Xb.multiply(w[:, None]).tocsr()
    G = np.asarray((Xb.T @ WX).todense())
    C = np.asarray(WX.T @ Yb)
    p, k = Xb.shape[1], Yb.shape[1]
    if not center or wsum == 0:
        return G, C, np.zeros(p), np.zeros(k), wsum
    m = np.asarray(Xb.T @ w).ravel() / wsum
    ym = (w @ Yb) / wsum
    G -= wsum * np.outer(m, m)
    C -= wsum * np.outer(m, ym)
    return G, C, m, ym, wsum


def _gram_part(Xb, Yb, swb, center):
    if is_sparse(Xb):
        Yb = np.asarray(Yb, dtype=np.float64)
        Yb = Yb[:, None] if Yb.ndim == 1 else Yb
        if not np.all(np.isfinite(Yb)):
            raise ValueError("Input y contains NaN or infinity.")
        if not np.all(np.isfinite(Xb.data)):
            raise ValueError("Input X contains NaN or infinity.")
        if Xb.shape[0] == 0:
            return None
        sw = None if swb is None else np.asarray(swb, dtype=np.float64)
        return _sparse_gram(Xb, Yb, sw, center)
    Xb = np.ascontiguousarray(_xblock(Xb))
    Yb = np.asarray(Yb, dtype=np.float64)
    Yb = (Yb[:, None] if Yb.ndim == 1 else Yb).astype(Xb.dtype)
    if not np.all(np.isfinite(Yb)):
        raise ValueError("Input y contains NaN or infinity.")
    if Xb.shape[0] == 0:
        return None
    sw = None if swb is None else np.asarray(swb, dtype=np.float64)
    G, C, m, ym, w = centered_gram(Xb, Yb, sw, center=center)
    return G, C, np.asarray(m, np.float64), np.asarray(ym, np.float64), float(w)


def _merge_grams(parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    G, C, m, ym, w = (np.array(parts[0][0]), np.array(parts[0][1]), parts[0][2],
                      parts[0][3], parts[0][4])
    for G2, C2, m2, ym2, w2 in parts[1:]:
        tot = w + w2
        if tot == 0:
            continue
        dx, dy = m2 - m, ym2 - ym
        f = w * w2 / tot
        G += G2 + f * np.outer(dx, dx)
        C += C2 + f * np.outer(dx, dy)
        m = m + dx * (w2 / tot)
        ym = ym + dy * (w2 / tot)
        w = tot
    return G, C, m, ym, w


def _prepare(est, X, y, sample_weight):
    names = feature_names(X)
    X = as_dask_array(X, "X")
    Y = check_y(y, X)
    sw = align_weights(sample_weight, X)
    if X.shape[0] == 0:
        raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
    est.n_features_in_ = int(X.shape[1])
    if names is not None:
        est.feature_names_in_ = names
    dtype = np.float32 if X.dtype == np.float32 else np.float64
    return X, Y, sw, dtype


def _reduced_gram(X, Y, sw, center):
    swb = [None] * len(X.chunks[0]) if sw is None else blocks(sw)
    part = delayed(_gram_part, pure=True)
    res = tree_reduce([part(xb, yb, s, center) for xb, yb, s in
                       zip(blocks(X), blocks(Y), swb)], _merge_grams).compute()
    if res is None:
        raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
    return res


def _tsqr_solve(X, Y, sw, mean, ymean, alphas, dtype):
    """W (p, k) from the R factor of the centred (weighted) data: the SVD of
    R gives the (ridge or minimum-norm least-squares) solution. Sparse blocks
    are densified one block at a time (TSQR needs dense blocks)."""
    if has_sparse_blocks(X):
        X = X.map_blocks(lambda b: b.toarray(), dtype=X.dtype,
                         meta=np.empty((0, 0), dtype=X.dtype))
    Xc = X.astype(np.float64) - mean
    Yc = Y.astype(np.float64)
    Yc = (Yc[:, None] if Yc.ndim == 1 else Yc) - ymean
    if sw is not None:
        r = da.sqrt(sw.astype(np.float64))[:, None]
        Xc, Yc = Xc * r, Yc * r
    p = X.shape[1]
    small = [c for c in Xc.chunks[0] if c < p]
    if small:  # every TSQR block needs at least p rows
        rows = max(p, max(Xc.chunks[0]))
        Xc, Yc = Xc.rechunk({0: rows, 1: -1}), Yc.rechunk({0: rows, 1: -1})
    Q, R = da.linalg.tsqr(Xc)
    R, QtY = dask.compute(R, Q.T @ Yc)
    U, s, Vt = np.linalg.svd(R, full_matrices=False)
    UtB = U.T @ QtY
    W = np.empty((p, QtY.shape[1]))
    cut = max(X.shape) * np.finfo(np.float64).eps * (s[0] if s.size else 0.0)
    for t, a in enumerate(alphas):
        if a > 0:
            f = s / (s * s + a)
        else:
            f = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0)
        W[:, t] = Vt.T @ (f * UtB[:, t])
    return W


class LinearRegression(PostFitMixin, _LR):
    """fastml.linear_model.LinearRegression over partitioned data.

    solver="auto": normal equations from the reduced centred Gram matrix
    (Cholesky as fastml does), TSQR when that is ill-conditioned;
    solver="tsqr": always TSQR. positive=True is not supported here.
    Coefficients equal single-machine fastml's to ~1e-12 relative on
    well-conditioned float64 data.
    """

    _parameter_constraints = {**_LR._parameter_constraints,
                              "solver": [StrOptions({"auto", "tsqr"})]}

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        if self.positive:
            raise ValueError("positive=True is not supported by fastml.dask.LinearRegression.")
        X, Y, sw, dtype = _prepare(self, X, y, sample_weight)
        multi = Y.ndim == 2
        center = bool(self.fit_intercept)
        self.__dict__.pop("_gram_", None)
        self.__dict__.pop("_singular", None)
        G, C, m, ym, _ = _reduced_gram(X, Y, sw, center)
        W = None
        if self.solver == "auto" and X.shape[0] - center >= X.shape[1]:
            W = _sol.chol_solve(G, C, np.zeros(C.shape[1]), rcond_min=1e-8)
            if W is not None:
                self._gram_ = G
        if W is None:
            W = _tsqr_solve(X, Y, sw, m if center else 0.0, ym if center else 0.0,
                            np.zeros(C.shape[1]), dtype)
        self.n_iter_ = 1
        self._set_coef(W, m, ym, center, dtype, multi)
        return self


class Ridge(PostFitMixin, _Ridge):
    """fastml.linear_model.Ridge over partitioned data: solver "auto" /
    "cholesky" (reduced Gram matrix + alpha I, Cholesky; TSQR if that fails)
    or "tsqr". positive=True is not supported here."""

    _parameter_constraints = {**_Ridge._parameter_constraints,
                              "solver": [StrOptions({"auto", "cholesky", "tsqr"})]}

    def fit(self, X, y, sample_weight=None):
        from ..linear_model._base import _check_alpha_array

        self._validate_params()
        if self.positive:
            raise ValueError("positive=True is not supported by fastml.dask.Ridge.")
        alpha = _check_alpha_array(self.alpha)
        X, Y, sw, dtype = _prepare(self, X, y, sample_weight)
        multi = Y.ndim == 2
        k = Y.shape[1] if multi else 1
        if not (np.ndim(alpha) == 0 or np.size(alpha) == k):
            raise ValueError(f"Number of targets and number of penalties do not correspond: "
                             f"{np.size(alpha)} != {k}")
        alphas = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (k,))
        center = bool(self.fit_intercept)
        G, C, m, ym, _ = _reduced_gram(X, Y, sw, center)
        W, solver = None, "cholesky"
        if self.solver in ("auto", "cholesky"):
            W = _sol.chol_solve(G, C, alphas)
        if W is None:
            solver = "tsqr"
            W = _tsqr_solve(X, Y, sw, m if center else 0.0, ym if center else 0.0, alphas,
                            dtype)
        self.n_iter_ = None
        self.solver_ = solver
        self._set_coef(W, m, ym, center, dtype, multi)
        if multi and k == 1:
            self.coef_ = self.coef_[0]
        return self


# ---- logistic regression -------------------------------------------------------------

def _class_stats(yb, swb):
    """(labels, counts, weight sums) of one block."""
    yb = np.asarray(yb)
    labels, inv = np.unique(yb, return_inverse=True)
    w = np.ones(yb.shape[0]) if swb is None else np.asarray(swb, dtype=np.float64)
    return labels, np.bincount(inv, minlength=labels.size).astype(np.float64), \
        np.bincount(inv, weights=w, minlength=labels.size)


def _merge_class_stats(parts):
    labels = np.unique(np.concatenate([p[0] for p in parts]))
    counts = np.zeros(labels.size)
    wsum = np.zeros(labels.size)
    for lab, c, w in parts:
        pos = np.searchsorted(labels, lab)
        counts[pos] += c
        wsum[pos] += w
    return labels, counts, wsum


class _LossPart:
    """A partition's LogisticLoss normalised by the global weight total (no
    penalty: the driver adds it once)."""

    def __init__(self, Xb, yb, swb, classes, cw, S, fit_intercept):
        if is_sparse(Xb):  # LogisticLoss runs CSR products (never densified)
            Xb = Xb.tocsr().astype(np.float64)
            if not np.all(np.isfinite(Xb.data)):
                raise ValueError("Input X contains NaN or infinity.")
        else:
            Xb = np.asarray(_xblock(Xb), dtype=np.float64)
        self.empty = Xb.shape[0] == 0
        y_idx = np.searchsorted(classes, np.asarray(yb))
        s = (np.ones(Xb.shape[0]) if swb is None else np.asarray(swb, np.float64)) * cw[y_idx]
        self.loss = LogisticLoss(Xb, y_idx, s, len(classes), 0.0, fit_intercept, 1)
        self.loss.S = S
        self.loss.sn = s / S
        self.weight = float(s.sum())  # this partition's share of S
        self.all_classes = bool(np.all(np.bincount(y_idx[s > 0], minlength=len(classes))))

    def smooth(self, theta):
        if self.empty:
            return 0.0, np.zeros_like(theta)
        return self.loss.smooth(theta)

    def grad_hess_full(self, theta):
        if self.empty:
            return 0.0, np.zeros_like(theta), np.zeros((theta.size, theta.size))
        return self.loss.grad_hess_full(theta)


def _smooth(part, theta):
    return part.smooth(theta)


def _grad_hess_full(part, theta):
    return part.grad_hess_full(theta)


def _local_start(part, theta, lam, n_coef, tol):
    """A starting point from one partition: exact Newton on its loss scaled
    to the whole data's weight (S / partition weight) plus the same penalty,
    run where the partition lives. theta unchanged when the partition is
    empty, misses a class or its solve does not converge (e.g. separable)."""
    if part.empty or not part.all_classes or part.weight <= 0:
        return theta
    r = part.loss.S / part.weight

    def fg(t):
        f, g = part.smooth(t)
        f, g = r * f, r * g
        if lam:
            f += 0.5 * lam * float((t[:n_coef] ** 2).sum())
            g[:n_coef] += lam * t[:n_coef]
        return f, g

    def fgh(t):
        f, g, H = part.grad_hess_full(t)
        f, g, H = r * f, r * g, r * H
        if lam:
            f += 0.5 * lam * float((t[:n_coef] ** 2).sum())
            g[:n_coef] += lam * t[:n_coef]
            H[np.arange(n_coef), np.arange(n_coef)] += lam
        return f, g, H

    x, _, ok = _newton(fgh, fg, theta, max(tol, 1e-8), 50)
    return x if ok and np.isfinite(x).all() else theta


def _sum_fgh(parts):
    f = sum(p[0] for p in parts)
    g = functools.reduce(np.add, [p[1] for p in parts])
    H = functools.reduce(np.add, [p[2] for p in parts])
    return f, g, H


def _sum_fg(parts):
    f = sum(p[0] for p in parts)
    g = functools.reduce(np.add, [p[1] for p in parts])
    return f, g


_NEWTON_MAX_SIZE = 1024  # parameters up to which the reduced dense Hessian is formed
_GATHER_MAX = 16  # partitions whose (loss, gradient[, Hessian]) the client adds itself


def _newton_direction(H, g):
    """-H^-1 g by Cholesky, H + mu I with mu growing while H is not
    numerically positive definite (fastml's newton_cholesky rule); -g if all fail."""
    import scipy.linalg

    scale = max(1e-12, float(np.abs(np.diag(H)).max(initial=0.0)))
    mu = 0.0
    for _ in range(30):
        try:
            c = scipy.linalg.cho_factor(H + mu * np.eye(H.shape[0]) if mu else H,
                                        check_finite=False)
            d = -scipy.linalg.cho_solve(c, g, check_finite=False)
            if np.isfinite(d).all():
                return d
        except np.linalg.LinAlgError:
            pass
        mu = max(10.0 * mu, 1e-10 * scale)
    return -g


def _newton(fgh, fg, x, tol, max_iter, first=None):
    """Exact Newton with one round trip per iteration: the full step is tried
    with (f, g, H) at the new point at once, so an accepted step (Armijo, or
    within rounding of f with a smaller gradient: near the optimum f carries
    no more information) already has the next Hessian; a rejected one
    backtracks with (f, g) only. (x, n_iter, converged); stops when
    max|g| <= tol."""
    from .._optimize.line_search import backtrack_armijo
    from .._optimize.newton import full_step_accepted

    f, g, H = fgh(x) if first is None else first
    for it in range(1, max_iter + 1):
        gmax = float(np.abs(g).max()) if g.size else 0.0
        if gmax <= tol:
            return x, it - 1, True
        d = _newton_direction(H, g)
        gd = float(g @ d)
        if not gd < 0:
            d, gd = -g, -float(g @ g)
        f1, g1, H1 = fgh(x + d)
        if full_step_accepted(f, g, gd, f1, g1):
            x, f, g, H = x + d, f1, g1, H1
            continue
        step = backtrack_armijo(fg, x, f, g, d, alpha=0.5)
        if step is None:
            return x, it, gmax <= 10 * tol
        x = x + step[0] * d
        f, g, H = fgh(x)
    gmax = float(np.abs(g).max()) if g.size else 0.0
    return x, max_iter, gmax <= tol


class LogisticRegression(PostFitMixin, _LogR):
    """fastml.linear_model.LogisticRegression over partitioned data, with the
    l2 penalty or none; class_weight and sample_weight as on one machine.

    solver="lbfgs": L-BFGS (fastml.optimize.minimize_lbfgs, the
    single-machine solver) on the objective whose value and gradient are sums
    over the persisted partitions (one pass per evaluation).
    solver="newton-cholesky": exact Newton; every partition returns its
    (loss, gradient, dense Hessian), the driver solves by Cholesky (damped
    when not positive definite, as fastml's newton_cholesky). One round trip
    per iteration: the full step is evaluated with its Hessian at once and
    kept when it passes the Armijo test (backtracking otherwise). For K p + K
    parameters up to 1024; usually the fastest choice on a cluster for few
    parameters (~10 round trips against ~30 for L-BFGS).

    Both start (unless warm_start gives coefficients) from the optimum of the
    largest partition alone -- its loss scaled to the whole data's weight plus
    the same penalty, solved by Newton on the worker that holds it, one round
    trip -- which usually leaves 2-4 global Newton steps instead of ~12 from
    zero. The answer is the global optimum all the same (the stopping test is
    on the global gradient); n_iter_ counts the global iterations.

    Differs from single-machine fastml on purpose: L-BFGS also stops when the
    objective's relative decrease falls to ~1e-14 (where function values stop
    carrying information), which leaves the coefficients ~1e-8 from the
    optimum while the gradient is still above a tight ``tol``. Here, when
    that happens, the solve continues with exact Newton steps (the reduced
    Hessian, at most 1024 parameters) until max|gradient| <= tol, so a tight
    tol (e.g. 1e-10) yields the optimum to ~1e-12 relative: the coefficients
    of single-machine "newton-cholesky"/"newton-cg" at that tol. With the
    default tol=1e-4 both stop on the gradient test, as on one machine.
    """

    def set_callbacks(self, *callbacks):
        """Register fit callbacks (see fastml.callback): the distributed fit is
        reported as one task (no per-iteration subtasks). Returns self."""
        return CallbackSupportMixin.set_callbacks(self, *callbacks)

    def fit(self, X, y, sample_weight=None):
        with callback_management_context(self):
            ctx = self._init_callback_context()
            ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
            self._fit_distributed(X, y, sample_weight)
            ctx.call_on_fit_task_end(estimator=self, X=X, y=y, reconstruction_attributes={})
        return self

    def _fit_distributed(self, X, y, sample_weight):
        self._validate_params()
        penalty, ratio = self._resolve_penalty()
        solver = {"newton": "newton-cholesky"}.get(self.solver, self.solver)
        if solver not in ("lbfgs", "newton-cholesky") or penalty not in ("l2", None):
            raise ValueError(f"fastml.dask.LogisticRegression runs solver='lbfgs' or "
                             f"'newton-cholesky' with the l2 penalty or none; got "
                             f"solver={self.solver!r}, penalty={penalty!r}.")
        X, y, sw, dtype = _prepare(self, X, y, sample_weight)
        if y.ndim != 1:
            raise ValueError(f"y should be a 1d array, got an array of shape {y.shape}.")
        swb = [None] * len(X.chunks[0]) if sw is None else blocks(sw)
        stats = delayed(_class_stats, pure=True)
        classes, counts, wsum = tree_reduce([stats(yb, s) for yb, s in zip(blocks(y), swb)],
                                            _merge_class_stats).compute()
        self.classes_ = classes
        if len(classes) < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, but "
                             f"the data contains only one class: {classes[0]!r}")
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            cw = counts.sum() / (len(classes) * np.maximum(counts, 1))
        else:
            cw = _class_weights(self.class_weight, classes, np.zeros(0, np.intp))
        S = float(cw @ wsum)
        if S <= 0:
            raise ValueError("Sample weights (times class weights) must not all be zero.")
        fit_b = bool(self.fit_intercept)
        K = 1 if len(classes) == 2 else len(classes)
        p = X.shape[1]
        size = K * p + (K if fit_b else 0)
        if solver == "newton-cholesky" and size > _NEWTON_MAX_SIZE:
            raise ValueError(f"solver='newton-cholesky' forms the dense Hessian of the "
                             f"{size} parameters; fastml.dask allows at most "
                             f"{_NEWTON_MAX_SIZE}: use solver='lbfgs'.")
        make = delayed(_LossPart, pure=True)
        parts = dask.persist(*[make(xb, yb, s, classes, cw, S, fit_b)
                               for xb, yb, s in zip(blocks(X), blocks(y), swb)])
        lam = 0.0 if penalty is None else 1.0 / (float(self.C) * S)
        smooth = delayed(_smooth, pure=True)
        ghf = delayed(_grad_hess_full, pure=True)

        def penalise(f, g, W):
            if lam:
                f += 0.5 * lam * float((W * W).sum())
                g = g.copy()
                g[:K * p] += lam * W.ravel()
            return f, g

        def reduce(fn, merge, theta):
            tasks = [fn(q, theta) for q in parts]
            if len(tasks) <= _GATHER_MAX:  # few small results: summed on the client,
                return merge(dask.compute(*tasks))  # one hop less than a merge task
            return tree_reduce(tasks, merge).compute()

        def fg(theta):
            f, g = reduce(smooth, _sum_fg, theta)
            return penalise(f, g, theta[:K * p].reshape(K, p))

        def fgh(theta):
            f, g, H = reduce(ghf, _sum_fgh, theta)
            f, g = penalise(f, g, theta[:K * p].reshape(K, p))
            if lam:
                d = np.arange(K * p)
                H[d, d] += lam
            return f, g, H

        theta = np.zeros(size)
        if self.warm_start and getattr(self, "coef_", None) is not None and \
                self.coef_.shape == (K, p):
            theta[:K * p] = self.coef_.ravel()
            if fit_b:
                theta[K * p:] = self.intercept_
        tol, max_iter = float(self.tol), int(self.max_iter)
        if max_iter > 0 and len(parts) > 1 and size <= _NEWTON_MAX_SIZE and not theta.any():
            # start from one partition's own optimum (one round trip, computed
            # where it lives): Newton then needs a few global steps instead of
            # a dozen from zero; the answer is still the global optimum
            big = int(np.argmax(X.chunks[0]))
            theta = delayed(_local_start, pure=True)(parts[big], theta, lam, K * p,
                                                     tol).compute()
        ok, n_iter = False, 0
        if max_iter > 0 and solver == "lbfgs":
            res = _opt.minimize_lbfgs(fg, theta, tol=tol, max_iter=max_iter)
            theta, n_iter, ok = res.x, res.n_iter, res.converged
            gmax = float(np.abs(res.grad).max()) if res.grad.size else 0.0
            if gmax > tol and size <= _NEWTON_MAX_SIZE and n_iter < max_iter:
                # stopped on the relative-decrease rule: finish with Newton steps
                theta, extra, ok = _newton(fgh, fg, theta, tol, max_iter - n_iter)
                n_iter += extra
        elif max_iter > 0:
            theta, n_iter, ok = _newton(fgh, fg, theta, tol, max_iter)
        if not ok and max_iter > 0:
            warnings.warn(f"{self.solver} failed to converge after {n_iter} iterations "
                          f"(max_iter={max_iter}; increase max_iter or scale the data)",
                          ConvergenceWarning, stacklevel=4)
        W = theta[:K * p].reshape(K, p)
        b = theta[K * p:] if fit_b else np.zeros(K)
        if K > 1:
            b = b - b.mean()
            if penalty is None:
                W = W - W.mean(axis=0)
        self.coef_ = np.ascontiguousarray(W, dtype=dtype)
        self.intercept_ = np.asarray(b, dtype=dtype).copy()
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def predict_proba(self, X):
        return self._blockwise("predict_proba", X)

    def predict_log_proba(self, X):
        return self._blockwise("predict_log_proba", X)

    def decision_function(self, X):
        return self._blockwise("decision_function", X)
