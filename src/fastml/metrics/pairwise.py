"""Pairwise distances between the rows of two matrices."""
import math
import numbers

import numpy as np

from .._kernels import distance as _kd
from ..utils._param_validation import validate_parameter_constraints
from ..utils._sparse import is_sparse
from ..utils.validation import check_array

# user-facing names -> canonical kernel names
_ALIASES = {
    "euclidean": "euclidean", "l2": "euclidean",
    "sqeuclidean": "sqeuclidean",
    "manhattan": "manhattan", "cityblock": "manhattan", "l1": "manhattan",
    "chebyshev": "chebyshev", "infinity": "chebyshev",
    "minkowski": "minkowski",
    "cosine": "cosine",
    "hamming": "hamming",
}
PAIRWISE_METRICS = tuple(sorted(_ALIASES))


def resolve_metric(metric, p=2):
    """Validate (metric, p) and map them to a canonical kernel metric.

    minkowski with p == 1, 2 or inf becomes manhattan, euclidean or chebyshev.
    Returns (canonical_name, p).
    """
    if not isinstance(metric, str) or metric.lower() not in _ALIASES:
        raise ValueError(
            f"Unknown metric {metric!r}; expected one of {', '.join(PAIRWISE_METRICS)}."
        )
    name = _ALIASES[metric.lower()]
    if name == "minkowski":
        if not isinstance(p, numbers.Real) or isinstance(p, bool) or math.isnan(p) or p < 1:
            raise ValueError(f"p must be a number >= 1 for the minkowski metric, got p={p!r}.")
        if p == 1:
            return "manhattan", 1.0
        if p == 2:
            return "euclidean", 2.0
        if math.isinf(p):
            return "chebyshev", math.inf
    return name, float(p) if isinstance(p, numbers.Real) else 2.0


_N_JOBS = {"n_jobs": ["n_jobs"]}


def pairwise_distances(X, Y=None, metric="euclidean", *, n_jobs=None, ensure_all_finite=True,
                       **kwds):
    """Distance matrix between the rows of X and the rows of Y.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples_X, n_features)
        (n_samples_X, n_samples_Y) distances with metric="precomputed".
    Y : array-like or sparse matrix of shape (n_samples_Y, n_features), default None
        None means Y = X (the diagonal is then exactly 0).
    metric : str or callable
        Compiled kernels: "euclidean", "sqeuclidean", "manhattan" (aliases
        "cityblock", "l1"), "chebyshev", "minkowski" (with `p`), "cosine",
        "hamming" (fraction of differing features). Also "haversine",
        "nan_euclidean", "minkowski" with weights `w`, scipy's "braycurtis",
        "canberra", "correlation", "seuclidean" (`V`), "mahalanobis" (`VI`;
        both derived from X when Y is None) and the boolean metrics ("dice",
        "jaccard", "rogerstanimoto", "russellrao", "sokalmichener",
        "sokalsneath", "yule"; input converted to bool with a
        DataConversionWarning), "precomputed" (X is returned as is), or a
        callable metric(x, y, **kwds) -> float applied to every pair of rows
        (or elements, e.g. strings). Sparse input (CSR/CSC; never densified):
        euclidean, sqeuclidean, manhattan, chebyshev, cosine and callables;
        the others raise TypeError as scikit-learn does.
    n_jobs : int or None
        Threads for this call (None: the value of fastml.set_num_threads; -1 all
        cores; at most 4 x the CPU count), see fastml.utils.validation.resolve_n_jobs.
    ensure_all_finite : bool or "allow-nan"
        Reject NaN/inf in X and Y (nan_euclidean always allows NaN).
    **kwds
        The metric's parameters: p (minkowski order, default 2), w, V, VI, or
        the keyword arguments of a callable metric.

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y), dtype float32 for float32
        input (both arrays) with the compiled kernels and nan_euclidean,
        float64 otherwise.
    """
    from . import _pairwise_generic as G

    validate_parameter_constraints(_N_JOBS, {"n_jobs": n_jobs}, "pairwise_distances")
    if isinstance(metric, str) and metric == "precomputed":
        return G.precomputed(X, Y)
    if callable(metric):
        return G.callable_distances(X, Y, metric, kwds)
    name = metric.lower() if isinstance(metric, str) else metric
    if name in ("euclidean", "l2") and ({"X_norm_squared", "Y_norm_squared"} & set(kwds)):
        return euclidean_distances(X, Y, X_norm_squared=kwds.pop("X_norm_squared", None),
                                   Y_norm_squared=kwds.pop("Y_norm_squared", None))
    if name in G.GENERIC_METRICS or (name == "minkowski" and kwds.get("w") is not None):
        if is_sparse(X) or is_sparse(Y):
            raise TypeError(f"metric={metric!r} does not support sparse matrices (scipy "
                            "distance metrics do not support sparse matrices); use dense "
                            "input.")
        finite = "allow-nan" if name == "nan_euclidean" else ensure_all_finite
        X, Y, same = _generic_pair(X, Y, finite, boolean=name in G.BOOLEAN_METRICS)
        if name == "haversine":
            return G.haversine(X.astype(np.float64), Y.astype(np.float64))
        if name == "nan_euclidean":
            return G.nan_euclidean(X, Y, same)
        if name == "minkowski":
            return G.weighted_minkowski(X, Y, kwds.get("p", 2), kwds["w"])
        return G.scipy_distances(X, Y, name, kwds, same)
    p = kwds.pop("p", 2)
    if kwds:
        raise TypeError(f"pairwise_distances got unexpected keyword arguments "
                        f"{sorted(kwds)} for metric={metric!r}.")
    name, p = resolve_metric(metric, p)
    X_conv = _float_sequence(X)
    Y = None if Y is None else X_conv if Y is X else _float_sequence(Y)
    X = X_conv
    if is_sparse(X) or is_sparse(Y):
        if metric.lower() == "minkowski":  # whatever p: as scikit-learn
            raise TypeError("metric='minkowski' does not support sparse matrices; use one of "
                            "euclidean, sqeuclidean, manhattan, chebyshev, cosine or dense "
                            "input.")
        return _sparse_call("distances", X, Y, n_jobs, metric=name)
    X = check_array(X, input_name="X", ensure_all_finite=ensure_all_finite is True)
    same = Y is None or Y is X
    if same:
        Y = X
    else:
        Y = check_array(Y, input_name="Y", ensure_all_finite=ensure_all_finite is True)
        if X.dtype != Y.dtype:
            X = X.astype(np.float64)
            Y = Y.astype(np.float64)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"Incompatible dimension for X and Y matrices: X.shape[1] == {X.shape[1]} "
            f"while Y.shape[1] == {Y.shape[1]}."
        )
    from .._config import threads_scope

    with threads_scope(n_jobs):
        return _kd.pairwise_distances(X, Y, name, p, same)


