"""ColumnTransformer: apply transformers to column subsets and stack the results
(scikit-learn's semantics, including the names of fitted attributes and the
wording of errors)."""
import collections
import itertools
import numbers
import re

import numpy as np

from ..base import TransformerMixin, BaseEstimator, clone, _input_feature_names
from .._composition import _BaseComposition, _fit_transform_one, _name_estimators
from ..utils._param_validation import HasMethods, Hidden, Interval, StrOptions
from ..utils._parallel import map_threads
from ..utils._set_output import (ADAPTERS, get_feature_names, get_output_config, is_dataframe,
                                 is_pandas_df, is_polars_df, safe_set_output)
from ..utils.validation import check_array, check_is_fitted, resolve_n_jobs

__all__ = ["ColumnTransformer", "make_column_transformer", "make_column_selector"]

_ERR_1D = ("1D data passed to a transformer that expects 2D data. Try to specify the column "
           "selection as a list of one item instead of a scalar.")


_ERR_COLUMNS = ("No valid specification of the columns. Only a scalar, list or slice of all "
                "integers or all strings, or boolean mask is allowed")


def _is_sparse(X):
    return hasattr(X, "tocsr") and hasattr(X, "nnz")


# ---- column selection -------------------------------------------------------------
def _key_kind(key):
    """"int", "str", "bool" or None (empty) for a column specification."""
    if isinstance(key, (bool, np.bool_)):
        return "bool"
    if isinstance(key, (numbers.Integral, np.integer)):
        return "int"
    if isinstance(key, str):
        return "str"
    if isinstance(key, slice):
        kinds = {_key_kind(v) for v in (key.start, key.stop) if v is not None}
        if kinds - {"int", "str"} or len(kinds) > 1:
            raise ValueError(_ERR_COLUMNS)
        return kinds.pop() if kinds else "int"
    dtype = getattr(key, "dtype", None)  # arrays, pandas Index / Series
    if isinstance(dtype, np.dtype) and dtype.kind in "biuU" and getattr(key, "size", 1) > 0:
        return {"b": "bool", "i": "int", "u": "int", "U": "str"}[dtype.kind]
    invalid = _ERR_COLUMNS
    try:
        values = list(key)
    except TypeError:  # a float, None, ... : not a column specification
        raise ValueError(invalid) from None
    if not values:
        return None
    if any(not isinstance(v, (str, bool, numbers.Integral, np.bool_, np.integer))
           for v in values):
        raise ValueError(invalid)
    kinds = {_key_kind(v) for v in values}
    if len(kinds) != 1:
        raise ValueError(invalid)
    return kinds.pop()


def _column_names(X):
    if is_pandas_df(X) or is_polars_df(X):
        return [c for c in X.columns]
    return None


def get_column_indices(X, key):
    """Positions (a list of ints) of the columns `key` selects in X: ints,
    slices, bool masks, names (DataFrames only; a slice of names includes its
    end), or a list of those."""
    n_columns = X.shape[1]
    kind = _key_kind(key)
    if kind is None:
        return []
    if kind in ("int", "bool"):
        try:
            idx = np.arange(n_columns)[key if not isinstance(key, list) else np.asarray(key)]
        except IndexError as exc:
            raise ValueError(f"all features must be in [0, {n_columns - 1}] or "
                             f"[-{n_columns}, 0]") from exc
        return np.atleast_1d(idx).tolist()
    names = _column_names(X)
    if names is None:
        raise ValueError("Specifying the columns using strings is only supported for "
                         "dataframes.")
    position = {name: i for i, name in enumerate(names)}
    try:
        if isinstance(key, str):
            return [position[key]]
        if isinstance(key, slice):
            start = 0 if key.start is None else position[key.start]
            stop = n_columns if key.stop is None else position[key.stop] + 1
            return list(range(start, stop))[::key.step or 1]
        return [position[k] for k in key]
    except KeyError as exc:
        raise ValueError("A given column is not a column of the dataframe") from exc


