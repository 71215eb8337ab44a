"""Mutual information between each feature and a target.

Continuous-continuous pairs use the Kraskov-Stoegbauer-Grassberger (KSG)
estimator; continuous-discrete pairs Ross's variant; discrete-discrete pairs
the contingency-table mutual information. The neighbour searches run on
fastml's own k-d tree (fastml.neighbors.KDTree, chebyshev metric): the k-th
neighbour distance in the joint space, then radius counts (strictly inside
that distance) in each marginal. Columns are estimated in parallel threads
(the tree queries release the GIL).

The preprocessing is scikit-learn's: continuous columns are divided by their
standard deviation and receive noise 1e-10 * max(1, mean|x|) * N(0, 1) drawn
from `random_state` in the same order, so at the same random_state the
estimates equal scikit-learn's (the same neighbour distances and counts).
"""
import numbers

import numpy as np
from scipy.special import digamma

from ..metrics import mutual_info_score
from ..neighbors import KDTree
from ..utils._parallel import map_threads
from ..utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from ..utils._set_output import dataframe_to_numpy
from ..utils._sparse import check_sparse, is_sparse
from ..utils.validation import (check_array, check_classification_targets, check_random_state,
                                check_X_y, column_or_1d, resolve_n_jobs)

__all__ = ["mutual_info_classif", "mutual_info_regression"]


def _kth_radius(Z, k):
    """Distance (chebyshev) from each row of Z to its k-th nearest other row,
    moved one ulp towards 0 so the radius counts below are strict."""
    dist, _ = KDTree(Z, metric="chebyshev").query(Z, k=k + 1)
    return np.nextafter(dist[:, -1], 0)


def _count_within(v, radius):
    """Rows of the 1-D sample v within `radius` (per row, <=) of each row, itself included."""
    col = v.reshape(-1, 1)
    return KDTree(col, metric="chebyshev").query_radius(col, radius, count_only=True)


def _mi_cc(x, y, k):
    """KSG estimate (algorithm 1) for two continuous samples, clipped at 0."""
    n = x.size
    radius = _kth_radius(np.column_stack([x, y]), k)
    nx = _count_within(x, radius) - 1.0
    ny = _count_within(y, radius) - 1.0
    mi = digamma(n) + digamma(k) - np.mean(digamma(nx + 1)) - np.mean(digamma(ny + 1))
    return max(0.0, mi)


def _mi_cd(c, d, k):
    """Ross's estimate for continuous c and discrete d, clipped at 0; rows whose
    label occurs once are left out."""
    n = c.shape[0]
    radius, counts, k_all = np.empty(n), np.empty(n), np.empty(n)
    for label in np.unique(d):
        mask = d == label
        count = int(mask.sum())
        if count > 1:
            kk = min(k, count - 1)
            radius[mask] = _kth_radius(c[mask].reshape(-1, 1), kk)
            k_all[mask] = kk
        counts[mask] = count
    keep = counts > 1
    m = _count_within(c[keep], radius[keep])
    mi = (digamma(int(keep.sum())) + np.mean(digamma(k_all[keep]))
          - np.mean(digamma(counts[keep])) - np.mean(digamma(m)))
    return max(0.0, mi)


def _mi_pair(x, y, x_discrete, y_discrete, k):
    if x_discrete and y_discrete:
        return mutual_info_score(x, y)
    if x_discrete:
        return _mi_cd(y, x, k)
    if y_discrete:
        return _mi_cd(x, y, k)
    return _mi_cc(x, y, k)


def _std_scale(a):
    """a / std(a) per column (population std; zero std leaves the column)."""
    s = np.std(a, axis=0)
    s = np.where(s == 0.0, 1.0, s) if np.ndim(s) else (1.0 if s == 0.0 else s)
    return a / s


