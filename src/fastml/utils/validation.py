"""Input validation at the API edge.

Kernels trust their inputs; everything a user passes goes through these
functions once. Errors name the parameter and the offending value/shape.
Messages follow scikit-learn's wording where tools depend on it (e.g.
"Input X contains NaN.", "X has 3 features, but ... is expecting 4").
"""
import numbers
import os
import sys
import warnings

import numpy as np

from .._kernels import _threads

from ..exceptions import DataConversionWarning, NotFittedError
from ._param_validation import max_n_jobs, validate_parameter_constraints

FLOAT_DTYPES = (np.float64, np.float32)


def _is_sparse(X):
    return hasattr(X, "tocsr") and hasattr(X, "nnz")


def _assert_all_finite(X, input_name):
    if X.dtype.kind not in "fc":
        return
    # np.isfinite over the whole array is one fast pass; only on failure do we
    # look for which kind of bad value it is.
    if not np.isfinite(X).all():
        if np.isnan(X).any():
            raise ValueError(f"Input {input_name} contains NaN.")
        raise ValueError(
            f"Input {input_name} contains infinity or a value too large for {X.dtype!r}."
        )


def check_array(
    X,
    *,
    dtype=FLOAT_DTYPES,
    ensure_2d=True,
    allow_nd=False,
    ensure_all_finite=True,
    ensure_min_samples=1,
    ensure_min_features=1,
    copy=False,
    order="C",
    input_name="X",
):
    """Validate an array-like and return a NumPy array.

    Parameters
    ----------
    dtype : dtype, tuple of dtypes, "numeric" or None
        A tuple keeps the input's dtype when it is in the tuple and converts to
        the first entry otherwise (float32 stays float32: no silent upcast).
        "numeric" keeps any numeric dtype (object arrays become float64).
        None keeps the dtype as is.
    ensure_all_finite : bool
        Reject NaN and +/-inf with a ValueError naming `input_name`.
    order : "C" or None
        "C" returns a C-contiguous array (copying only when needed). Read-only
        inputs are accepted; they are copied only if `copy` is true.
    """
    if _is_sparse(X):
        raise TypeError(
            f"Sparse data was passed for {input_name}, but dense data is required. "
            "Use X.toarray() to convert to a dense numpy array."
        )
    if isinstance(X, np.ndarray) and X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported for {input_name}.")
    orig_dtype = getattr(X, "dtype", None)
    if isinstance(dtype, tuple):
        keep = orig_dtype is not None and any(orig_dtype == np.dtype(d) for d in dtype)
        target = None if keep else dtype[0]
    elif dtype == "numeric":
        target = None
        if orig_dtype is not None and (orig_dtype.kind in "OUSV"):
            target = np.float64
    else:
        target = dtype
    arr = np.asarray(X, dtype=target)
    if arr.dtype.kind == "c":
        raise ValueError(f"Complex data not supported for {input_name}.")
    if dtype == "numeric" and arr.dtype.kind in "OUS":
        arr = arr.astype(np.float64)
    if ensure_2d:
        if arr.ndim == 0:
            raise ValueError(
                f"Expected 2D array, got scalar array instead:\n{input_name}={X!r}.\n"
                "Reshape your data using array.reshape(1, -1)."
            )
        if arr.ndim == 1:  # scikit-learn's wording, naming the parameter
            raise ValueError(
                f"Expected 2D array, got 1D array instead:\n{input_name}={arr}.\n"
                "Reshape your data either using array.reshape(-1, 1) if your data has a "
                "single feature or array.reshape(1, -1) if it contains a single sample."
            )
        if arr.ndim > 2 and not allow_nd:
            raise ValueError(
                f"Found array with dim {arr.ndim} for {input_name}; expected <= 2."
            )
    if ensure_all_finite:
        _assert_all_finite(arr, input_name)
    if ensure_min_samples > 0 and arr.ndim >= 1:
        n = arr.shape[0]
        if n < ensure_min_samples:
            raise ValueError(
                f"Found array with {n} sample(s) (shape={arr.shape}) while a minimum "
                f"of {ensure_min_samples} is required for {input_name}."
            )
    if ensure_min_features > 0 and arr.ndim == 2:
        f = arr.shape[1]
        if f < ensure_min_features:
            raise ValueError(
                f"Found array with {f} feature(s) (shape={arr.shape}) while a minimum "
                f"of {ensure_min_features} is required for {input_name}."
            )
    if order == "C" and not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    elif copy and isinstance(X, np.ndarray) and np.may_share_memory(arr, X):
        arr = arr.copy(order="C" if order == "C" else "K")
    return arr


