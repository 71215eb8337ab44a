"""The scipy.sparse paths of fastml.preprocessing and MaxAbsScaler.

Sparse input stays sparse: scalers multiply the stored values column-wise
(never centre: scikit-learn's error for with_mean=True), normalize scales the
stored values of each CSR row (CSC column for axis=0). Nothing here densifies
its input. (PolynomialFeatures' sparse path is preprocessing/_csr_expansion.)
"""
import numpy as np

from ._kernels import sparse as _ks
from .base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from .utils._set_output import dataframe_to_numpy
from .utils._sparse import check_sparse, column_absmax, is_sparse, scale_columns
from .utils.validation import check_array

NO_CENTRE = ("Cannot center sparse matrices: pass `with_mean=False` instead. See docstring "
             "for motivation and alternatives.")


def _handle_zeros(scale):
    """Constant features get scale 1 (they map to 0, not NaN)."""
    scale = np.asarray(scale, dtype=np.float64).copy()
    scale[scale < 10 * np.finfo(np.float64).eps] = 1.0
    return scale


def _check_allow_nan(X):
    """check_array that lets NaN through but rejects inf."""
    X = check_array(X, ensure_all_finite=False)
    if np.isinf(X).any():
        raise ValueError(f"Input X contains infinity or a value too large for {X.dtype!r}.")
    return X


class MaxAbsScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """x / max_abs_ per feature (scale 1 for all-zero features), so values land
    in [-1, 1] and zeros stay zeros: scipy.sparse CSR/CSC input gives sparse
    output of the same format. NaN is ignored when fitting and kept.
    partial_fit updates max_abs_ batch by batch. clip=True clips transformed
    values of held-out data to [-1, 1]."""

    _parameter_constraints = {"copy": ["boolean"], "clip": ["boolean"]}

    def __init__(self, *, copy=True, clip=False):
        self.copy = copy
        self.clip = clip

    def fit(self, X, y=None):
        self._validate_params()
        for a in ("n_samples_seen_", "max_abs_"):
            self.__dict__.pop(a, None)
        return self.partial_fit(X)

    def _check(self, X, reset=False, names=True):
        if names:  # inverse_transform does not check names, as in scikit-learn
            self._check_feature_names(X, reset=reset)
        X = dataframe_to_numpy(X)
        X = check_sparse(X, allow_nan=True) if is_sparse(X) else _check_allow_nan(X)
        self._check_n_features(X, reset=reset)
        return X

    def partial_fit(self, X, y=None):
        self._validate_params()
        first = not hasattr(self, "n_samples_seen_")
        X = self._check(X, reset=first)
        if is_sparse(X):
            m = column_absmax(X)
        else:
            a = np.abs(X.astype(np.float64))
            m = np.where(np.isnan(a), -np.inf, a).max(axis=0) if a.shape[0] else \
                np.zeros(a.shape[1])
            m = np.where(np.isneginf(m), np.nan, m)  # all-NaN column, as scikit-learn
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            m = np.fmax(self.max_abs_, m)
            self.n_samples_seen_ += X.shape[0]
        self.max_abs_ = m
        self.scale_ = _handle_zeros(np.nan_to_num(m, nan=1.0))
        return self

    def transform(self, X):
        self._check_is_fitted("scale_")
        X = self._check(X)
        if is_sparse(X):
            out = scale_columns(X, 1.0 / self.scale_)
            if self.clip:
                np.clip(out.data, -1.0, 1.0, out=out.data)
            return out
        out = X / self.scale_.astype(X.dtype)
        return np.clip(out, -1.0, 1.0, out=out) if self.clip else out

    def inverse_transform(self, X):
        self._check_is_fitted("scale_")
        X = self._check(X, names=False)
        if is_sparse(X):
            return scale_columns(X, self.scale_)
        return X * self.scale_.astype(X.dtype)

    def _fastml_tags(self):
        return {"allow_nan": True, "preserves_dtype": ["float64", "float32"], "sparse": True}


def normalize_sparse(X, norm, axis, return_norm, copy=True):
    """normalize on scipy.sparse X: CSR rows (axis=1) or CSC columns (axis=0),
    as scikit-learn converts them; only the stored values are scaled (in
    place when copy=False and X already has that format)."""
    if return_norm and norm in ("l1", "l2"):
        raise NotImplementedError("return_norm=True is not implemented for sparse matrices "
                                  "with norm 'l1' or norm 'l2'")
    X0 = X
    X = check_sparse(X, accept=("csc" if axis == 0 else "csr",))
    n = _ks.row_norms(X, {"l1": "l1", "l2": "sq", "max": "max"}[norm]).astype(np.float64)
    if norm == "l2":
        n = np.sqrt(n)
    safe = np.where(n == 0, 1.0, n)
    out = X.copy() if copy and X is X0 else X
    out.data /= np.repeat(safe, np.diff(X.indptr)).astype(X.dtype, copy=False)
    return (out, n) if return_norm else out
