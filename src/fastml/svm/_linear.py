"""Linear support vector machines: LinearSVC and LinearSVR.

The problems are liblinear's (the intercept is the weight of an extra
constant feature of value ``intercept_scaling``, regularised like the
others), solved by:

- dual coordinate descent with shrinking (liblinear's solver for L2 penalty,
  hinge / squared hinge and epsilon-insensitive / squared losses), compiled
  with Numba (fastml._kernels.linear_svm), dense rows or CSR rows;
- primal coordinate descent with a Newton direction and Armijo line search
  per feature (liblinear's L1-penalty squared-hinge solver), compiled;
- for ``dual=False`` with an L2 penalty and a squared loss, a primal Newton
  method with conjugate-gradient steps on BLAS matrix-vector products
  (liblinear uses a trust-region Newton method for the same objective and the
  same stopping rule ||grad|| <= tol' ||grad(0)||).

Multi-class LinearSVC is one-vs-rest (as liblinear, the positive class gets
its class weight and the rest weight 1); the binary problems run on parallel
threads (fastml's default thread count: LinearSVC has no n_jobs).
multi_class="crammer_singer" solves the joint multi-class problem of
Crammer and Singer by liblinear's sequential dual method (one small
subproblem per sample, solved exactly by sorting; classes and samples
shrunk); penalty, loss and dual do not apply to it, as in liblinear.
Differs from scikit-learn: the random visiting order of the coordinate
descent is fastml's own (a random_state gives reproducible, not identical,
iterates; the solution agrees within the tolerance).
"""
import numbers
import warnings

import numpy as np

from .._kernels import linear_svm as _kl
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import ConvergenceWarning
from ..linear_model._base import SparseCoefMixin, SparseInputMixin, linear_scores
from ..utils._param_validation import Interval, StrOptions
from ..utils._parallel import map_threads
from ..utils._sparse import is_sparse
from ..utils.validation import (_check_sample_weight, check_classification_targets,
                                check_random_state, resolve_n_jobs)

__all__ = ["LinearSVC", "LinearSVR"]

_SOLVERS = {  # loss -> penalty -> supported dual values
    "hinge": {"l2": (True,)},
    "squared_hinge": {"l1": (False,), "l2": (False, True)},
    "epsilon_insensitive": {"l2": (True,)},
    "squared_epsilon_insensitive": {"l2": (False, True)},
}
_INT_MAX = np.iinfo(np.int32).max
_PARALLEL_MIN_WORK = 200_000


def _check_combination(penalty, loss, dual):
    """scikit-learn's ValueError for an unsupported penalty / loss / dual."""
    duals = _SOLVERS[loss].get(penalty)
    if duals is None:
        err = f"The combination of penalty='{penalty}' and loss='{loss}' is not supported"
    elif dual not in duals:
        err = (f"The combination of penalty='{penalty}' and loss='{loss}' are not supported "
               f"when dual={dual}")
    else:
        return
    raise ValueError(f"Unsupported set of arguments: {err}, Parameters: penalty={penalty!r}, "
                     f"loss={loss!r}, dual={dual!r}")


def _resolve_dual(dual, penalty, loss, shape):
    """dual="auto": the dual when n_samples < n_features and it is supported,
    else the primal when supported (scikit-learn's rule)."""
    if dual != "auto":
        return bool(dual)
    duals = _SOLVERS[loss].get(penalty, ())
    if shape[0] < shape[1]:
        return True if True in duals or not duals else False
    return False if False in duals or not duals else True


def _bias(estimator):
    if not estimator.fit_intercept:
        return 0.0
    if estimator.intercept_scaling <= 0:
        raise ValueError(f"Intercept scaling is {estimator.intercept_scaling!r} but needs to be "
                         "greater than 0. To disable fitting an intercept, set "
                         "fit_intercept=False.")
    return float(estimator.intercept_scaling)


def _prepare(X):
    if is_sparse(X):
        X = X.tocsr().astype(np.float64, copy=False)
        X.sort_indices()
        return X
    return np.ascontiguousarray(X, dtype=np.float64)


def _sample_weight(sample_weight, n):
    sw = _check_sample_weight(sample_weight, n)  # finite, non-negative, not all zero
    return np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64)


# ---- primal Newton-CG for the L2 penalty with squared losses ----------------
def _primal_parts(X, B):
    """Closures z = [X, B] w and g = [X, B]' v for w / g of length p + 1."""
    def fwd(w):
        return np.asarray(X @ w[:-1]).ravel() + B * w[-1]

    def adj(v):
        out = np.empty(X.shape[1] + 1)
        out[:-1] = np.asarray(X.T @ v).ravel()
        out[-1] = B * v.sum()
        return out
    return fwd, adj


