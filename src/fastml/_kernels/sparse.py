"""Kernels on CSR/CSC matrices (csrc/sparse*.c) behind one facade.

Matrices are passed as scipy.sparse objects (anything with .data, .indices,
.indptr and .shape); this module does not import scipy. Contract (checked by
the caller, trusted here): CSR/CSC in canonical format (sorted, unique
indices within a row/column), finite float32 or float64 values of one dtype
per call, int32 or int64 indices (unified here per call); k and metric as
documented per function. Results have the value dtype (class sums and enet:
float64). Each output row is computed by one thread in a fixed order, so
results do not depend on the thread count.

The compiled kernels or the NumPy twin (reference/sparse.py, same signatures)
are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads

METRIC_IDS = {"euclidean": 0, "sqeuclidean": 1, "manhattan": 2, "chebyshev": 3, "cosine": 5}
NORM_KINDS = {"sq": 0, "l1": 1, "max": 2}


def _index_dtype(*mats):
    """The call's index dtype: that of the largest matrix (by stored entries)
    when every other one fits it, so a big operand is never copied to convert
    its indices (a small query is converted instead); else int64."""
    big = max(mats, key=lambda m: m.indptr[-1] if len(m.indptr) else 0)
    dt = np.dtype(big.indices.dtype)
    if dt == np.int32 and not all(
            m.indices.dtype == np.int32 and m.indptr.dtype == np.int32 or
            max(m.shape) < 2**31 - 1 and (not len(m.indptr) or m.indptr[-1] < 2**31 - 1)
            for m in mats):
        return np.int64
    return np.int32 if dt == np.int32 and big.indptr.dtype == np.int32 else np.int64


def _parts(m, vdt, idt):
    """(data, indices, indptr) contiguous, in the call's dtypes, never empty
    (a one-element pad keeps &a[0] valid; nnz comes from indptr)."""
    d = np.ascontiguousarray(m.data, dtype=vdt)
    i = np.ascontiguousarray(m.indices, dtype=idt)
    if d.size == 0:
        d, i = np.zeros(1, vdt), np.zeros(1, idt)
    return d, i, np.ascontiguousarray(m.indptr, dtype=idt)


def _row_norms(X, kind="sq"):
    """(n,) per row of CSR X (per column of CSC X): "sq" sum of squares, "l1"
    sum of |v|, "max" max |v|; accumulated in float64."""
    n = X.indptr.shape[0] - 1
    out = np.empty(n, dtype=X.data.dtype)
    if n:
        d, _, p = _parts(X, X.data.dtype, _index_dtype(X))
        _sparse.row_norms(out, d, p, NORM_KINDS[kind], _threads())
    return out


def _csr_dense(Q, B):
    """Q @ B as a dense (nq, m) array: Q CSR (nq, d), B dense (d, m)."""
    vdt = Q.data.dtype
    B = np.ascontiguousarray(B, dtype=vdt)
    out = np.empty((Q.shape[0], B.shape[1]), dtype=vdt)
    if out.size:
        if B.shape[0] == 0:
            out[:] = 0
            return out
        qd, qi, qp = _parts(Q, vdt, _index_dtype(Q))
        _sparse.csr_dense(out, qd, qi, qp, B, _threads())
    return out


def _gram(Q, Xc):
    """Q @ X.T as a dense (nq, n) array: Q CSR (nq, d), Xc = X in CSC (n, d)."""
    vdt = Q.data.dtype
    out = np.empty((Q.shape[0], Xc.shape[0]), dtype=vdt)
    if out.size:
        idt = _index_dtype(Q, Xc)
        qd, qi, qp = _parts(Q, vdt, idt)
        cd, ci, cp = _parts(Xc, vdt, idt)
        _sparse.gram(out, qd, qi, qp, cd, ci, cp, _threads())
    return out


def _pairwise(Q, X, metric):
    """(nq, n) distances between the rows of CSR Q and CSR X by merging their
    index lists: metric "manhattan", "chebyshev" or "sqeuclidean"."""
    vdt = Q.data.dtype
    out = np.empty((Q.shape[0], X.shape[0]), dtype=vdt)
    if out.size:
        idt = _index_dtype(Q, X)
        qd, qi, qp = _parts(Q, vdt, idt)
        xd, xi, xp = _parts(X, vdt, idt)
        _sparse.pairwise(out, qd, qi, qp, xd, xi, xp, METRIC_IDS[metric], _threads())
    return out


def _knn(Q, X, Xc, xs, k, metric):
    """(dist, ind) of the k nearest rows of CSR X for each row of CSR Q, rows
    ordered by (exact distance, index). Xc is X in CSC; xs (n,) the squared
    row norms of X (euclidean, sqeuclidean, cosine) or its l1 norms
    (manhattan). cosine expects rows of Q and X scaled to unit norm (or zero)
    and returns 1 - q.x clipped to [0, 2]."""
    vdt = X.data.dtype
    nq = Q.shape[0]
    dist = np.empty((nq, k), dtype=vdt)
    ind = np.empty((nq, k), dtype=np.int64)
    if nq:
        idt = _index_dtype(Q, X, Xc)
        qd, qi, qp = _parts(Q, vdt, idt)
        xd, xi, xp = _parts(X, vdt, idt)
        cd, ci, cp = _parts(Xc, vdt, idt)
        _sparse.knn(dist, ind, qd, qi, qp, xd, xi, xp, cd, ci, cp,
                    np.ascontiguousarray(xs, dtype=vdt), METRIC_IDS[metric], _threads())
    return dist, ind


def _class_sums(X, cls, n_classes, w=None):
    """(n_classes, d) float64: out[c] = sum of w[i] * X[i] over rows with
    cls[i] == c (CSR X; w None means 1), summed in row order."""
    out = np.zeros((n_classes, X.shape[1]), dtype=np.float64)
    n = X.shape[0]
    if n and X.shape[1]:
        vdt = X.data.dtype
        xd, xi, xp = _parts(X, vdt, _index_dtype(X))
        wv = None if w is None else np.ascontiguousarray(w, dtype=np.float64)
        _sparse.class_sums(out, xd, xi, xp, np.ascontiguousarray(cls, dtype=np.int64), wv,
                           _threads())
    return out


def _enet_cd(w, Xc, mu, r, y, l1, l2, max_iter, tol, positive=False, random=False, seed=0):
    """Elastic-net coordinate descent on CSC Xc (n, p) with implicit centring:
    column j of the design is Xc[:, j] - mu[j] * r (mu, r None: zeros, ones).
    w (p,) float64 is the start, updated in place; y (n,) the centred target.
    random/seed: scikit-learn's random coordinate order (see enet.enet_cd).
    Returns (n_iter, duality gap) with the stop rule of enet.enet_cd."""
    cd, ci, cp = _parts(Xc, np.float64, _index_dtype(Xc))
    mu = None if mu is None else np.ascontiguousarray(mu, dtype=np.float64)
    r = None if r is None else np.ascontiguousarray(r, dtype=np.float64)
    it, gap = _sparse.enet_cd(w, cd, ci, cp, mu, r, np.ascontiguousarray(y, dtype=np.float64),
                              float(l1), float(l2), int(max_iter), float(tol), bool(positive),
                              bool(random), int(seed), _threads())
    return int(it), float(gap)


def _sgd_epoch(w, q, state, X, y, sw, order, loss, eps, penalty, alpha, l1_ratio, schedule, eta0,
               power_t, optimal_init, fit_intercept, intercept_decay=0.01):
    """One per-sample SGD epoch over the rows X[order] of CSR X (float64
    values): w (p,), q (p,), state [wscale, intercept, t, u] float64 updated in
    place; loss / penalty / schedule by name (fastml._kernels.sgd); the step
    and lazy L1 touch each row's stored features, the intercept step is
    scaled by intercept_decay. Returns the epoch's summed loss. Sequential."""
    from .reference import sgd as _codes

    xd, xi, xp = _parts(X, np.float64, _index_dtype(X))
    return float(_sparse.sgd_epoch(
        w, q, state, xd, xi, xp, np.ascontiguousarray(y, dtype=np.float64),
        np.ascontiguousarray(sw, dtype=np.float64), np.ascontiguousarray(order, dtype=np.int64),
        _codes.LOSSES.index(loss), float(eps), _codes.PENALTIES.index(penalty), float(alpha),
        float(l1_ratio), _codes.SCHEDULES.index(schedule), float(eta0), float(power_t),
        float(optimal_init), bool(fit_intercept), float(intercept_decay), _threads()))


if COMPILED:
    from . import _sparse

    row_norms = _row_norms
    csr_dense = _csr_dense
    gram = _gram
    pairwise = _pairwise
    knn = _knn
    class_sums = _class_sums
    enet_cd = _enet_cd
    sgd_epoch = _sgd_epoch
else:
    from .reference.sparse import (class_sums, csr_dense, enet_cd, gram, knn,  # noqa: F401
                                   pairwise, row_norms, sgd_epoch)
