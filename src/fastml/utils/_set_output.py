"""DataFrame interoperability: feature names read from pandas / polars input,
DataFrame -> NumPy conversion that keeps the dtype, and ``set_output``
(transformers returning pandas or polars DataFrames).

pandas and polars are optional: they are never imported here unless the user
asked for their output (``set_output(transform="pandas")``) -- an input
DataFrame is recognised through ``sys.modules``, since a process holding one
has loaded its library already.

``set_output`` follows scikit-learn's semantics: every transformer class gets
its ``transform`` and ``fit_transform`` wrapped when the class is created
(`_SetOutputMixin.__init_subclass__`); the wrapper turns the array the method
returned into the configured container, with the columns from
``get_feature_names_out()`` and, for a pandas input, the input's index. The
container is the estimator's own setting (``set_output``) or else the global
one (``fastml.set_config(transform_output=...)``).
"""
import functools
import sys
import types

import numpy as np

__all__ = ["get_feature_names", "is_pandas_df", "is_polars_df", "is_dataframe",
           "dataframe_to_numpy", "available_if"]


# ---- recognising DataFrames ----------------------------------------------------
def is_pandas_df(X):
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(X, pd.DataFrame)


def is_polars_df(X):
    pl = sys.modules.get("polars")
    return pl is not None and isinstance(X, pl.DataFrame)


def is_dataframe(X):
    return is_pandas_df(X) or is_polars_df(X)


def get_feature_names(X):
    """Column names of a pandas / polars DataFrame as an object array of str,
    or None: for other containers, for no columns, and for non-string names
    (e.g. pandas' default integer columns). Mixing str with other name types
    is a TypeError, as in scikit-learn."""
    if is_pandas_df(X):
        names = np.asarray(X.columns, dtype=object)
    elif is_polars_df(X):
        names = np.asarray(X.columns, dtype=object)
    else:
        return None
    if len(names) == 0:
        return None
    kinds = sorted({type(v).__qualname__ for v in names})
    if len(kinds) > 1 and "str" in kinds:
        raise TypeError(
            "Feature names are only supported if all input features have string names, "
            f"but your input has {kinds} as feature name / column name types. "
            "If you want feature names to be stored and validated, you must convert "
            "them all to strings, by using X.columns = X.columns.astype(str) for "
            "example. Otherwise you can remove feature / column names from your input "
            "data, or convert them all to a non-string data type.")
    if kinds == ["str"]:
        return names
    return None


def _pandas_column_dtype(dtype):
    """NumPy dtype a pandas column converts to without loss (None: object)."""
    if isinstance(dtype, np.dtype):
        return dtype
    kind = getattr(dtype, "kind", "O")
    if kind in "iub":  # nullable Int64 / boolean: may hold pd.NA -> float
        return np.dtype(np.float64)
    if kind == "f":  # Float32 / Float64 extension dtypes
        return np.dtype(getattr(dtype, "numpy_dtype", np.float64))
    return None


def dataframe_to_numpy(X):
    """A pandas / polars DataFrame as a 2-D NumPy array whose dtype is the
    columns' common dtype (all-float32 columns stay float32; nullable pandas
    columns become float with NaN for missing values); anything else is
    returned as is."""
    if is_pandas_df(X):
        dtypes = [_pandas_column_dtype(d) for d in X.dtypes]
        if dtypes and all(d is not None for d in dtypes):
            common = np.result_type(*dtypes)
            if any(not isinstance(d, np.dtype) for d in X.dtypes):
                return X.to_numpy(dtype=common, na_value=np.nan)
            return X.to_numpy(dtype=common)
        return X.to_numpy()
    if is_polars_df(X):
        return X.to_numpy()
    return X


# ---- output containers -----------------------------------------------------------
def _require(library):
    try:
        return __import__(library)
    except ImportError as exc:
        raise ImportError(f"Setting output container to '{library}' requires {library} to "
                          "be installed") from exc


class _PandasAdapter:
    container_lib = "pandas"

    def create_container(self, X_output, X_original, columns, inplace=True):
        pd = _require("pandas")
        if not inplace or not isinstance(X_output, pd.DataFrame):
            if isinstance(X_output, pd.DataFrame):
                index = X_output.index
            elif isinstance(X_original, (pd.DataFrame, pd.Series)):
                index = X_original.index
            else:
                index = None
            X_output = pd.DataFrame(X_output, index=index, copy=not inplace)
        return X_output if columns is None else self.rename_columns(X_output, columns)

    def is_supported_container(self, X):
        return is_pandas_df(X)

    def rename_columns(self, X, columns):
        X.columns = columns
        return X

    def hstack(self, Xs):
        return _require("pandas").concat(Xs, axis=1)


class _PolarsAdapter:
    container_lib = "polars"

    def create_container(self, X_output, X_original, columns, inplace=True):
        pl = _require("polars")
        if columns is not None and not isinstance(columns, list):
            columns = [str(c) for c in columns]
        if not inplace or not isinstance(X_output, pl.DataFrame):
            return pl.DataFrame(X_output, schema=columns, orient="row")
        return X_output if columns is None else self.rename_columns(X_output, columns)

    def is_supported_container(self, X):
        return is_polars_df(X)

    def rename_columns(self, X, columns):
        X.columns = [str(c) for c in columns]
        return X

    def hstack(self, Xs):
        return _require("polars").concat(Xs, how="horizontal")


