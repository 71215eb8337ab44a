"""The machinery shared by fastml's kernel SVMs: validation, the dual problems
handed to the SMO solver (fastml._kernels.svm), one-vs-one assembly of the
classifier's fitted attributes, and the decision values.

The formulations, the solver's working-set selection, shrinking and bias, the
ordering of support vectors (grouped by class) and the layout of dual_coef_
are those of libsvm as scikit-learn ships it, so the fitted attributes agree
with scikit-learn's to the solver tolerance. Pairs of classes are solved in
parallel on fastml's threads (each pair on one thread); a binary problem uses
every thread for its kernel rows.
"""
import math
import numbers
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._kernels import svm as _ksvm
from .._kernels._threads import scope as _thread_scope
from ..base import BaseEstimator
from ..exceptions import ConvergenceWarning
from ..utils._param_validation import Interval, StrOptions
from ..utils._sparse import check_sparse, is_sparse
from ..utils._state import state_array
from ..utils.validation import (check_classification_targets, check_is_fitted,
                                check_random_state, column_or_1d, resolve_n_jobs)
from . import _platt

LIBSVM_IMPL = ["c_svc", "nu_svc", "one_class", "epsilon_svr", "nu_svr"]

def _box(w, C):
    """Per-sample upper bounds w * C; a zero weight stays 0 when C = inf (hard
    margin: every other bound is inf, never active)."""
    if math.isinf(C):
        return np.where(w > 0, math.inf, 0.0)
    return w * C


COMMON_CONSTRAINTS = {
    "kernel": [StrOptions({"linear", "poly", "rbf", "sigmoid", "precomputed"}), callable],
    "degree": [Interval(numbers.Integral, 0, None, closed="left")],
    "gamma": [StrOptions({"scale", "auto"}), Interval(numbers.Real, 0.0, None, closed="left")],
    "coef0": [Interval(numbers.Real, None, None, closed="neither")],
    "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
    "C": [Interval(numbers.Real, 0.0, math.inf, closed="right")],  # inf: hard margin
    "nu": [Interval(numbers.Real, 0.0, 1.0, closed="right")],
    "epsilon": [Interval(numbers.Real, 0.0, None, closed="left")],
    "shrinking": ["boolean"],
    "probability": ["boolean"],
    "cache_size": [Interval(numbers.Real, 0, None, closed="neither")],
    "class_weight": [StrOptions({"balanced"}), dict, None],
    "verbose": ["verbose"],
    "max_iter": [Interval(numbers.Integral, -1, None, closed="left")],
    "random_state": ["random_state"],
    "decision_function_shape": [StrOptions({"ovr", "ovo"})],
    "break_ties": ["boolean"],
}


def constraints_for(names):
    return {k: COMMON_CONSTRAINTS[k] for k in names}


def compute_class_weight(class_weight, classes, y):
    """Weight per class (scikit-learn's compute_class_weight)."""
    if class_weight is None or len(class_weight) == 0:
        return np.ones(len(classes))
    if isinstance(class_weight, str):
        counts = np.bincount(np.searchsorted(classes, y), minlength=len(classes))
        return len(y) / (len(classes) * counts.astype(np.float64))
    weight = np.ones(len(classes))
    missing = []
    for i, c in enumerate(classes):
        if c in class_weight:
            weight[i] = class_weight[c]
        else:
            missing.append(c)
    if missing and len(classes) - len(missing) != len(class_weight):
        raise ValueError(f"The classes, {np.array(missing).tolist()}, are not in class_weight")
    return weight


def _ovr_decision_function(predictions, confidences, n_classes):
    """One-vs-rest scores from one-vs-one votes plus confidences squashed to
    (-1/3, 1/3) so they only break ties (scikit-learn's construction)."""
    n = predictions.shape[0]
    votes = np.zeros((n, n_classes))
    conf = np.zeros((n, n_classes))
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            conf[:, i] -= confidences[:, k]
            conf[:, j] += confidences[:, k]
            votes[predictions[:, k] == 0, i] += 1
            votes[predictions[:, k] == 1, j] += 1
            k += 1
    return votes + conf / (3 * (np.abs(conf) + 1))


