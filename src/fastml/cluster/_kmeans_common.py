"""Dense/CSR dispatch shared by KMeans and MiniBatchKMeans.

A CSR matrix never becomes dense here: the Lloyd step and loop run in the
compiled CSR kernels (fastml._kernels.kmeans_sparse), k-means++ ranks its
candidates with sparse-dense products, and only the chosen rows (the
centres) are densified.
"""
import numpy as np

from .._kernels import distance as _kdist
from .._kernels import kmeans as _kk
from .._kernels import kmeans_sparse as _kks
from ..utils._gram import centered_gram
from ..utils._sparse import check_sparse, column_mean_var, is_sparse
from ..utils.validation import _check_sample_weight as _check_sw
from ..utils.validation import check_array

# mean_variance: the Gram kernel (d^2 / 2 products a row) up to this many columns
_GRAM_VAR_MAX_D = 32


def validate_X(est, X, reset=True):
    """est._validate_data for dense X; CSR (float32/float64, canonical) for
    any sparse X, with n_features_in_ recorded or checked."""
    if not is_sparse(X):
        X = est._validate_data(X, reset=reset)
        return np.ascontiguousarray(X)
    est._check_feature_names(X, reset=reset)
    X = check_sparse(X, accept=("csr",))
    est._check_n_features(X, reset=reset)
    return X


def check_sample_weight(sample_weight, X):
    """fastml.utils.validation._check_sample_weight in X's dtype (dense or sparse)."""
    dt = X.dtype
    if is_sparse(X):
        sw = _check_sw(sample_weight, np.empty((X.shape[0], 0), dtype=dt), dtype=dt)
    else:
        sw = _check_sw(sample_weight, X, dtype=dt)
    return None if sw is None else np.ascontiguousarray(sw, dtype=dt)


def row_sqnorms(X):
    """Squared euclidean norm of every row (float64)."""
    if is_sparse(X):
        d = X.data.astype(np.float64)
        return np.add.reduceat(np.append(d * d, 0.0), X.indptr[:-1]) * (np.diff(X.indptr) > 0)
    X64 = np.asarray(X, dtype=np.float64)
    return np.einsum("ij,ij->i", X64, X64)


def sqdist(X, C):
    """(n, k) squared euclidean distances between the rows of X and the
    dense centres C, in X's dtype (CSR: |x|^2 - 2 x.c + |c|^2 clipped at 0)."""
    C = np.ascontiguousarray(C, dtype=X.dtype)
    if not is_sparse(X):
        return _kdist.pairwise_distances(np.ascontiguousarray(X), C, "sqeuclidean")
    d = row_sqnorms(X)[:, None] - 2.0 * np.asarray(X @ C.T.astype(np.float64)) \
        + row_sqnorms(C)[None, :]
    return np.maximum(d, 0).astype(X.dtype)


def step(X, C, sw=None, update=True):
    """One Lloyd step (labels, mind, inertia, sums, wsum) on dense or CSR X."""
    C = np.ascontiguousarray(C, dtype=X.dtype)
    if is_sparse(X):
        return _kks.lloyd_step(X, C, sw, update=update)
    return _kk.lloyd_step(np.ascontiguousarray(X), C, sw, update=update)


def lloyd(X, sw, centers, max_iter, tol):
    """Compiled Lloyd loop from `centers`: (labels, inertia, centers, n_iter)."""
    if is_sparse(X):
        return _kks.lloyd(X, centers, sw, max_iter, tol)
    return _kk.lloyd(X, centers, sw, max_iter, tol)


def rows(X, idx):
    """Rows idx of X as a dense C-contiguous array in X's dtype."""
    sub = X[idx]
    return np.ascontiguousarray(sub.toarray() if is_sparse(sub) else sub, dtype=X.dtype)


def _relocate_empty(X, sw, sums, wsum, labels, mind):
    """Empty clusters (in increasing order) take the rows farthest from their
    centres (largest mind first, lowest row on ties), as the compiled loops do."""
    empty = np.flatnonzero(wsum == 0)
    if empty.size == 0 or not (mind.max() > 0):
        return
    far = np.argsort(-mind.astype(np.float64), kind="stable")[:empty.size]
    for new, idx in zip(empty, far):
        w = 1.0 if sw is None else float(sw[idx])
        x = rows(X, [idx])[0].astype(np.float64)
        sums[labels[idx]] -= w * x
        wsum[labels[idx]] -= w
        sums[new] = w * x
        wsum[new] = w


