"""NumPy twin of csrc/svm*.c (same signatures as the facade fastml._kernels.svm).

A plain SMO with the same second-order working-set selection, two-variable
step and bias as the compiled solver, on the full kernel matrix (no cache;
its off-diagonal values rounded to float32 like the compiled row cache);
shrinking is accepted and ignored (it changes the path, not the optimum).
"""
import numpy as np

KERNELS = {"linear": 0, "poly": 1, "rbf": 2, "sigmoid": 3, "precomputed": 4}
TAU = 1e-12


def row_norms_sq(X):
    """Squared Euclidean norm of every row (dense or CSR), float64."""
    if hasattr(X, "indptr"):
        return np.asarray(X.multiply(X).sum(axis=1), dtype=np.float64).ravel()
    X = np.asarray(X, dtype=np.float64)
    return np.einsum("ij,ij->i", X, X)


def kernel_matrix(A, B, kernel, degree, gamma, coef0):
    """K(A_i, B_j), (na, nb) float64."""
    if kernel == "precomputed":
        raise ValueError("kernel_matrix needs points, not a precomputed kernel")
    dot = A @ B.T
    dot = np.asarray(dot.toarray() if hasattr(dot, "toarray") else dot, dtype=np.float64)
    if kernel == "linear":
        return dot
    if kernel == "rbf":
        return np.exp(-gamma * (row_norms_sq(A)[:, None] + row_norms_sq(B)[None, :] - 2 * dot))
    if kernel == "poly":
        return (gamma * dot + coef0) ** degree
    return np.tanh(gamma * dot + coef0)


def _select(G, y, a, C, QD, K, pt, nu, tol):
    up = np.where(y > 0, a < C, a > 0)    # I_up: may move "up" along y
    low = np.where(y > 0, a > 0, a < C)   # I_low
    l = len(y)
    if not nu:
        cand = np.flatnonzero(up)
        if cand.size == 0:
            return None
        score = -y[cand] * G[cand]
        top = np.flatnonzero(score == score.max())
        if top.size == 0:  # NaN gradients (non-finite kernel values): stop, as the kernel does
            return None
        i = cand[top[-1]]
        gmax = -y[i] * G[i]
        lowc = np.flatnonzero(low)
        gmax2 = (y[lowc] * G[lowc]).max() if lowc.size else -np.inf
        gd = gmax + y * G
        ok = low & (gd > 0)
        if gmax + gmax2 < tol or not ok.any():
            return None
        qc = QD[i] + QD - 2 * K[pt[i], pt]
        qc = np.where(qc > 0, qc, TAU)
        od = np.where(ok, -(gd * gd) / qc, np.inf)
        js = np.flatnonzero(od == od.min())
        return None if js.size == 0 else (i, js[-1])
    best, gaps, pick = np.inf, [], None
    idx = np.arange(l)
    for sgn in (1, -1):
        cls = y == sgn
        cand = idx[cls & up]
        i = None
        gm = -np.inf
        if cand.size:
            score = -y[cand] * G[cand]
            top = np.flatnonzero(score == score.max())
            if top.size == 0:  # NaN gradients: stop, as the kernel does
                return None
            i = cand[top[-1]]
            gm = score.max()
        lowc = idx[cls & low]
        gm2 = (y[lowc] * G[lowc]).max() if lowc.size else -np.inf
        gaps.append(gm + gm2)
        if i is None:
            continue
        gd = gm + y * G
        ok = cls & low & (gd > 0)
        qc = QD[i] + QD - 2 * K[pt[i], pt]
        qc = np.where(qc > 0, qc, TAU)
        od = np.where(ok, -(gd * gd) / qc, np.inf)
        js = np.flatnonzero(od == od.min())
        if ok.any() and js.size:
            j = js[-1]
            # libsvm scans positions once: a later j wins a tie across signs
            if od[j] < best or (od[j] == best and pick is not None and j > pick[1]):
                best, pick = od[j], (i, j)
    if max(gaps) < tol or pick is None:
        return None
    return pick


