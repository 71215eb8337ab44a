"""Brute-force neighbour search on scipy.sparse rows (CSR/CSC, matrix or
array), the sparse path of the KNN estimators.

Fit on sparse X keeps X as canonical CSR plus its CSC transpose-index and the
row norms (cosine: rows scaled to unit norm first), at most about twice the
input's memory; nothing is densified. Queries run the compiled fused kernel
(fastml._kernels.sparse.knn: one scatter per query over the CSC columns, exact
recompute of the candidates by merging sorted rows, ties to the lower index).
A dense query against a sparse fit is converted to CSR; a sparse query against
a dense brute-force fit is densified QUERY_CHUNK rows at a time (never more
than the fitted dense data). Metrics: euclidean, sqeuclidean, manhattan and
cosine (and their aliases, minkowski with p = 1 or 2); scikit-learn's error
for the others, and its warning when a tree was asked for.
"""
import warnings

import numpy as np

from .._config import threads_scope
from .._kernels import sparse as _ks
from ..utils._sparse import check_sparse, is_sparse
from ..utils.validation import check_array

_NAMES = {"euclidean": "euclidean", "l2": "euclidean", "sqeuclidean": "sqeuclidean",
          "manhattan": "manhattan", "cityblock": "manhattan", "l1": "manhattan",
          "cosine": "cosine"}
QUERY_CHUNK = 256      # sparse queries densified per call against a dense fit
RADIUS_BLOCK = 1 << 22  # distance entries per block of a sparse radius search


def sparse_metric(metric, p):
    """Kernel metric name for sparse input, or scikit-learn's ValueError."""
    name = metric.lower() if isinstance(metric, str) else metric
    if name == "minkowski" and p in (1, 2):
        name = "manhattan" if p == 1 else "euclidean"
    if not isinstance(name, str) or name not in _NAMES:
        shown = f"minkowski (p={p})" if name == "minkowski" else metric
        raise ValueError(f"Metric '{shown}' not valid for sparse input. Use "
                         "sorted(sklearn.neighbors.VALID_METRICS_SPARSE['brute']) to get valid "
                         "options (fastml: euclidean, sqeuclidean, manhattan, cosine and their "
                         "aliases).")
    return _NAMES[name]


def _unit_rows(X):
    """Copy of CSR X with every non-zero row scaled to unit l2 norm."""
    X = X.copy()
    nrm = np.sqrt(_ks.row_norms(X, "sq").astype(np.float64))
    nrm[nrm == 0] = 1.0
    X.data = (X.data / np.repeat(nrm, np.diff(X.indptr))).astype(X.dtype, copy=False)
    return X


def _index(X, metric):
    """(CSR rows, CSC of them, per-row norms) that the kernel searches."""
    if metric == "cosine":
        X = _unit_rows(X)
    xs = _ks.row_norms(X, "l1" if metric == "manhattan" else "sq")
    return {"X": X, "Xc": X.tocsc(), "xs": xs}


def validate_sparse(est, X, y, kw):
    """_validate_data for sparse X: canonical CSR in float32/float64; y by
    the dense rules (on a placeholder X of one column)."""
    reset = kw.pop("reset", True)
    X = check_sparse(X, accept=("csr",), input_name="X",
                     ensure_min_samples=kw.get("ensure_min_samples", 1))
    est._check_n_features(X, reset=reset)
    if isinstance(y, str) and y == "no_validation":
        return X
    from ..utils.validation import check_X_y

    kw.pop("dtype", None)
    _, y = check_X_y(np.zeros((X.shape[0], 1)), y, **kw)
    return X, y


def fit_sparse(est, X, metric=None, p=None):
    """NeighborsBase._fit for sparse X (already validated CSR); metric and p
    as resolved from the estimator's metric, p and metric_params."""
    metric = sparse_metric(est.metric if metric is None else metric,
                           est.p if p is None else p)
    if est.algorithm not in ("auto", "brute"):
        warnings.warn("cannot use tree with sparse input: using brute force", UserWarning,
                      stacklevel=3)
    est._fit_X = X
    est._fit_absmax = None
    est.n_samples_fit_ = X.shape[0]
    est.effective_metric_ = metric
    est._metric, est._p = metric, 2.0
    est._fit_method = "brute"
    est._tree = None
    with threads_scope(est.n_jobs):
        est._sparse_index = _index(X, metric)
    return est


