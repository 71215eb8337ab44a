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


def pairwise_distances(X, Y=None, metric="euclidean", *, p=2, n_jobs=None):
    """Distance matrix between the rows of X and the rows of Y.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples_X, n_features)
    Y : array-like or sparse matrix of shape (n_samples_Y, n_features), default None
        None means Y = X (the diagonal is then exactly 0).
    metric : str
        "euclidean", "sqeuclidean", "manhattan" (alias "cityblock"),
        "chebyshev", "minkowski" (with p), "cosine" or "hamming" (fraction of
        differing features). Sparse input (CSR/CSC; never densified):
        euclidean, sqeuclidean, manhattan, chebyshev, cosine; the others raise
        TypeError as scikit-learn does.
    p : float >= 1
        Minkowski order.
    n_jobs : int or None
        Threads for this call (None: the value of fastml.set_num_threads; -1 all
        cores; at most 4 x the CPU count), see fastml.utils.validation.resolve_n_jobs.

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y), dtype float32 for float32
        input (both arrays) and float64 otherwise.
    """
    name, p = resolve_metric(metric, p)
    validate_parameter_constraints(_N_JOBS, {"n_jobs": n_jobs}, "pairwise_distances")
    if is_sparse(X) or is_sparse(Y):
        return _sparse_call("distances", X, Y, n_jobs, metric=name)
    X = check_array(X, input_name="X")
    same = Y is None or Y is X
    if same:
        Y = X
    else:
        Y = check_array(Y, input_name="Y")
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


def euclidean_distances(X, Y=None, *, Y_norm_squared=None, squared=False,
                        X_norm_squared=None):
    """Euclidean (squared=True: squared euclidean) distances between the rows
    of X and Y (dense or scipy.sparse). The precomputed norms scikit-learn
    accepts are not needed: fastml computes them (and ignores these)."""
    if is_sparse(X) or is_sparse(Y):
        return _sparse_call("distances", X, Y, None, metric="euclidean", squared=squared)
    return pairwise_distances(X, Y, "sqeuclidean" if squared else "euclidean")


def manhattan_distances(X, Y=None):
    """L1 distances between the rows of X and Y (dense or scipy.sparse)."""
    return pairwise_distances(X, Y, "manhattan")


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
