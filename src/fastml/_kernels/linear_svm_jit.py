"""Numba kernels of the linear SVMs: liblinear's dual coordinate descent
(SVC hinge / squared hinge, SVR epsilon-insensitive / squared) and primal
coordinate descent for L1-regularised squared-hinge SVC.

Contracts, visiting order and arithmetic are those of the NumPy twin
fastml._kernels.reference.linear_svm (read its module docstring); here every
row operation is an explicit loop over a dense row or a CSR row, so nothing
is allocated per coordinate step. Imported lazily (first fit), compiled once
and cached on disk; nogil so one-vs-rest problems run on parallel threads.
float64 only: sequential, latency-bound loops.
"""
import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _rand_next(s):
    s ^= (s << 13) & 0xFFFFFFFF
    s ^= s >> 17
    s ^= (s << 5) & 0xFFFFFFFF
    return s


@_jit
def _shuffle_prefix(index, m, s):
    for i in range(m - 1):
        s = _rand_next(s)
        j = i + (s % 0x7FFFFFFF) % (m - i)
        t = index[i]
        index[i] = index[j]
        index[j] = t
    return s


@_jit
def _row_dot(Xd, data, indices, indptr, dense, i, w, B):
    # four accumulators: fixed order, pipelined without fastmath
    s0 = s1 = s2 = s3 = 0.0
    if dense:
        p = Xd.shape[1]
        m = p - p % 4
        for j in range(0, m, 4):
            s0 += Xd[i, j] * w[j]
            s1 += Xd[i, j + 1] * w[j + 1]
            s2 += Xd[i, j + 2] * w[j + 2]
            s3 += Xd[i, j + 3] * w[j + 3]
        for j in range(m, p):
            s0 += Xd[i, j] * w[j]
    else:
        a, b = indptr[i], indptr[i + 1]
        m = b - (b - a) % 4
        for k in range(a, m, 4):
            s0 += data[k] * w[indices[k]]
            s1 += data[k + 1] * w[indices[k + 1]]
            s2 += data[k + 2] * w[indices[k + 2]]
            s3 += data[k + 3] * w[indices[k + 3]]
        for k in range(m, b):
            s0 += data[k] * w[indices[k]]
    return (s0 + s1) + (s2 + s3) + B * w[w.shape[0] - 1]


@_jit
def _row_axpy(Xd, data, indices, indptr, dense, i, w, a, B):
    if dense:
        for j in range(Xd.shape[1]):
            w[j] += a * Xd[i, j]
    else:
        for k in range(indptr[i], indptr[i + 1]):
            w[indices[k]] += a * data[k]
    w[w.shape[0] - 1] += a * B


@_jit
def _row_sqnorm(Xd, data, indices, indptr, dense, i):
    s = 0.0
    if dense:
        for j in range(Xd.shape[1]):
            s += Xd[i, j] * Xd[i, j]
    else:
        for k in range(indptr[i], indptr[i + 1]):
            s += data[k] * data[k]
    return s


@_jit
def dual_cd_svc(w, alpha, Xd, data, indices, indptr, dense, y, Ci, B, loss, tol, max_iter,
                seed):
    n = y.shape[0]
    diag = np.zeros(n)
    upper = np.empty(n)
    qd = np.empty(n)
    for i in range(n):
        if loss == 0:
            upper[i] = Ci[i]
        else:
            upper[i] = np.inf
            diag[i] = 0.5 / Ci[i]
        qd[i] = diag[i] + _row_sqnorm(Xd, data, indices, indptr, dense, i) + B * B
    index = np.arange(n)
    active = n
    pg_max_old, pg_min_old = np.inf, -np.inf
    s = np.int64(seed)
    it = 0
    while it < max_iter:
        pg_max, pg_min = -np.inf, np.inf
        s = _shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            i = index[k]
            g = y[i] * _row_dot(Xd, data, indices, indptr, dense, i, w, B) - 1.0 \
                + diag[i] * alpha[i]
            pg = 0.0
            if alpha[i] == 0.0:
                if g > pg_max_old:
                    active -= 1
                    index[k] = index[active]
                    index[active] = i
                    continue
                if g < 0.0:
                    pg = g
            elif alpha[i] == upper[i]:
                if g < pg_min_old:
                    active -= 1
                    index[k] = index[active]
                    index[active] = i
                    continue
                if g > 0.0:
                    pg = g
            else:
                pg = g
            pg_max = max(pg_max, pg)
            pg_min = min(pg_min, pg)
            if abs(pg) > 1e-12:
                old = alpha[i]
                alpha[i] = min(max(old - g / qd[i], 0.0), upper[i])
                _row_axpy(Xd, data, indices, indptr, dense, i, w, (alpha[i] - old) * y[i], B)
            k += 1
        it += 1
        if pg_max - pg_min <= tol:
            if active == n:
                break
            active = n
            pg_max_old, pg_min_old = np.inf, -np.inf
            continue
        pg_max_old = pg_max if pg_max > 0.0 else np.inf
        pg_min_old = pg_min if pg_min < 0.0 else -np.inf
    return it