def column_or_1d(y, *, warn=False, input_name="y"):
    """Ravel a column vector (n, 1) to (n,), warning when `warn` is true."""
    y = np.asarray(y)
    if y.ndim == 1:
        return y
    if y.ndim == 2 and y.shape[1] == 1:
        if warn:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please "
                "change the shape of y to (n_samples, ), for example using ravel().",
                _interop_class(DataConversionWarning),
                stacklevel=3,
            )
        return y.ravel()
    raise ValueError(
        f"{input_name} should be a 1d array, got an array of shape {y.shape} instead."
    )


def check_consistent_length(*arrays):
    """Check that every array has the same number of samples (first dimension).

    Parameters
    ----------
    *arrays : array-like or None
        Objects with a ``len``; None entries are skipped.

    Raises
    ------
    ValueError
        Listing the lengths found when they differ (scikit-learn's message).

    Examples
    --------
    >>> from fastml.utils import check_consistent_length
    >>> check_consistent_length([1, 2, 3], [[1], [2], [3]], None)
    >>> check_consistent_length([1, 2, 3], [1, 2])
    Traceback (most recent call last):
        ...
    ValueError: Found input variables with inconsistent numbers of samples: [3, 2]
    """
    lengths = [len(a) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: {lengths}"
        )


def check_X_y(X, y, *, dtype=FLOAT_DTYPES, multi_output=False, y_numeric=False,
              ensure_min_samples=1):
    """Validate X like check_array and y as a 1-D (or 2-D if multi_output) array."""
    if y is None:
        raise ValueError("This estimator requires y to be passed, but the target y is None.")
    X = check_array(X, dtype=dtype, ensure_min_samples=ensure_min_samples)
    if multi_output:
        y = check_array(y, dtype=None, ensure_2d=False, ensure_all_finite=False,
                        input_name="y")
    else:
        y = column_or_1d(y, warn=True)
    if y_numeric and y.dtype.kind in "OUS":
        y = _y_as_float(y)
    # after the conversion: an object y holding None or NaN is only seen as NaN here
    _assert_all_finite(y, "y")
    check_consistent_length(X, y)
    return X, y


def _y_as_float(y):
    """Object/string regression target -> float64, naming y when it is not numeric."""
    try:
        out = y.astype(np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"Input y must be numeric for a regressor, got dtype {y.dtype} with "
                         f"a value that cannot be converted to float ({e}).") from None
    if y.dtype.kind == "O" and np.isnan(out).any() and any(v is None for v in y.ravel()):
        raise ValueError("Input y contains NaN (None entries of an object array are missing "
                         "values; a regressor needs a number for every target).")
    return out


def check_random_state(seed):
    """None, int, RandomState or Generator -> np.random.RandomState-like object.

    Returns the object itself for RandomState/Generator, a new seeded
    RandomState for an int, and the global RandomState for None.
    """
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral):
        if seed < 0 or seed >= 2**32:
            raise ValueError(f"random_state must be in [0, 2**32), got {seed}.")
        return np.random.RandomState(int(seed))
    if isinstance(seed, (np.random.RandomState, np.random.Generator)):
        return seed
    raise ValueError(f"random_state={seed!r} cannot be used to seed a RandomState instance.")


def _interop_class(cls):
    """`cls` (kept for callers): fastml's exception classes derive from
    scikit-learn's of the same name once scikit-learn is loaded (see
    fastml.exceptions.link_sklearn), so no combined class is needed."""
    from ..exceptions import link_sklearn

    link_sklearn()
    return cls