def lloyd_verbose(X, sw, centers, max_iter, tol):
    """The compiled loop's iterations driven from Python, one kernel step per
    iteration, printing scikit-learn's progress lines (verbose=True)."""
    centers = np.array(centers, dtype=X.dtype, copy=True)
    old = None
    for it in range(max_iter):
        labels, mind, inertia, sums, wsum = step(X, centers, sw)
        print(f"Iteration {it}, inertia {inertia}.")
        _relocate_empty(X, sw, sums, wsum, labels, mind)
        nz = wsum > 0
        new = centers.astype(np.float64)
        new[nz] = sums[nz] / wsum[nz, None]
        new = new.astype(X.dtype)
        shift = float(((new.astype(np.float64) - centers) ** 2).sum())
        centers = new
        if old is not None and np.array_equal(labels, old):
            print(f"Converged at iteration {it}: strict convergence.")
            break
        if shift <= tol:
            print(f"Converged at iteration {it}: center shift {shift} within tolerance {tol}.")
            break
        old = labels
    labels, _, inertia, _, _ = step(X, centers, sw, update=False)
    return labels, inertia, centers, it + 1


def tolerance(X, tol):
    """scikit-learn's tolerance: tol times the mean feature variance of X."""
    if tol == 0:
        return 0.0
    if is_sparse(X):
        return float(np.mean(column_mean_var(X)[1])) * tol
    return mean_variance(X) * tol


def mean_variance(X):
    """Mean of the (population) column variances of dense X, in float64:
    trace(X_c^T X_c) / (n p). Few columns: one threaded pass of the shifted
    Gram kernel (fastml.utils._gram); more: the column means, then the centred
    squares in cache-sized row blocks (X read twice, no full-size temporary)."""
    n, d = X.shape
    if n == 0 or d == 0:
        return float("nan")
    if d <= _GRAM_VAR_MAX_D and X.dtype in (np.float32, np.float64):
        return float(np.trace(centered_gram(X)[0])) / (n * d)
    m = X.mean(axis=0, dtype=np.float64)
    step = max(1, (1 << 17) // d)
    s = 0.0
    for i in range(0, n, step):
        b = X[i:i + step] - m
        s += float(np.einsum("ij,ij->", b, b))
    return s / (n * d)


def plusplus(X, n_clusters, sw, random_state, n_local_trials=None):
    """Greedy k-means++ (as scikit-learn, same random stream): the first
    centre is a row drawn with probability proportional to its weight, each
    further one the best of n_local_trials (default 2 + int(log k))
    candidates sampled proportionally to w D(x)^2. Dense X: the compiled
    seeding; CSR X: candidates ranked by sparse-dense products, only the
    chosen rows densified. Returns (centers, indices)."""
    n = X.shape[0]
    w = np.ones(n) if sw is None else sw.astype(np.float64)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    first = random_state.choice(n, p=w / w.sum())
    if not is_sparse(X):
        uniform = random_state.uniform(size=(n_clusters - 1) * n_local_trials)
        return _kk.plusplus(np.ascontiguousarray(X), n_clusters, sw, first, uniform,
                            n_local_trials)
    centers = np.empty((n_clusters, X.shape[1]), dtype=X.dtype)
    indices = np.full(n_clusters, -1, dtype=np.int64)
    xsq = row_sqnorms(X)

    def dist(cand):
        C = rows(X, cand).astype(np.float64)
        d = xsq[:, None] - 2.0 * np.asarray(X @ C.T) + np.einsum("ij,ij->i", C, C)[None, :]
        return np.maximum(d, 0)

    centers[0], indices[0] = rows(X, [first])[0], first
    closest = dist([first])[:, 0]
    pot = float(w @ closest)
    for c in range(1, n_clusters):
        rand = random_state.uniform(size=n_local_trials) * pot
        cand = np.searchsorted(np.cumsum(w * closest, dtype=np.float64), rand)
        np.clip(cand, None, n - 1, out=cand)
        dc = np.minimum(closest[:, None], dist(cand))
        pots = w @ dc
        best = int(np.argmin(pots))
        pot, closest = float(pots[best]), dc[:, best]
        centers[c], indices[c] = rows(X, [cand[best]])[0], cand[best]
    return centers, indices


def check_centers(c, X, k, input_name="init"):
    """Initial centres as a dense array in X's dtype with scikit-learn's shape errors."""
    if is_sparse(c):
        c = c.toarray()
    c = check_array(c, dtype=X.dtype, input_name=input_name)
    if c.shape[0] != k:
        raise ValueError(f"The shape of the initial centers {c.shape} does not match the "
                         f"number of clusters {k}.")
    if c.shape[1] != X.shape[1]:
        raise ValueError(f"The shape of the initial centers {c.shape} does not match the "
                         f"number of features of the data {X.shape[1]}.")
    return np.ascontiguousarray(c, dtype=X.dtype)
