"""Scalers and normalisation (dense and scipy.sparse input).

Transformers keep float32 as float32 (dtype in = dtype out); statistics are
accumulated in float64.
"""
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from ..callback import CallbackSupportMixin, with_callbacks
from ..utils._param_validation import StrOptions
from ..utils._set_output import dataframe_to_numpy
from .._sparse_preprocessing import NO_CENTRE as _NO_CENTRE, normalize_sparse
from ..utils._sparse import check_sparse, column_mean_var, is_sparse, scale_columns
from ..utils.validation import _check_sample_weight, check_array
from ._common import check_allow_nan as _check_allow_nan, frame_to_array as _frame_to_array
from ._common import handle_zeros as _handle_zeros


_STD_DTYPES = (np.float64, np.float32, np.float16)  # kept as is (float16 too, as scikit-learn)


def _is_constant_feature(var, mean, n_samples):
    """True where a variance is indistinguishable from 0 in float64: below the
    rounding-error bound of the two-pass variance (Chan, Golub & LeVeque), which
    is relative to the mean, so a tiny but real spread (std 1e-8) still counts."""
    eps = np.finfo(np.float64).eps
    return var <= n_samples * eps * var + (n_samples * mean * eps) ** 2


def _nan_weighted_mean_var(X, w=None):
    """Per-column (weighted) mean, population variance and weight sum (or
    count) over the non-NaN entries of X (float64). Two-pass variance with the
    rounding correction of the deviations' sum, so a constant column has
    variance exactly 0."""
    present = ~np.isnan(X)
    if w is None and present.all():  # the common case, without masks
        n = X.shape[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = X.sum(axis=0) / n
            dev = X - mean
            corr = dev.sum(axis=0)
            var = (np.einsum("ij,ij->j", dev, dev) - corr * corr / n) / n
        return mean, np.where(var < 0, 0.0, var), np.full(X.shape[1], n)
    W = present.astype(np.float64) if w is None else np.where(present, w[:, None], 0.0)
    X0 = np.where(present, X, 0.0)
    total = W.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (W * X0).sum(axis=0) / total
        dev = np.where(present, X0 - mean, 0.0)
        corr = (W * dev).sum(axis=0)
        var = ((W * dev * dev).sum(axis=0) - corr * corr / total) / total
    var = np.where(var < 0, 0.0, var)
    if w is None:
        total = present.sum(axis=0)
    return mean, var, total


class StandardScaler(CallbackSupportMixin, OneToOneFeatureMixin, TransformerMixin,
                     BaseEstimator):
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

    @with_callbacks
    def fit(self, X, y=None, sample_weight=None):
        """Compute mean_, var_ and scale_ (one callback task: the whole fit)."""
        return self._fit_reporting(self._fit, X, y, sample_weight)

    @with_callbacks
    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the statistics with one more batch (dense or sparse): means
        and variances merged by Chan, Golub & LeVeque's pairwise rule, so the
        result equals a fit on all batches at once (up to rounding)."""
        return self._fit_reporting(self._partial_fit, X, y, sample_weight)

    def _fit_reporting(self, step, X, y, sample_weight):
        """Run `step` as the single task of this fit's callbacks."""
        ctx = self._init_callback_context()
        metadata = {"sample_weight": sample_weight}
        ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        step(X, y, sample_weight)
        ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata,
                                 reconstruction_attributes={})
        return self

    def _fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        X = _frame_to_array(self, X, reset=True)
        if is_sparse(X):
            return self._fit_sparse(X, sample_weight)
        X = _check_allow_nan(X, _STD_DTYPES)
        self._check_n_features(X, reset=True)
        Xd = X.astype(np.float64)
        w = _check_sample_weight(sample_weight, X)
        if w is not None and w.sum() <= 0:
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

    def _partial_fit(self, X, y=None, sample_weight=None):
        self._validate_params()
        if not hasattr(self, "n_samples_seen_"):
            return self._fit(X, y, sample_weight)
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
            upd = n1 > 0  # a batch with only NaN in a feature leaves it as it was
            with np.errstate(invalid="ignore", divide="ignore"):
                nn = np.where(upd, n, 1)
                mean = np.where(upd, (n0 * m0 + n1 * m1) / nn, m0)
                if self.var_ is not None:
                    v = (n0 * self.var_ + n1 * batch.var_ + n0 * n1 / nn *
                         (m0 - m1) ** 2) / nn
                    self.var_ = np.where(upd, v, self.var_)
            self.mean_ = mean
        seen = n.astype(np.int64) if np.all(n == np.round(n)) and sample_weight is None else n
        self.n_samples_seen_ = seen if np.ndim(seen) == 0 or np.ptp(seen) else seen.ravel()[0]
        if self.with_std:
            self.scale_ = np.sqrt(self.var_)
            self.scale_[_is_constant_feature(self.var_, self.mean_, n)] = 1.0
        return self

    def transform(self, X, copy=None):
        """(X - mean_) / scale_; copy=False (or self.copy=False) scales a
        float ndarray X in place and returns it."""
        self._check_is_fitted("n_samples_seen_")
        copy = self.copy if copy is None else copy
        X = _frame_to_array(self, X, reset=False)
        if is_sparse(X):  # sparse stays sparse (CSR), scaled column-wise
            if self.with_mean:
                raise ValueError(_NO_CENTRE)
            X = check_sparse(X, accept=("csr",), allow_nan=True)
            self._check_n_features(X, reset=False)
            return scale_columns(X, 1.0 / self.scale_) if self.with_std else X.copy()
        X = _check_allow_nan(X, _STD_DTYPES)
        self._check_n_features(X, reset=False)
        out = X.copy() if copy or not X.flags.writeable else X
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

    def _range(self):
        fr = self.feature_range
        if len(fr) != 2 or not all(isinstance(v, numbers.Real) and np.isfinite(v) for v in fr):
            raise ValueError(f"feature_range must be a (min, max) tuple of finite numbers, "
                             f"got {fr!r}.")
        lo, hi = fr
        if lo >= hi:
            raise ValueError(f"Minimum of desired feature range must be smaller than maximum. "
                             f"Got {self.feature_range!r}.")
        return lo, hi

    def fit(self, X, y=None):
        self._validate_params()
        lo, hi = self._range()
        for a in ("n_samples_seen_", "data_min_", "data_max_"):
            self.__dict__.pop(a, None)
        return self._update(X, lo, hi)

    def partial_fit(self, X, y=None):
        """Update data_min_ / data_max_ with one more batch (equal to a fit on
        all batches at once)."""
        self._validate_params()
        return self._update(X, *self._range())

    def _update(self, X, lo, hi):
        first = not hasattr(self, "n_samples_seen_")
        if is_sparse(X):
            raise TypeError("MinMaxScaler does not support sparse input. Consider using "
                            "MaxAbsScaler instead.")
        X = _check_allow_nan(_frame_to_array(self, X, reset=first))
        self._check_n_features(X, reset=first)
        Xd = X.astype(np.float64)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column gives NaN
            dmin, dmax = np.nanmin(Xd, axis=0), np.nanmax(Xd, axis=0)
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            dmin, dmax = np.fmin(self.data_min_, dmin), np.fmax(self.data_max_, dmax)
            self.n_samples_seen_ += X.shape[0]
        self.data_min_, self.data_max_ = dmin, dmax
        self.data_range_ = dmax - dmin
        self.scale_ = (hi - lo) / _handle_zeros(self.data_range_)
        self.min_ = lo - dmin * self.scale_
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
    all-zero rows stay zero. copy=False scales a float ndarray (or a CSR
    matrix for axis=1, CSC for axis=0) in place and returns it."""
    if norm not in ("l1", "l2", "max"):
        raise ValueError(f"'{norm}' is not a supported norm; use 'l1', 'l2' or 'max'.")
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 or 1, got {axis!r}.")
    if is_sparse(X):
        return normalize_sparse(X, norm, axis, return_norm, copy)
    X0 = X
    X = check_array(X, order=None)
    if (copy and X is X0) or not X.flags.writeable:
        X = X.copy()
    Xa = X if axis == 1 else X.T
    if norm == "l1":
        n = np.abs(Xa).sum(axis=1)
    elif norm == "l2":
        n = np.sqrt(np.einsum("ij,ij->i", Xa, Xa, dtype=np.float64))
    else:
        n = np.abs(Xa).max(axis=1)
    safe = np.where(n == 0, 1.0, n).astype(X.dtype)
    Xa /= safe[:, None]
    return (X, n) if return_norm else X


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
        """Rows scaled to unit norm. Stateless: works without fit (then no
        feature-count check), as in scikit-learn; sparse input gives CSR."""
        copy = self.copy if copy is None else copy
        X = _frame_to_array(self, X, reset=False)
        X = check_sparse(X, accept=("csr",)) if is_sparse(X) else check_array(X, order=None)
        self._check_n_features(X, reset=False)
        return normalize(X, self.norm, copy=copy)

    def _fastml_tags(self):
        return {"preserves_dtype": ["float64", "float32"], "sparse": True,
                "requires_fit": False}
