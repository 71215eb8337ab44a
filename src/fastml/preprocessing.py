"""Preprocessing: scalers, encoders, normalisation and polynomial features.

Transformers keep float32 as float32 (dtype in = dtype out); statistics are
accumulated in float64.
"""
import itertools
import math
import numbers

import numpy as np

from .base import (BaseEstimator, OneToOneFeatureMixin, TransformerMixin,
                   _input_feature_names)
from .utils._param_validation import Interval, StrOptions
from .utils._set_output import dataframe_to_numpy
from ._sparse_preprocessing import (NO_CENTRE as _NO_CENTRE, MaxAbsScaler, category_codes,
                                    normalize_sparse,
                                    onehot_inverse_sparse, onehot_sparse, polynomial_sparse)
from .utils._sparse import check_sparse, column_mean_var, is_sparse, scale_columns
from .utils.validation import _check_sample_weight, check_array, column_or_1d

__all__ = ["StandardScaler", "MinMaxScaler", "MaxAbsScaler", "OneHotEncoder", "LabelEncoder",
           "normalize", "Normalizer", "PolynomialFeatures"]


def _frame_to_array(est, X, reset):
    """Record (reset=True) or check est's feature names from a DataFrame X,
    then X as an array of its columns' common dtype."""
    est._check_feature_names(X, reset=reset)
    return dataframe_to_numpy(X)


def _check_allow_nan(X):
    """check_array that lets NaN through (scalers ignore it) but rejects inf."""
    X = check_array(X, ensure_all_finite=False)
    if np.isinf(X).any():
        raise ValueError(f"Input X contains infinity or a value too large for {X.dtype!r}.")
    return X


def _handle_zeros(scale):
    """Constant features get scale 1 (they map to 0, not NaN)."""
    scale = np.asarray(scale, dtype=np.float64).copy()
    scale[scale < 10 * np.finfo(np.float64).eps] = 1.0
    return scale


def _is_constant_feature(var, mean, n_samples):
    """True where a variance is indistinguishable from 0 in float64: below the
    rounding-error bound of the two-pass variance (Chan, Golub & LeVeque), which
    is relative to the mean, so a tiny but real spread (std 1e-8) still counts."""
    eps = np.finfo(np.float64).eps
    return var <= n_samples * eps * var + (n_samples * mean * eps) ** 2


