"""Parameter and input checks shared by KDTree and the KNN estimators."""
import math
import numbers

import numpy as np

from ..metrics.pairwise import resolve_metric
from ..utils.validation import check_array

TREE_METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski")
_NAMES = ("euclidean", "l2", "sqeuclidean", "manhattan", "cityblock", "l1", "chebyshev",
          "infinity", "minkowski")


def check_metric(metric, p, *, allow_callable=True):
    """(canonical name or "callable", p as float). Raises ValueError naming the value."""
    if callable(metric):
        if not allow_callable:
            raise ValueError(f"metric={metric!r}: a callable metric is not supported here; "
                             f"use one of {', '.join(_NAMES)}.")
        return "callable", 2.0
    if not isinstance(metric, str) or metric.lower() not in _NAMES:
        raise ValueError(f"Unknown metric {metric!r}; expected one of {', '.join(_NAMES)}"
                         + (" or a callable f(x, y) -> float." if allow_callable else "."))
    if metric.lower() == "minkowski":
        if (not isinstance(p, numbers.Real) or isinstance(p, bool) or math.isnan(p)
                or p < 1):
            raise ValueError(f"p must be a number >= 1 for the minkowski metric, got p={p!r}.")
    name, p = resolve_metric(metric, p)
    return name, p


def check_int(name, value, minimum=1, allow_none=False):
    if value is None and allow_none:
        return None
    if (not isinstance(value, numbers.Integral) or isinstance(value, bool)
            or value < minimum):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {name}={value!r}.")
    return int(value)


def check_n_jobs(n_jobs):
    if n_jobs is None:
        return None
    if not isinstance(n_jobs, numbers.Integral) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None, a positive int or a negative int, "
                         f"got n_jobs={n_jobs!r}.")
    return int(n_jobs)


def check_query(X, dtype, n_features, name="X", estimator=None):
    """Validated C-contiguous query array in the training dtype."""
    X = check_array(X, input_name=name)
    if estimator is not None:
        estimator._check_n_features(X, reset=False)
    if X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but the fitted data has "
                         f"{n_features} features.")
    if X.dtype != dtype:
        X = np.ascontiguousarray(X, dtype=dtype)
    return X


def check_radius(r, nq, name="r"):
    """float64 array of 1 or nq finite radii >= 0; errors name the parameter."""
    try:
        arr = np.asarray(r, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, "
                         f"got {name}={r!r}.") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    elif arr.ndim != 1 or arr.shape[0] != nq:
        raise ValueError(f"{name} must be a scalar or have shape ({nq},), "
                         f"got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {name}={r!r}.")
    return np.ascontiguousarray(arr)


GRAPH_MODES = ("connectivity", "distance")


def check_mode(mode):
    """mode of the *_graph functions: "connectivity" (ones) or "distance"."""
    if not isinstance(mode, str) or mode not in GRAPH_MODES:
        raise ValueError(f'Unsupported mode, must be one of "connectivity" or "distance", '
                         f"got mode={mode!r}.")
    return mode
