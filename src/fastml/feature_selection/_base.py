"""The selector mixin (get_support / transform / inverse_transform /
get_feature_names_out over a boolean mask of kept columns) and the input
validation the selectors share (dense or CSR/CSC sparse X, feature names)."""
import warnings
from operator import attrgetter

import numpy as np

from ..base import TransformerMixin, _input_feature_names
from ..utils._set_output import dataframe_to_numpy, get_output_config, is_pandas_df
from ..utils._sparse import check_sparse, is_sparse
from ..utils.validation import FLOAT_DTYPES, check_array, check_is_fitted

__all__ = ["SelectorMixin", "validate_X"]


def validate_X(est, X, *, reset, accept_sparse=("csr", "csc"), dtype=FLOAT_DTYPES,
               allow_nan=False, ensure_min_features=1, allow_inf=False):
    """X checked once at the edge: feature names recorded (reset) or compared,
    a DataFrame turned into an array, sparse X in one of `accept_sparse` (a
    TypeError naming X when sparse is not accepted), finite values (NaN
    allowed with allow_nan, infinity never), n_features_in_ recorded or checked."""
    _check_names(est, X, reset)
    X = dataframe_to_numpy(X)
    if is_sparse(X):
        if not accept_sparse:
            raise TypeError("Sparse data was passed for X, but dense data is required. "
                            "Use X.toarray() to convert to a dense numpy array.")
        if allow_inf:  # values left to the estimator: only format, dtype and shape
            if X.format not in accept_sparse:
                X = X.asformat(accept_sparse[0])
            finite = not (X.dtype.kind == "f" and np.isinf(X.data).any())
            X = check_sparse(X, accept=tuple(accept_sparse), dtype=dtype, allow_nan=True,
                             ensure_min_features=ensure_min_features) if finite else X
        else:
            X = check_sparse(X, accept=tuple(accept_sparse), dtype=dtype, allow_nan=allow_nan,
                             ensure_min_features=ensure_min_features)
    else:
        X = check_array(X, dtype=dtype, ensure_all_finite=not allow_nan,
                        ensure_min_features=ensure_min_features)
        if allow_nan and not allow_inf and X.dtype.kind == "f" and np.isinf(X).any():
            raise ValueError(f"Input X contains infinity or a value too large for {X.dtype!r}.")
    _check_count(est, X, reset)
    return X


# SelectorMixin also serves selectors built on scikit-learn's BaseEstimator (which has
# no fastml checks): fastml's checks then run on them as plain functions
def _check_names(est, X, reset):
    from ..base import BaseEstimator

    if isinstance(est, BaseEstimator):
        est._check_feature_names(X, reset=reset)
    else:
        BaseEstimator._check_feature_names(est, X, reset=reset)


def _check_count(est, X, reset):
    from ..base import BaseEstimator

    if isinstance(est, BaseEstimator):
        est._check_n_features(X, reset=reset)
    else:
        BaseEstimator._check_n_features(est, X, reset=reset)


