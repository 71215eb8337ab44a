"""Principal component analysis by the SVD of the centred data.

Sign convention (deterministic, scikit-learn's ``svd_flip(u_based_decision=
False)``): in each component the entry of largest absolute value is positive.
"""
import numbers

import numpy as np

from .base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from .utils._param_validation import Interval, RealNotInt, StrOptions

__all__ = ["PCA"]


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Linear dimensionality reduction onto the top principal axes.

    n_components: None (min(n_samples, n_features)), an int, a float in (0, 1)
    (keep enough components to explain that fraction of the variance) or "mle"
    is not supported. whiten=True divides the scores by sqrt(explained_variance_).
    Attributes: components_ (k, p), explained_variance_, explained_variance_ratio_,
    singular_values_, mean_, n_components_, noise_variance_.
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 0, None, closed="left"),
                         Interval(RealNotInt, 0, 1, closed="neither"), None],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [StrOptions({"full", "auto"})],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, copy=True, whiten=False, svd_solver="full",
                 random_state=None):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.random_state = random_state

    def fit(self, X, y=None):
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        U, S = self._fit(X)
        k = self.n_components_
        Z = U[:, :k] * (np.sqrt(U.shape[0] - 1) if self.whiten else S[:k])
        return Z.astype(self._dtype, copy=False)

    def _fit(self, X):
        import scipy.linalg

        self._validate_params()
        X = self._validate_data(X, ensure_min_samples=2)
        n, p = X.shape
        self._dtype = X.dtype
        kmax = min(n, p)
        nc = self.n_components
        if nc is None:
            k = kmax
        elif isinstance(nc, numbers.Integral):
            if nc > kmax:
                raise ValueError(f"n_components={nc} must be between 0 and min(n_samples, "
                                 f"n_features)={kmax} with svd_solver='full'")
            k = int(nc)
        else:  # a fraction of the variance in (0, 1)
            k = None
        Xd = np.asarray(X, dtype=np.float64)
        self.mean_ = Xd.mean(axis=0)
        U, S, Vt = scipy.linalg.svd(Xd - self.mean_, full_matrices=False, check_finite=False)
        # sign flip: largest-|.| entry of each row of Vt positive
        signs = np.sign(Vt[np.arange(len(S)), np.argmax(np.abs(Vt), axis=1)])
        signs[signs == 0] = 1.0
        U *= signs
        Vt *= signs[:, None]
        var = S ** 2 / (n - 1)
        total = var.sum()
        ratio = var / total if total > 0 else np.zeros_like(var)
        if k is None:
            k = int(np.searchsorted(np.cumsum(ratio), nc, side="right") + 1)
            k = min(k, kmax)
        self.n_components_ = k
        self.n_samples_ = n
        self.components_ = Vt[:k].astype(X.dtype)
        self.explained_variance_ = var[:k].astype(X.dtype)
        self.explained_variance_ratio_ = ratio[:k].astype(X.dtype)
        self.singular_values_ = S[:k].astype(X.dtype)
        self.noise_variance_ = float(var[k:].mean()) if k < kmax else 0.0
        self.mean_ = self.mean_.astype(X.dtype)
        return U, S

    def transform(self, X):
        self._check_is_fitted("components_")
        X = self._validate_data(X, reset=False)
        Z = (X - self.mean_) @ self.components_.T
        if self.whiten:
            Z /= np.sqrt(np.maximum(self.explained_variance_, np.finfo(Z.dtype).tiny))
        return Z

    def inverse_transform(self, X):
        self._check_is_fitted("components_")
        X = np.asarray(X)
        if self.whiten:
            X = X * np.sqrt(self.explained_variance_)
        return X @ self.components_ + self.mean_

    def get_covariance(self):
        self._check_is_fitted("components_")
        comp = self.components_.astype(np.float64)
        ev = self.explained_variance_.astype(np.float64)
        if self.whiten:
            comp = comp * np.sqrt(ev)[:, None]
        # (scikit-learn's formula, including its scaling of whitened components)
        diff = np.maximum(ev - self.noise_variance_, 0.0)
        cov = (comp.T * diff) @ comp
        cov.flat[:: cov.shape[0] + 1] += self.noise_variance_
        return cov

    def _fastml_tags(self):
        return {"preserves_dtype": ["float64", "float32"]}
