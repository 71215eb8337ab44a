"""Line searches along a direction d from a point x, over flat vectors.

The objective along the line is given as ``obj(t) -> (f, g)``: the value and
the full gradient at ``x + t d`` (the directional derivative is ``g @ d``).

- :func:`strong_wolfe`: the one strong-Wolfe search of fastml. It is minFunc's
  ``lswolfe`` exactly as ``torch.optim.LBFGS`` runs it (same trial steps,
  bracket updates and evaluation count), so ``fastml.nn.optim.LBFGS`` follows
  PyTorch's iterates; non-finite trial values are treated as "too far"
  (bracketed and bisected) instead of poisoning the interpolation.
- :func:`line_search_wolfe`: the same search with the ``(fg, x, f0, g0, p)``
  calling convention of the estimator solvers; returns None on failure.
- :func:`backtrack_armijo`: sufficient-decrease backtracking (Newton's method).
"""
import math

import numpy as np

__all__ = ["cubic_interpolate", "strong_wolfe", "line_search_wolfe", "backtrack_armijo"]


def cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), clipped to
    bounds (default: the interval [x1, x2]); the midpoint of the bounds when
    the cubic has no minimiser or the data are not finite."""
    if bounds is not None:
        lo, hi = bounds
    else:
        lo, hi = (x1, x2) if x1 <= x2 else (x2, x1)
    with np.errstate(all="ignore"):
        d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        d2_sq = d1 * d1 - g1 * g2
        if d2_sq >= 0:
            d2 = math.sqrt(d2_sq)
            if x1 <= x2:
                pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            else:
                pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
            if math.isfinite(pos):
                return float(min(max(pos, lo), hi))
    return (lo + hi) / 2.0


def _armijo_fails(f_new, f, c1, t, gtd):
    # written as "not <=" so that a NaN or inf trial value fails the test
    return not f_new <= f + c1 * t * gtd


def _low_high(f0, f1):
    """Bracket indices (low, high): the lower value first (index 0 on ties, as
    torch), a NaN value never low."""
    return (0, 1) if f0 <= f1 or f1 != f1 else (1, 0)


def strong_wolfe(obj, d, t, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Step t along d meeting the strong Wolfe conditions.

    obj(t) -> (f, g) at x + t d; f, g, gtd: value, gradient and directional
    derivative at t = 0; t: the first trial step. At most ``1 + max_ls``
    evaluations. Returns ``(f_new, g_new, t, n_evals)`` for the best point
    found (t = 0 with f, g when nothing beat the start).
    """
    d_norm = float(np.abs(d).max()) if d.size else 0.0
    g = g.copy()
    f_new, g_new = obj(t)
    evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    it = 0
    # bracketing: grow t until an interval holds a Wolfe point (or t is one)
    while it < max_ls:
        if _armijo_fails(f_new, f, c1, t, gtd) or (it > 1 and f_new >= f_prev):
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], \
                [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bf, bg, bgtd = [t], [f_new], [g_new], [gtd_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], \
                [gtd_prev, gtd_new]
            break
        lo_step, hi_step = t + 0.01 * (t - t_prev), t * 10
        t_old = t
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                              bounds=(lo_step, hi_step))
        t_prev, f_prev, g_prev, gtd_prev = t_old, f_new, g_new, gtd_new
        f_new, g_new = obj(t)
        evals += 1
        gtd_new = float(g_new @ d)
        it += 1
    if it == max_ls:
        bracket, bf, bg, bgtd = [0.0, t], [f, f_new], [g, g_new], [gtd, gtd_new]

    # zoom: shrink the bracket around a Wolfe point
    insuf = False
    low, high = _low_high(bf[0], bf[-1])
    while not done and it < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_interpolate(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1])
        bmax, bmin = max(bracket), min(bracket)
        eps = 0.1 * (bmax - bmin)
        if min(bmax - t, t - bmin) < eps:  # too close to an end: move 0.1 width inside
            if insuf or t >= bmax or t <= bmin:
                t = bmax - eps if abs(t - bmax) < abs(t - bmin) else bmin + eps
                insuf = False
            else:
                insuf = True
        else:
            insuf = False
        f_new, g_new = obj(t)
        evals += 1
        gtd_new = float(g_new @ d)
        it += 1
        if _armijo_fails(f_new, f, c1, t, gtd) or f_new >= bf[low]:
            bracket[high], bf[high], bg[high], bgtd[high] = t, f_new, g_new, gtd_new
            low, high = _low_high(bf[0], bf[1])
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bf[high] = bracket[low], bf[low]
                bg[high], bgtd[high] = bg[low], bgtd[low]
            bracket[low], bf[low], bg[low], bgtd[low] = t, f_new, g_new, gtd_new
    return bf[low], bg[low], bracket[low], evals


def line_search_wolfe(fg, x, f0, g0, p, alpha0=1.0, c1=1e-4, c2=0.9, max_iter=25):
    """Step a along descent direction p from x meeting the strong Wolfe
    conditions (:func:`strong_wolfe` with obj(a) = fg(x + a p)).

    Returns (a, f(x + a p), g(x + a p)), or None when p is not a descent
    direction or no step with sufficient decrease was found.
    """
    dphi0 = float(g0 @ p)
    if not dphi0 < 0:
        return None
    width_tol = 1e-14 * max(1.0, float(np.abs(x).max()) if x.size else 1.0)
    f, g, a, _ = strong_wolfe(lambda a: fg(x + a * p), p, alpha0, f0, g0, dphi0, c1=c1, c2=c2,
                              tolerance_change=width_tol, max_ls=max_iter)
    if not (a > 0 and math.isfinite(f) and f <= f0 + c1 * a * dphi0):
        return None
    return a, f, g


def backtrack_armijo(fg, x, f0, g0, p, alpha=1.0, c1=1e-4, shrink=0.5, max_iter=40):
    """Armijo backtracking from ``alpha`` along p: (a, f, g), or None."""
    dphi0 = float(g0 @ p)
    if not dphi0 < 0:
        return None
    for _ in range(max_iter):
        f, g = fg(x + alpha * p)
        if math.isfinite(f) and f <= f0 + c1 * alpha * dphi0:
            return alpha, f, g
        alpha *= shrink
    return None