def _nan_weighted_mean_var(X, w):
    """Per-column weighted mean, population variance and weight sum over the
    non-NaN entries of X (float64)."""
    present = ~np.isnan(X)
    W = np.where(present, w[:, None], 0.0)
    X0 = np.where(present, X, 0.0)
    total = W.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (W * X0).sum(axis=0) / total
        var = (W * (X0 - mean) ** 2).sum(axis=0) / total
    return mean, var, total


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """z = (x - mean_) / scale_, with scale_ the population standard deviation
    (1 for constant features: variance within float64 rounding of 0 relative to
    the mean, scikit-learn's rule). NaN entries are ignored when fitting (with
    or without sample_weight) and kept. n_samples_seen_ is the number (or the
    weight sum) of non-NaN entries, per feature when it differs between
    features, as in scikit-learn."""

    _parameter_constraints = {"copy": ["boolean"], "with_mean": ["boolean"],
                              "with_std": ["boolean"]}

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = _frame_to_array(self, X, reset=True)
        if is_sparse(X):
            return self._fit_sparse(X, sample_weight)
        X = _check_allow_nan(X)
        self._check_n_features(X, reset=True)
        Xd = X.astype(np.float64)
        w = _check_sample_weight(sample_weight, X)
        if w is None:
            self.mean_ = np.nanmean(Xd, axis=0)
            self.var_ = np.nanvar(Xd, axis=0)
            n_seen = (~np.isnan(Xd)).sum(axis=0)
        else:
            if w.sum() <= 0:
                raise ValueError("Sample weights must not all be zero (their sum is zero).")
            self.mean_, self.var_, n_seen = _nan_weighted_mean_var(Xd, w)
        self.n_samples_seen_ = n_seen[0] if n_seen.size and np.ptp(n_seen) == 0 else n_seen
        if self.with_std:
            self.scale_ = np.sqrt(self.var_)
            self.scale_[_is_constant_feature(self.var_, self.mean_, n_seen)] = 1.0
        else:
            self.var_ = self.scale_ = None
        if not self.with_mean and not self.with_std:
            self.mean_ = None
        return self

    def _fit_sparse(self, X, sample_weight):
        """fit on scipy.sparse X (with_mean=False only, as in scikit-learn):
        column statistics over the stored entries plus the implicit zeros."""
        if self.with_mean:
            raise ValueError(_NO_CENTRE)
        X = check_sparse(X, allow_nan=True)
        self._check_n_features(X, reset=True)
        w = _check_sample_weight(sample_weight, X.shape[0])
        if w is not None and w.sum() <= 0:
            raise ValueError("Sample weights must not all be zero (their sum is zero).")
        self.mean_, self.var_, n_seen = column_mean_var(X, w)
        if w is None:
            n_seen = n_seen.astype(np.int64)
        self.n_samples_seen_ = n_seen[0] if n_seen.size and np.ptp(n_seen) == 0 else n_seen
        if self.with_std:
            self.scale_ = np.sqrt(self.var_)
            self.scale_[_is_constant_feature(self.var_, self.mean_, n_seen)] = 1.0
        else:
            self.var_ = self.scale_ = self.mean_ = None
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the statistics with one more batch (dense or sparse): means
        and variances merged by Chan, Golub & LeVeque's pairwise rule, so the
        result equals a fit on all batches at once (up to rounding)."""
        self._validate_params()
        if not hasattr(self, "n_samples_seen_"):
            return self.fit(X, y, sample_weight)
        if is_sparse(X) and self.with_mean:
            raise ValueError(_NO_CENTRE)
        batch = StandardScaler(with_mean=not is_sparse(X)).fit(X, sample_weight=sample_weight)
        if batch.n_features_in_ != self.n_features_in_:
            raise ValueError(f"X has {batch.n_features_in_} features, but StandardScaler is "
                             f"expecting {self.n_features_in_} features as input.")
        n0 = np.asarray(self.n_samples_seen_, dtype=np.float64)
        n1 = np.asarray(batch.n_samples_seen_, dtype=np.float64)
        n = n0 + n1
        if self.mean_ is not None:
            m0, m1 = self.mean_, batch.mean_
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(n > 0, (n0 * m0 + n1 * m1) / np.where(n > 0, n, 1), m0)
                if self.var_ is not None:
                    v = (n0 * self.var_ + n1 * batch.var_ + n0 * n1 / np.where(n > 0, n, 1) *
                         (m0 - m1) ** 2) / np.where(n > 0, n, 1)
                    self.var_ = np.where(n > 0, v, self.var_)
            self.mean_ = mean
        seen = n.astype(np.int64) if np.all(n == np.round(n)) and sample_weight is None else n
        self.n_samples_seen_ = seen if np.ndim(seen) == 0 or np.ptp(seen) else seen.ravel()[0]
        if self.with_std:
            self.scale_ = np.sqrt(self.var_)
            self.scale_[_is_constant_feature(self.var_, self.mean_, n)] = 1.0
        return self

    def transform(self, X, copy=None):
        self._check_is_fitted("n_samples_seen_")
        X = _frame_to_array(self, X, reset=False)
        if is_sparse(X):  # sparse stays sparse (CSR), scaled column-wise
            if self.with_mean:
                raise ValueError(_NO_CENTRE)
            X = check_sparse(X, accept=("csr",), allow_nan=True)
            self._check_n_features(X, reset=False)
            return scale_columns(X, 1.0 / self.scale_) if self.with_std else X.copy()
        X = _check_allow_nan(X)
        self._check_n_features(X, reset=False)
        out = X.astype(X.dtype, copy=True)
        if self.with_mean:
            out -= self.mean_.astype(X.dtype)
        if self.with_std:
            out /= self.scale_.astype(X.dtype)
        return out

    def inverse_transform(self, X, copy=None):
        self._check_is_fitted("n_samples_seen_")
        X = dataframe_to_numpy(X)
        if is_sparse(X):
            if self.with_mean:
                raise ValueError(_NO_CENTRE)
            X = check_sparse(X, accept=("csr",), allow_nan=True)
            return scale_columns(X, self.scale_) if self.with_std else X.copy()
        X = check_array(X, ensure_all_finite=False)
        out = X.astype(X.dtype, copy=True)
        if self.with_std:
            out *= self.scale_.astype(X.dtype)
        if self.with_mean:
            out += self.mean_.astype(X.dtype)
        return out

    def _fastml_tags(self):
        # sparse X only without centring, as scikit-learn tags it
        return {"allow_nan": True, "preserves_dtype": ["float64", "float32"],
                "sparse": not self.with_mean}


class MinMaxScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """x' = (x - data_min_) * scale_ + feature_range[0] (NaN ignored and kept)."""

    _parameter_constraints = {"feature_range": [tuple], "copy": ["boolean"],
                              "clip": ["boolean"]}

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def fit(self, X, y=None):
        self._validate_params()
        fr = self.feature_range
        if len(fr) != 2 or not all(isinstance(v, numbers.Real) and np.isfinite(v) for v in fr):
            raise ValueError(f"feature_range must be a (min, max) tuple of finite numbers, "
                             f"got {fr!r}.")
        lo, hi = fr
        if lo >= hi:
            raise ValueError(f"Minimum of desired feature range must be smaller than maximum. "
                             f"Got {self.feature_range!r}.")
        X = _check_allow_nan(_frame_to_array(self, X, reset=True))
        self._check_n_features(X, reset=True)
        Xd = X.astype(np.float64)
        self.data_min_ = np.nanmin(Xd, axis=0)
        self.data_max_ = np.nanmax(Xd, axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (hi - lo) / _handle_zeros(self.data_range_)
        self.min_ = lo - self.data_min_ * self.scale_
        self.n_samples_seen_ = X.shape[0]
        return self

    def transform(self, X):
        self._check_is_fitted("scale_")
        X = check_array(_frame_to_array(self, X, reset=False), ensure_all_finite=False)
        self._check_n_features(X, reset=False)
        out = X * self.scale_.astype(X.dtype) + self.min_.astype(X.dtype)
        if self.clip:
            np.clip(out, self.feature_range[0], self.feature_range[1], out=out)
        return out

    def inverse_transform(self, X):
        self._check_is_fitted("scale_")
        X = check_array(dataframe_to_numpy(X), ensure_all_finite=False)
        return (X - self.min_.astype(X.dtype)) / self.scale_.astype(X.dtype)

    def _fastml_tags(self):
        return {"allow_nan": True, "preserves_dtype": ["float64", "float32"]}


def normalize(X, norm="l2", *, axis=1, copy=True, return_norm=False):
    """Scale rows (axis=1) or columns (axis=0) to unit l1, l2 or max norm;
    all-zero rows stay zero."""
    if norm not in ("l1", "l2", "max"):
        raise ValueError(f"'{norm}' is not a supported norm; use 'l1', 'l2' or 'max'.")
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 or 1, got {axis!r}.")
    if is_sparse(X):
        return normalize_sparse(X, norm, axis, return_norm)
    X = check_array(X)
    Xa = X if axis == 1 else X.T
    if norm == "l1":
        n = np.abs(Xa).sum(axis=1)
    elif norm == "l2":
        n = np.sqrt(np.einsum("ij,ij->i", Xa, Xa, dtype=np.float64))
    else:
        n = np.abs(Xa).max(axis=1)
    safe = np.where(n == 0, 1.0, n).astype(X.dtype)
    out = Xa / safe[:, None]
    out = out if axis == 1 else out.T
    out = np.ascontiguousarray(out)
    return (out, n) if return_norm else out


class Normalizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Stateless: each row scaled to unit `norm`."""

    _parameter_constraints = {"norm": [StrOptions({"l1", "l2", "max"})], "copy": ["boolean"]}

    def __init__(self, norm="l2", *, copy=True):
        self.norm = norm
        self.copy = copy

    def fit(self, X, y=None):
        self._validate_params()
        X = _frame_to_array(self, X, reset=True)
        X = check_sparse(X) if is_sparse(X) else check_array(X)
        self._check_n_features(X, reset=True)
        return self

    def transform(self, X, copy=None):
        self._check_is_fitted("n_features_in_")
        X = _frame_to_array(self, X, reset=False)
        X = check_sparse(X) if is_sparse(X) else check_array(X)
        self._check_n_features(X, reset=False)
        return normalize(X, self.norm)

    def _fastml_tags(self):
        return {"preserves_dtype": ["float64", "float32"], "sparse": True}


class LabelEncoder(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Encode labels as 0..n_classes-1 (sorted order of classes_)."""

    _parameter_constraints = {}

    def __sklearn_tags__(self):
        # a label transformer: fit(y) on 1-D labels, as scikit-learn tags its own
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags

    def fit(self, y):
        self._validate_params()
        self.classes_ = np.unique(column_or_1d(y, warn=True))
        return self

    def fit_transform(self, y):
        self._validate_params()
        y = column_or_1d(y, warn=True)
        self.classes_, idx = np.unique(y, return_inverse=True)
        return idx.astype(np.int64)

    def transform(self, y):
        self._check_is_fitted("classes_")
        y = column_or_1d(y, warn=True)
        if y.size == 0:
            return np.array([], dtype=np.int64)
        idx = np.searchsorted(self.classes_, y)
        idx_c = np.clip(idx, 0, len(self.classes_) - 1)
        bad = self.classes_[idx_c] != y
        if bad.any():
            raise ValueError(f"y contains previously unseen labels: {np.unique(y[bad]).tolist()}")
        return idx_c.astype(np.int64)

    def inverse_transform(self, y):
        self._check_is_fitted("classes_")
        y = column_or_1d(y, warn=True)
        if y.size == 0:
            return np.array([], dtype=self.classes_.dtype)
        y = np.asarray(y)
        if y.dtype.kind not in "iu" and not np.all(np.mod(y, 1) == 0):
            raise ValueError("y contains non-integer codes.")
        y = y.astype(np.int64)
        if (y < 0).any() or (y >= len(self.classes_)).any():
            raise ValueError(f"y contains previously unseen labels: "
                             f"{np.unique(y[(y < 0) | (y >= len(self.classes_))]).tolist()}")
        return self.classes_[y]


class OneHotEncoder(TransformerMixin, BaseEstimator):
    """One column per (feature, category). sparse_output=True (the default, as
    in scikit-learn) returns a scipy.sparse CSR matrix, False a dense array.
    handle_unknown="error" or "ignore" (unknown -> all zeros); drop=None,
    "first" or "if_binary"."""

    _parameter_constraints = {
        "categories": [StrOptions({"auto"}), list],
        "drop": [StrOptions({"first", "if_binary"}), None],
        "sparse_output": ["boolean"],
        "dtype": "no_validation",  # any dtype numpy understands
        "handle_unknown": [StrOptions({"error", "ignore"})],
    }

    def __init__(self, *, categories="auto", drop=None, sparse_output=True, dtype=np.float64,
                 handle_unknown="error"):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown

    def _check_X(self, X):
        if hasattr(X, "tocsr"):
            raise TypeError("Sparse data was passed for X, but dense data is required.")
        X = np.asarray(X) if not hasattr(X, "iloc") else X.to_numpy()
        if X.dtype.kind == "c":
            raise ValueError("Complex data not supported for X.")
        if X.ndim != 2:
            raise ValueError(f"Expected 2D array, got {X.ndim}D array instead. Reshape your data "
                             "using array.reshape(-1, 1) for a single feature.")
        if X.dtype.kind == "f" and not np.isfinite(X).all():
            raise ValueError("Input X contains NaN or infinity.")
        return X

    def fit(self, X, y=None):
        self._validate_params()
        self._check_feature_names(X, reset=True)
        X = self._check_X(X)
        if X.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
        self.n_features_in_ = X.shape[1]
        if isinstance(self.categories, str) and self.categories == "auto":
            self.categories_ = [np.unique(X[:, j]) for j in range(X.shape[1])]
        else:
            if len(self.categories) != X.shape[1]:
                raise ValueError("Shape mismatch: if categories is an array, it has to be of "
                                 "shape (n_features,).")
            self.categories_ = [np.asarray(c) for c in self.categories]
            for j, cats in enumerate(self.categories_):
                if self.handle_unknown == "error" and not np.isin(X[:, j], cats).all():
                    raise ValueError(f"Found unknown categories in column {j} during fit")
        self.drop_idx_ = None
        if self.drop == "first":
            self.drop_idx_ = np.zeros(len(self.categories_), dtype=object)
        elif self.drop == "if_binary":
            self.drop_idx_ = np.array([0 if len(c) == 2 else None for c in self.categories_],
                                      dtype=object)
        return self

    def transform(self, X):
        self._check_is_fitted("categories_")
        self._check_feature_names(X, reset=False)
        X = self._check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but OneHotEncoder is expecting "
                             f"{self.n_features_in_} features as input.")
        if self.sparse_output:
            return onehot_sparse(self, X)
        blocks = []
        for j, cats in enumerate(self.categories_):
            rows, codes = category_codes(cats, X[:, j], j, self.handle_unknown)
            B = np.zeros((X.shape[0], len(cats)), dtype=self.dtype)
            B[rows, codes] = 1
            if self.drop_idx_ is not None and self.drop_idx_[j] is not None:
                B = np.delete(B, self.drop_idx_[j], axis=1)
            blocks.append(B)
        return np.hstack(blocks) if blocks else np.zeros((X.shape[0], 0), dtype=self.dtype)

    def inverse_transform(self, X):
        self._check_is_fitted("categories_")
        if is_sparse(X):  # per feature: argmax of its column block, never densified
            X = check_sparse(X, accept=("csr",), dtype="numeric")
            return onehot_inverse_sparse(self, X)
        X = np.asarray(X)
        return self._inverse_blocks(lambda a, b: X[:, a:b])

    def _inverse_blocks(self, block):
        """inverse_transform from block(a, b) -> the dense columns [a, b)."""
        cols, start = [], 0
        for j, cats in enumerate(self.categories_):
            dropped = self.drop_idx_ is not None and self.drop_idx_[j] is not None
            k = len(cats) - dropped
            B = block(start, start + k)
            start += k
            if dropped:
                B = np.insert(B, self.drop_idx_[j], 1 - B.sum(axis=1), axis=1)
            idx = B.argmax(axis=1)
            col = cats[idx].astype(object)
            col[B.sum(axis=1) == 0] = None
            cols.append(col)
        out = np.column_stack(cols)
        try:
            return out.astype(np.result_type(*[c.dtype for c in self.categories_]))
        except (TypeError, ValueError):
            return out

    def get_feature_names_out(self, input_features=None):
        """"<input feature>_<category>" per output column (dropped categories
        left out), e.g. "x0_a" or "color_red"."""
        self._check_is_fitted("categories_")
        names = _input_feature_names(self, input_features)
        out = []
        for j, cats in enumerate(self.categories_):
            keep = list(cats)
            if self.drop_idx_ is not None and self.drop_idx_[j] is not None:
                del keep[self.drop_idx_[j]]
            out += [f"{names[j]}_{c}" for c in keep]
        return np.asarray(out, dtype=object)


