"""OneHotEncoder: one output column per (feature, category)."""
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils._set_output import get_output_config
from ..utils._sparse import is_sparse
from ._encode import encode, is_nan, object_counts, unique, unknown_values

INFREQUENT = "infrequent_sklearn"  # the grouped category's name, as scikit-learn names it


def _column(X, i):
    """Column i of a DataFrame as a 1-D array keeping its own dtype (missing
    values as NaN; categorical columns as their categories' values)."""
    import pandas as pd

    s = X.iloc[:, i]
    dt = s.dtype
    if isinstance(dt, pd.CategoricalDtype):
        col = np.asarray(s.astype(object))
    elif isinstance(dt, pd.api.extensions.ExtensionDtype) and not isinstance(dt, np.dtype):
        kind = getattr(dt, "kind", "O")
        if kind in "iufb" and s.isna().any():
            col = s.to_numpy(dtype=np.float64, na_value=np.nan)
        elif kind in "iufb":
            col = s.to_numpy(dtype=getattr(dt, "numpy_dtype", None))
        else:
            col = s.to_numpy(dtype=object, na_value=np.nan)
    else:
        col = s.to_numpy()
    if col.dtype == object:  # pd.NA / NaT -> NaN, the missing value encoders know
        miss = np.asarray(pd.isna(col), dtype=bool)
        if miss.any():
            col = col.copy()
            col[miss & np.array([v is not None and not is_nan(v) for v in col])] = np.nan
    return col


def check_categorical_X(X):
    """X as a list of 1-D columns, each keeping its dtype (DataFrame columns
    separately); lists of strings become object columns. NaN and None are
    allowed (they are categories), infinity is not."""
    if is_sparse(X):
        raise TypeError("Sparse data was passed for X, but dense data is required. Use "
                        "X.toarray() to convert to a dense numpy array.")
    if hasattr(X, "iloc") and getattr(X, "ndim", 0) == 2:
        cols = [_column(X, i) for i in range(X.shape[1])]
        n = X.shape[0]
    else:
        if hasattr(X, "iloc"):  # a Series
            raise ValueError(f"Expected a 2-dimensional container but got {type(X)} instead. "
                             "Pass a DataFrame containing a single row (i.e. single sample) "
                             "or a single column (i.e. single feature) instead.")
        if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):  # polars and others
            X = X.to_numpy()
        A = np.asarray(X)
        if A.dtype.kind == "U" and not hasattr(X, "dtype"):
            # nested lists: keep each value's own type (ints stay ints next to strings)
            A = np.asarray(X, dtype=object)
        if A.dtype.kind == "c":
            raise ValueError("Complex data not supported for X.")
        if A.ndim != 2:
            if A.ndim == 0:
                raise ValueError(f"Expected 2D array, got scalar array instead:\narray={X!r}.")
            raise ValueError(f"Expected 2D array, got {A.ndim}D array instead:\narray={X!r}.\n"
                             "Reshape your data either using array.reshape(-1, 1) if your "
                             "data has a single feature or array.reshape(1, -1) if it "
                             "contains a single sample.")
        n = A.shape[0]
        cols = [A[:, i] for i in range(A.shape[1])]
    for col in cols:
        if col.dtype.kind == "f" and np.isinf(col).any():
            raise ValueError("Input X contains infinity or a value too large for "
                             f"{col.dtype!r}.")
        if col.dtype.kind == "c":
            raise ValueError("Complex data not supported for X.")
    return cols, n