def _sq_residual(z, y, Ci, svr, epsilon):
    """(weighted residual r_i with loss sum C_i r_i^2 ... , active mask):
    SVC r = max(0, 1 - y z); SVR r = max(0, |z - y| - eps)."""
    if svr:
        d = z - y
        r = np.maximum(np.abs(d) - epsilon, 0.0)
        return r, np.sign(d), r > 0
    r = np.maximum(1.0 - y * z, 0.0)
    return r, -y, r > 0


# exact Newton (form the Hessian) while n p^2 stays small; beyond, CG on
# Hessian-vector products: two matrix-vector passes per step beat a Gram
# product of 100k x 100 rows (measured; on a loaded machine by far)
_EXPLICIT_HESSIAN_MAX = 5e7


def _newton_dense(X, B, dc, g):
    """Solve (I + [X B]' diag(dc) [X B]) d = -g over the active rows
    (dc > 0); without a bias (B = 0) the last coordinate stays 0."""
    from scipy.linalg import cho_factor, cho_solve

    p = X.shape[1]
    idx = np.flatnonzero(dc)
    sq = np.sqrt(dc[idx])
    Xs = X[idx] * sq[:, None]
    m = p + 1 if B else p
    H = np.empty((m, m))
    H[:p, :p] = Xs.T @ Xs
    if B:
        col = B * (Xs.T @ sq)
        H[:p, p] = col
        H[p, :p] = col
        H[p, p] = B * B * float(dc[idx].sum())
    H.flat[::m + 1] += 1.0
    d = np.zeros(p + 1)
    d[:m] = cho_solve(cho_factor(H, lower=False, check_finite=False), -g[:m],
                      check_finite=False)
    return d


def _newton_cg(hess, g, p):
    """Conjugate gradient on hess(d) = -g to a relative residual of 0.1."""
    d = np.zeros(p + 1)
    r = -g.copy()
    q = r.copy()
    rr = float(r @ r)
    stop = 0.01 * rr
    for _ in range(max(p + 1, 10)):
        if rr <= stop:
            break
        hq = hess(q)
        a = rr / float(q @ hq)
        d += a * q
        r -= a * hq
        rr_new = float(r @ r)
        q = r + (rr_new / rr) * q
        rr = rr_new
    return d


def primal_newton(X, y, Ci, B, svr, epsilon, tol, max_iter):
    """min 1/2 |w|^2 + sum C_i r_i(w)^2 by Newton steps (CG on the generalised
    Hessian I + 2 X_I' C_I X_I) with Armijo backtracking; stops when
    |grad| <= tol' |grad(0)| (liblinear's rule: tol' = tol * max(min(#pos,
    #neg), 1) / n for SVC, tol for SVR). Returns (w (p + 1,), iterations)."""
    n, p = X.shape
    fwd, adj = _primal_parts(X, B)  # B = 0: the bias weight's gradient stays 0
    if svr:
        eps_t = tol
    else:
        npos = int((y > 0).sum())
        eps_t = tol * max(min(npos, n - npos), 1) / n
    w = np.zeros(p + 1)
    z = np.zeros(n)
    # small dense X: exact Newton steps (one BLAS product and a Cholesky solve
    # each); otherwise CG on Hessian-vector products
    explicit = not is_sparse(X) and n * (p + 1) ** 2 <= _EXPLICIT_HESSIAN_MAX

    def fun(z, w):
        r, _, _ = _sq_residual(z, y, Ci, svr, epsilon)
        return 0.5 * float(w @ w) + float(Ci @ (r * r))

    def grad(z, w):
        r, s, act = _sq_residual(z, y, Ci, svr, epsilon)
        return w + 2.0 * adj(Ci * r * s), act
    g, act = grad(z, w)
    g0 = float(np.linalg.norm(g))
    f = fun(z, w)
    it = 0
    while it < max_iter:
        if float(np.linalg.norm(g)) <= eps_t * g0:
            break
        dc = 2.0 * Ci * act
        if explicit:
            d = _newton_dense(X, B, dc, g)
        else:
            d = _newton_cg(lambda v: v + adj(dc * fwd(v)), g, p)
        zd = fwd(d)
        gd = float(g @ d)
        step = 1.0
        for _ in range(30):
            f_new = fun(z + step * zd, w + step * d)
            if f_new <= f + 0.01 * step * gd:
                break
            step *= 0.5
        w += step * d
        z += step * zd
        f = f_new
        g, act = grad(z, w)
        it += 1
    return w, it