_MAX_POLY_FEATURES = 2 ** 31 - 1  # output columns (the column index is int32-sized)


class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """All monomials of the features with total degree <= degree (or only
    products of distinct features with interaction_only), in scikit-learn's
    column order: bias, degree 1, degree 2, ... (combinations with
    replacement in lexicographic order)."""

    _parameter_constraints = {
        "degree": [Interval(numbers.Integral, 0, None, closed="left")],
        "interaction_only": ["boolean"],
        "include_bias": ["boolean"],
    }

    def __init__(self, degree=2, *, interaction_only=False, include_bias=True):
        self.degree = degree
        self.interaction_only = interaction_only
        self.include_bias = include_bias

    def _combinations(self, n):
        comb = itertools.combinations if self.interaction_only else \
            itertools.combinations_with_replacement
        start = 0 if self.include_bias else 1
        # products of distinct features stop at degree n (higher degrees are empty)
        top = min(self.degree, n) if self.interaction_only else self.degree
        count = sum(math.comb(n, d) for d in range(start, top + 1)) if self.interaction_only \
            else math.comb(n + top, top) - start
        if count > _MAX_POLY_FEATURES:
            raise ValueError(f"PolynomialFeatures(degree={self.degree}) on {n} features would "
                             f"give {count} output features (more than "
                             f"{_MAX_POLY_FEATURES}); lower degree.")
        return [c for d in range(start, top + 1) for c in comb(range(n), d)]

    def fit(self, X, y=None):
        self._validate_params()
        if self.degree == 0 and not self.include_bias:
            raise ValueError("Setting degree to zero and include_bias to False would result in "
                             "an empty output array.")
        X = _frame_to_array(self, X, reset=True)
        X = check_sparse(X) if is_sparse(X) else check_array(X)
        self._check_n_features(X, reset=True)
        self._combos = self._combinations(X.shape[1])
        self.n_output_features_ = len(self._combos)
        self.powers_ = np.array([np.bincount(c, minlength=X.shape[1]) for c in self._combos],
                                dtype=np.int64).reshape(len(self._combos), X.shape[1])
        return self

    def transform(self, X):
        self._check_is_fitted("n_output_features_")
        X = _frame_to_array(self, X, reset=False)
        if is_sparse(X):
            X = check_sparse(X)
            self._check_n_features(X, reset=False)
            return polynomial_sparse(X, self._combos)
        X = check_array(X)
        self._check_n_features(X, reset=False)
        out = np.empty((X.shape[0], self.n_output_features_), dtype=X.dtype)
        cache = {(): np.ones(X.shape[0], dtype=X.dtype)}
        for k, c in enumerate(self._combos):
            if c not in cache:
                cache[c] = cache[c[:-1]] * X[:, c[-1]]
            out[:, k] = cache[c]
        return out

    def get_feature_names_out(self, input_features=None):
        """Monomial names in output order: "1", "x0", "x0^2", "x0 x1", ..."""
        self._check_is_fitted("powers_")
        names = _input_feature_names(self, input_features)
        out = []
        for row in self.powers_:
            terms = [names[j] if p == 1 else f"{names[j]}^{p}" for j, p in enumerate(row) if p]
            out.append(" ".join(terms) if terms else "1")
        return np.asarray(out, dtype=object)

    def _fastml_tags(self):
        return {"preserves_dtype": ["float64", "float32"], "sparse": True}