def _select_columns(X, columns):
    """X's columns `columns` (positions, or names for a DataFrame); a scalar
    key gives a 1-D result, as in scikit-learn."""
    scalar = np.isscalar(columns)
    idx = get_column_indices(X, columns)
    if is_pandas_df(X):
        return X.iloc[:, idx[0]] if scalar else X.iloc[:, idx]
    if is_polars_df(X):
        out = X.select([X.columns[i] for i in idx])
        return out.to_series() if scalar else out
    return X[:, idx[0]] if scalar else X[:, idx]


def _is_empty_selection(columns):
    if isinstance(columns, (bool, np.bool_)):
        return not columns
    if hasattr(columns, "__len__") and not isinstance(columns, str):
        arr = np.asarray(columns)
        if arr.dtype.kind == "b":
            return not arr.any()
        return len(columns) == 0
    return False


def _check_X(X):
    """DataFrames, sparse matrices and arrays as given; other input (lists) as
    a 2-D array (object dtype for text)."""
    if is_dataframe(X) or isinstance(X, np.ndarray) and X.ndim == 2:
        return X
    if _is_sparse(X):  # column slicing needs CSR / CSC
        return X if X.format in ("csr", "csc") else X.tocsr()
    arr = np.asarray(X)
    if arr.dtype.kind in "US":
        arr = np.asarray(X, dtype=object)
    return check_array(arr, dtype=None, ensure_all_finite=False)


class _Passthrough(TransformerMixin, BaseEstimator):
    """Identity transformer ColumnTransformer fits for "passthrough" columns
    (its output follows set_output like any transformer)."""

    _parameter_constraints = {}

    def fit(self, X, y=None):
        self._check_feature_names(X, reset=True)
        self.n_features_in_ = 1 if np.ndim(X) == 1 else X.shape[1]
        return self

    def transform(self, X):
        return X

    def get_feature_names_out(self, input_features=None):
        return _input_feature_names(self, input_features)


def _transform_one(transformer, X, y, weight, params=None):
    out = transformer.transform(X, **(params or {}))
    return out if weight is None else out * weight