def _float_sequence(A):
    """A list/tuple of float32 (or float64) values as an array of that dtype
    (check_array would make every sequence float64)."""
    if A is None or isinstance(A, np.ndarray) or is_sparse(A) or hasattr(A, "dtype") or \
            not isinstance(A, (list, tuple)):
        return A
    arr = np.asarray(A)
    return arr if arr.dtype.kind == "f" else A


def _generic_pair(X, Y, ensure_all_finite, boolean=False):
    """(X, Y, same) as NumPy arrays for the generic metrics (dtype kept:
    boolean metrics see bool input as bool)."""
    finite = ensure_all_finite is True
    dtype = None if boolean else "numeric"
    X = check_array(X, input_name="X", dtype=dtype, ensure_all_finite=finite)
    same = Y is None or Y is X
    Y = X if same else check_array(Y, input_name="Y", dtype=dtype, ensure_all_finite=finite)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"Incompatible dimension for X and Y matrices: X.shape[1] == "
                         f"{X.shape[1]} while Y.shape[1] == {Y.shape[1]}.")
    return X, Y, same


def _sparse_call(kind, X, Y, n_jobs, **kw):
    """The sparse path of the functions below (metrics/_pairwise_sparse.py)."""
    from .._config import threads_scope
    from . import _pairwise_sparse as sps

    with threads_scope(n_jobs):
        if kind == "distances":
            if kw["metric"] not in sps.SPARSE_METRICS:
                raise TypeError(f"metric={kw['metric']!r} does not support sparse matrices; "
                                f"use one of {', '.join(sps.SPARSE_METRICS)} or dense input.")
            return sps.sparse_distances(X, Y, kw["metric"], kw.get("squared", False))
        if kind == "cosine_similarity":
            return sps.sparse_cosine_similarity(X, Y, kw["dense_output"])
        return sps.sparse_linear_kernel(X, Y, kw["dense_output"])


def _norms(norms, n, name):
    norms = np.asarray(norms, dtype=np.float64)
    if norms.shape in ((n,), (n, 1), (1, n)):
        return norms.reshape(-1)
    raise ValueError(f"Incompatible dimensions for {name[0]} of shape ({n}, ...) and "
                     f"{name} of shape {norms.shape}.")


