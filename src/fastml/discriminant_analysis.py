"""Linear and quadratic discriminant analysis (Gaussian class densities with a
shared / per-class covariance), scikit-learn's parameters and fitted
attributes.

LinearDiscriminantAnalysis solvers: "svd" (no covariance matrix formed:
SVD of the within-class-scaled centred data, then of the weighted class
centres), "lsqr" (solve Sigma coef' = means'), "eigen" (generalised
eigenproblem Sb v = lambda Sw v); shrinkage None, a float in [0, 1] or
"auto" (Ledoit-Wolf on standardised features), or any covariance_estimator
with fit / covariance_. All heavy steps are LAPACK / BLAS calls.
"""
import numbers
import warnings

import numpy as np
from scipy import linalg

from .base import (BaseEstimator, ClassifierMixin, ClassNamePrefixFeaturesOutMixin,
                   TransformerMixin)
from .utils._param_validation import HasMethods, Interval, StrOptions
from .utils.validation import check_classification_targets

__all__ = ["LinearDiscriminantAnalysis", "QuadraticDiscriminantAnalysis",
           "ledoit_wolf_shrinkage"]


def ledoit_wolf_shrinkage(X):
    """Ledoit-Wolf shrinkage intensity of X (n, p), centred here:
    min(beta, delta) / delta with the estimator's usual beta / delta."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 2 and X.shape[1] == 1:
        return 0.0
    n, p = X.shape
    X = X - X.mean(axis=0)
    X2 = X * X
    emp_trace = X2.sum(axis=0) / n
    mu = emp_trace.sum() / p
    beta_ = float(np.sum(X2.T @ X2))
    delta_ = float(np.sum((X.T @ X) ** 2)) / n ** 2
    beta = (beta_ / n - delta_) / (p * n)
    delta = (delta_ - 2.0 * mu * emp_trace.sum() + p * mu ** 2) / p
    beta = min(beta, delta)
    return 0.0 if beta == 0 else beta / delta


def _empirical_cov(X):
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / X.shape[0]


def _shrunk(cov, alpha):
    mu = np.trace(cov) / cov.shape[0]
    out = (1.0 - alpha) * cov
    out.flat[::cov.shape[0] + 1] += alpha * mu
    return out


def _cov(X, shrinkage=None, covariance_estimator=None):
    """Covariance of X: empirical, shrunk (float), Ledoit-Wolf on standardised
    features ("auto"), or covariance_estimator.fit(X).covariance_."""
    if covariance_estimator is not None:
        if shrinkage is not None and shrinkage != 0:
            raise ValueError("covariance_estimator and shrinkage parameters are not None. "
                             "Only one of the two can be set.")
        est = covariance_estimator  # fitted in place, as scikit-learn does
        est.fit(X)
        if not hasattr(est, "covariance_"):
            raise ValueError(f"{type(est).__name__} does not have a covariance_ attribute")
        return np.asarray(est.covariance_)
    if shrinkage is None:
        return _empirical_cov(X)
    if isinstance(shrinkage, str):  # "auto"
        std = X.std(axis=0)
        std[std == 0] = 1.0
        Xs = (X - X.mean(axis=0)) / std
        s = _shrunk(_empirical_cov(Xs), ledoit_wolf_shrinkage(Xs))
        return std[:, None] * s * std[None, :]
    return _shrunk(_empirical_cov(X), float(shrinkage))


def _class_means(X, y_idx, k):
    counts = np.bincount(y_idx, minlength=k).astype(np.float64)
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, y_idx, X)
    return sums / counts[:, None]


def _class_cov(X, y_idx, priors, shrinkage=None, covariance_estimator=None):
    cov = np.zeros((X.shape[1], X.shape[1]))
    for c in range(len(priors)):
        cov += priors[c] * np.atleast_2d(_cov(X[y_idx == c], shrinkage, covariance_estimator))
    return cov


def _softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


def _priors(priors, y_idx, k, dtype):
    if priors is None:
        return np.bincount(y_idx, minlength=k) / y_idx.shape[0]
    pr = np.asarray(priors, dtype=dtype).ravel()
    if pr.shape[0] != k:
        raise ValueError(f"priors has {pr.shape[0]} entries but there are {k} classes.")
    if (pr < 0).any():
        raise ValueError("priors must be non-negative")
    if abs(pr.sum() - 1.0) > 1e-5:
        warnings.warn("The priors do not sum to 1. Renormalizing", UserWarning)
        pr = pr / pr.sum()
    return pr


class LinearDiscriminantAnalysis(ClassNamePrefixFeaturesOutMixin, ClassifierMixin,
                                 TransformerMixin, BaseEstimator):
    """Gaussian classes with one shared covariance: linear decision
    boundaries; transform projects onto the n_components most discriminative
    directions (solvers "svd" and "eigen")."""

    _parameter_constraints = {
        "solver": [StrOptions({"svd", "lsqr", "eigen"})],
        "shrinkage": [StrOptions({"auto"}), Interval(numbers.Real, 0, 1, closed="both"), None],
        "n_components": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "priors": ["array-like", None],
        "store_covariance": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "covariance_estimator": [HasMethods("fit"), None],
    }

    def __init__(self, solver="svd", shrinkage=None, priors=None, n_components=None,
                 store_covariance=False, tol=1e-4, covariance_estimator=None):
        self.solver = solver
        self.shrinkage = shrinkage
        self.priors = priors
        self.n_components = n_components
        self.store_covariance = store_covariance
        self.tol = tol
        self.covariance_estimator = covariance_estimator

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y, ensure_min_samples=2)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        y_idx = y_idx.ravel()
        n, p = X.shape
        k = len(self.classes_)
        if n == k:
            raise ValueError("The number of samples must be more than the number of classes.")
        self.priors_ = _priors(self.priors, y_idx, k, X.dtype)
        max_components = min(k - 1, p)
        if self.n_components is not None and self.n_components > max_components:
            raise ValueError("n_components cannot be larger than min(n_features, n_classes - 1).")
        self._max_components = max_components if self.n_components is None \
            else self.n_components
        Xd = X.astype(np.float64, copy=False)
        if self.solver == "svd":
            if self.shrinkage is not None:
                raise NotImplementedError("shrinkage not supported with 'svd' solver.")
            if self.covariance_estimator is not None:
                raise ValueError("covariance estimator is not supported with svd solver. Try "
                                 "another solver")
            self._solve_svd(Xd, y_idx, k)
        else:
            self.means_ = _class_means(Xd, y_idx, k)
            self.covariance_ = _class_cov(Xd, y_idx, self.priors_, self.shrinkage,
                                          self.covariance_estimator)
            if self.solver == "lsqr":
                self.coef_ = linalg.lstsq(self.covariance_, self.means_.T)[0].T
            else:
                self._solve_eigen(Xd)
            self.intercept_ = -0.5 * np.einsum("ij,ij->i", self.means_, self.coef_) \
                + np.log(self.priors_)
        if k == 2:
            self.coef_ = (self.coef_[1] - self.coef_[0]).reshape(1, -1)
            self.intercept_ = np.array([self.intercept_[1] - self.intercept_[0]])
        self.coef_ = self.coef_.astype(X.dtype, copy=False)
        self.intercept_ = np.asarray(self.intercept_).astype(X.dtype, copy=False)
        self._n_features_out = self._max_components
        return self

    def _solve_eigen(self, X):
        Sw = self.covariance_
        St = _cov(X, self.shrinkage, self.covariance_estimator)
        evals, evecs = linalg.eigh(St - Sw, Sw)
        order = np.argsort(evals)[::-1]
        self.explained_variance_ratio_ = (evals / evals.sum())[order][:self._max_components]
        self.scalings_ = evecs[:, order]
        self.coef_ = (self.means_ @ self.scalings_) @ self.scalings_.T

    def _solve_svd(self, X, y_idx, k):
        n, p = X.shape
        self.means_ = _class_means(X, y_idx, k)
        if self.store_covariance:
            self.covariance_ = _class_cov(X, y_idx, self.priors_)
        Xc = X - self.means_[y_idx]
        self.xbar_ = self.priors_ @ self.means_
        std = Xc.std(axis=0)
        std[std == 0] = 1.0
        # within-class scaling: SVD of the standardised within-class residuals
        _, S, Vt = linalg.svd(np.sqrt(1.0 / n) * (Xc / std), full_matrices=False)
        rank = int(np.sum(S > self.tol))
        scalings = (Vt[:rank] / std).T / S[:rank]
        fac = 1.0 if k == 1 else 1.0 / (k - 1)
        # between-class scaling: SVD of the weighted class centres
        centres = (np.sqrt(n * self.priors_ * fac) * (self.means_ - self.xbar_).T).T @ scalings
        _, S, Vt = linalg.svd(centres, full_matrices=False)
        self.explained_variance_ratio_ = (S ** 2 / np.sum(S ** 2))[:self._max_components] \
            if self._max_components else np.empty(0)
        rank = int(np.sum(S > self.tol * S[0])) if S.size else 0
        self.scalings_ = scalings @ Vt.T[:, :rank]
        coef = (self.means_ - self.xbar_) @ self.scalings_
        self.intercept_ = -0.5 * np.sum(coef ** 2, axis=1) + np.log(self.priors_)
        self.coef_ = coef @ self.scalings_.T
        self.intercept_ = self.intercept_ - self.xbar_ @ self.coef_.T

    def transform(self, X):
        """Project X onto the discriminant directions (n, n_components)."""
        if self.solver == "lsqr":
            raise NotImplementedError("transform not implemented for 'lsqr' solver (use "
                                      "'svd' or 'eigen').")
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        Xn = (X - self.xbar_) @ self.scalings_ if self.solver == "svd" else X @ self.scalings_
        return Xn[:, :self._max_components]

    def decision_function(self, X):
        """X coef_' + intercept_ ((n,) for two classes: the log-odds)."""
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        Z = X @ self.coef_.T + self.intercept_
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict(self, X):
        Z = self.decision_function(X)
        idx = (Z > 0).astype(np.intp) if Z.ndim == 1 else Z.argmax(axis=1)
        return self.classes_[idx]

    def predict_proba(self, X):
        Z = self.decision_function(X)
        if Z.ndim == 1:
            P = np.empty_like(Z)
            pos = Z >= 0
            P[pos] = 1.0 / (1.0 + np.exp(-Z[pos]))
            ez = np.exp(Z[~pos])
            P[~pos] = ez / (1.0 + ez)
            return np.column_stack([1.0 - P, P])
        return _softmax(np.array(Z, dtype=Z.dtype))

    def predict_log_proba(self, X):
        P = self.predict_proba(X)
        P[P == 0.0] += np.finfo(P.dtype).tiny
        return np.log(P)


