"""Pure-NumPy twins of the linear-SVM solvers (fastml._kernels.linear_svm_jit):
liblinear's dual coordinate descent for L2-regularised SVC (hinge /
squared hinge) and SVR (epsilon-insensitive / squared), and primal
coordinate descent for L1-regularised squared-hinge SVC.

Same algorithms, same visiting order (the xorshift32 permutation below) and
the same arithmetic as the jitted versions, written with one NumPy call per
sample: the executable specification and the test oracle.

Conventions (shared with the jitted kernels):
- X is given as (Xd, data, indices, indptr, dense): dense rows Xd (n, p)
  float64 C-contiguous when `dense`, else CSR parts (float64 data). For the
  primal L1 solver the same tuple describes X transposed (rows = features).
- y (n,) float64: +-1 labels (SVC) or targets (SVR); Ci (n,) float64 > 0 the
  per-sample cost C * sample_weight * class weight.
- bias B >= 0: an extra constant feature of value B (liblinear's
  intercept_scaling; 0 = no intercept); w has p + 1 entries, w[p] its weight
  (the intercept is B * w[p]), regularised like the others.
- w (p + 1,) and the dual variables are written in place; each solver
  returns the number of outer iterations run (== max_iter: not converged).
"""
import numpy as np

HINGE, SQUARED_HINGE = 0, 1
EPS_INSENSITIVE, SQUARED_EPS_INSENSITIVE = 0, 1


def rand_next(s):
    """xorshift32 step; s a nonzero uint32 held in a Python/NumPy int."""
    s ^= (s << 13) & 0xFFFFFFFF
    s ^= s >> 17
    s ^= (s << 5) & 0xFFFFFFFF
    return s


def seed_state(seed):
    s = int(seed) & 0xFFFFFFFF
    return s if s != 0 else 0x9E3779B9


def shuffle_prefix(index, m, s):
    """Fisher-Yates shuffle of index[:m] in place; returns the new state."""
    for i in range(m - 1):
        s = rand_next(s)
        j = i + (s % 0x7FFFFFFF) % (m - i)
        index[i], index[j] = index[j], index[i]
    return s


def _row(X, i):
    Xd, data, indices, indptr, dense = X
    if dense:
        return None, Xd[i]
    a, b = indptr[i], indptr[i + 1]
    return indices[a:b], data[a:b]


def row_dot(X, i, w, B):
    idx, v = _row(X, i)
    s = float(v @ (w[:v.shape[0]] if idx is None else w[idx]))
    return s + B * w[-1]


def row_axpy(X, i, w, a, B):
    idx, v = _row(X, i)
    if idx is None:
        w[:v.shape[0]] += a * v
    else:
        w[idx] += a * v
    w[-1] += a * B


def row_sqnorms(X, n):
    return np.array([float(_row(X, i)[1] @ _row(X, i)[1]) for i in range(n)])


def dual_cd_svc(w, alpha, X, y, Ci, B, loss, tol, max_iter, seed):
    """liblinear's solve_l2r_l1l2_svc: min_alpha 1/2 a'Qa - e'a with
    Q = yy'XX' + D, box 0 <= a_i <= U_i (hinge: U = C_i, D = 0; squared hinge:
    U = inf, D_ii = 1/(2 C_i)); shrinking; stops when the projected-gradient
    spread max - min <= tol over all samples. w = sum a_i y_i x_i."""
    n = y.shape[0]
    diag = np.zeros(n) if loss == HINGE else 0.5 / Ci
    upper = Ci.copy() if loss == HINGE else np.full(n, np.inf)
    qd = diag + row_sqnorms(X, n) + B * B
    index = np.arange(n)
    active = n
    pg_max_old, pg_min_old = np.inf, -np.inf
    s = seed_state(seed)
    it = 0
    while it < max_iter:
        pg_max, pg_min = -np.inf, np.inf
        s = shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            i = index[k]
            g = y[i] * row_dot(X, i, w, B) - 1.0 + diag[i] * alpha[i]
            pg = 0.0
            if alpha[i] == 0.0:
                if g > pg_max_old:
                    active -= 1
                    index[k], index[active] = index[active], index[k]
                    continue
                if g < 0.0:
                    pg = g
            elif alpha[i] == upper[i]:
                if g < pg_min_old:
                    active -= 1
                    index[k], index[active] = index[active], index[k]
                    continue
                if g > 0.0:
                    pg = g
            else:
                pg = g
            pg_max, pg_min = max(pg_max, pg), min(pg_min, pg)
            if abs(pg) > 1e-12:
                old = alpha[i]
                alpha[i] = min(max(old - g / qd[i], 0.0), upper[i])
                row_axpy(X, i, w, (alpha[i] - old) * y[i], B)
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