class ColumnTransformer(TransformerMixin, _BaseComposition):
    """Apply transformers to subsets of the columns and concatenate the outputs.

    transformers: list of (name, transformer, columns); transformer may be
    "drop" or "passthrough"; columns: an int, str (DataFrame column name),
    slice, bool mask, list of ints or names, or a callable X -> one of those
    (see make_column_selector). A scalar column gives the transformer a 1-D
    input. remainder: "drop", "passthrough" or a transformer for the columns
    no entry selected. The outputs are stacked as a scipy.sparse CSR matrix
    when some output is sparse and the overall density is below
    sparse_threshold, else densely. n_jobs fits / applies the transformers on
    that many threads. verbose_feature_names_out: True prefixes output names
    with "<name>__", False keeps them (they must be unique), a str format
    ("{transformer_name}:{feature_name}") or a callable(name, feature) -> str.

    Fitted attributes: transformers_ (the fitted transformers, with the
    remainder as ("remainder", transformer, columns) when it has columns),
    named_transformers_, output_indices_ (name -> slice of output columns),
    sparse_output_, n_features_in_, feature_names_in_.
    """

    _parameter_constraints = {
        "transformers": [list, Hidden(tuple)],
        "remainder": [StrOptions({"drop", "passthrough"}), HasMethods(["fit", "transform"]),
                      HasMethods(["fit_transform", "transform"])],
        "sparse_threshold": [Interval(numbers.Real, 0, 1, closed="both")],
        "n_jobs": [numbers.Integral, None],
        "transformer_weights": [dict, None],
        "verbose": ["verbose"],
        "verbose_feature_names_out": ["boolean", str, callable],
    }

    def __init__(self, transformers, *, remainder="drop", sparse_threshold=0.3, n_jobs=None,
                 transformer_weights=None, verbose=False, verbose_feature_names_out=True):
        self.transformers = transformers
        self.remainder = remainder
        self.sparse_threshold = sparse_threshold
        self.n_jobs = n_jobs
        self.transformer_weights = transformer_weights
        self.verbose = verbose
        self.verbose_feature_names_out = verbose_feature_names_out

    # -- parameters --------------------------------------------------------------
    def get_params(self, deep=True):
        return self._get_params("transformers", deep=deep)

    def set_params(self, **params):
        return self._set_params("transformers", **params)

    def set_output(self, *, transform=None):
        """Output container of transform / fit_transform ("default", "pandas",
        "polars"), set on every sub-transformer too; returns self."""
        super().set_output(transform=transform)
        subs = [t for _, t, _ in self.transformers] + [self.remainder]
        subs += [t for _, t, _ in getattr(self, "transformers_", [])]
        for trans in subs:
            if trans not in ("drop", "passthrough"):
                safe_set_output(trans, transform=transform)
        return self

    # -- validation ---------------------------------------------------------------
    def _validate_transformers(self):
        if not self.transformers:
            return
        names, transformers, _ = zip(*self.transformers)
        self._validate_names(names)
        self._check_instances(transformers)
        for t in transformers:
            if isinstance(t, str) and t in ("drop", "passthrough"):
                continue
            if not (hasattr(t, "fit") or hasattr(t, "fit_transform")) or \
                    not hasattr(t, "transform"):
                raise TypeError("All estimators should implement fit and transform, or can be "
                                "'drop' or 'passthrough' specifiers. "
                                f"'{t}' (type {type(t)}) doesn't.")

    def _resolve_columns(self, X):
        """Call column callables; record each entry's input column positions."""
        self._columns = []
        self._transformer_to_input_indices = {}
        for name, _, columns in self.transformers:
            if callable(columns):
                columns = columns(X)
            self._columns.append(columns)
            self._transformer_to_input_indices[name] = get_column_indices(X, columns)
        used = set(itertools.chain(*self._transformer_to_input_indices.values()))
        remaining = sorted(set(range(self.n_features_in_)) - used)
        self._transformer_to_input_indices["remainder"] = remaining
        kinds = set()
        for _, _, columns in self.transformers:
            try:
                kinds.add(None if callable(columns) else _key_kind(columns))
            except ValueError:
                kinds.add(None)
        kind = kinds.pop() if len(kinds) == 1 else "int"
        if kind == "str" and hasattr(self, "feature_names_in_"):
            rem_cols = list(self.feature_names_in_[remaining])
        elif kind == "bool":
            rem_cols = [i in remaining for i in range(self.n_features_in_)]
        else:
            rem_cols = remaining
        self._remainder = ("remainder", self.remainder, rem_cols)

    def _iter(self, fitted, column_as_labels, skip_drop, skip_empty_columns):
        """(name, transformer, columns, weight) per entry (remainder included)."""
        if fitted:
            entries = self.transformers_
        else:
            entries = [(name, trans, col) for (name, trans, _), col
                       in zip(self.transformers, self._columns)]
            if self._remainder[2]:
                entries = entries + [self._remainder]
        weights = self.transformer_weights or {}
        for name, trans, columns in entries:
            if skip_drop and isinstance(trans, str) and trans == "drop":
                continue
            if skip_empty_columns and _is_empty_selection(columns):
                continue
            if column_as_labels:
                scalar = np.isscalar(columns)
                columns = self.feature_names_in_[self._transformer_to_input_indices[name]]
                columns = columns[0] if scalar else list(columns)
            yield name, trans, columns, weights.get(name)

    def _log_message(self, name, idx, total):
        return f"({idx} of {total}) Processing {name}" if self.verbose else None

    def _run(self, X, y, fitting, column_as_labels):
        entries = list(self._iter(fitted=not fitting, column_as_labels=column_as_labels,
                                  skip_drop=True, skip_empty_columns=True))
        dense = get_output_config("transform", self)["dense"]

        def job(item):
            idx, (name, trans, columns, weight) = item
            Xc = _select_columns(X, columns)
            if not fitting:
                return _transform_one(trans, Xc, None, weight)
            if isinstance(trans, str) and trans == "passthrough":
                trans = _Passthrough().set_output(transform=dense)
            else:
                trans = clone(trans)
            return _fit_transform_one(trans, Xc, y, weight, message_clsname="ColumnTransformer",
                                      message=self._log_message(name, idx, len(entries)))

        # n_jobs=None is one job, as in scikit-learn (joblib's convention)
        n_threads = 1 if self.n_jobs is None else resolve_n_jobs(self.n_jobs)
        try:
            return map_threads(job, enumerate(entries, start=1), n_threads)
        except ValueError as exc:
            if "got 1D array instead" in str(exc):
                raise ValueError(_ERR_1D) from exc
            raise

    # -- fit / transform ----------------------------------------------------------
    def fit(self, X, y=None, **params):
        """Fit every transformer on its columns. Returns self."""
        self.fit_transform(X, y=y, **params)
        return self

    def fit_transform(self, X, y=None, **params):
        """Fit every transformer on its columns and stack their outputs."""
        if params:
            raise ValueError(f"ColumnTransformer.fit got unexpected parameters {sorted(params)}"
                             "; fit parameters of the transformers are not routed.")
        self._validate_params()
        self._check_feature_names(X, reset=True)
        X = _check_X(X)
        if not (is_dataframe(X) or _is_sparse(X)):  # empty data: check_array's messages
            X = check_array(X, dtype=None, ensure_all_finite=False, order=None)
        self.n_features_in_ = X.shape[1]
        self._validate_transformers()
        n_samples = X.shape[0]
        self._resolve_columns(X)
        result = self._run(X, y, fitting=True, column_as_labels=False)
        if not result:
            self._update_fitted_transformers([])
            self.sparse_output_ = False
            self._record_output_indices([])
            return np.zeros((n_samples, 0))
        Xs, fitted = zip(*result)
        if any(_is_sparse(x) for x in Xs):
            nnz = sum(x.nnz if _is_sparse(x) else x.shape[0] * x.shape[1] for x in Xs)
            total = sum(x.shape[0] * x.shape[1] for x in Xs)
            self.sparse_output_ = bool(total and nnz / total < self.sparse_threshold)
        else:
            self.sparse_output_ = False
        self._update_fitted_transformers(fitted)
        self._validate_output(Xs)
        self._record_output_indices(Xs)
        return self._hstack(list(Xs), n_samples)

    def transform(self, X, **params):
        """Transform X by each fitted transformer and stack the outputs. A
        DataFrame only needs the columns used at fit (selected by name, in any
        order) when the fit was on a DataFrame too."""
        if params:
            raise ValueError(f"ColumnTransformer.transform got unexpected parameters "
                             f"{sorted(params)}.")
        check_is_fitted(self)
        X = _check_X(X)
        by_name = hasattr(self, "feature_names_in_") and is_dataframe(X)
        if by_name:
            named = self.named_transformers_
            needed = set()
            for name, idx in self._transformer_to_input_indices.items():
                if name in named and not (isinstance(named[name], str) and
                                          named[name] == "drop"):
                    needed.update(self.feature_names_in_[idx])
            given = get_feature_names(X)
            missing = needed - set(() if given is None else given)
            if missing:
                raise ValueError(f"columns are missing: {missing}")
        else:
            self._check_n_features(X, reset=False)
            self._check_feature_names(X, reset=False)
        Xs = self._run(X, None, fitting=False, column_as_labels=by_name)
        self._validate_output(Xs)
        if not Xs:
            return np.zeros((X.shape[0], 0))
        return self._hstack(list(Xs), X.shape[0])

    def _update_fitted_transformers(self, fitted):
        fitted = iter(fitted)
        out = []
        for name, old, columns, _ in self._iter(fitted=False, column_as_labels=False,
                                                skip_drop=False, skip_empty_columns=False):
            if isinstance(old, str) and old == "drop":
                trans = "drop"
            elif _is_empty_selection(columns):
                trans = old
            else:
                trans = next(fitted)
            out.append((name, trans, columns))
        self.transformers_ = out

    def _validate_output(self, Xs):
        names = [name for name, *_ in self._iter(fitted=True, column_as_labels=False,
                                                 skip_drop=True, skip_empty_columns=True)]
        for out, name in zip(Xs, names):
            if not (getattr(out, "ndim", 0) == 2 or is_dataframe(out)):
                raise ValueError(f"The output of the '{name}' transformer should be 2D (numpy "
                                 "array, scipy sparse array, dataframe).")
        if get_output_config("transform", self)["dense"] == "pandas":
            return
        for out, name in zip(Xs, names):  # pandas.NA would become object arrays of NA
            if not is_pandas_df(out):
                continue
            na = __import__("pandas").NA
            for col, dtype in out.dtypes.items():
                if getattr(dtype, "na_value", None) is na and out[col].isna().any():
                    raise ValueError(
                        f"The output of the '{name}' transformer for column '{col}' has dtype "
                        f"{dtype} and uses pandas.NA to represent null values. Storing this "
                        "output in a numpy array can cause errors in downstream estimators, "
                        "and inefficiencies. To avoid this problem you can (i) store the "
                        f"output in a pandas DataFrame by using {type(self).__name__}."
                        "set_output(transform='pandas') or (ii) modify the input data or the "
                        f"'{name}' transformer to avoid the presence of pandas.NA (for example "
                        "by using pandas.DataFrame.astype).")

    def _record_output_indices(self, Xs):
        self.output_indices_ = {}
        start = 0
        entries = self._iter(fitted=True, column_as_labels=False, skip_drop=True,
                             skip_empty_columns=True)
        for (name, *_), out in zip(entries, Xs):
            self.output_indices_[name] = slice(start, start + out.shape[1])
            start += out.shape[1]
        for name in [t[0] for t in self.transformers] + ["remainder"]:
            self.output_indices_.setdefault(name, slice(0, 0))

    def _hstack(self, Xs, n_samples):
        if self.sparse_output_:
            import scipy.sparse as sp

            try:
                parts = [x if _is_sparse(x) else
                         check_array(x, dtype="numeric", ensure_all_finite=False) for x in Xs]
            except ValueError as exc:
                raise ValueError("For a sparse output, all columns should be a numeric or "
                                 "convertible to a numeric.") from exc
            return sp.hstack(parts).tocsr()
        Xs = [x.toarray() if _is_sparse(x) else x for x in Xs]
        dense = get_output_config("transform", self)["dense"]
        adapter = ADAPTERS.get(dense)
        if adapter is not None and all(adapter.is_supported_container(x) for x in Xs):
            # names of outputs whose transformer has no get_feature_names_out
            self._transformers_feature_names_out = np.concatenate(
                [np.asarray(get_feature_names(x) if get_feature_names(x) is not None else
                            [str(c) for c in x.columns], dtype=object) for x in Xs])
            # temporary unique names: outputs of two transformers may share names
            Xs = [adapter.rename_columns(x, [f"tmp_col_name_{i}_{j}" for j in
                                             range(x.shape[1])]) for i, x in enumerate(Xs)]
            out = adapter.hstack(Xs)
            if out.shape[0] != n_samples:
                raise ValueError(
                    "Concatenating DataFrames from the transformer's output lead to an "
                    "inconsistent number of samples. The output may have Pandas Indexes that "
                    "do not match, or that transformers are returning number of samples "
                    "which are not the same as the number input samples.")
            return out
        Xs = [x.to_numpy() if is_dataframe(x) else np.asarray(x) for x in Xs]
        return np.hstack(Xs)

    # -- fitted attributes and names --------------------------------------------------
    @property
    def named_transformers_(self):
        """The fitted transformers by name (a dict with attribute access)."""
        from ..datasets._base import Bunch

        return Bunch(**{name: trans for name, trans, _ in self.transformers_})

    def __getitem__(self, key):
        """A fitted transformer by name (ct["scale"])."""
        try:
            return self.named_transformers_[key]
        except AttributeError as exc:
            raise TypeError("ColumnTransformer is subscriptable after it is fitted") from exc
        except KeyError as exc:
            raise KeyError(f"'{key}' is not a valid transformer name") from exc

    def __sklearn_is_fitted__(self):
        return hasattr(self, "transformers_")

    def get_feature_names_out(self, input_features=None):
        """Output column names, "<transformer name>__<feature>" by default (see
        verbose_feature_names_out)."""
        check_is_fitted(self)
        names_in = _input_feature_names(self, input_features)
        per_transformer = []
        for name, trans, _, _ in self._iter(fitted=True, column_as_labels=False,
                                            skip_drop=True, skip_empty_columns=True):
            cols = names_in[self._transformer_to_input_indices[name]]
            if hasattr(trans, "get_feature_names_out"):
                per_transformer.append((name, trans.get_feature_names_out(cols)))
            elif hasattr(self, "_transformers_feature_names_out"):
                # a transformer with DataFrame output but no get_feature_names_out
                per_transformer.append(
                    (name, self._transformers_feature_names_out[self.output_indices_[name]]))
            else:
                raise AttributeError(f"Transformer {name} (type {type(trans).__name__}) does "
                                     "not provide get_feature_names_out.")
        if not per_transformer:
            return np.array([], dtype=object)
        return self._prefixed_names(per_transformer)

    def _prefixed_names(self, per_transformer):
        fmt = self.verbose_feature_names_out
        if fmt is True:
            fmt = "{transformer_name}__{feature_name}"
        if isinstance(fmt, str):
            def fmt_fn(t, f):
                return fmt.format(transformer_name=t, feature_name=f)
        elif callable(fmt):
            fmt_fn = fmt
        else:
            fmt_fn = None
        if fmt_fn is not None:
            return np.asarray([fmt_fn(t, f) for t, names in per_transformer for f in names],
                              dtype=object)
        counts = collections.Counter(itertools.chain.from_iterable(n for _, n in
                                                                   per_transformer))
        overlap = sorted(n for n, c in counts.most_common(6) if c > 1)
        if overlap:
            shown = str(overlap[:5])[:-1] + ", ...]" if len(overlap) == 6 else str(overlap)
            raise ValueError(f"Output feature names: {shown} are not unique. Please set "
                             "verbose_feature_names_out=True to add prefixes to feature names")
        return np.concatenate([np.asarray(n, dtype=object) for _, n in per_transformer])

    def _fastml_tags(self):
        return {"allow_nan": True}