class QuadraticDiscriminantAnalysis(ClassifierMixin, BaseEstimator):
    """Gaussian classes, each with its own covariance: quadratic decision
    boundaries. solver "svd" (per-class SVD, reg_param shrinks the scalings
    towards 1) or "eigen" (per-class covariance with optional shrinkage or a
    covariance_estimator)."""

    _parameter_constraints = {
        "solver": [StrOptions({"svd", "eigen"})],
        "shrinkage": [StrOptions({"auto"}), Interval(numbers.Real, 0, 1, closed="both"), None],
        "priors": ["array-like", None],
        "reg_param": [Interval(numbers.Real, 0, 1, closed="both")],
        "store_covariance": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "covariance_estimator": [HasMethods("fit"), None],
    }

    def __init__(self, *, solver="svd", shrinkage=None, priors=None, reg_param=0.0,
                 store_covariance=False, tol=1.0e-4, covariance_estimator=None):
        self.solver = solver
        self.shrinkage = shrinkage
        self.priors = priors
        self.reg_param = reg_param
        self.store_covariance = store_covariance
        self.tol = tol
        self.covariance_estimator = covariance_estimator

    def _solve_class(self, Xc):
        """(scalings, rotation, covariance or None) of one class's samples."""
        if self.solver == "eigen":
            cov = _cov(Xc, self.shrinkage, self.covariance_estimator)
            s, R = linalg.eigh(cov)
            order = np.argsort(s)[::-1]
            return s[order], R[:, order], cov
        _, S, Vt = linalg.svd(Xc - Xc.mean(axis=0), full_matrices=False)
        s = (1.0 - self.reg_param) * (S ** 2 / Xc.shape[0]) + self.reg_param
        cov = (s * Vt.T) @ Vt if self.store_covariance else None
        return s, Vt.T, cov

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        y_idx = y_idx.ravel()
        n, p = X.shape
        k = len(self.classes_)
        if k < 2:
            raise ValueError(f"The number of classes has to be greater than one. Got {k} class.")
        self.priors_ = np.bincount(y_idx, minlength=k) / float(n) if self.priors is None \
            else np.array(self.priors)
        if self.solver == "svd":
            if self.shrinkage is not None:
                raise NotImplementedError("shrinkage not supported with 'svd' solver.")
            if self.covariance_estimator is not None:
                raise ValueError("covariance_estimator is not supported with solver='svd'. "
                                 "Try solver='eigen' instead.")
        means, covs, scalings, rotations = [], [], [], []
        for c, label in enumerate(self.classes_):
            Xc = X[y_idx == c].astype(np.float64, copy=False)
            if len(Xc) == 1:
                raise ValueError(f"y has only 1 sample in class {label}, covariance is ill "
                                 "defined.")
            means.append(Xc.mean(axis=0))
            s, R, cov = self._solve_class(Xc)
            if int(np.sum(s > self.tol)) < p:
                if self.solver == "svd" and Xc.shape[0] <= p:
                    raise linalg.LinAlgError(
                        f"The covariance matrix of class {label} is not full rank. When using "
                        "`solver='svd'` the number of samples in each class should be more "
                        f"than the number of features, but class {label} has {Xc.shape[0]} "
                        f"samples and {p} features. Try using `solver='eigen'` and setting "
                        "the parameter `shrinkage` for regularization.")
                param = "shrinkage" if self.solver == "eigen" else "reg_param"
                raise linalg.LinAlgError(f"The covariance matrix of class {label} is not full "
                                         f"rank. Increase the value of `{param}` to reduce "
                                         "the collinearity.")
            covs.append(cov)
            scalings.append(s)
            rotations.append(R)
        if self.store_covariance:
            self.covariance_ = covs
        self.means_ = np.asarray(means)
        self.scalings_ = scalings
        self.rotations_ = rotations
        return self

    def _decision(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        norm2 = np.empty((X.shape[0], len(self.classes_)))
        for c in range(len(self.classes_)):
            Z = (X - self.means_[c]) @ (self.rotations_[c] * self.scalings_[c] ** -0.5)
            norm2[:, c] = np.einsum("ij,ij->i", Z, Z)
        u = np.array([np.sum(np.log(s)) for s in self.scalings_])
        return -0.5 * (norm2 + u) + np.log(self.priors_)

    def decision_function(self, X):
        """Log posteriors up to a constant ((n,) for two classes: the
        log-likelihood ratio of the positive class)."""
        S = self._decision(X)
        return S[:, 1] - S[:, 0] if S.shape[1] == 2 else S

    def predict(self, X):
        S = self._decision(X)
        return self.classes_.take(S.argmax(axis=1))

    def predict_log_proba(self, X):
        S = self._decision(X)
        S = S - S.max(axis=1, keepdims=True)
        return S - np.log(np.exp(S).sum(axis=1, keepdims=True))

    def predict_proba(self, X):
        return np.exp(self.predict_log_proba(X))
