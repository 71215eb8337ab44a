"""OWL-QN: L-BFGS for f(x) + sum_i c_i |x_i| (Andrew & Gao, 2007).

f smooth (``fg(x) -> (f, g)``), c >= 0 per coordinate (0: unpenalised). Each
iteration: the pseudo-gradient (the minimum-norm subgradient), an L-BFGS
direction built from the smooth gradients, clipped to agree in sign with
-pseudo-gradient, and a backtracking search whose trial points are projected
onto the current orthant (coordinates that would cross zero stop at zero, which
is where the l1 optimum gets its exact zeros). Stops when max |pseudo-gradient|
<= tol or the objective stops decreasing (relative change below ftol).
"""
import numpy as np

from .quasi_newton import two_loop

__all__ = ["owlqn", "pseudo_gradient"]


def pseudo_gradient(x, g, c):
    pg = g + c * np.sign(x)
    at0 = x == 0
    lo, hi = g - c, g + c
    pg[at0] = np.where(hi[at0] < 0, hi[at0], np.where(lo[at0] > 0, lo[at0], 0.0))
    return pg


def owlqn(fg, x0, c, *, tol=1e-4, max_iter=100, m=10, ftol=64 * np.finfo(float).eps,
          max_ls=40):
    """Minimise fg's f plus sum c |x| from x0; returns (x, n_iter, converged)."""
    x = np.array(x0, dtype=np.float64)
    c = np.broadcast_to(np.asarray(c, dtype=np.float64), x.shape)
    f, g = fg(x)
    F = f + float(c @ np.abs(x))
    S, Y, R = [], [], []
    for it in range(1, max_iter + 1):
        pg = pseudo_gradient(x, g, c)
        if float(np.abs(pg).max(initial=0.0)) <= tol:
            return x, it - 1, True
        if S:
            d = two_loop(pg, S, Y, R, float(S[-1] @ Y[-1]) / float(Y[-1] @ Y[-1]))
        else:
            d = -pg / max(float(np.linalg.norm(pg)), 1e-300)
        d[d * pg >= 0] = 0.0  # keep only components that descend along -pg
        orthant = np.where(x != 0, np.sign(x), -np.sign(pg))
        a = 1.0
        for _ in range(max_ls):
            xn = x + a * d
            xn[np.sign(xn) != orthant] = 0.0
            fn, gn = fg(xn)
            Fn = fn + float(c @ np.abs(xn))
            if Fn <= F + 1e-4 * float(pg @ (xn - x)):
                break
            a *= 0.5
        else:
            return x, it, False
        s, yv = xn - x, gn - g
        sy = float(s @ yv)
        if sy > 1e-10 * float(np.linalg.norm(s) * np.linalg.norm(yv)):
            S.append(s)
            Y.append(yv)
            R.append(1.0 / sy)
            if len(S) > m:
                del S[0], Y[0], R[0]
        small = (F - Fn) <= ftol * max(abs(F), abs(Fn), 1.0)
        x, f, g, F = xn, fn, gn, Fn
        if small:  # no further progress in float64: as converged as it gets
            return x, it, True
    pg = pseudo_gradient(x, g, c)
    return x, max_iter, float(np.abs(pg).max(initial=0.0)) <= tol
