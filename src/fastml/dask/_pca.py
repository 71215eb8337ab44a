"""Distributed PCA: the covariance from per-partition centred Gram matrices
merged exactly (svd_solver="covariance_eigh"), or the SVD of the R factor of
a dask TSQR of the centred data (svd_solver="tsqr", for ill-conditioned
data). The fitted attributes follow fastml.decomposition.PCA (same sign
convention, noise variance and component selection)."""
import numbers

import numpy as np

import dask.array as da
from dask import delayed

from ..decomposition import PCA as _PCA
from ..decomposition._pca import _flip_rows, _mle_components
from ..utils._param_validation import StrOptions
from ._linear import _gram_part, _merge_grams
from ._utils import PostFitMixin, as_dask_array, blocks, feature_names, tree_reduce


def _gram_only(Xb):
    Xb = np.asarray(Xb)
    return _gram_part(Xb, np.zeros((Xb.shape[0], 1)), None, True)


class PCA(PostFitMixin, _PCA):
    """fastml.decomposition.PCA over a dask array / DataFrame partitioned by
    rows. svd_solver: "auto" (= "covariance_eigh" up to 1000 features, else
    "tsqr"), "covariance_eigh" (one pass: per-partition centred Gram
    matrices), "tsqr" (dask's TSQR of the centred data, then the SVD of R).
    n_components: int, None (all), a variance fraction in (0, 1) or "mle".
    transform / inverse_transform / fit_transform run blockwise."""

    _parameter_constraints = {**_PCA._parameter_constraints,
                              "svd_solver": [StrOptions({"auto", "covariance_eigh", "tsqr"})]}

    def fit(self, X, y=None):
        self._fit_dask(X)
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)

    def transform(self, X):
        return self._blockwise("transform", X)

    def inverse_transform(self, X):
        return self._blockwise("inverse_transform", X)

    def _fit_dask(self, X):
        import scipy.linalg

        self._validate_params()
        names = feature_names(X)
        X = as_dask_array(X, "X")
        n, p = X.shape
        if n < 2:
            raise ValueError(f"Found array with {n} sample(s) (shape={X.shape}) while a "
                             "minimum of 2 is required by PCA.")
        self.n_features_in_ = int(p)
        if names is not None:
            self.feature_names_in_ = names
        solver = self.svd_solver
        if solver == "auto":
            solver = "covariance_eigh" if p <= 1000 else "tsqr"
        self._fit_svd_solver = solver
        dt = np.float32 if X.dtype == np.float32 else np.float64
        G, _, mean, _, _ = tree_reduce([delayed(_gram_only, pure=True)(b) for b in blocks(X)],
                                       _merge_grams).compute()
        if solver == "covariance_eigh":
            var, V = scipy.linalg.eigh(G / (n - 1), check_finite=False, driver="evd")
            var, Vt = np.clip(var[::-1], 0.0, None), np.ascontiguousarray(V[:, ::-1].T)
            S = np.sqrt(var * (n - 1))
        else:
            Xc = X.astype(np.float64) - mean
            if min(Xc.chunks[0]) < p:
                Xc = Xc.rechunk({0: max(p, max(Xc.chunks[0])), 1: -1})
            _, R = da.linalg.tsqr(Xc)
            S, Vt = np.linalg.svd(R.compute(), full_matrices=False)[1:]
            var = S ** 2 / (n - 1)
        Vt, _ = _flip_rows(Vt, None)
        self._finish(mean, Vt, var, S, n, p, dt)

    def _finish(self, mean, Vt, var, S, n, p, dt):
        kmax = min(n, p)
        nc = self.n_components
        total = var.sum()
        ratio = var / total if total > 0 else np.zeros_like(var)
        if nc is None:
            k = kmax
        elif isinstance(nc, str):  # "mle"
            if n < p:
                raise ValueError("n_components='mle' is only supported if n_samples >= "
                                 "n_features")
            k = _mle_components(var, n)
        elif 0 < nc < 1 and not isinstance(nc, numbers.Integral):
            k = int(np.searchsorted(np.cumsum(ratio), nc, side="right") + 1)
            k = min(k, kmax, len(var))
        else:
            if not 0 <= nc <= kmax:
                raise ValueError(f"n_components={nc} must be between 0 and min(n_samples, "
                                 f"n_features)={kmax} with svd_solver="
                                 f"{self._fit_svd_solver!r}")
            k = int(nc)
        self.noise_variance_ = float(var[k:kmax].mean()) if k < kmax else 0.0
        if self._fit_svd_solver == "covariance_eigh" and k < kmax:
            self.noise_variance_ = float(var[k:].mean())
        self.n_components_ = k
        self.n_samples_ = n
        self.mean_ = np.asarray(mean).astype(dt)
        self.components_ = np.ascontiguousarray(Vt[:k], dtype=dt)
        self.explained_variance_ = np.asarray(var[:k]).astype(dt)
        self.explained_variance_ratio_ = np.asarray(ratio[:k]).astype(dt)
        self.singular_values_ = np.asarray(S[:k]).astype(dt)
        self._n_features_out = k