@_jit
def dual_cd_svr(w, beta, Xd, data, indices, indptr, dense, y, Ci, B, loss, epsilon, tol,
                max_iter, seed):
    n = y.shape[0]
    lam = np.zeros(n)
    upper = np.empty(n)
    qd = np.empty(n)
    for i in range(n):
        if loss == 0:
            upper[i] = Ci[i]
        else:
            upper[i] = np.inf
            lam[i] = 0.5 / Ci[i]
        qd[i] = _row_sqnorm(Xd, data, indices, indptr, dense, i) + B * B
    index = np.arange(n)
    active = n
    g_max_old = np.inf
    g_norm1_init = -1.0
    s = np.int64(seed)
    it = 0
    while it < max_iter:
        g_max, g_norm1 = 0.0, 0.0
        s = _shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            i = index[k]
            g = -y[i] + lam[i] * beta[i] + _row_dot(Xd, data, indices, indptr, dense, i, w, B)
            h = qd[i] + lam[i]
            gp, gn = g + epsilon, g - epsilon
            viol = 0.0
            shrink = False
            if beta[i] == 0.0:
                if gp < 0.0:
                    viol = -gp
                elif gn > 0.0:
                    viol = gn
                elif gp > g_max_old and gn < -g_max_old:
                    shrink = True
            elif beta[i] >= upper[i]:
                if gp > 0.0:
                    viol = gp
                elif gp < -g_max_old:
                    shrink = True
            elif beta[i] <= -upper[i]:
                if gn < 0.0:
                    viol = -gn
                elif gn > g_max_old:
                    shrink = True
            elif beta[i] > 0.0:
                viol = abs(gp)
            else:
                viol = abs(gn)
            if shrink:
                active -= 1
                index[k] = index[active]
                index[active] = i
                continue
            g_max = max(g_max, viol)
            g_norm1 += viol
            k += 1
            if gp < h * beta[i]:
                d = -gp / h
            elif gn > h * beta[i]:
                d = -gn / h
            else:
                d = -beta[i]
            if abs(d) < 1e-12:
                continue
            old = beta[i]
            beta[i] = min(max(old + d, -upper[i]), upper[i])
            d = beta[i] - old
            if d != 0.0:
                _row_axpy(Xd, data, indices, indptr, dense, i, w, d, B)
        if it == 0:
            g_norm1_init = g_norm1
        it += 1
        if g_norm1 <= tol * g_norm1_init:
            if active == n:
                break
            active = n
            g_max_old = np.inf
            continue
        g_max_old = g_max
    return it


@_jit
def _col_axpy_loss(b, Ci, XTd, data, indices, indptr, dense, y, B, j, p, n, shift, want):
    """b_i += shift * y_i x_ij over feature j's samples (the bias column when
    j == p); with `want`, returns sum of C_i max(0, b_i)^2 over them after."""
    tot = 0.0
    if j == p or dense:
        for i in range(n):
            v = B if j == p else XTd[j, i]
            bn = b[i] + shift * v * y[i]
            b[i] = bn
            if want and bn > 0.0:
                tot += Ci[i] * bn * bn
    else:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            bn = b[i] + shift * data[k] * y[i]
            b[i] = bn
            if want and bn > 0.0:
                tot += Ci[i] * bn * bn
    return tot