def make_column_transformer(*transformers, remainder="drop", sparse_threshold=0.3,
                            n_jobs=None, verbose=False, verbose_feature_names_out=True):
    """ColumnTransformer from (transformer, columns) pairs, named after the
    lower-cased class names."""
    trans, columns = zip(*transformers) if transformers else ((), ())
    named = [(name, t, c) for (name, t), c in zip(_name_estimators(trans), columns)]
    return ColumnTransformer(named, remainder=remainder, sparse_threshold=sparse_threshold,
                             n_jobs=n_jobs, verbose=verbose,
                             verbose_feature_names_out=verbose_feature_names_out)


class make_column_selector:
    """Callable selecting DataFrame columns (pandas or polars) by a regex
    `pattern` on the names and/or by dtype (`dtype_include` / `dtype_exclude`
    as pandas' select_dtypes understands them; for polars, polars dtypes or
    Python types). Returns the selected names in column order."""

    def __init__(self, pattern=None, *, dtype_include=None, dtype_exclude=None):
        self.pattern = pattern
        self.dtype_include = dtype_include
        self.dtype_exclude = dtype_exclude

    def __call__(self, df):
        if is_pandas_df(df):
            row = df.iloc[:1]
            if self.dtype_include is not None or self.dtype_exclude is not None:
                row = row.select_dtypes(include=self.dtype_include,
                                        exclude=self.dtype_exclude)
            cols = list(row.columns)
        elif is_polars_df(df):
            cols = [c for c, d in df.schema.items() if self._polars_keep(d)]
        else:
            raise ValueError("make_column_selector can only be applied to pandas dataframes")
        if self.pattern is not None:
            cols = [c for c in cols if re.search(self.pattern, str(c))]
        return cols

    def _polars_keep(self, dtype):
        def matches(spec):
            specs = spec if isinstance(spec, (list, tuple)) else [spec]
            for s in specs:
                if s in (np.number, "number") and dtype.is_numeric():
                    return True
                if s in (object, str, "object", "string") and dtype.to_python() is str:
                    return True
                try:
                    if dtype == s:
                        return True
                except TypeError:
                    pass
            return False
        if self.dtype_include is not None and not matches(self.dtype_include):
            return False
        return not (self.dtype_exclude is not None and matches(self.dtype_exclude))

    def __repr__(self):
        return (f"make_column_selector(pattern={self.pattern!r}, "
                f"dtype_include={self.dtype_include!r}, dtype_exclude={self.dtype_exclude!r})")