class SelectorMixin(TransformerMixin):
    """A transformer that keeps a subset of the input columns, given by
    `_get_support_mask()` (a boolean array of n_features_in_)."""

    def _get_support_mask(self):  # pragma: no cover - every selector defines it
        raise NotImplementedError

    def get_support(self, indices=False):
        """Boolean mask of the kept features, or their indices with indices=True."""
        mask = self._get_support_mask()
        return np.flatnonzero(mask) if indices else mask

    def transform(self, X):
        """X restricted to the selected columns (dtype and sparsity kept)."""
        if is_pandas_df(X) and get_output_config("transform", self)["dense"] == "pandas":
            # pandas in, pandas out: select the columns themselves (dtypes kept)
            _check_names(self, X, False)
            _check_count(self, X, False)
            mask = self.get_support()
            if not mask.any():
                warnings.warn("No features were selected: either the data is too noisy or "
                              "the selection test too strict.", UserWarning)
            return X.iloc[:, np.flatnonzero(mask)]
        tags = self._fastml_tags() if hasattr(self, "_fastml_tags") else {}
        allow_nan = bool(tags.get("allow_nan", False))
        # NaN-tolerant selectors do not check values at all (their estimator decides)
        X = validate_X(self, X, reset=False, accept_sparse=("csr",), dtype=None,
                       allow_nan=allow_nan, allow_inf=allow_nan)
        return self._transform(X)

    def _transform(self, X):
        mask = self.get_support()
        if not mask.any():
            warnings.warn("No features were selected: either the data is too noisy or the "
                          "selection test too strict.", UserWarning)
            return np.empty((X.shape[0], 0), dtype=X.dtype)
        if is_sparse(X):
            return X[:, np.flatnonzero(mask)]
        return X[:, mask]

    def inverse_transform(self, X):
        """Columns put back in place; the removed columns are zeros."""
        support = self.get_support()
        if is_sparse(X):
            Xc = X.tocsc()
            col_nnz = self.inverse_transform(np.diff(Xc.indptr).reshape(1, -1)).ravel()
            indptr = np.concatenate([[0], np.cumsum(col_nnz)])
            import scipy.sparse as sp
            return sp.csc_matrix((Xc.data, Xc.indices, indptr),
                                 shape=(Xc.shape[0], len(indptr) - 1), dtype=Xc.dtype)
        X = check_array(X, dtype=None)
        if support.sum() != X.shape[1]:
            raise ValueError("X has a different shape than during fitting.")
        Xt = np.zeros((X.shape[0], support.size), dtype=X.dtype)
        Xt[:, support] = X
        return Xt

    def get_feature_names_out(self, input_features=None):
        """The names of the selected input features."""
        check_is_fitted(self)
        names = _input_feature_names(self, input_features)
        return np.asarray(names, dtype=object)[self.get_support()]


def get_feature_importances(estimator, getter, transform_func=None, norm_order=1):
    """Per-feature importances of a fitted estimator: coef_ or
    feature_importances_ ("auto"), a dotted attribute path, or a callable;
    transform_func "norm" (|coef| or the norm over the rows of a 2-D coef_)
    or "square" (coef**2, summed over the rows)."""
    if isinstance(getter, str):
        if getter == "auto":
            if hasattr(estimator, "coef_"):
                getter = attrgetter("coef_")
            elif hasattr(estimator, "feature_importances_"):
                getter = attrgetter("feature_importances_")
            else:
                raise ValueError(
                    "when `importance_getter=='auto'`, the underlying estimator "
                    f"{type(estimator).__name__} should have `coef_` or "
                    "`feature_importances_` attribute. Either pass a fitted estimator to "
                    "feature selector or call fit before calling transform.")
        else:
            getter = attrgetter(getter)
    elif not callable(getter):
        raise ValueError("`importance_getter` has to be a string or `callable`")
    imp = getter(estimator)
    if transform_func is None:
        return imp
    imp = np.asarray(imp.toarray() if is_sparse(imp) else imp)
    if transform_func == "norm":
        return np.abs(imp) if imp.ndim == 1 else np.linalg.norm(imp, axis=0, ord=norm_order)
    if transform_func == "square":
        return imp ** 2 if imp.ndim == 1 else (imp ** 2).sum(axis=0)
    raise ValueError("Valid values for `transform_func` are None, 'norm' and 'square'. "
                     f"Those two transformation are only supported now, got {transform_func}")


def inner_allow_nan(estimator):
    """Whether `estimator` (fastml's or a foreign scikit-learn-style one) accepts NaN in X."""
    tags = estimator._fastml_tags() if hasattr(estimator, "_fastml_tags") else None
    if tags is not None:
        return bool(tags.get("allow_nan", False))
    try:
        return bool(estimator.__sklearn_tags__().input_tags.allow_nan)
    except Exception:  # noqa: BLE001 - an estimator without tags
        return False
