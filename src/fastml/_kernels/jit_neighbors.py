"""Numba brute-force k nearest neighbours for a user-supplied metric.

The user's f(x, y) -> float is compiled with numba.njit on first use and the
compiled kernel is cached per function (weakly, so the cache does not keep
functions alive). The search runs in parallel over queries (prange), each with
its own sorted top-k buffer ordered by (distance, index): the package's tie
rule. Imported lazily (never at `import fastml`).
"""
import weakref

import numpy as np

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _make_kernel(func):
    import numba

    metric = func if hasattr(func, "py_func") else numba.njit(cache=False)(func)

    @numba.njit(parallel=True, cache=False)
    def kernel(X, Q, k, dist, ind):
        n = X.shape[0]
        for i in numba.prange(Q.shape[0]):
            D = dist[i]
            I = ind[i]
            for j in range(k):
                D[j] = np.inf
                I[j] = n
            q = Q[i]
            for j in range(n):
                v = metric(q, X[j])
                if v < D[k - 1] or (v == D[k - 1] and j < I[k - 1]):
                    t = k - 1
                    while t > 0 and (D[t - 1] > v or (D[t - 1] == v and I[t - 1] > j)):
                        D[t] = D[t - 1]
                        I[t] = I[t - 1]
                        t -= 1
                    D[t] = v
                    I[t] = j
    return kernel


def knn_callable(X, Q, k, func, nthreads):
    """(dist, ind) with func compiled by Numba, on up to nthreads threads."""
    try:
        kernel = _CACHE[func]
    except (KeyError, TypeError):
        kernel = _make_kernel(func)
        try:
            _CACHE[func] = kernel
        except TypeError:  # not weak-referenceable: compile each time
            pass
    import numba

    numba.set_num_threads(max(1, min(nthreads, numba.config.NUMBA_NUM_THREADS)))
    dist = np.empty((Q.shape[0], k), dtype=np.float64)
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    kernel(X, Q, k, dist, ind)
    return dist.astype(X.dtype, copy=False), ind