def _discrete_mask(discrete_features, n_features, sparse):
    if isinstance(discrete_features, (str, bool, np.bool_)):
        if isinstance(discrete_features, str):
            if discrete_features != "auto":
                raise ValueError("Invalid string value for discrete_features.")
            discrete_features = sparse
        return np.full(n_features, bool(discrete_features))
    idx = check_array(discrete_features, ensure_2d=False, dtype=None,
                      input_name="discrete_features")
    # IndexError (as scikit-learn) for a mask of the wrong length or an index out of range
    if idx.dtype == bool:
        if idx.shape != (n_features,):
            raise IndexError(f"discrete_features as a mask must have shape ({n_features},), "
                             f"got {idx.shape}.")
        return idx
    if idx.size and (idx.max() >= n_features or idx.min() < -n_features):
        raise IndexError(f"discrete_features holds an index out of range for {n_features} "
                         f"features: {idx.tolist()}.")
    mask = np.zeros(n_features, dtype=bool)
    mask[idx] = True
    return mask


_MI_CONSTRAINTS = {
    "discrete_features": [StrOptions({"auto"}), "boolean", "array-like"],
    "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
    "copy": ["boolean"], "random_state": ["random_state"], "n_jobs": ["n_jobs"],
}


def _estimate_mi(X, y, *, discrete_features, discrete_target, n_neighbors, copy,
                 random_state, n_jobs, caller):
    validate_parameter_constraints(
        _MI_CONSTRAINTS, {"discrete_features": discrete_features, "n_neighbors": n_neighbors,
                          "copy": copy, "random_state": random_state, "n_jobs": n_jobs},
        caller)
    X = dataframe_to_numpy(X)
    y = dataframe_to_numpy(y)
    if is_sparse(X):
        X = check_sparse(X, accept=("csc",), dtype="numeric")
        y = column_or_1d(np.asarray(y), warn=True)
        if len(y) != X.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{X.shape[0]}, {len(y)}]")
        if not discrete_target:
            y = np.asarray(y, dtype=np.float64)
    else:
        X, y = check_X_y(X, y, dtype="numeric", y_numeric=not discrete_target)
    if discrete_target:
        check_classification_targets(y)
    n, d = X.shape
    discrete = _discrete_mask(discrete_features, d, is_sparse(X))
    continuous = ~discrete
    if continuous.any() and is_sparse(X):
        raise ValueError("Sparse matrix `X` can't have continuous features.")
    rng = check_random_state(random_state)
    if continuous.any():
        X = X.astype(np.float64, copy=copy)
        Xc = _std_scale(X[:, continuous])
        means = np.maximum(1, np.mean(np.abs(Xc), axis=0))
        X[:, continuous] = Xc + 1e-10 * means * rng.standard_normal(size=(n, continuous.sum()))
    if not discrete_target:
        y = _std_scale(np.asarray(y, dtype=np.float64))
        y = y + 1e-10 * np.maximum(1, np.mean(np.abs(y))) * rng.standard_normal(size=n)

    def column(j):
        if is_sparse(X):
            x = np.zeros(n)
            lo, hi = X.indptr[j], X.indptr[j + 1]
            x[X.indices[lo:hi]] = X.data[lo:hi]
        else:
            x = np.ascontiguousarray(X[:, j])
        return _mi_pair(x, y, bool(discrete[j]), discrete_target, n_neighbors)

    return np.array(map_threads(column, range(d), resolve_n_jobs(n_jobs)), dtype=np.float64)


def mutual_info_regression(X, y, *, discrete_features="auto", n_neighbors=3, copy=True,
                           random_state=None, n_jobs=None):
    """Estimated mutual information (nats, >= 0) between each feature of X and a
    continuous target y.

    discrete_features: "auto" (discrete for sparse X, else continuous), a bool
    for all features, a boolean mask or the indices of the discrete features.
    n_neighbors: k of the KSG estimator. random_state seeds the tiny noise that
    breaks ties (same draws as scikit-learn). n_jobs: threads over the columns.
    """
    return _estimate_mi(X, y, discrete_features=discrete_features, discrete_target=False,
                        n_neighbors=n_neighbors, copy=copy, random_state=random_state,
                        n_jobs=n_jobs, caller="mutual_info_regression")


def mutual_info_classif(X, y, *, discrete_features="auto", n_neighbors=3, copy=True,
                        random_state=None, n_jobs=None):
    """Estimated mutual information (nats, >= 0) between each feature of X and
    the class labels y (parameters as mutual_info_regression)."""
    return _estimate_mi(X, y, discrete_features=discrete_features, discrete_target=True,
                        n_neighbors=n_neighbors, copy=copy, random_state=random_state,
                        n_jobs=n_jobs, caller="mutual_info_classif")
