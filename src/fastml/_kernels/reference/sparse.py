"""Reference sparse kernels: the executable spec of csrc/sparse*.c.

Matrices are scipy.sparse-like objects (.data, .indices, .indptr, .shape) in
canonical format; see the facade (fastml._kernels.sparse) for the contracts.
Written row by row in NumPy: each sparse row is expanded to a dense float64
vector of n_features, so these twins are for tests and small data.
"""

import numpy as np

NORM_KINDS = ("sq", "l1", "max")


def _row(m, i, d):
    """Row i of a CSR matrix (column i of a CSC one) as a dense float64 vector."""
    v = np.zeros(d)
    a, b = m.indptr[i], m.indptr[i + 1]
    v[m.indices[a:b]] = m.data[a:b]
    return v


def _dense(m, n_outer, d):
    return np.array([_row(m, i, d) for i in range(n_outer)]).reshape(n_outer, d)


def row_norms(X, kind="sq"):
    n = len(X.indptr) - 1
    out = np.zeros(n)
    for i in range(n):
        v = np.asarray(X.data[X.indptr[i]:X.indptr[i + 1]], dtype=np.float64)
        if v.size:
            out[i] = (v @ v if kind == "sq" else np.abs(v).sum() if kind == "l1"
                      else np.abs(v).max())
    return out.astype(X.data.dtype)


def csr_dense(Q, B):
    B = np.asarray(B, dtype=np.float64)
    Qd = _dense(Q, Q.shape[0], Q.shape[1])
    return (Qd @ B).astype(Q.data.dtype)


def gram(Q, Xc):
    d = Q.shape[1]
    Qd = _dense(Q, Q.shape[0], d)
    Xd = _dense(Xc, d, Xc.shape[0])  # CSC: columns of X are rows here -> X.T (d, n)
    return (Qd @ Xd).astype(Q.data.dtype)


def _direct(q, X, metric):
    """Distances (sqeuclidean reduced) of dense q to every dense row of X."""
    diff = np.abs(X - q)
    if metric == "manhattan":
        return diff.sum(axis=1)
    if metric == "chebyshev":
        return diff.max(axis=1) if X.shape[1] else np.zeros(len(X))
    if metric == "cosine":
        return 1.0 - X @ q
    return (diff * diff).sum(axis=1)


def pairwise(Q, X, metric):
    d = Q.shape[1]
    Xd = _dense(X, X.shape[0], d)
    out = np.array([_direct(_row(Q, i, d), Xd, metric) for i in range(Q.shape[0])])
    return out.reshape(Q.shape[0], X.shape[0]).astype(Q.data.dtype)


def knn(Q, X, Xc, xs, k, metric):
    d = Q.shape[1]
    Xd = _dense(X, X.shape[0], d)
    nq = Q.shape[0]
    dist = np.empty((nq, k))
    ind = np.empty((nq, k), dtype=np.int64)
    rmetric = "sqeuclidean" if metric == "euclidean" else metric
    for i in range(nq):
        e = _direct(_row(Q, i, d), Xd, rmetric)
        o = np.lexsort((np.arange(len(e)), e))[:k]
        ind[i], dist[i] = o, e[o]
    if metric == "euclidean":
        dist = np.sqrt(dist)
    elif metric == "cosine":
        dist = np.clip(dist, 0.0, 2.0)
    return dist.astype(X.data.dtype), ind


def class_sums(X, cls, n_classes, w=None):
    out = np.zeros((n_classes, X.shape[1]))
    for i in range(X.shape[0]):
        a, b = X.indptr[i], X.indptr[i + 1]
        wi = 1.0 if w is None else float(w[i])
        for t in range(a, b):
            out[cls[i], X.indices[t]] += wi * float(X.data[t])
    return out


def enet_cd(w, Xc, mu, r, y, l1, l2, max_iter, tol, positive=False, random=False, seed=0):
    """Builds the centred design densely and runs the dense twin (enet.py),
    after the compiled kernel's entry check: no sweep when w already meets
    the gap (a warm start at the optimum). Densifies: the twin is the spec,
    not the memory-lean path. random: the twin draws from all p features,
    the compiled kernel from those its screening keeps active (as
    scikit-learn's), so random iterates differ; both stop on the same gap."""
    from .enet import enet_cd as dense_cd
    from .enet import enet_gap

    n, p = Xc.shape
    XT = _dense(Xc, p, n)  # CSC columns -> rows of X.T
    if mu is not None:
        rr = np.ones(n) if r is None else np.asarray(r, dtype=np.float64)
        XT = XT - np.outer(mu, rr)
    XT = np.ascontiguousarray(XT)
    y = np.asarray(y, dtype=np.float64)
    gap = enet_gap(w, XT, y, y - XT.T @ w, l1, l2, positive)
    if gap <= tol * float(y @ y):
        return 0, gap
    return dense_cd(w, XT, y, l1, l2, max_iter, tol, positive, random, seed)




def sgd_epoch(w, q, state, X, y, sw, order, loss, eps, penalty, alpha, l1_ratio, schedule, eta0,
              power_t, optimal_init, fit_intercept, intercept_decay=0.01):
    """One SGD epoch over the rows of CSR X, per sample as the dense twin
    (reference/sgd.py) with the sparse differences: the step and the lazy L1
    truncation touch the row's stored features only, and the intercept step is
    scaled by intercept_decay. loss / penalty / schedule are names."""
    from . import sgd as _sgd

    lc, pc, sc = _sgd.LOSSES.index(loss), _sgd.PENALTIES.index(penalty), \
        _sgd.SCHEDULES.index(schedule)
    wscale, b, t, u = (float(v) for v in state[:4])  # [4:] is averaging state
    use_l2, use_l1 = pc in (1, 3), pc in (2, 3)
    l1_share = l1_ratio if pc == 3 else 1.0
    l2_share = 1.0 - l1_ratio if pc == 3 else 1.0
    total = 0.0
    for i in order:
        cols = X.indices[X.indptr[i]:X.indptr[i + 1]]
        vals = X.data[X.indptr[i]:X.indptr[i + 1]].astype(np.float64)
        pred = wscale * float(w[cols] @ vals) + b
        if sc == 1:
            span = optimal_init + t - 1.0
            if span == 0.0:  # a tiny optimal_init absorbed by t = 1
                span = optimal_init + (t - 1.0)
            eta = 1.0 / (alpha * span)
        elif sc == 2:
            eta = eta0 / t ** power_t
        else:
            eta = eta0
        total += _sgd.loss_value(lc, pred, y[i], eps)
        d = min(max(_sgd.loss_dloss(lc, pred, y[i], eps), -_sgd.MAX_DLOSS), _sgd.MAX_DLOSS)
        update = -eta * d * sw[i]
        if use_l2:
            wscale *= max(0.0, 1.0 - l2_share * eta * alpha)
            if wscale < 1e-9:
                w *= wscale
                wscale = 1.0
        if update != 0.0:
            w[cols] += (update / wscale) * vals
            if fit_intercept:
                b += update * intercept_decay
        if use_l1:
            u += l1_share * eta * alpha
            for j in cols:
                z = w[j]
                if wscale * z > 0.0:
                    w[j] = max(0.0, z - (u + q[j]) / wscale)
                elif wscale * z < 0.0:
                    w[j] = min(0.0, z + (u - q[j]) / wscale)
                q[j] += wscale * (w[j] - z)
        t += 1.0
    state[:4] = (wscale, b, t, u)
    return total