class OneHotEncoder(TransformerMixin, BaseEstimator):
    """One column per (feature, category), categories sorted (None and NaN
    are categories of their own, placed last). sparse_output=True (the
    default) returns a scipy.sparse CSR matrix, False a dense array.

    handle_unknown: "error"; "ignore" (unknown -> all zeros);
    "infrequent_if_exist" (unknown -> the infrequent column when the feature
    has one, else all zeros); "warn" (as infrequent_if_exist, with a
    warning). min_frequency (count, or fraction of the samples) and
    max_categories group rare categories into one "infrequent_sklearn"
    column. drop: None, "first", "if_binary" or one category per feature
    (an infrequent category drops the whole infrequent column)."""

    _parameter_constraints = {
        "categories": [StrOptions({"auto"}), list],
        "drop": [StrOptions({"first", "if_binary"}), "array-like", None],
        "dtype": "no_validation",  # any dtype numpy understands
        "handle_unknown": [StrOptions({"error", "ignore", "infrequent_if_exist", "warn"})],
        "max_categories": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_frequency": [Interval(numbers.Integral, 1, None, closed="left"),
                          Interval(RealNotInt, 0, 1, closed="neither"), None],
        "sparse_output": ["boolean"],
        "feature_name_combiner": [StrOptions({"concat"}), callable],
    }

    def __init__(self, *, categories="auto", drop=None, sparse_output=True, dtype=np.float64,
                 handle_unknown="error", min_frequency=None, max_categories=None,
                 feature_name_combiner="concat"):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.feature_name_combiner = feature_name_combiner

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.sparse = False
        return tags

    # ------------------------------------------------------------------ fit
    def _user_categories(self, i, col):
        given = self.categories[i]
        cats = np.array(given, dtype=object if col.dtype.kind == "U" else col.dtype)
        if cats.ndim != 1:
            cats = cats.ravel()
        if cats.dtype == object and cats.size and isinstance(cats[0], bytes) and \
                col.dtype.kind != "S":
            raise ValueError(f"In column {i}, the predefined categories have type 'bytes' "
                             f"which is incompatible with values of type "
                             f"'{type(col[0]).__name__}'.")
        for c in cats[:-1]:
            if is_nan(c):
                raise ValueError(f"Nan should be the last element in user provided "
                                 f"categories, see categories {cats} in column #{i}")
        if cats.size != len(unique(cats)):
            raise ValueError(f"In column {i}, the predefined categories contain duplicate "
                             f"elements.")
        if col.dtype.kind not in "OUS":
            s = np.sort(cats)
            stop = -1 if s.size and np.isnan(s[-1]) else None
            if np.any(s[:stop] != cats[:stop]):
                raise ValueError("Unsorted categories are not supported for numerical "
                                 "categories")
        if self.handle_unknown == "error":
            _, known = encode(col, cats)
            if not known.all():
                raise ValueError(f"Found unknown categories {unknown_values(col, known)} in "
                                 f"column {i} during fit")
        return cats

    def fit(self, X, y=None):
        self._validate_params()
        self._check_feature_names(X, reset=True)
        cols, n = check_categorical_X(X)
        if n == 0:
            raise ValueError("Found array with 0 sample(s) (shape=(0, "
                             f"{len(cols)})) while a minimum of 1 is required.")
        self.n_features_in_ = len(cols)
        auto = isinstance(self.categories, str)
        if not auto and len(self.categories) != len(cols):
            raise ValueError("Shape mismatch: if categories is an array, it has to be of "
                             "shape (n_features,).")
        self._infrequent_enabled = (self.max_categories is not None and
                                    self.max_categories >= 1) or self.min_frequency is not None
        self.categories_, counts = [], []
        for i, col in enumerate(cols):
            if auto and self._infrequent_enabled:
                cats, cnt = unique(col, return_counts=True)
            elif auto:
                cats, cnt = unique(col), None
            else:
                cats = self._user_categories(i, col)
                cnt = self._counts(col, cats) if self._infrequent_enabled else None
            self.categories_.append(cats)
            counts.append(cnt)
        if self._infrequent_enabled:
            self._fit_infrequent(n, counts)
        self._set_drop_idx()
        self._n_features_outs = self._compute_n_features_outs()
        return self

    @staticmethod
    def _counts(col, cats):
        if col.dtype == object or cats.dtype == object:
            return object_counts(col, cats)
        codes, known = encode(col, cats)
        return np.bincount(codes[known], minlength=len(cats))

    def _identify_infrequent(self, count, n_samples):
        """Indices of the infrequent categories of one feature, or None."""
        mf = self.min_frequency
        if isinstance(mf, numbers.Integral):
            rare = count < mf
        elif isinstance(mf, numbers.Real):
            rare = count < n_samples * mf
        else:
            rare = np.zeros(count.shape[0], dtype=bool)
        n_out = count.size - rare.sum() + 1
        if self.max_categories is not None and self.max_categories < n_out:
            keep = self.max_categories - 1
            if keep == 0:
                rare[:] = True
            else:  # the least frequent ones (ties: first in category order)
                rare[np.argsort(count, kind="mergesort")[:-keep]] = True
        idx = np.flatnonzero(rare)
        return idx if idx.size else None

    def _fit_infrequent(self, n_samples, counts):
        """_infrequent_indices[i]: indices (in categories_[i]) of the rare
        categories or None; _default_to_infrequent_mappings[i]: category index
        -> column within the feature (frequent ones in order, then the
        infrequent column), or None."""
        self._infrequent_indices = [self._identify_infrequent(c, n_samples) for c in counts]
        self._default_to_infrequent_mappings = []
        for cats, rare in zip(self.categories_, self._infrequent_indices):
            if rare is None:
                self._default_to_infrequent_mappings.append(None)
                continue
            m = np.empty(len(cats), dtype=np.int64)
            n_freq = len(cats) - rare.size
            m[rare] = n_freq
            m[np.setdiff1d(np.arange(len(cats)), rare)] = np.arange(n_freq)
            self._default_to_infrequent_mappings.append(m)

    @property
    def infrequent_categories_(self):
        """Infrequent categories of each feature (None where there are none)."""
        self._check_is_fitted("categories_")
        idx = getattr(self, "_infrequent_indices", [None] * len(self.categories_))
        return [None if k is None else c[k] for c, k in zip(self.categories_, idx)]

    def _grouped_index(self, i, k):
        """Column (before dropping) of category index k of feature i."""
        if not self._infrequent_enabled:
            return k
        m = self._default_to_infrequent_mappings[i]
        if m is None:
            return k
        rare = self._infrequent_indices[i]
        if rare is not None and k in rare:
            c = self.categories_[i][k]
            raise ValueError(f"Unable to drop category {getattr(c, 'item', lambda: c)()!r} "
                             f"from feature {i} because it is infrequent")
        return int(m[k])

    def _set_drop_idx(self):
        """drop_idx_ (index in categories_ of the dropped category, or None
        per feature) and _drop_idx_after_grouping (the dropped column among
        the feature's columns after infrequent grouping)."""
        if self.drop is None:
            grouped = None
        elif isinstance(self.drop, str) and self.drop == "first":
            grouped = np.zeros(len(self.categories_), dtype=object)
        elif isinstance(self.drop, str):  # if_binary
            widths = self._widths_before_drop()
            grouped = np.array([0 if w == 2 else None for w in widths], dtype=object)
        else:
            drops = np.asarray(self.drop, dtype=object)
            if drops.ndim != 1 or len(drops) != len(self.categories_):
                raise ValueError(f"`drop` should have length equal to the number of features "
                                 f"({len(self.categories_)}), got {drops.size if drops.ndim != 1 else len(drops)}")
            idx, missing = [], []
            for i, (val, cats) in enumerate(zip(drops, self.categories_)):
                if is_nan(val):
                    hit = [len(cats) - 1] if cats.size and is_nan(cats[-1]) else []
                else:
                    hit = [k for k, c in enumerate(cats) if not is_nan(c) and c is not None
                           and _equal(c, val)] if val is not None else \
                        [k for k, c in enumerate(cats) if c is None]
                if hit:
                    idx.append(self._grouped_index(i, hit[0]))
                else:
                    missing.append((i, val))
            if missing:
                lines = "\n".join(f"Category: {v}, Feature: {i}" for i, v in missing)
                raise ValueError("The following categories were supposed to be dropped, but "
                                 f"were not found in the training data.\n{lines}")
            grouped = np.array(idx, dtype=object)
        self._drop_idx_after_grouping = grouped
        if grouped is None or not self._infrequent_enabled:
            self.drop_idx_ = grouped
            return
        out = []
        for i, d in enumerate(grouped):
            m = self._default_to_infrequent_mappings[i]
            out.append(d if d is None or m is None else int(np.flatnonzero(m == d)[0]))
        self.drop_idx_ = np.array(out, dtype=object)

    def _widths_before_drop(self):
        widths = [len(c) for c in self.categories_]
        if self._infrequent_enabled:
            for i, rare in enumerate(self._infrequent_indices):
                if rare is not None:
                    widths[i] -= rare.size - 1
        return widths

    def _compute_n_features_outs(self):
        widths = self._widths_before_drop()
        if self._drop_idx_after_grouping is not None:
            for i, d in enumerate(self._drop_idx_after_grouping):
                widths[i] -= d is not None
        return widths

    def _transformed_categories(self, i, remove_dropped=True):
        """Category of each output column of feature i (the infrequent
        column named "infrequent_sklearn")."""
        cats = self.categories_[i]
        m = self._default_to_infrequent_mappings[i] if self._infrequent_enabled else None
        if m is not None:
            cats = np.concatenate((cats[m < m.max()], np.array([INFREQUENT], dtype=object)))
        d = None if self._drop_idx_after_grouping is None else self._drop_idx_after_grouping[i]
        if remove_dropped and d is not None:
            cats = np.delete(cats, d)
        return cats

    # ------------------------------------------------------------ transform
    def _codes(self, X):
        """(codes, mask): each cell's output column within its feature (after
        grouping and dropping) and whether the cell has a column at all."""
        cols, n = check_categorical_X(X)
        if len(cols) != self.n_features_in_:
            raise ValueError(f"X has {len(cols)} features, but OneHotEncoder is expecting "
                             f"{self.n_features_in_} features as input.")
        hu = self.handle_unknown
        warn = hu == "warn" or (self.drop is not None and hu in ("ignore", "infrequent_if_exist"))
        codes = np.zeros((n, len(cols)), dtype=np.int64)
        mask = np.ones((n, len(cols)), dtype=bool)
        with_unknown = []
        for i, (col, cats) in enumerate(zip(cols, self.categories_)):
            c, known = encode(col, cats)
            if not known.all():
                if hu == "error":
                    raise ValueError(f"Found unknown categories {unknown_values(col, known)} "
                                     f"in column {i} during transform")
                if warn:
                    with_unknown.append(i)
            m = self._default_to_infrequent_mappings[i] if self._infrequent_enabled else None
            if m is not None:
                c[~known] = self._infrequent_indices[i][0]
                if hu in ("infrequent_if_exist", "warn"):
                    known = np.ones_like(known)
                c = m[c]
            d = None if self._drop_idx_after_grouping is None else \
                self._drop_idx_after_grouping[i]
            if d is not None:
                known &= c != d
                c = c - (c > d)
            codes[:, i], mask[:, i] = c, known
        if with_unknown:
            tail = ("will be encoded as the infrequent category."
                    if hu in ("infrequent_if_exist", "warn") else "will be encoded as all zeros")
            warnings.warn(f"Found unknown categories in columns {with_unknown} during "
                          f"transform. These unknown categories {tail}", UserWarning)
        return codes, mask

    def transform(self, X):
        import scipy.sparse as sp

        self._check_is_fitted("categories_")
        out_cfg = get_output_config("transform", self)["dense"]
        if out_cfg != "default" and self.sparse_output:
            cap = out_cfg.capitalize()
            raise ValueError(f"{cap} output does not support sparse data. Set "
                             f"sparse_output=False to output {out_cfg} dataframes or disable "
                             f'{cap} output via` ohe.set_output(transform="default").')
        self._check_feature_names(X, reset=False)
        codes, mask = self._codes(X)
        n = codes.shape[0]
        starts = np.cumsum([0] + self._n_features_outs)
        indices = (codes + starts[:-1])[mask]  # row-major: sorted within each row
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(mask.sum(axis=1), out=indptr[1:])
        width = int(starts[-1])
        if self.sparse_output:
            small = max(width, indptr[-1]) <= np.iinfo(np.int32).max
            it = np.int32 if small else np.int64
            return sp.csr_matrix((np.ones(indices.size, dtype=self.dtype),
                                  indices.astype(it), indptr.astype(it)), shape=(n, width))
        out = np.zeros((n, width), dtype=self.dtype)
        rows = np.repeat(np.arange(n), np.diff(indptr))
        out[rows, indices] = 1
        return out

    def inverse_transform(self, X):
        """Categories back from one-hot rows: all-zero rows of a feature give
        its dropped category, None (handle_unknown="ignore" or no infrequent
        column) or an error (handle_unknown="error", nothing dropped)."""
        self._check_is_fitted("categories_")
        if is_sparse(X):
            X = X.tocsr()
        else:
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(f"Expected 2D array, got {X.ndim}D array instead.")
        n_out = int(np.sum(self._n_features_outs))
        if X.shape[1] != n_out:
            raise ValueError(f"Shape of the passed X data is not correct. Expected {n_out} "
                             f"columns, got {X.shape[1]}.")
        n = X.shape[0]
        full = [self._transformed_categories(i, remove_dropped=False)
                for i in range(len(self.categories_))]
        out = np.empty((n, len(full)), dtype=np.result_type(*[c.dtype for c in full]))
        rare = self._infrequent_indices if self._infrequent_enabled else [None] * len(full)
        dropped_at = self._drop_idx_after_grouping
        unknown_rows, j = {}, 0
        for i, cats in enumerate(full):
            d = None if dropped_at is None else dropped_at[i]
            kept = cats if d is None else np.delete(cats, d)
            k = kept.shape[0]
            if k == 0:
                out[:, i] = self.categories_[i][d]
                continue
            sub = X[:, j:j + k]
            out[:, i] = kept[np.asarray(sub.argmax(axis=1)).ravel()]
            zero = np.asarray(sub.sum(axis=1) == 0).ravel()
            if zero.any():
                hu = self.handle_unknown
                if hu == "ignore" or (hu in ("infrequent_if_exist", "warn") and rare[i] is None):
                    if d is None:
                        unknown_rows[i] = zero
                    else:
                        out[zero, i] = self.categories_[i][d]
                elif d is None:
                    raise ValueError(f"Samples {np.flatnonzero(zero)} can not be inverted when "
                                     "drop=None and handle_unknown='error' because they "
                                     "contain all zeros")
                else:
                    out[zero, i] = cats[d]
            j += k
        if unknown_rows:
            out = out.astype(object)
            for i, rows in unknown_rows.items():
                out[rows, i] = None
        return out

    def get_feature_names_out(self, input_features=None):
        """"<input feature>_<category>" per output column (dropped categories
        left out, the infrequent column "<feature>_infrequent_sklearn"), or
        feature_name_combiner(feature, category) when it is a callable."""
        self._check_is_fitted("categories_")
        names = _input_feature_names(self, input_features)
        combine = self.feature_name_combiner
        if combine == "concat":
            def combine(f, c):
                return f + "_" + str(c)
        else:
            probe = combine("feature", "category")
            if not isinstance(probe, str):
                raise TypeError("When `feature_name_combiner` is a callable, it should return "
                                f"a Python string. Got {type(probe)} instead.")
        out = []
        for i in range(len(self.categories_)):
            out += [combine(names[i], c) for c in self._transformed_categories(i)]
        return np.asarray(out, dtype=object)


def _equal(a, b):
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