def dual_cd_svr(w, beta, X, y, Ci, B, loss, epsilon, tol, max_iter, seed):
    """liblinear's solve_l2r_l1l2_svr: one dual variable beta_i per sample,
    |beta_i| <= U_i (L1 loss: U = C_i, lambda = 0; squared: U = inf,
    lambda_i = 1/(2 C_i)); shrinking; stops when the summed violation drops
    below tol times the first iteration's. w = sum beta_i x_i."""
    n = y.shape[0]
    lam = np.zeros(n) if loss == EPS_INSENSITIVE else 0.5 / Ci
    upper = Ci.copy() if loss == EPS_INSENSITIVE else np.full(n, np.inf)
    qd = row_sqnorms(X, n) + B * B
    index = np.arange(n)
    active = n
    g_max_old = np.inf
    g_norm1_init = -1.0
    s = seed_state(seed)
    it = 0
    while it < max_iter:
        g_max, g_norm1 = 0.0, 0.0
        s = shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            i = index[k]
            g = -y[i] + lam[i] * beta[i] + row_dot(X, i, w, B)
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
                index[k], index[active] = index[active], index[k]
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
                row_axpy(X, i, w, d, B)
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


def primal_cd_l1(w, b, XT, y, Ci, B, tol, max_iter, seed):
    """liblinear's solve_l1r_l2_svc: min ||w||_1 + sum C_i max(0, 1 - y_i w'x_i)^2
    by coordinate descent over features (XT: X transposed, rows = features;
    the bias column of B's is coordinate p), a one-dimensional Newton
    direction and Armijo line search per coordinate, shrinking; stops when the
    summed violation drops below tol times the first iteration's.
    b (n,) holds 1 - y_i w'x_i and is kept in step with w."""
    n = y.shape[0]
    p = w.shape[0] - 1
    ncols = p + 1 if B > 0.0 else p
    sigma = 0.01
    xj_sq = np.empty(ncols)
    cols = []
    for j in range(ncols):
        if j == p:
            idx, v = np.arange(n), np.full(n, B)
        else:
            idx, v = _row(XT, j)
            idx = np.arange(n) if idx is None else idx
        cols.append((idx, v * y[idx]))  # x_ij y_i
        xj_sq[j] = float(Ci[idx] @ (v * v))
    index = np.arange(ncols)
    active = ncols
    g_max_old = np.inf
    g_norm1_init = -1.0
    s = seed_state(seed)
    it = 0
    while it < max_iter:
        g_max, g_norm1 = 0.0, 0.0
        s = shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            j = index[k]
            idx, v = cols[j]
            bi = b[idx]
            pos = bi > 0.0
            tmp = Ci[idx][pos] * v[pos]
            g_loss = -2.0 * float(tmp @ bi[pos])
            h = max(2.0 * float(tmp @ v[pos]), 1e-12)
            gp, gn = g_loss + 1.0, g_loss - 1.0
            viol = 0.0
            if w[j] == 0.0:
                if gp < 0.0:
                    viol = -gp
                elif gn > 0.0:
                    viol = gn
                elif gp > g_max_old / n and gn < -g_max_old / n:
                    active -= 1
                    index[k], index[active] = index[active], index[k]
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
                    b[idx] += d_diff * v
                    ok = True
                    break
                if ls == 0:
                    bo = b[idx]
                    loss_old = float(Ci[idx][bo > 0] @ (bo[bo > 0] ** 2))
                bn = b[idx] + d_diff * v
                b[idx] = bn
                loss_new = float(Ci[idx][bn > 0] @ (bn[bn > 0] ** 2))
                cond += loss_new - loss_old
                if cond <= 0.0:
                    ok = True
                    break
                d_old = d
                d *= 0.5
                delta *= 0.5
            w[j] += d
            if not ok:  # line search failed: recompute b from w
                b[:] = 1.0
                for jj in range(ncols):
                    if w[jj] != 0.0:
                        ii, vv = cols[jj]
                        b[ii] -= w[jj] * vv
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