def check_sparse_query(est, X):
    """A query for a sparse fit (any input) or a sparse query for a dense fit:
    CSR in the fitted dtype when the fit is sparse, else validated sparse."""
    dtype = est._fit_X.dtype
    if is_sparse(X):
        X = check_sparse(X, accept=("csr",), dtype=(dtype,), ensure_min_samples=0)
    else:
        import scipy.sparse as sp

        X = check_array(X, dtype=(dtype,))
        X = sp.csr_matrix(X)
    est._check_n_features(X, reset=False)
    return X


def query_sparse(est, Q, k):
    """(dist, ind) of the k nearest fitted rows for each row of Q."""
    index = getattr(est, "_sparse_index", None)
    with threads_scope(est.n_jobs):
        if index is None:  # dense fit, sparse query
            if est._fit_method == "kd_tree":
                raise ValueError("kd_tree does not work with sparse matrices. Densify the data, "
                                 "or set algorithm='brute'")
            parts = [est._query(np.ascontiguousarray(Q[s:s + QUERY_CHUNK].toarray()), k)
                     for s in range(0, Q.shape[0], QUERY_CHUNK)]
            if not parts:
                return (np.empty((0, k), est._fit_X.dtype), np.empty((0, k), np.int64))
            return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        if est._metric == "cosine" and Q is not est._fit_X:
            Q = _unit_rows(Q)
        elif est._metric == "cosine":
            Q = index["X"]
        return _ks.knn(Q, index["X"], index["Xc"], index["xs"], k, est._metric)


def radius_sparse(est, Q, r, sort):
    """Flat (ind, dist, offsets) of the fitted rows within r of each query
    (sparse fit), in blocks of RADIUS_BLOCK distances."""
    index = est._sparse_index
    X, metric, n = index["X"], est._metric, est.n_samples_fit_
    if metric == "cosine":
        Q = index["X"] if Q is est._fit_X else _unit_rows(Q)
    qs = _ks.row_norms(Q, "sq") if metric != "manhattan" else None
    rows = max(1, RADIUS_BLOCK // max(n, 1))
    rr = np.broadcast_to(r, (Q.shape[0],))
    out_row, out_ind, out_dist = [], [], []
    with threads_scope(est.n_jobs):
        for s in range(0, Q.shape[0], rows):
            Qb = Q[s:s + rows]
            if metric == "manhattan":
                D = _ks.pairwise(Qb, X, "manhattan")
            else:
                G = _ks.gram(Qb, index["Xc"])
                if metric == "cosine":
                    D = np.clip(1 - G, 0, 2)
                else:
                    D = np.maximum(qs[s:s + rows, None] + index["xs"][None, :] - 2 * G, 0)
                    if metric == "euclidean":
                        np.sqrt(D, out=D)
            qi, j = np.nonzero(D <= rr[s:s + rows, None])
            out_row.append(qi + s)
            out_ind.append(j.astype(np.int64))
            out_dist.append(D[qi, j])
    row = np.concatenate(out_row) if out_row else np.empty(0, np.int64)
    ind = np.concatenate(out_ind) if out_ind else np.empty(0, np.int64)
    dist = np.concatenate(out_dist) if out_dist else np.empty(0, X.dtype)
    if sort:
        order = np.lexsort((ind, dist, row))
        row, ind, dist = row[order], ind[order], dist[order]
    offsets = np.zeros(Q.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=Q.shape[0]), out=offsets[1:])
    return ind, dist, offsets


def check_sparse_state(est):
    """A sparse fit restored from a pickle: the CSR data and a rebuilt index
    (derived arrays are recomputed, never trusted)."""
    X = check_sparse(est._fit_X, accept=("csr",))
    if X.shape != (est.n_samples_fit_, est.n_features_in_):
        raise ValueError(f"{type(est).__name__}: pickled _fit_X has shape {X.shape}, expected "
                         f"({est.n_samples_fit_}, {est.n_features_in_}).")
    est._fit_X = X
    est._sparse_index = _index(X, sparse_metric(est._metric, 2))