def _step(i, j, G, y, a, C, QD, K, pt):
    qc = QD[i] + QD[j] - 2 * K[pt[i], pt[j]]
    qc = qc if qc > 0 else TAU
    ai0, aj0, Ci, Cj = a[i], a[j], C[i], C[j]
    ai, aj = ai0, aj0
    if y[i] != y[j]:
        delta = (-G[i] - G[j]) / qc
        diff = ai - aj
        ai += delta
        aj += delta
        if diff > 0:
            if aj < 0:
                aj, ai = 0.0, diff
        elif ai < 0:
            ai, aj = 0.0, -diff
        if diff > Ci - Cj:
            if ai > Ci:
                ai, aj = Ci, Ci - diff
        elif aj > Cj:
            aj, ai = Cj, Cj + diff
    else:
        delta = (G[i] - G[j]) / qc
        s = ai + aj
        ai -= delta
        aj += delta
        if s > Ci:
            if ai > Ci:
                ai, aj = Ci, s - Ci
        elif aj < 0:
            aj, ai = 0.0, s
        if s > Cj:
            if aj > Cj:
                aj, ai = Cj, s - Cj
        elif ai < 0:
            ai, aj = 0.0, s
    a[i], a[j] = ai, aj
    G += y * (K[pt[i], pt] * ((ai - ai0) * y[i]) + K[pt[j], pt] * ((aj - aj0) * y[j]))


def _rho(G, y, a, C, nu):
    upper, lower = a >= C, a <= 0
    free = ~upper & ~lower

    def one(v, ub_mask, lb_mask, fr):
        if fr.any():
            return v[fr].mean()
        ub = v[ub_mask].min() if ub_mask.any() else np.inf
        lb = v[lb_mask].max() if lb_mask.any() else -np.inf
        return (ub + lb) / 2

    if not nu:
        yG = y * G
        return one(yG, (upper & (y < 0)) | (lower & (y > 0)),
                   (upper & (y > 0)) | (lower & (y < 0)), free), 0.0
    r1 = one(G, lower & (y > 0), upper & (y > 0), free & (y > 0))
    r2 = one(G, lower & (y < 0), upper & (y < 0), free & (y < 0))
    return (r1 - r2) / 2, (r1 + r2) / 2


def solve(X, kernel, degree, gamma, coef0, rows, y, p, C, alpha, nu, tol, shrinking,
          cache_size, max_iter):
    """SMO on the full kernel matrix; same contract as the facade."""
    rows = np.asarray(rows, dtype=np.int64)
    m = len(rows)
    if kernel == "precomputed":
        Kf = np.asarray(X, dtype=np.float64)
        K = Kf[np.ix_(rows, rows)]
    else:
        Xs = X[rows]
        K = kernel_matrix(Xs, Xs, kernel, degree, gamma, coef0)
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    C = np.asarray(C, dtype=np.float64)
    a = np.array(alpha, dtype=np.float64)
    l = len(y)
    pt = np.arange(l) % m
    QD = np.diag(K)[pt].copy()
    # the compiled solver keeps kernel rows in float32 (as libsvm's cache does);
    # the diagonal stays float64
    K = K.astype(np.float32).astype(np.float64)
    G = p.copy()
    for v in np.flatnonzero(a > 0):
        G += a[v] * y[v] * y * K[pt[v], pt]
    limit = max_iter if max_iter >= 0 else max(10_000_000, 100 * l)
    it = 0
    while it < limit:
        ij = _select(G, y, a, C, QD, K, pt, nu, tol)
        if ij is None:
            break
        it += 1
        _step(ij[0], ij[1], G, y, a, C, QD, K, pt)
    rho, r = _rho(G, y, a, C, nu)
    obj = float(a @ (G + p)) / 2
    return a, rho, r, obj, it, it >= limit