class Problem:
    """The points of a fit in the solver's representation, plus its kernel."""

    def __init__(self, X, kernel, degree, gamma, coef0, cache_size, tol, shrinking, max_iter):
        self.X, self.kernel, self.degree, self.gamma, self.coef0 = X, kernel, degree, gamma, coef0
        self.cache_size, self.tol, self.shrinking, self.max_iter = cache_size, tol, shrinking, max_iter

    def solve(self, rows, y, p, C, alpha, nu):
        return _ksvm.solve(self.X, self.kernel, self.degree, self.gamma, self.coef0, rows, y, p,
                           C, alpha, nu, self.tol, self.shrinking, self.cache_size, self.max_iter)

    def binary(self, impl, rows, ypm, Cw, nu):
        """Solve a two-class problem (ypm +-1 over rows, Cw per-row bounds).
        Returns (coef = y alpha, rho, n_iter, hit)."""
        l = len(rows)
        y8 = ypm.astype(np.int8)
        if impl == "c_svc":
            a, rho, _, _, it, hit = self.solve(rows, y8, -np.ones(l), Cw, np.zeros(l), False)
            return a * ypm, rho, it, hit
        # nu-SVC: start with nu l / 2 of weight on each side, scale by 1/r after
        alpha = np.zeros(l)
        for sgn in (1, -1):
            rem = nu * l / 2
            for t in np.flatnonzero(ypm == sgn):
                if rem <= 0:
                    break
                alpha[t] = min(Cw[t], rem)
                rem -= alpha[t]
        a, rho, r, _, it, hit = self.solve(rows, y8, np.zeros(l), Cw, alpha, True)
        return a * ypm / r, rho / r, it, hit


def fit_regression(est, prob, y, sw, impl):
    """epsilon-SVR, nu-SVR and the one-class SVM: (coef, rho, n_iter, hit)."""
    n = len(sw)
    rows = np.arange(n, dtype=np.int64)
    if impl == "one_class":
        C = sw.copy()
        alpha = np.zeros(n)
        rem = float(np.sum(C * est.nu))
        i = 0
        while rem > 0 and i < n:
            alpha[i] = min(C[i], rem)
            rem -= alpha[i]
            i += 1
        a, rho, _, _, it, hit = prob.solve(rows, np.ones(n, np.int8), np.zeros(n), C, alpha,
                                           False)
        return a, rho, it, hit
    C1 = _box(sw, est.C)
    C = np.concatenate([C1, C1])
    y2 = np.concatenate([np.ones(n, np.int8), -np.ones(n, np.int8)])
    if impl == "epsilon_svr":
        p = np.concatenate([est.epsilon - y, est.epsilon + y])
        a, rho, _, _, it, hit = prob.solve(rows, y2, p, C, np.zeros(2 * n), False)
    else:
        alpha = np.zeros(2 * n)
        rem = float(np.sum(C1 * est.nu)) / 2
        for i in range(n):
            alpha[i] = alpha[i + n] = min(rem, C1[i])
            rem -= alpha[i]
        p = np.concatenate([-y, y])
        a, rho, _, _, it, hit = prob.solve(rows, y2, p, C, alpha, True)
    return a[:n] - a[n:], rho, it, hit