@_jit
def _col_grad(b, Ci, XTd, data, indices, indptr, dense, y, B, j, p, n):
    """(sum over active samples of -C_i y_i x_ij b_i, of C_i x_ij^2)."""
    g = 0.0
    h = 0.0
    if j == p or dense:
        for i in range(n):
            if b[i] > 0.0:
                v = B if j == p else XTd[j, i]
                t = Ci[i] * v
                g -= t * y[i] * b[i]
                h += t * v
    else:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            if b[i] > 0.0:
                t = Ci[i] * data[k]
                g -= t * y[i] * b[i]
                h += t * data[k]
    return g, h


@_jit
def _col_sq(Ci, XTd, data, indices, indptr, dense, B, j, p, n):
    s = 0.0
    if j == p or dense:
        for i in range(n):
            v = B if j == p else XTd[j, i]
            s += Ci[i] * v * v
    else:
        for k in range(indptr[j], indptr[j + 1]):
            s += Ci[indices[k]] * data[k] * data[k]
    return s


@_jit
def _recompute_margins(w, b, XTd, data, indices, indptr, dense, y, Ci, B, ncols, p, n):
    for i in range(n):
        b[i] = 1.0
    for jj in range(ncols):
        if w[jj] != 0.0:
            _col_axpy_loss(b, Ci, XTd, data, indices, indptr, dense, y, B, jj, p, n, -w[jj],
                           False)


@_jit
def primal_cd_l1(w, b, XTd, data, indices, indptr, dense, y, Ci, B, tol, max_iter, seed):
    n = y.shape[0]
    p = w.shape[0] - 1
    ncols = p + 1 if B > 0.0 else p
    sigma = 0.01
    xj_sq = np.zeros(ncols)
    for j in range(ncols):
        xj_sq[j] = _col_sq(Ci, XTd, data, indices, indptr, dense, B, j, p, n)
    index = np.arange(ncols)
    active = ncols
    g_max_old = np.inf
    g_norm1_init = -1.0
    s = np.int64(seed)
    it = 0
    while it < max_iter:
        g_max, g_norm1 = 0.0, 0.0
        s = _shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            j = index[k]
            g_loss, h = _col_grad(b, Ci, XTd, data, indices, indptr, dense, y, B, j, p, n)
            g_loss *= 2.0
            h = max(2.0 * h, 1e-12)
            gp, gn = g_loss + 1.0, g_loss - 1.0
            viol = 0.0
            if w[j] == 0.0:
                if gp < 0.0:
                    viol = -gp
                elif gn > 0.0:
                    viol = gn
                elif gp > g_max_old / n and gn < -g_max_old / n:
                    active -= 1
                    index[k] = index[active]
                    index[active] = j
                    continue
            elif w[j] > 0.0:
                viol = abs(gp)
            else:
                viol = abs(gn)
            g_max = max(g_max, viol)
            g_norm1 += viol
            k += 1
            if gp < h * w[j]:
                d = -gp / h
            elif gn > h * w[j]:
                d = -gn / h
            else:
                d = -w[j]
            if abs(d) < 1.0e-12:
                continue
            delta = abs(w[j] + d) - abs(w[j]) + g_loss * d
            d_old = 0.0
            ok = False
            loss_old = 0.0
            for ls in range(20):
                d_diff = d_old - d
                cond = abs(w[j] + d) - abs(w[j]) - sigma * delta
                appx = xj_sq[j] * d * d + g_loss * d + cond
                if appx <= 0.0:
                    _col_axpy_loss(b, Ci, XTd, data, indices, indptr, dense, y, B, j, p, n,
                                   d_diff, False)
                    ok = True
                    break
                if ls == 0:
                    loss_old = _col_axpy_loss(b, Ci, XTd, data, indices, indptr, dense, y, B,
                                              j, p, n, 0.0, True)
                loss_new = _col_axpy_loss(b, Ci, XTd, data, indices, indptr, dense, y, B, j,
                                          p, n, d_diff, True)
                cond += loss_new - loss_old
                if cond <= 0.0:
                    ok = True
                    break
                d_old = d
                d *= 0.5
                delta *= 0.5
            w[j] += d
            if not ok:
                _recompute_margins(w, b, XTd, data, indices, indptr, dense, y, Ci, B, ncols,
                                   p, n)
        if it == 0:
            g_norm1_init = g_norm1
        it += 1
        if g_norm1 <= tol * g_norm1_init:
            if active == ncols:
                break
            active = ncols
            g_max_old = np.inf
            continue
        g_max_old = g_max
    return it


