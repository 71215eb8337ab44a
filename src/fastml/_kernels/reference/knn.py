"""Reference brute-force k nearest neighbours in NumPy: the executable
specification of csrc/knn*.c (and, through reference/kdtree.py, of the k-d
tree). brute_knn / brute_knn_callable have the facade's signatures
(fastml._kernels.knn).

Ranking is by the *reduced* distance (squared euclidean, sum |t|^p for
minkowski) computed in float64, ties broken by the lower training index (the
package's tie rule); distances are the reduced ones rounded to the input dtype,
then finished (square root, p-th root) in that dtype.
"""
import numpy as np

_REDUCED = {"euclidean": "sqeuclidean", "minkowski": "minkowski_reduced"}


def reduced_distances(X, Y, metric, p=2.0):
    """(n, m) reduced distances in float64, by the direct formula."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    n, m = X.shape[0], Y.shape[0]
    out = np.empty((n, m))
    step = max(1, (1 << 22) // max(1, m * X.shape[1]))
    for i0 in range(0, n, step):
        diff = np.abs(X[i0:i0 + step, None, :] - Y[None, :, :])
        if metric in ("euclidean", "sqeuclidean"):
            r = (diff * diff).sum(axis=2)
        elif metric == "manhattan":
            r = diff.sum(axis=2)
        elif metric == "chebyshev":
            r = diff.max(axis=2)
        elif metric == "minkowski":
            r = (diff ** p).sum(axis=2)
        else:
            raise ValueError(f"unknown metric {metric!r}")
        out[i0:i0 + step] = r
    return out


def finish(red, metric, p=2.0):
    """Reduced -> reported distance."""
    if metric == "euclidean":
        return np.sqrt(red)
    if metric == "minkowski":
        return red ** (1.0 / p)
    return red


def knn(X, Q, k, metric, p=2.0):
    """(dist, ind), each (nq, k), rows ordered by (distance, index)."""
    n = X.shape[0]
    dist = np.empty((Q.shape[0], k), dtype=X.dtype)
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    step = max(1, (1 << 22) // max(1, n))
    cols = np.arange(n)
    for i0 in range(0, Q.shape[0], step):
        red = reduced_distances(Q[i0:i0 + step], X, metric, p)
        order = np.lexsort((np.broadcast_to(cols, red.shape), red), axis=-1)[:, :k]
        ind[i0:i0 + step] = order
        # reduced distance rounded to the input dtype, then finished in it (as
        # the kernels: a float32 sqeuclidean result's sqrt is the euclidean one)
        dist[i0:i0 + step] = finish(np.take_along_axis(red, order, axis=1).astype(X.dtype),
                                    metric, p)
    return dist, ind


def knn_callable(X, Q, k, func):
    """Brute force with a Python metric func(x, y) -> float (float64 values)."""
    D = np.array([[func(q, x) for x in X] for q in Q], dtype=np.float64).reshape(len(Q), len(X))
    cols = np.arange(X.shape[0])
    order = np.lexsort((np.broadcast_to(cols, D.shape), D), axis=-1)[:, :k]
    return np.take_along_axis(D, order, axis=1).astype(X.dtype), order.astype(np.int64)


def brute_knn(X, Q, k, metric, p=2.0):
    """(dist, ind) by exact brute force."""
    return knn(X, Q, k, metric, p)


def brute_knn_callable(X, Q, k, func):
    """(dist, ind) for a user metric func(x, y) -> float, called in Python."""
    return knn_callable(X, Q, k, func)