def euclidean_distances(X, Y=None, *, Y_norm_squared=None, squared=False,
                        X_norm_squared=None):
    """Euclidean (squared=True: squared euclidean) distances between the rows
    of X and Y (dense or scipy.sparse).

    Without precomputed norms the compiled kernels compute everything. Given
    X_norm_squared / Y_norm_squared (shape (n,), (n, 1) or (1, n)), the
    distances are formed as ||x||^2 - 2 x.y + ||y||^2 from them (in float64,
    returned in the input dtype), as scikit-learn does: wrong norms give wrong
    distances. float32 norms are recomputed (too coarse for the expansion)."""
    if X_norm_squared is None and Y_norm_squared is None:
        if is_sparse(X) or is_sparse(Y):
            return _sparse_call("distances", X, Y, None, metric="euclidean", squared=squared)
        return pairwise_distances(X, Y, "sqeuclidean" if squared else "euclidean")
    from . import _pairwise_sparse as sps

    same = Y is None or Y is X
    if is_sparse(X) or is_sparse(Y):
        Xc, Yc, same, out = sps.check_pair(X, Y)
        dot = sps.dot(Xc, Yc)
        xsq = lambda: np.asarray(Xc.multiply(Xc).sum(axis=1), dtype=np.float64).ravel()  # noqa
        ysq = lambda: np.asarray(Yc.multiply(Yc).sum(axis=1), dtype=np.float64).ravel()  # noqa
    else:
        Xc, Yc = _dense_pair(X, Y)
        out = Xc.dtype
        X64, Y64 = Xc.astype(np.float64), Yc.astype(np.float64)
        dot = X64 @ Y64.T
        xsq = lambda: np.einsum("ij,ij->i", X64, X64)  # noqa: E731
        ysq = lambda: np.einsum("ij,ij->i", Y64, Y64)  # noqa: E731
    # float32 norms are too coarse for the expansion: recomputed (as scikit-learn)
    if X_norm_squared is not None and np.asarray(X_norm_squared).dtype == np.float32:
        _norms(X_norm_squared, Xc.shape[0], "X_norm_squared")
        X_norm_squared = None
    if Y_norm_squared is not None and np.asarray(Y_norm_squared).dtype == np.float32:
        _norms(Y_norm_squared, Yc.shape[0], "Y_norm_squared")
        Y_norm_squared = None
    xn = xsq() if X_norm_squared is None else _norms(X_norm_squared, Xc.shape[0],
                                                     "X_norm_squared")
    if Y_norm_squared is not None:
        yn = _norms(Y_norm_squared, Yc.shape[0], "Y_norm_squared")
    else:
        yn = xn if same else ysq()
    D = xn[:, None] - 2.0 * dot + yn[None, :]
    np.maximum(D, 0, out=D)
    if same:
        np.fill_diagonal(D, 0.0)
    if not squared:
        np.sqrt(D, out=D)
    return D.astype(out, copy=False)


def manhattan_distances(X, Y=None):
    """L1 distances between the rows of X and Y (dense or scipy.sparse).
    Always float64, as scikit-learn's manhattan_distances (pairwise_distances
    with metric="manhattan" keeps float32)."""
    return pairwise_distances(X, Y, "manhattan").astype(np.float64, copy=False)


def cosine_distances(X, Y=None):
    """1 - cosine similarity, clipped to [0, 2] (zero rows: similarity 0)."""
    return pairwise_distances(X, Y, "cosine")


def _dense_pair(X, Y):
    X = check_array(X, input_name="X")
    Y = X if Y is None else check_array(Y, input_name="Y")
    if X.dtype != Y.dtype:
        X, Y = X.astype(np.float64), Y.astype(np.float64)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"Incompatible dimension for X and Y matrices: X.shape[1] == "
                         f"{X.shape[1]} while Y.shape[1] == {Y.shape[1]}.")
    return X, Y


def cosine_similarity(X, Y=None, dense_output=True):
    """Normalised dot products of the rows of X and Y (zero rows give 0).
    Sparse X and Y with dense_output=False give a sparse result."""
    if is_sparse(X) or is_sparse(Y):
        return _sparse_call("cosine_similarity", X, Y, None, dense_output=dense_output)
    X, Y = _dense_pair(X, Y)

    def unit(A):
        n = np.sqrt(np.einsum("ij,ij->i", A, A, dtype=np.float64))
        return A / np.where(n == 0, 1.0, n).astype(A.dtype)[:, None]
    Xu = unit(X)
    return Xu @ (Xu if Y is X else unit(Y)).T


def linear_kernel(X, Y=None, dense_output=True):
    """X @ Y.T (dense or scipy.sparse; sparse X and Y with dense_output=False
    give a sparse result)."""
    if is_sparse(X) or is_sparse(Y):
        return _sparse_call("linear_kernel", X, Y, None, dense_output=dense_output)
    X, Y = _dense_pair(X, Y)
    return X @ Y.T


def haversine_distances(X, Y=None):
    """Great-circle distances on the unit sphere between (latitude, longitude)
    rows given in radians (float64)."""
    from . import _pairwise_generic as G

    X, Y, _ = _generic_pair(X, Y, True)
    return G.haversine(X.astype(np.float64), Y.astype(np.float64))


def nan_euclidean_distances(X, Y=None, *, squared=False, missing_values=np.nan, copy=True):
    """Euclidean distances ignoring NaN coordinates: sqrt(n_features /
    n_present * sum over the coordinates present in both rows); NaN where no
    coordinate is shared. float32 input gives float32. `missing_values` other
    than NaN are treated as missing too; `copy` is accepted for compatibility
    (the input is never modified)."""
    from . import _pairwise_generic as G

    X, Y, same = _generic_pair(X, Y, "allow-nan")
    for A in (X, Y):
        if A.dtype.kind == "f" and np.isinf(A).any():
            raise ValueError(f"Input contains infinity or a value too large for {A.dtype!r}.")
    if not (isinstance(missing_values, float) and np.isnan(missing_values)):
        X = np.where(X == missing_values, np.nan, X.astype(np.float64))
        Y = X if same else np.where(Y == missing_values, np.nan, Y.astype(np.float64))
    D = G.nan_euclidean(X, Y, same)
    return D * D if squared else D
