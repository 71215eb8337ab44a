"""Metric resolution and the exact brute-force engine for every metric the
compiled kernels do not cover.

The compiled engines (k-d tree, fused brute scan, CSR kernel) serve
euclidean, sqeuclidean, manhattan, chebyshev and minkowski with p >= 1.
Every other metric scikit-learn's neighbours accept (the scipy.spatial
metrics, haversine, nan_euclidean, minkowski with weights ``w`` or p < 1,
a scikit-learn ``DistanceMetric`` object, precomputed distances) is answered
here: distances in blocks of queries against all training rows, then an
exact (distance, index) ranking (a stable sort), so the tie rule is the one
of the compiled engines. ``algorithm="ball_tree"`` is served by the k-d tree
for the metrics it supports (the results are the same: both are exact and
break ties by index) and by this brute-force engine for the other ball-tree
metrics; fastml builds no separate ball tree.
"""
import math
import numbers
import warnings

import numpy as np

# Metric names per algorithm, as scikit-learn lists them.
_KD = ["chebyshev", "cityblock", "euclidean", "infinity", "l1", "l2", "manhattan",
       "minkowski", "p"]
_BOOL = ["dice", "jaccard", "rogerstanimoto", "russellrao", "sokalmichener", "sokalsneath",
         "yule"]
VALID_METRICS = {
    "ball_tree": sorted(_KD + ["braycurtis", "canberra", "dice", "hamming", "haversine",
                               "jaccard", "mahalanobis", "pyfunc", "rogerstanimoto",
                               "russellrao", "seuclidean", "sokalmichener", "sokalsneath"]),
    "kd_tree": sorted(_KD),
    "brute": sorted([m for m in _KD if m not in ("infinity", "p")] + ["braycurtis", "canberra", "correlation", "cosine", "dice",
                                "hamming", "haversine", "jaccard", "mahalanobis",
                                "nan_euclidean", "precomputed", "rogerstanimoto",
                                "russellrao", "seuclidean", "sokalsneath", "sqeuclidean",
                                "yule"]),
}
VALID_METRICS_SPARSE = {
    "ball_tree": [], "kd_tree": [],
    "brute": ["cityblock", "cosine", "euclidean", "l1", "l2", "manhattan", "precomputed"],
}
ALL_METRICS = sorted(set().union(*map(set, VALID_METRICS.values())) | {"sqeuclidean"})

# names of the compiled engines' metrics
_FAST = {"euclidean": "euclidean", "l2": "euclidean", "sqeuclidean": "sqeuclidean",
         "manhattan": "manhattan", "cityblock": "manhattan", "l1": "manhattan",
         "chebyshev": "chebyshev", "infinity": "chebyshev", "minkowski": "minkowski",
         "p": "minkowski"}
_SCIPY = {"braycurtis", "canberra", "correlation", "cosine", "hamming", "mahalanobis",
          "seuclidean", "minkowski", "dice", "jaccard", "rogerstanimoto", "russellrao",
          "sokalsneath", "yule"}
_OWN = {"haversine", "nan_euclidean"}
GENERIC_BLOCK = 1 << 21  # distance entries per block of the generic engine


class MetricPlan:
    """How a fitted estimator measures distance.

    kind: "fast" (compiled engines: name, p), "generic" (scipy/own function
    with params), "object" (a DistanceMetric-like .pairwise), "callable",
    "precomputed".
    """

    def __init__(self, kind, name, p=2.0, params=None, obj=None):
        self.kind, self.name, self.p = kind, name, p
        self.params = {} if params is None else params
        self.obj = obj


def _minkowski_name(p):
    if p == 1:
        return "manhattan"
    if p == 2:
        return "euclidean"
    if math.isinf(p):
        return "chebyshev"
    return "minkowski"


def resolve(metric, p, metric_params, X=None):
    """(MetricPlan, effective_metric_, effective_metric_params_) as scikit-learn
    derives them: metric_params["p"] wins over p (with a SyntaxWarning), and
    minkowski with p = 1, 2, inf and no weights becomes manhattan, euclidean,
    chebyshev. Data-derived parameters that are missing (seuclidean's V,
    mahalanobis' VI) are computed from the training data X once."""
    params = dict(metric_params or {})
    if "p" in params and metric_params is not None and p is not None:
        warnings.warn("Parameter p is found in metric_params. The corresponding parameter "
                      "from __init__ is ignored.", SyntaxWarning, stacklevel=4)
    if callable(metric):
        return MetricPlan("callable", "callable", params=params, obj=metric), metric, params
    if not isinstance(metric, str):
        return MetricPlan("object", "object", obj=metric), metric, params
    name = metric.lower()
    if name == "precomputed":
        return MetricPlan("precomputed", name), metric, params
    if name in ("minkowski", "p"):
        p = params.pop("p", 2 if p is None else p)
        if (not isinstance(p, numbers.Real) or isinstance(p, bool) or math.isnan(p)
                or p <= 0):
            raise ValueError(f"p must be a number > 0 for the minkowski metric, got p={p!r}.")
        p = float(p)
        w = params.get("w")
        if w is None and p >= 1:
            eff = _minkowski_name(p)
            if eff == "minkowski":
                params["p"] = p
            return MetricPlan("fast", eff, p if eff == "minkowski" else 2.0), eff, params
        params["p"] = p
        return MetricPlan("generic", "minkowski", p, params), "minkowski", params
    if name in _FAST:  # p is the minkowski order only: 2.0 as the kernels expect
        return MetricPlan("fast", _FAST[name], 2.0), metric, params
    if name == "sokalmichener":  # the same formula as rogerstanimoto
        name = "rogerstanimoto"
    if name not in _SCIPY and name not in _OWN:
        raise ValueError(f"Metric '{metric}' not valid. Use "
                         "sorted(sklearn.neighbors.VALID_METRICS['brute']) to get valid "
                         "options. Metric can also be a callable function.")
    if X is not None and name == "seuclidean" and "V" not in params:
        params["V"] = np.var(np.asarray(X, np.float64), axis=0, ddof=1)
    if X is not None and name == "mahalanobis" and "VI" not in params and "V" not in params:
        params["VI"] = np.linalg.pinv(np.atleast_2d(np.cov(np.asarray(X, np.float64).T)))
    return MetricPlan("generic", name, params=params), metric, params