class _LinearSVMBase(SparseInputMixin, BaseEstimator):
    def _fastml_tags(self):
        return {"sparse": True}

    def _solve(self, X, t, Ci, B, dual, seed, svr):
        """One binary / regression problem on targets t: (w (p + 1,), n_iter)."""
        keep = Ci > 0  # zero-weight samples do not enter the objective
        if not keep.all():
            X, t, Ci = X[keep], t[keep], Ci[keep]
        p = X.shape[1]
        w = np.zeros(p + 1)
        if X.shape[0] == 0:
            return w, 0
        loss_code = 0 if self.loss in ("hinge", "epsilon_insensitive") else 1
        if self.penalty == "l1":
            XT = X.T.tocsr() if is_sparse(X) else np.ascontiguousarray(X.T)
            b = np.ones(X.shape[0])
            it = _kl.primal_cd_l1(w, b, XT, t, Ci, B, self.tol, self.max_iter, seed)
        elif dual and svr:
            it = _kl.dual_cd_svr(w, np.zeros(X.shape[0]), X, t, Ci, B, loss_code,
                                 self.epsilon, self.tol, self.max_iter, seed)
        elif dual:
            it = _kl.dual_cd_svc(w, np.zeros(X.shape[0]), X, t, Ci, B, loss_code, self.tol,
                                 self.max_iter, seed)
        else:
            w, it = primal_newton(X, t, Ci, B, svr, float(getattr(self, "epsilon", 0.0)),
                                  self.tol, self.max_iter)
        if not np.isfinite(w).all():
            raise ValueError("The linear SVM solver produced non-finite coefficients; scale "
                             "the input (StandardScaler) or lower C.")
        return w, it

    def _finish(self, W, iters, B):
        self.n_iter_ = int(max(iters)) if len(iters) else 0
        if self.verbose:  # liblinear-style: one line per binary problem
            for k, it in enumerate(iters):
                state = "max_iter reached" if it >= self.max_iter else "optimization finished"
                print(f"[{type(self).__name__}] problem {k + 1}/{len(iters)}: {state}, "
                      f"#iter = {int(it)}", flush=True)
        if self.n_iter_ >= self.max_iter:
            warnings.warn("Liblinear failed to converge, increase the number of iterations.",
                          ConvergenceWarning, stacklevel=3)
        W = np.asarray(W, dtype=np.float64)
        self.coef_ = np.ascontiguousarray(W[:, :-1])
        self.intercept_ = B * W[:, -1] if self.fit_intercept else 0.0