ADAPTERS = {"pandas": _PandasAdapter(), "polars": _PolarsAdapter()}
OUTPUT_OPTIONS = ("default", "pandas", "polars")


def adapter_for_container(X):
    """The adapter of the library X is a DataFrame of (ValueError otherwise)."""
    for adapter in ADAPTERS.values():
        if adapter.is_supported_container(X):
            return adapter
    raise ValueError(f"The container does not have a registered adapter in fastml. "
                     f"Available adapters are: {sorted(ADAPTERS)} while the container "
                     f"provided is: {X!r}.")


def get_output_config(method, estimator=None):
    """{"dense": "default" | "pandas" | "polars"} for `method` ("transform")."""
    own = getattr(estimator, "_sklearn_output_config", {})
    if method in own:
        dense = own[method]
    else:
        from .._config import get_config

        dense = get_config()[f"{method}_output"]
    if dense not in OUTPUT_OPTIONS:
        raise ValueError(f"output config must be in {sorted(OUTPUT_OPTIONS)}, got {dense}")
    return {"dense": dense}


def _columns(estimator):
    try:
        return estimator.get_feature_names_out()
    except AttributeError as exc:
        if "get_feature_names_out" in str(exc):
            return None
        raise


def wrap_data_with_container(method, data, original_input, estimator):
    """`data` (the array `method` returned) in the container configured for
    `estimator`; unchanged for "default"."""
    dense = get_output_config(method, estimator)["dense"]
    if dense == "default" or not auto_wrap_is_configured(estimator):
        return data
    if hasattr(data, "tocsr") and hasattr(data, "nnz"):
        raise ValueError(
            "The transformer outputs a scipy sparse matrix. Try to set the transformer "
            "output to a dense array or disable "
            f"{dense.capitalize()} output with set_output(transform='default').")
    return ADAPTERS[dense].create_container(data, original_input, columns=_columns(estimator))


def _wrap_method_output(f, method):
    @functools.wraps(f)
    def wrapped(self, X, *args, **kwargs):
        data = f(self, X, *args, **kwargs)
        if isinstance(data, tuple):
            out = (wrap_data_with_container(method, data[0], X, self), *data[1:])
            return type(data)._make(out) if hasattr(type(data), "_make") else out
        return wrap_data_with_container(method, data, X, self)

    wrapped._fastml_wrapped_output = True
    return wrapped


def auto_wrap_is_configured(estimator):
    keys = getattr(estimator, "_sklearn_auto_wrap_output_keys", set())
    return hasattr(estimator, "get_feature_names_out") and "transform" in keys


class available_if:
    """Method decorator: the method exists (hasattr is True) only on instances
    for which check(instance) is true; otherwise getattr raises AttributeError."""

    def __init__(self, check):
        self.check = check

    def __call__(self, fn):
        self.fn = fn
        functools.update_wrapper(self, fn)
        return self

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.fn
        message = f"This {type(obj).__name__!r} has no attribute {self.fn.__name__!r}"
        try:
            ok = self.check(obj)
        except AttributeError as exc:  # the check's own reason becomes the cause
            raise AttributeError(message) from exc
        if not ok:
            raise AttributeError(message)
        return types.MethodType(self.fn, obj)


class _SetOutputMixin:
    """Wraps `transform` / `fit_transform` of each subclass so their output
    follows `set_output` (or the global transform_output). A class opts out
    with ``class T(TransformerMixin, auto_wrap_output_keys=None)``."""

    def __init_subclass__(cls, auto_wrap_output_keys=("transform",), **kwargs):
        super().__init_subclass__(**kwargs)
        if not (isinstance(auto_wrap_output_keys, tuple) or auto_wrap_output_keys is None):
            raise ValueError("auto_wrap_output_keys must be None or a tuple of keys.")
        if auto_wrap_output_keys is None:
            cls._sklearn_auto_wrap_output_keys = set()
            return
        cls._sklearn_auto_wrap_output_keys = set()
        for method in ("transform", "fit_transform"):
            if not hasattr(cls, method) or "transform" not in auto_wrap_output_keys:
                continue
            cls._sklearn_auto_wrap_output_keys.add("transform")
            if method not in cls.__dict__ or \
                    getattr(cls.__dict__[method], "_fastml_wrapped_output", False):
                continue
            setattr(cls, method, _wrap_method_output(cls.__dict__[method], "transform"))

    @available_if(auto_wrap_is_configured)
    def set_output(self, *, transform=None):
        """Container of `transform` / `fit_transform` output: "default" (NumPy),
        "pandas" or "polars" DataFrames with the columns of
        get_feature_names_out(); None leaves the setting unchanged. Returns self."""
        if transform is None:
            return self
        if transform not in OUTPUT_OPTIONS:
            raise ValueError(f"output config must be in {sorted(OUTPUT_OPTIONS)}, got "
                             f"{transform}")
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self


def safe_set_output(estimator, *, transform=None):
    """estimator.set_output(transform=...) for a step of a meta-estimator: a
    no-op for None or estimators without transform, ValueError if the
    estimator transforms but cannot configure its output."""
    if transform is None:
        return estimator
    if not (hasattr(estimator, "transform") or hasattr(estimator, "fit_transform")):
        return estimator
    if not hasattr(estimator, "set_output"):
        raise ValueError(f"Unable to configure output for {estimator} because `set_output` "
                         "is not available.")
    return estimator.set_output(transform=transform)