def check_is_fitted(estimator, attributes=None):
    """Raise NotFittedError unless `estimator` has fitted attributes.

    Fitted attributes are those ending in "_" (set by fit), or the names given.
    """
    if attributes is not None:
        names = [attributes] if isinstance(attributes, str) else list(attributes)
        fitted = all(hasattr(estimator, a) for a in names)
    elif hasattr(estimator, "__sklearn_is_fitted__"):
        fitted = estimator.__sklearn_is_fitted__()
    else:
        fitted = any(k.endswith("_") and not k.startswith("__") for k in vars(estimator))
    if not fitted:
        raise _interop_class(NotFittedError)(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' "
            "with appropriate arguments before using this estimator."
        )


def check_classification_targets(y):
    """Reject continuous targets for a classifier."""
    y = np.asarray(y)
    if y.dtype.kind == "f" and y.size and not np.all(np.mod(y, 1) == 0):
        raise ValueError(
            "Unknown label type: continuous. Maybe you are trying to fit a classifier, "
            "which expects discrete classes on a regression target with continuous values."
        )
    if y.ndim != 1:
        raise ValueError(f"Unknown label type: y has shape {y.shape}; expected (n_samples,).")


def _check_sample_weight(sample_weight, X, dtype=np.float64, *, allow_all_zero=False):
    """Validated sample weights: None stays None (unit weights), a number is
    broadcast, an array must have shape (n_samples,), be finite and
    non-negative, and (unless allow_all_zero) not sum to zero.

    X is the validated data (or n_samples). Returns a C-contiguous array of
    `dtype` (float64 by default; k-means passes X.dtype).
    """
    n = X if isinstance(X, numbers.Integral) else X.shape[0]
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number) and not isinstance(sample_weight, bool):
        sw = np.full(n, sample_weight, dtype=dtype)
    else:
        try:
            sw = np.asarray(sample_weight, dtype=dtype)
        except (TypeError, ValueError):
            raise ValueError(f"sample_weight must be numeric, got {sample_weight!r}.") from None
        if sw.ndim == 0:  # a 0-d array is not a scalar weight (scikit-learn's error)
            raise TypeError("Input should have at least 1 dimension i.e. satisfy "
                            f"`len(x.shape) > 0`, got scalar `{sw!r}` instead.")
        if sw.ndim != 1:
            raise ValueError("Sample weights must be 1D array or scalar")
        if sw.shape[0] != n:
            raise ValueError(f"sample_weight.shape == {sw.shape}, expected ({n},)!")
    if not np.isfinite(sw).all():
        if np.isnan(sw).any():
            raise ValueError("Input sample_weight contains NaN.")
        raise ValueError("Input sample_weight contains infinity or a value too large for "
                         f"{sw.dtype!r}.")
    if (sw < 0).any():
        raise ValueError("Negative values in data passed to `sample_weight`.")
    if not allow_all_zero and not sw.sum() > 0:
        raise ValueError("Sample weights must not all be zero (sample_weight sums to 0).")
    return np.ascontiguousarray(sw)


_N_JOBS = {"n_jobs": ["n_jobs"]}


def resolve_n_jobs(n_jobs):
    """The thread count for `n_jobs`, resolved once at the Python edge.

    None -> the global default (fastml.get_num_threads()); -1 -> all cores;
    -k -> cores + 1 - k (at least 1); k > 0 -> min(k, 4 x os.cpu_count()):
    scikit-learn accepts any positive n_jobs (joblib starts that many
    workers), fastml caps the threads so n_jobs=32 on a 2-core machine runs
    8 threads instead of failing or oversubscribing. 0, bools and
    non-integers are rejected (a ValueError naming n_jobs).
    """
    validate_parameter_constraints(_N_JOBS, {"n_jobs": n_jobs}, "resolve_n_jobs")
    if n_jobs is None:
        return _threads.default()
    cores = os.cpu_count() or 1
    if n_jobs < 0:
        return max(1, cores + 1 + int(n_jobs))
    return min(int(n_jobs), max_n_jobs())