def fit_ovo(est, prob, yi, sw, impl, n_classes, cw, random_state):
    """All one-vs-one pairs. yi: class index per (kept) sample; returns
    (support (grouped by class), n_support, dual_coef, rho, n_iter, hit, probA, probB)."""
    order = np.argsort(yi, kind="stable")
    counts = np.bincount(yi, minlength=n_classes)
    start = np.concatenate([[0], np.cumsum(counts)])
    pairs = [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]
    rs = check_random_state(random_state)
    seeds = [rs.randint(np.iinfo(np.int32).max) for _ in pairs]

    def one(k):
        i, j = pairs[k]
        rows = np.concatenate([order[start[i]:start[i + 1]], order[start[j]:start[j + 1]]])
        ypm = np.concatenate([np.ones(counts[i]), -np.ones(counts[j])])
        Cw = _box(sw[rows] * np.where(ypm > 0, cw[i], cw[j]),
                  est.C if impl == "c_svc" else 1.0)
        nu = getattr(est, "nu", 0.5)
        pa = pb = None
        if est.probability:
            dec = _platt.cross_val_decision(prob, impl, rows, ypm, Cw, nu, seeds[k])
            pa, pb = _platt.sigmoid_train(dec, ypm)
        coef, rho, it, hit = prob.binary(impl, rows.astype(np.int64), ypm, Cw, nu)
        return rows, coef, rho, it, hit, pa, pb

    nthreads = resolve_n_jobs(None)
    if len(pairs) > 1 and nthreads > 1:
        def run(k):
            with _thread_scope(1):
                return one(k)
        with ThreadPoolExecutor(min(nthreads, len(pairs))) as ex:
            res = list(ex.map(run, range(len(pairs))))
    else:
        res = [one(k) for k in range(len(pairs))]
    nonzero = np.zeros(len(yi), dtype=bool)
    for rows, coef, *_ in res:
        nonzero[rows[coef != 0]] = True
    support = order[nonzero[order]]
    n_support = np.array([np.count_nonzero(nonzero[order[start[c]:start[c + 1]]])
                          for c in range(n_classes)], dtype=np.int32)
    pos = np.full(len(yi), -1, dtype=np.int64)
    pos[support] = np.arange(len(support))
    dual = np.zeros((n_classes - 1, len(support)))
    for (i, j), (rows, coef, *_) in zip(pairs, res):
        ci = counts[i]
        for part, r in ((slice(0, ci), j - 1), (slice(ci, None), i)):
            rr, cc = rows[part], coef[part]
            nz = pos[rr] >= 0
            dual[r, pos[rr[nz]]] = cc[nz]
    rho = np.array([r[2] for r in res])
    n_iter = np.array([r[3] for r in res], dtype=np.int32)
    hit = any(r[4] for r in res)
    probA = np.array([r[5] for r in res]) if est.probability else np.empty(0)
    probB = np.array([r[6] for r in res]) if est.probability else np.empty(0)
    return support, n_support, dual, rho, n_iter, hit, probA, probB


def kernel_values(est, X):
    """K(X, support vectors) (n, n_SV) in the fitted representation."""
    if est._kernel_name() == "precomputed":
        if callable(est.kernel):
            X = est._compute_kernel(X)
        return np.ascontiguousarray(np.asarray(X, dtype=np.float64)[:, est.support_])
    sv = est.support_vectors_
    if sv.shape[0] == 0:
        return np.zeros((X.shape[0], 0))
    return _ksvm.kernel_matrix(X, sv, est.kernel, est.degree, est._gamma, est.coef0)


# Test rows per block of the kernel matrix: about 2^22 kernel values (32 MB),
# so predicting never holds the whole n x n_SV matrix.
_BLOCK_VALUES = 1 << 22