def _haversine(Q, X):
    if Q.shape[1] != 2 or X.shape[1] != 2:
        raise ValueError("Haversine distance only valid in 2 dimensions")
    lat1, lon1 = Q[:, :1], Q[:, 1:]
    lat2, lon2 = X[:, 0][None, :], X[:, 1][None, :]
    s = np.sin((lat1 - lat2) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * \
        np.sin((lon1 - lon2) / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.clip(s, 0, 1)))


def _nan_euclidean(Q, X):
    """scikit-learn's nan_euclidean: sqrt(d / present * sum over coordinates
    present in both rows); NaN where no coordinate is shared."""
    mq, mx = ~np.isnan(Q), ~np.isnan(X)
    q0, x0 = np.where(mq, Q, 0.0), np.where(mx, X, 0.0)
    s = (q0 * q0) @ mx.T.astype(np.float64) + mq.astype(np.float64) @ (x0 * x0).T \
        - 2.0 * (q0 @ x0.T)
    cnt = mq.astype(np.float64) @ mx.T.astype(np.float64)
    np.maximum(s, 0, out=s)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.sqrt(s * (Q.shape[1] / cnt))
    d[cnt == 0] = np.nan
    return d


def pairwise(plan, Q, X):
    """float64 distances (len(Q), len(X)) for a generic/object/callable plan."""
    if plan.kind == "object":
        return np.asarray(plan.obj.pairwise(Q, X), dtype=np.float64)
    if plan.kind == "callable":
        f = plan.obj
        D = np.empty((Q.shape[0], X.shape[0]))
        for i in range(Q.shape[0]):
            for j in range(X.shape[0]):
                D[i, j] = f(Q[i], X[j], **plan.params)
        return D
    Q64 = np.asarray(Q, dtype=np.float64)
    X64 = np.asarray(X, dtype=np.float64)
    if plan.kind == "fast":  # compiled engines' metrics (radius=inf rows)
        from scipy.spatial.distance import cdist

        if plan.name == "minkowski":
            return cdist(Q64, X64, "minkowski", p=plan.p)
        return cdist(Q64, X64, {"manhattan": "cityblock"}.get(plan.name, plan.name))
    if plan.name == "haversine":
        return _haversine(Q64, X64)
    if plan.name == "nan_euclidean":
        return _nan_euclidean(Q64, X64)
    from scipy.spatial.distance import cdist

    if plan.name in _BOOL:
        return cdist(Q64 != 0, X64 != 0, plan.name, **plan.params)
    return cdist(Q64, X64, plan.name, **plan.params)


def _blocks(nq, n):
    rows = max(1, GENERIC_BLOCK // max(n, 1))
    for s in range(0, nq, rows):
        yield s, min(nq, s + rows)


def knn_from_distances(D, k):
    """(dist, ind) of the k smallest entries of each row of D by (distance,
    index); NaN sorts last."""
    order = np.argsort(D, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(D, order, 1), order.astype(np.int64)


def generic_knn(plan, X, Q, k, dtype):
    """Exact k nearest rows of X for every row of Q under a generic plan."""
    dist = np.empty((Q.shape[0], k), dtype=dtype)
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    for s, e in _blocks(Q.shape[0], X.shape[0]):
        d, i = knn_from_distances(pairwise(plan, Q[s:e], X), k)
        dist[s:e], ind[s:e] = d, i
    return dist, ind


def radius_from_distances(D, r, sort, offset=0):
    """Flat (row, ind, dist) of the entries of D within r (per row)."""
    qi, j = np.nonzero(D <= np.asarray(r)[:, None] if np.ndim(r) else D <= r)
    return qi + offset, j.astype(np.int64), D[qi, j]


def finish_radius(row, ind, dist, nq, sort):
    """Flat (ind, dist, offsets): rows in index order, or by (distance,
    index) with sort."""
    order = np.lexsort((ind, dist, row)) if sort else np.lexsort((ind, row))
    offsets = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=nq), out=offsets[1:])
    return ind[order], dist[order], offsets


def generic_radius(plan, X, Q, r, sort, dtype):
    """Flat (ind, dist, offsets) of the rows of X within r of each query."""
    rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (Q.shape[0],))
    parts = []
    for s, e in _blocks(Q.shape[0], X.shape[0]):
        parts.append(radius_from_distances(pairwise(plan, Q[s:e], X), rr[s:e], sort, s))
    row = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.int64)
    ind = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
    dist = np.concatenate([p[2] for p in parts]) if parts else np.empty(0)
    return finish_radius(row, ind, dist.astype(dtype, copy=False), Q.shape[0], sort)
