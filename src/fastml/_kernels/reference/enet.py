"""Pure-NumPy twin of csrc/enet*.c: elastic-net coordinate descent.

Minimises, for one target y (n,) and centred XT (p, n) = X transposed
(C-contiguous, so a feature is one contiguous row):

    0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2

with l1 = alpha * l1_ratio * n, l2 = alpha * (1 - l1_ratio) * n (scikit-learn's
scaling). Sweeps of p updates, cyclic or (random=True, scikit-learn's
selection="random") each on a feature drawn with sk_rand_index from
scikit-learn's 32-bit xorshift generator started at seed; stop when
max|dw| / max|w| <= tol and the duality gap is <= tol * ||y||^2. w is
updated in place; returns (n_iter, gap). Written
with one NumPy call per coordinate: the executable specification, the test
oracle, and the "plain NumPy" baseline of benchmarks/bench_linear.py.
"""
import math

import numpy as np

_U32 = 0xFFFFFFFF


def sk_rand_index(end, state):
    """scikit-learn's rand_int(end, state) (its our_rand_r xorshift): an index in
    [0, end); state is a one-element list holding the uint32 state, advanced."""
    s = state[0] or 1
    s ^= (s << 13) & _U32
    s ^= s >> 17
    s ^= (s << 5) & _U32
    state[0] = s
    return (s % 2147483648) % end


def enet_gap(w, XT, y, R, l1, l2, positive):
    """Duality gap of the elastic-net problem at w (R = y - X w)."""
    XtA = XT @ R - l2 * w
    # with positive=True only the upper bound of the dual constraint binds
    dual = (np.max(XtA) if positive else np.max(np.abs(XtA))) if len(w) else 0.0
    r2 = R @ R
    if dual > l1:
        const = l1 / dual
        gap = 0.5 * (r2 + r2 * const * const)
    else:
        const = 1.0
        gap = r2
    gap += l1 * np.abs(w).sum() - const * (R @ y) + 0.5 * l2 * (1.0 + const * const) * (w @ w)
    return gap


def _order(p, random, state):
    """The features of one sweep: 0..p-1, or p draws (with replacement)."""
    if not random:
        return range(p)
    return [sk_rand_index(p, state) for _ in range(p)]


def enet_cd(w, XT, y, l1, l2, max_iter, tol, positive=False, random=False, seed=0):
    state = [int(seed) & _U32]
    norms = np.einsum("ij,ij->i", XT, XT)
    R = y - XT.T @ w
    tol_gap = tol * (y @ y)
    gap = tol_gap + 1.0
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        w_max = 0.0
        d_max = 0.0
        for j in _order(len(w), random, state):
            if norms[j] == 0.0:
                continue
            wj = w[j]
            tmp = XT[j] @ R + wj * norms[j]  # = x_j . (residual without feature j)
            if positive and tmp < 0:
                new = 0.0
            else:
                new = math.copysign(max(abs(tmp) - l1, 0.0), tmp) / (norms[j] + l2)
            w[j] = new
            if new != wj:
                R += (wj - new) * XT[j]
            d_max = max(d_max, abs(new - wj))
            w_max = max(w_max, abs(new))
        if w_max == 0.0 or d_max / w_max <= tol or n_iter == max_iter:
            gap = enet_gap(w, XT, y, R, l1, l2, positive)
            if gap <= tol_gap:
                break
    return n_iter, gap


def enet_gap_gram(w, H, c, yy, l1, l2, positive):
    """enet_gap from the Gram form (H = G w): R.R = yy - 2 c.w + w.H, R.y = yy - c.w."""
    XtA = c - H - l2 * w
    dual = (np.max(XtA) if positive else np.max(np.abs(XtA))) if len(w) else 0.0
    r2 = max(yy - 2.0 * (c @ w) + w @ H, 0.0)
    if dual > l1:
        const = l1 / dual
        gap = 0.5 * (r2 + r2 * const * const)
    else:
        const = 1.0
        gap = r2
    gap += l1 * np.abs(w).sum() - const * (yy - c @ w) + 0.5 * l2 * (1.0 + const * const) * (w @ w)
    return gap


def enet_cd_gram(w, G, c, yy, l1, l2, max_iter, tol, positive=False, random=False, seed=0):
    """enet_cd on the Gram form: G = X^T X, c = X^T y, yy = y.y; H = G w replaces
    the residual (x_j . R = c_j - H_j). Same updates, order and stopping rule."""
    state = [int(seed) & _U32]
    H = G @ w
    tol_gap = tol * yy
    gap = tol_gap + 1.0
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        w_max = 0.0
        d_max = 0.0
        for j in _order(len(w), random, state):
            gjj = G[j, j]
            if gjj == 0.0:
                continue
            wj = w[j]
            tmp = c[j] - H[j] + wj * gjj
            if positive and tmp < 0:
                new = 0.0
            else:
                new = math.copysign(max(abs(tmp) - l1, 0.0), tmp) / (gjj + l2)
            w[j] = new
            if new != wj:
                H += (new - wj) * G[j]
            d_max = max(d_max, abs(new - wj))
            w_max = max(w_max, abs(new))
        if w_max == 0.0 or d_max / w_max <= tol or n_iter == max_iter:
            gap = enet_gap_gram(w, H, c, yy, l1, l2, positive)
            if gap <= tol_gap:
                break
    return n_iter, gap