def libsvm_decision(est, X):
    """libsvm's decision values: (n, n_pairs) for classifiers (class i of pair
    (i, j) positive), (n, 1) otherwise. Computed in blocks of test rows. X is
    what the kernel takes: an array, or any sequence for a callable kernel."""
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    nsv = max(1, len(est.support_))
    step = max(64, _BLOCK_VALUES // nsv)
    if n <= step:
        return _decision_block(est, X)
    return np.concatenate([_decision_block(est, X[a:a + step]) for a in range(0, n, step)])


def _decision_block(est, X):
    Kx = kernel_values(est, X)
    dual = est._dual_coef_
    dual = dual.toarray() if is_sparse(dual) else np.asarray(dual)
    rho = -np.asarray(est._intercept_)
    if est._impl not in ("c_svc", "nu_svc"):
        return (Kx @ dual[0] - rho[0])[:, None]
    ns = np.asarray(est._n_support)
    locs = np.concatenate([[0], np.cumsum(ns)])
    k = len(ns)
    out = np.empty((Kx.shape[0], k * (k - 1) // 2))
    p = 0
    for i in range(k):
        si = slice(locs[i], locs[i + 1])
        for j in range(i + 1, k):
            sj = slice(locs[j], locs[j + 1])
            out[:, p] = Kx[:, si] @ dual[j - 1, si] + Kx[:, sj] @ dual[i, sj] - rho[p]
            p += 1
    return out


def validate_state(est, state):
    """Arrays that reach the kernels on predict, checked after unpickling."""
    own = type(est).__name__
    sv = state.get("support_vectors_")
    d = state.get("n_features_in_")
    if isinstance(sv, np.ndarray) and sv.size:
        state_array(own, "support_vectors_", sv, ndim=2, dtype=np.float64,
                    shape=(None, d), finite=True)
    elif is_sparse(sv):
        ok = (sv.format == "csr" and sv.shape[1] == d and sv.dtype == np.float64
              and len(sv.indptr) == sv.shape[0] + 1 and sv.indptr[0] == 0
              and np.all(np.diff(sv.indptr) >= 0) and sv.indptr[-1] == len(sv.indices)
              and len(sv.data) == len(sv.indices) and np.isfinite(sv.data).all()
              and (len(sv.indices) == 0 or (sv.indices.min() >= 0 and sv.indices.max() < d)))
        if not ok:
            raise ValueError(f"Invalid pickled state of {own}: support_vectors_ is not a "
                             f"valid CSR matrix with {d} columns.")
    elif sv is not None and not isinstance(sv, np.ndarray):
        raise ValueError(f"Invalid pickled state of {own}: support_vectors_ must be an array.")
    for name in ("_dual_coef_", "_intercept_"):
        a = state.get(name)
        if isinstance(a, np.ndarray):
            state_array(own, name, a, ndim=a.ndim, kinds="f", finite=True)
    g = state.get("_gamma")
    if g is not None and not (isinstance(g, numbers.Real) and np.isfinite(g)):
        raise ValueError(f"Invalid pickled state of {own}: _gamma must be a finite number.")


def check_fit_result(est, hit):
    if est.verbose:  # libsvm-style: one line per binary / regression problem
        its = np.atleast_1d(est.n_iter_)
        for k, it in enumerate(its):
            print(f"[{type(est).__name__}] problem {k + 1}/{len(its)}: optimization finished, "
                  f"#iter = {int(it)}, support vectors = {int(np.sum(est._n_support))}"
                  if len(its) == 1 else
                  f"[{type(est).__name__}] problem {k + 1}/{len(its)}: optimization finished, "
                  f"#iter = {int(it)}", flush=True)
    dual = est._dual_coef_.data if is_sparse(est._dual_coef_) else est._dual_coef_
    if not (np.isfinite(est._intercept_).all() and np.isfinite(dual).all()):
        raise ValueError("The dual coefficients or intercepts are not finite. The input data "
                         "may contain large values and need to be preprocessed.")
    if hit:
        warnings.warn(f"Solver terminated early (max_iter={est.max_iter}).  Consider "
                      "pre-processing your data with StandardScaler or MinMaxScaler.",
                      ConvergenceWarning)


def classification_targets(est, y):
    y_ = column_or_1d(y, warn=True)
    check_classification_targets(y_)
    cls, yi = np.unique(y_, return_inverse=True)
    est.class_weight_ = compute_class_weight(est.class_weight, cls, y_)
    if len(cls) < 2:
        raise ValueError(f"The number of classes has to be greater than one; got {len(cls)} "
                         "class")
    est.classes_ = cls
    return yi.astype(np.int64)


def as_csr(X):
    X = check_sparse(X, accept=("csr",), dtype=np.float64)
    return X


__all__ = ["LIBSVM_IMPL", "Problem", "fit_ovo", "fit_regression", "libsvm_decision",
           "BaseEstimator", "check_is_fitted"]
