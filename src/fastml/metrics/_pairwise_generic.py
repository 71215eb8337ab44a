"""pairwise_distances for the metrics the compiled distance kernels do not
cover: precomputed matrices, callables, minkowski with weights `w`, the
scipy.spatial metrics (braycurtis, canberra, correlation, seuclidean,
mahalanobis and the boolean ones, through scipy's cdist/pdist), haversine
and nan_euclidean (NumPy here). Results follow scikit-learn's conventions
(float64 except where noted, an exact 0 diagonal for Y is X)."""
import warnings

import numpy as np

from ..utils._sparse import is_sparse
from ..utils.validation import check_array

SCIPY_METRICS = ("braycurtis", "canberra", "correlation", "seuclidean", "mahalanobis",
                 "dice", "jaccard", "rogerstanimoto", "russellrao", "sokalmichener",
                 "sokalsneath", "yule")
BOOLEAN_METRICS = ("dice", "jaccard", "rogerstanimoto", "russellrao", "sokalmichener",
                   "sokalsneath", "yule")
OWN_METRICS = ("haversine", "nan_euclidean")
GENERIC_METRICS = SCIPY_METRICS + OWN_METRICS


def precomputed(X, Y):
    """X itself (validated: finite, non-negative, (n_queries, n_indexed))."""
    X = check_array(X, input_name="X", dtype=None)
    if X.dtype.kind not in "f":
        X = X.astype(np.float64)
    n_indexed = X.shape[0] if Y is None else np.shape(Y)[0]
    if X.shape[1] != n_indexed:
        raise ValueError(f"Precomputed metric requires shape (n_queries, n_indexed). Got "
                         f"{X.shape} for {n_indexed} indexed.")
    if (X < 0).any():
        raise ValueError("Negative values in data passed to `pairwise_distances`. "
                         "Precomputed distance  need to have non-negative values.")
    return X


def _as_items(A):
    """Rows of a 2-D array / sparse matrix, or the elements of a 1-D sequence
    (e.g. strings) for a callable metric."""
    if is_sparse(A):
        A = A.tocsr()
        return [A[i] for i in range(A.shape[0])]
    arr = np.asarray(A, dtype=object) if not isinstance(A, np.ndarray) else A
    if arr.ndim == 2 and arr.dtype == object:
        arr = np.asarray(A)
    return [arr[i] for i in range(arr.shape[0])]


def callable_distances(X, Y, metric, kwds):
    """D[i, j] = metric(X[i], Y[j], **kwds) (float64); for Y None each pair
    once, mirrored, with the diagonal evaluated too (non-strict metrics)."""
    if not is_sparse(X) and not isinstance(X, np.ndarray):
        arr = np.asarray(X)
        X = arr if arr.dtype != object else X
    xs = _as_items(X)
    if Y is None:
        n = len(xs)
        D = np.empty((n, n))
        for i in range(n):
            for j in range(i, n):
                D[i, j] = D[j, i] = metric(xs[i], xs[j], **kwds)
        return D
    ys = _as_items(Y)
    if isinstance(X, np.ndarray) and isinstance(Y, np.ndarray) and X.ndim == Y.ndim == 2 \
            and X.shape[1] != Y.shape[1]:
        raise ValueError(f"Incompatible dimension for X and Y matrices: X.shape[1] == "
                         f"{X.shape[1]} while Y.shape[1] == {Y.shape[1]}.")
    D = np.empty((len(xs), len(ys)))
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            D[i, j] = metric(x, y, **kwds)
    return D


def haversine(X, Y):
    """Great-circle distances (unit sphere) between (latitude, longitude)
    rows in radians."""
    if X.shape[1] != 2 or Y.shape[1] != 2:
        raise ValueError("Haversine distance only valid in 2 dimensions")
    lat1, lon1 = X[:, :1], X[:, 1:]
    lat2, lon2 = Y[:, 0][None, :], Y[:, 1][None, :]
    s = np.sin((lat1 - lat2) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * \
        np.sin((lon1 - lon2) / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.clip(s, 0, 1)))


def nan_euclidean(X, Y, same):
    """Euclidean distance over the coordinates present (not NaN) in both
    rows, scaled by n_features / n_present; NaN where none is shared. Keeps
    float32 input as float32 (computed in float64)."""
    out = X.dtype if X.dtype == Y.dtype and X.dtype.kind == "f" else np.float64
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    mx, my = ~np.isnan(X64), ~np.isnan(Y64)
    x0, y0 = np.where(mx, X64, 0.0), np.where(my, Y64, 0.0)
    s = (x0 * x0) @ my.T.astype(np.float64) + mx.astype(np.float64) @ (y0 * y0).T \
        - 2.0 * (x0 @ y0.T)
    cnt = mx.astype(np.float64) @ my.T.astype(np.float64)
    np.maximum(s, 0, out=s)
    with np.errstate(divide="ignore", invalid="ignore"):
        D = np.sqrt(s * (X.shape[1] / cnt))
    D[cnt == 0] = np.nan
    if same:  # a row with no present coordinate stays NaN against itself
        idx = np.flatnonzero(np.diag(cnt) > 0)
        D[idx, idx] = 0.0
    return D.astype(out, copy=False)


def weighted_minkowski(X, Y, p, w):
    """(sum_k w_k |x_k - y_k|^p)^(1/p), row blocks of X at a time."""
    w = np.asarray(w, dtype=np.float64).ravel()
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w has {w.shape[0]} entries, expected {X.shape[1]} (n_features).")
    if (w < 0).any():
        raise ValueError("w must be non-negative.")
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    D = np.empty((X.shape[0], Y.shape[0]))
    step = max(1, (1 << 20) // max(1, Y.shape[0] * X.shape[1]))
    for s in range(0, X.shape[0], step):
        diff = np.abs(X64[s:s + step, None, :] - Y64[None, :, :])
        if np.isinf(p):
            D[s:s + step] = np.max(np.where(w > 0, diff, 0.0), axis=2)
        else:
            D[s:s + step] = (diff ** p @ w) ** (1.0 / p)
    return D


def scipy_distances(X, Y, name, kwds, same):
    """A scipy.spatial metric; boolean metrics convert non-boolean input to
    bool with a DataConversionWarning (as scikit-learn)."""
    from scipy.spatial.distance import cdist, pdist, squareform

    kwds = dict(kwds)
    if name in BOOLEAN_METRICS:
        if X.dtype != bool or (not same and Y.dtype != bool):
            from ..exceptions import DataConversionWarning
            from ..utils.validation import _interop_class

            warnings.warn(f"Data was converted to boolean for metric {name}",
                          _interop_class(DataConversionWarning), stacklevel=3)
        X = X.astype(bool)
        Y = X if same else Y.astype(bool)
        if name == "sokalmichener":
            name = "rogerstanimoto"  # the same formula; scipy dropped the alias
    else:
        X = X.astype(np.float64)
        Y = X if same else Y.astype(np.float64)
    if name == "seuclidean" and "V" not in kwds:
        if not same:
            raise ValueError("The 'V' parameter is required for the seuclidean metric when "
                             "Y is passed.")
        kwds["V"] = np.var(X, axis=0, ddof=1)
    if name == "mahalanobis" and "VI" not in kwds:
        if not same:
            raise ValueError("The 'VI' parameter is required for the mahalanobis metric when "
                             "Y is passed.")
        kwds["VI"] = np.linalg.inv(np.cov(X.T)).T
    if same:
        return squareform(pdist(X, name, **kwds))
    return cdist(X, Y, name, **kwds)
