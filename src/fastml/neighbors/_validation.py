"""Parameter and input checks shared by KDTree and the KNN estimators."""
import math
import numbers

import numpy as np

from ..metrics.pairwise import resolve_metric
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils.validation import check_array

TREE_METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski")
_NAMES = ("euclidean", "l2", "sqeuclidean", "manhattan", "cityblock", "l1", "chebyshev",
          "infinity", "minkowski")
METRIC_OPTIONS = StrOptions(_NAMES)
# p > 0 as scikit-learn declares it (p = inf is chebyshev); minkowski needs
# p >= 1 to be a metric, which check_metric adds
P_CONSTRAINT = Interval(numbers.Real, 0, math.inf, closed="right")


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


# Largest leaf the k-d tree is built with. Exact results do not depend on the
# leaf size, but the first leaf a query scans is ranked in O(leaf^2) (see
# csrc/kdtree.c, "Top-k"), so a huge leaf_size (10**9, or n_samples) would make
# every query O(n^2). Measured on 20 000 points (d = 3 and 16): 64-512 are
# within noise of each other, 1024 is 2-6x slower, 4000 is ~50x slower.
MAX_LEAF_SIZE = 1024


def effective_leaf_size(leaf_size, n_samples):
    """The leaf size the tree is built with: leaf_size capped at MAX_LEAF_SIZE
    (and at n_samples, which is the same tree)."""
    return int(max(1, min(leaf_size, MAX_LEAF_SIZE, n_samples)))


_QUERY_K = {"k": [Interval(numbers.Integral, 1, None, closed="left")]}
_QUERY_N_NEIGHBORS = {"n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")]}


def check_k(k, caller, name="k"):
    """A query's k (or n_neighbors) as an int >= 1 (InvalidParameterError otherwise)."""
    validate_parameter_constraints(_QUERY_K if name == "k" else _QUERY_N_NEIGHBORS,
                                   {name: k}, caller)
    return int(k)


def check_query(X, dtype, n_features, name="X", estimator=None):
    """Validated C-contiguous query array in the training dtype."""
    if estimator is not None:  # a DataFrame's column names against the fitted ones
        estimator._check_feature_names(X, reset=False)
    X = check_array(X, input_name=name)
    if estimator is not None:
        estimator._check_n_features(X, reset=False)
    if X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but the fitted data has "
                         f"{n_features} features.")
    if X.dtype != dtype:
        if np.dtype(dtype) == np.float32 and X.size and \
                max(X.max(), -X.min()) > np.finfo(np.float32).max:
            raise ValueError(f"{name} holds values beyond float32's range, but the fitted "
                             f"data is float32: fit on float64 data to query them.")
        X = np.ascontiguousarray(X, dtype=dtype)
    return X


def check_radius(r, nq, name="r", allow_inf=False):
    """float64 array of 1 or nq finite radii >= 0 (+inf too with allow_inf);
    errors name the parameter."""
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
    ok = ~np.isnan(arr) & (arr >= 0) & (allow_inf | np.isfinite(arr))
    if not np.all(ok):
        raise ValueError(f"{name} must be {'' if allow_inf else 'finite and '}>= 0, "
                         f"got {name}={r!r}.")
    return np.ascontiguousarray(arr)


GRAPH_MODES = ("connectivity", "distance")


def check_mode(mode):
    """mode of the *_graph functions: "connectivity" (ones) or "distance"."""
    if not isinstance(mode, str) or mode not in GRAPH_MODES:
        raise ValueError('Unsupported mode, must be one of "connectivity", or "distance" but '
                         f'got "{mode}" instead')
    return mode