class LinearSVC(ClassifierMixin, SparseCoefMixin, _LinearSVMBase):
    """Linear support vector classification (liblinear's problem: L2 or L1
    penalty, hinge or squared-hinge loss, regularised intercept); see the
    module docstring for the solvers. One-vs-rest for K > 2 classes."""

    _parameter_constraints = {
        "penalty": [StrOptions({"l1", "l2"})],
        "loss": [StrOptions({"hinge", "squared_hinge"})],
        "dual": ["boolean", StrOptions({"auto"})],
        "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "C": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "multi_class": [StrOptions({"ovr", "crammer_singer"})],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "class_weight": [None, dict, StrOptions({"balanced"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, penalty="l2", loss="squared_hinge", *, dual="auto", tol=1e-4, C=1.0,
                 multi_class="ovr", fit_intercept=True, intercept_scaling=1,
                 class_weight=None, verbose=0, random_state=None, max_iter=1000):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit on X (n, p) dense or sparse and labels y; sample_weight scales
        each sample's C. Returns self."""
        self._validate_params()
        X, y = self._validate_data(X, y)
        check_classification_targets(y)
        self.classes_ = classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, but "
                             f"the data contains only one class: {classes[0]!r}")
        crammer = self.multi_class == "crammer_singer"
        if not crammer:  # Crammer-Singer has one solver: penalty, loss and dual do not apply
            dual = _resolve_dual(self.dual, self.penalty, self.loss, X.shape)
            _check_combination(self.penalty, self.loss, dual)
        B = _bias(self)
        X = _prepare(X)
        sw = _sample_weight(sample_weight, X.shape[0])
        y_idx = np.searchsorted(classes, y)
        cw = _class_weight(self.class_weight, classes, y_idx, sw)
        seed = check_random_state(self.random_state).randint(_INT_MAX)
        C = float(self.C)
        if crammer:
            self._fit_crammer_singer(X, y_idx, C * sw * cw[y_idx], B, seed, len(classes))
            return self
        if len(classes) == 2:
            jobs = [(np.where(y_idx == 1, 1.0, -1.0), C * sw * cw[y_idx])]
        else:
            jobs = [(np.where(y_idx == k, 1.0, -1.0),
                     C * sw * np.where(y_idx == k, cw[k], 1.0)) for k in range(len(classes))]
        # tiny problems: a thread pool costs more than it saves
        small = (X.nnz if is_sparse(X) else X.size) * len(jobs) < _PARALLEL_MIN_WORK
        nthreads = 1 if small else resolve_n_jobs(None)
        out = map_threads(lambda job: self._solve(X, job[0], job[1], B, dual, seed, False),
                          jobs, nthreads)
        self._finish([w for w, _ in out], [it for _, it in out], B)
        return self

    def _fit_crammer_singer(self, X, y_idx, Ci, B, seed, K):
        """One joint problem over the K classes (liblinear's MCSVM_CS solver);
        two classes give one row w_1 - w_0, as scikit-learn reports it."""
        keep = Ci > 0  # zero-weight samples do not enter the objective
        if not keep.all():
            X, y_idx, Ci = X[keep], y_idx[keep], Ci[keep]
        W = np.zeros((K, X.shape[1] + 1))
        it = 0
        if X.shape[0]:
            it = _kl.crammer_singer(W, np.zeros((X.shape[0], K)), X, y_idx, Ci, B, self.tol,
                                    self.max_iter, seed)
        if not np.isfinite(W).all():
            raise ValueError("The linear SVM solver produced non-finite coefficients; scale "
                             "the input (StandardScaler) or lower C.")
        if K == 2:
            W = W[1:] - W[:1]
        self._finish(W, [it], B)

    def decision_function(self, X):
        """Signed distances X coef_' + intercept_ ((n,) for two classes)."""
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        Z = linear_scores(X, self.coef_, self.intercept_)
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict(self, X):
        Z = self.decision_function(X)
        idx = (Z > 0).astype(np.intp) if Z.ndim == 1 else Z.argmax(axis=1)
        return self.classes_[idx]


def _class_weight(class_weight, classes, y_idx, sw):
    """Per-class weights; "balanced" from the sample-weighted class totals
    (scikit-learn's compute_class_weight with sample_weight)."""
    k = len(classes)
    if class_weight is None:
        return np.ones(k)
    if isinstance(class_weight, str):
        tot = np.bincount(y_idx, weights=sw, minlength=k)
        return tot.sum() / (k * np.where(tot > 0, tot, 1.0))
    cw = np.ones(k)
    for c, v in class_weight.items():
        hits = np.flatnonzero(classes == c)
        if hits.size == 0:
            raise ValueError(f"Class label {c!r} not present in the training classes "
                             f"{classes.tolist()} (class_weight={class_weight!r}).")
        cw[hits[0]] = v
    return cw


class LinearSVR(RegressorMixin, _LinearSVMBase):
    """Linear support vector regression (liblinear's problem: L2 penalty,
    epsilon-insensitive or squared epsilon-insensitive loss, regularised
    intercept); see the module docstring for the solvers."""

    _parameter_constraints = {
        "epsilon": [numbers.Real],
        "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "C": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "loss": [StrOptions({"epsilon_insensitive", "squared_epsilon_insensitive"})],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "dual": ["boolean", StrOptions({"auto"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
    }
    penalty = "l2"

    def __init__(self, *, epsilon=0.0, tol=1e-4, C=1.0, loss="epsilon_insensitive",
                 fit_intercept=True, intercept_scaling=1.0, dual="auto", verbose=0,
                 random_state=None, max_iter=1000):
        self.epsilon = epsilon
        self.tol = tol
        self.C = C
        self.loss = loss
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.dual = dual
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit on X (n, p) dense or sparse and targets y. Returns self."""
        self._validate_params()
        X, y = self._validate_data(X, y, y_numeric=True)
        dual = _resolve_dual(self.dual, "l2", self.loss, X.shape)
        _check_combination("l2", self.loss, dual)
        B = _bias(self)
        X = _prepare(X)
        y = np.asarray(y, dtype=np.float64)
        sw = _sample_weight(sample_weight, X.shape[0])
        seed = check_random_state(self.random_state).randint(_INT_MAX)
        w, it = self._solve(X, y, float(self.C) * sw, B, dual, seed, True)
        self._finish([w], [it], B)
        self.coef_ = self.coef_.ravel()
        return self

    def predict(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        return linear_scores(X, self.coef_[None, :], self.intercept_).ravel()