def _cs_subproblem(A, Bv, yi, C_yi, active):
    """Crammer-Singer per-sample subproblem (Keerthi et al. 2008): minimise
    1/2 A sum a_m^2 + sum B_m a_m s.t. sum a_m = 0, a_yi <= C_yi, a_m <= 0
    (m != yi), over the first `active` classes; the new alphas."""
    D = Bv[:active].copy()
    if yi < active:
        D[yi] += A * C_yi
    D = -np.sort(-D)
    beta = D[0] - A * C_yi
    r = 1
    while r < active and beta < r * D[r]:
        beta += D[r]
        r += 1
    beta /= r
    new = np.minimum(0.0, (beta - Bv[:active]) / A)
    if yi < active:
        new[yi] = min(C_yi, (beta - Bv[yi]) / A)
    return new


def crammer_singer(W, alpha, X, yk, Ci, B, tol, max_iter, seed):
    """liblinear's Solver_MCSVM_CS: the dual of the Crammer-Singer
    multi-class SVM, min 1/2 sum_m |w_m|^2 + sum_i sum_m e_im a_im with
    sum_m a_im = 0, a_im <= C_i [m = y_i] (e_im = 0 if m = y_i else 1),
    w_m = sum_i a_im x_i; one subproblem per sample, classes shrunk per
    sample, samples shrunk when one class is left; stops when the largest
    per-sample gradient spread is below tol on a pass over all samples
    (the shrinking tolerance halves from max(10 tol, 1) down to tol).
    W (K, p + 1) and alpha (n, K) start at zero and are updated in place;
    yk (n,) int64 class indices. Returns iterations run."""
    n, K = alpha.shape
    qd = row_sqnorms(X, n) + B * B
    order = np.tile(np.arange(K), (n, 1))       # per sample: class at each position
    active_k = np.full(n, K)
    ypos = yk.copy()                             # position of y_i in order[i]
    index = np.arange(n)
    active = n
    eps_shrink = max(10.0 * tol, 1.0)
    from_all = True
    s = seed_state(seed)
    it = 0
    while it < max_iter:
        stopping = -np.inf
        s = shuffle_prefix(index, active, s)
        k = 0
        while k < active:
            i = index[k]
            A = qd[i]
            if not A > 0.0:
                k += 1
                continue
            m_act = active_k[i]
            cls = order[i]
            C_i = Ci[i]
            idx, v = _row(X, i)
            wx = W[cls[:m_act], :v.shape[0]] @ v if idx is None else \
                W[cls[:m_act]][:, idx] @ v
            G = wx + B * W[cls[:m_act], -1]
            yp = ypos[i]
            e = np.ones(m_act)
            if yp < m_act:
                e[yp] = 0.0
            G += e
            a = alpha[i, cls[:m_act]]
            others = np.ones(m_act, dtype=bool)
            if yp < m_act:
                others[yp] = False
            neg = others & (a < 0.0)
            minG = float(G[neg].min()) if neg.any() else np.inf
            maxG = float(G.max())
            if yp < m_act and alpha[i, yk[i]] < C_i and G[yp] < minG:
                minG = float(G[yp])
            # shrink the classes at their bound with a gradient below minG
            m = 0
            while m < m_act:
                bound = C_i if m == yp else 0.0
                if alpha[i, cls[m]] == bound and G[m] < minG:
                    m_act -= 1
                    while m_act > m:
                        bnd = C_i if m_act == yp else 0.0
                        if not (alpha[i, cls[m_act]] == bnd and G[m_act] < minG):
                            cls[m], cls[m_act] = cls[m_act], cls[m]
                            G[m], G[m_act] = G[m_act], G[m]
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
                index[k], index[active] = index[active], index[k]
                continue
            k += 1
            if maxG - minG <= 1e-12:
                continue
            stopping = max(maxG - minG, stopping)
            old = alpha[i, cls[:m_act]].copy()
            new = _cs_subproblem(A, G[:m_act] - A * old, yp, C_i, m_act)
            d = new - old
            alpha[i, cls[:m_act]] = new
            for m in np.flatnonzero(np.abs(d) >= 1e-12):
                c = cls[m]
                if idx is None:
                    W[c, :v.shape[0]] += d[m] * v
                else:
                    W[c, idx] += d[m] * v
                W[c, -1] += d[m] * B
        it += 1
        if stopping < eps_shrink:
            if stopping < tol and from_all:
                break
            active = n
            active_k[:] = K
            eps_shrink = max(eps_shrink / 2.0, tol)
            from_all = True
        else:
            from_all = False
    return it