@_jit
def _cs_subproblem(A, Bv, yi, C_yi, active, D, new):
    """The twin's _cs_subproblem into `new` (D: scratch of length >= active)."""
    for m in range(active):  # insertion sort, descending (active is the class count)
        v = Bv[m] + (A * C_yi if m == yi else 0.0)
        j = m
        while j > 0 and D[j - 1] < v:
            D[j] = D[j - 1]
            j -= 1
        D[j] = v
    beta = D[0] - A * C_yi
    r = 1
    while r < active and beta < r * D[r]:
        beta += D[r]
        r += 1
    beta /= r
    for m in range(active):
        new[m] = min(0.0, (beta - Bv[m]) / A)
    if yi < active:
        new[yi] = min(C_yi, (beta - Bv[yi]) / A)


@_jit
def crammer_singer(W, alpha, Xd, data, indices, indptr, dense, yk, Ci, B, tol, max_iter,
                   seed):
    n, K = alpha.shape
    qd = np.empty(n)
    for i in range(n):
        qd[i] = _row_sqnorm(Xd, data, indices, indptr, dense, i) + B * B
    order = np.empty((n, K), dtype=np.int64)
    for i in range(n):
        for m in range(K):
            order[i, m] = m
    active_k = np.full(n, K, dtype=np.int64)
    ypos = yk.copy()
    index = np.arange(n)
    active = n
    eps_shrink = max(10.0 * tol, 1.0)
    from_all = True
    G = np.empty(K)
    Bv = np.empty(K)
    D = np.empty(K)
    new = np.empty(K)
    s = np.int64(seed)
    it = 0
    while it < max_iter:
        stopping = -np.inf
        s = _shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            i = index[k]
            A = qd[i]
            if not A > 0.0:
                k += 1
                continue
            m_act = active_k[i]
            yp = ypos[i]
            C_i = Ci[i]
            for m in range(m_act):
                G[m] = _row_dot(Xd, data, indices, indptr, dense, i, W[order[i, m]], B)
                G[m] += 0.0 if m == yp else 1.0
            minG, maxG = np.inf, -np.inf
            for m in range(m_act):
                if m != yp and alpha[i, order[i, m]] < 0.0 and G[m] < minG:
                    minG = G[m]
                if G[m] > maxG:
                    maxG = G[m]
            if yp < m_act and alpha[i, yk[i]] < C_i and G[yp] < minG:
                minG = G[yp]
            m = 0
            while m < m_act:
                bound = C_i if m == yp else 0.0
                if alpha[i, order[i, m]] == bound and G[m] < minG:
                    m_act -= 1
                    while m_act > m:
                        bnd = C_i if m_act == yp else 0.0
                        if not (alpha[i, order[i, m_act]] == bnd and G[m_act] < minG):
                            t = order[i, m]
                            order[i, m] = order[i, m_act]
                            order[i, m_act] = t
                            g = G[m]
                            G[m] = G[m_act]
                            G[m_act] = g
                            if yp == m_act:
                                yp = m
                            elif yp == m:
                                yp = m_act
                            break
                        m_act -= 1
                m += 1
            active_k[i] = m_act
            ypos[i] = yp
            if m_act <= 1:
                active -= 1
                index[k] = index[active]
                index[active] = i
                continue
            k += 1
            if maxG - minG <= 1e-12:
                continue
            stopping = max(maxG - minG, stopping)
            for m in range(m_act):
                Bv[m] = G[m] - A * alpha[i, order[i, m]]
            _cs_subproblem(A, Bv, yp, C_i, m_act, D, new)
            for m in range(m_act):
                c = order[i, m]
                d = new[m] - alpha[i, c]
                alpha[i, c] = new[m]
                if abs(d) >= 1e-12:
                    _row_axpy(Xd, data, indices, indptr, dense, i, W[c], d, B)
        it += 1
        if stopping < eps_shrink:
            if stopping < tol and from_all:
                break
            active = n
            for i in range(n):
                active_k[i] = K
            eps_shrink = max(eps_shrink / 2.0, tol)
            from_all = True
        else:
            from_all = False
    return it
