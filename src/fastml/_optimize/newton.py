"""Second-order solvers over flat float64 vectors, for objectives whose
Hessian is available as a matrix or as Hessian-vector products.

- :func:`newton_cg`: inexact (truncated) Newton. Each outer iteration asks
  ``grad_hess(x) -> (f, g, hvp)`` once (hvp(v) = H(x) v, reusing whatever the
  objective cached at x), solves H d = -g by conjugate gradients to a relative
  residual min(0.5, sqrt(|g|_1)) (so steps become exact Newton steps near the
  optimum: superlinear convergence), then takes a strong-Wolfe step from a = 1
  (at the rounding floor of f, where no line search sees a decrease, the full
  step if it shrinks the gradient; a step that no longer moves x stops).
- :func:`newton_cholesky`: exact Newton with ``grad_hess_full(x) -> (f, g, H)``
  solved by Cholesky (H + mu I, mu growing when H is not numerically positive
  definite), Armijo backtracking from a = 1.

Both stop when max |g| <= tol and report (x, n_iter, converged).
"""
import math

import numpy as np

from .line_search import backtrack_armijo, line_search_wolfe

__all__ = ["newton_cg", "newton_cholesky", "conjugate_gradient", "full_step_accepted"]


def _gmax(g):
    return float(np.abs(g).max()) if g.size else 0.0


def conjugate_gradient(hvp, b, rtol, max_iter):
    """Approximate solution of H x = b (H symmetric positive semi-definite)
    from x = 0, stopping when |r|_1 <= rtol |b|_1 or on non-positive curvature
    (then the iterate so far, or b itself on the first step, is returned)."""
    x = np.zeros_like(b)
    r = b.copy()
    d = r.copy()
    rr = float(r @ r)
    stop = rtol * float(np.abs(b).sum())
    for it in range(max_iter):
        if float(np.abs(r).sum()) <= stop:
            break
        Hd = hvp(d)
        curv = float(d @ Hd)
        if not curv > 0:
            return b.copy() if it == 0 else x
        a = rr / curv
        x += a * d
        r -= a * Hd
        rr_new = float(r @ r)
        d *= rr_new / rr
        d += r
        rr = rr_new
    return x


def newton_cg(fg, grad_hess, x0, *, tol=1e-4, max_iter=100, max_inner=200, callback=None):
    """Truncated Newton (see the module docstring). fg(x) -> (f, g) is used by
    the line search; grad_hess(x) -> (f, g, hvp) once per outer iteration;
    callback(x) after every iteration."""
    x = np.array(x0, dtype=np.float64)
    for it in range(1, max_iter + 1):
        f, g, hvp = grad_hess(x)
        if _gmax(g) <= tol:
            return x, it - 1, True
        g1 = float(np.abs(g).sum())
        d = conjugate_gradient(hvp, -g, min(0.5, math.sqrt(g1)), max_inner)
        step = line_search_wolfe(fg, x, f, g, d, alpha0=1.0)
        if step is None:
            # at the rounding floor of f no line search can see a decrease:
            # take Newton's full step when it shrinks the gradient with f
            # unchanged to rounding (full_step_accepted), as newton_cholesky
            f1, g1n = fg(x + d)
            if full_step_accepted(f, g, float(g @ d), f1, g1n):
                step = (1.0,)
            else:
                step = backtrack_armijo(fg, x, f, g, -g, alpha=1.0)
                if step is None:
                    return x, it, _gmax(g) <= 10 * tol
                d = -g
        x_new = x + step[0] * d
        if np.array_equal(x_new, x):  # the step no longer moves x: stalled
            return x, it, _gmax(g) <= 10 * tol
        x = x_new
        if callback is not None:
            callback(x)
    g = fg(x)[1]
    return x, max_iter, _gmax(g) <= tol


def full_step_accepted(f, g, gd, f1, g1):
    """Whether Newton's full step (f, g -> f1, g1; gd = g.d < 0) is taken:
    Armijo, or -- at the rounding floor of f, where f + 1e-4 g.d cannot be
    told from f -- f within rounding and a smaller gradient (else quadratic
    convergence stalls on noise in f one step before tol)."""
    noise = 16 * np.finfo(np.float64).eps * max(abs(f), 1.0)
    return bool(np.isfinite(f1) and (f1 <= f + 1e-4 * gd or
                                     (f1 <= f + noise and _gmax(g1) < _gmax(g))))


def newton_cholesky(grad_hess_full, fg, x0, *, tol=1e-4, max_iter=100):
    """Exact Newton (see the module docstring); fg(x) -> (f, g) for the
    backtracking line search."""
    import scipy.linalg

    x = np.array(x0, dtype=np.float64)
    for it in range(1, max_iter + 1):
        f, g, H = grad_hess_full(x)
        if _gmax(g) <= tol:
            return x, it - 1, True
        scale = max(1e-12, float(np.abs(np.diag(H)).max(initial=0.0)))
        mu, d = 0.0, None
        for _ in range(30):
            try:
                if mu:
                    H[np.diag_indices_from(H)] += mu
                c = scipy.linalg.cho_factor(H, check_finite=False, overwrite_a=False)
                d = -scipy.linalg.cho_solve(c, g, check_finite=False)
                if mu:
                    H[np.diag_indices_from(H)] -= mu
                if np.isfinite(d).all():
                    break
                d = None
            except np.linalg.LinAlgError:
                if mu:
                    H[np.diag_indices_from(H)] -= mu
            mu = max(10.0 * mu, 1e-10 * scale)
        gd = float(g @ d) if d is not None else 0.0
        if not gd < 0:  # no direction, or not a descent one: steepest descent
            d, gd = -g, -float(g @ g)
        f1, g1 = fg(x + d)
        if full_step_accepted(f, g, gd, f1, g1):
            x = x + d
            continue
        step = backtrack_armijo(fg, x, f, g, d, alpha=0.5)
        if step is None:
            return x, it, _gmax(g) <= 10 * tol
        x = x + step[0] * d
    g = fg(x)[1]
    return x, max_iter, _gmax(g) <= tol
