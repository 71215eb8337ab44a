"""Small unconstrained optimisers shared by the estimators (and fastml.nn.optim).

Every solver has the form ``minimize_*(fun_and_grad, x0, ..., tol, max_iter)``
where ``fun_and_grad(x) -> (f, g)`` returns the objective (float) and its
gradient (array shaped like x; x is a flat float64 vector). They return an
:class:`OptimizeResult` with ``x, fun, grad, n_iter, n_fev, converged,
message, history`` (objective values, ``history[0]`` at x0, one entry per
iteration).

Stopping rule, shared: converged when ``max|g| <= tol``, or when the relative
decrease of f over one iteration is ``<= ftol`` (like L-BFGS-B's factr).
gd ignores ftol unless given.

- :func:`minimize_gd`: fixed-step gradient descent, heavy-ball momentum or
  Nesterov's accelerated gradient.
- :func:`minimize_newton`: Newton's method with a user Hessian (Cholesky
  solve, Levenberg damping when not positive definite) and backtracking.
- :func:`minimize_bfgs` / :func:`minimize_lbfgs`: quasi-Newton with a strong
  Wolfe line search (L-BFGS: two-loop recursion over the last m pairs).
- :func:`minimize_cg`: nonlinear conjugate gradients, Polak-Ribiere+ with
  automatic restarts.

Closure-style runs with state kept between calls (what ``fastml.nn.optim``
adapts to Parameters; PyTorch's ``LBFGS.step`` semantics):

- :func:`lbfgs_step` / :func:`cg_step` ``(fg, x, state, **options) -> x``.

One line search serves all of them: :func:`strong_wolfe` (minFunc's, as
``torch.optim.LBFGS`` runs it), wrapped as :func:`line_search_wolfe` for the
solvers above; Newton's method backtracks (Armijo). The engine lives in
``fastml._optimize``.
"""
import math

import numpy as np

from ._optimize.line_search import backtrack_armijo, line_search_wolfe, strong_wolfe
from ._optimize.quasi_newton import cg_step, lbfgs_step, two_loop

__all__ = ["OptimizeResult", "line_search_wolfe", "strong_wolfe", "minimize_gd",
           "minimize_newton", "minimize_bfgs", "minimize_lbfgs", "minimize_cg", "lbfgs_step",
           "cg_step"]

_FTOL = 64 * np.finfo(np.float64).eps


class OptimizeResult(dict):
    """dict with attribute access: x, fun, grad, n_iter, n_fev, converged, message, history."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self):
        keys = ("fun", "n_iter", "n_fev", "converged", "message")
        return "OptimizeResult(" + ", ".join(f"{k}={self.get(k)!r}" for k in keys) + ")"


class _Counted:
    """Wrap fun_and_grad: count evaluations, coerce to (float, float64 vector)."""

    def __init__(self, fg):
        self.fg = fg
        self.n = 0

    def __call__(self, x):
        self.n += 1
        f, g = self.fg(x)
        return float(f), np.asarray(g, dtype=np.float64).ravel()


def _result(x, f, g, it, fg, converged, message, history):
    return OptimizeResult(x=x, fun=f, grad=g, n_iter=it, n_fev=fg.n, converged=bool(converged),
                          message=message, history=np.asarray(history))


def _check(x0, tol, max_iter):
    x = np.array(x0, dtype=np.float64).ravel()
    if not np.isfinite(x).all():
        raise ValueError("x0 contains NaN or infinity.")
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}.")
    if int(max_iter) < 0:
        raise ValueError(f"max_iter must be >= 0, got {max_iter!r}.")
    return x


def _gnorm(g):
    return float(np.max(np.abs(g))) if g.size else 0.0


def _small_decrease(f_old, f_new, ftol):
    return ftol > 0 and (f_old - f_new) <= ftol * max(abs(f_old), abs(f_new), 1.0)


# ---- solvers ------------------------------------------------------------------

def minimize_gd(fun_and_grad, x0, *, learning_rate=0.01, momentum=0.0, nesterov=False,
                tol=1e-6, ftol=0.0, max_iter=1000, callback=None):
    """Gradient descent with a fixed step: x <- x + v, v <- momentum v - lr g.

    nesterov=True evaluates the gradient at the look-ahead point x + momentum v.
    """
    x = _check(x0, tol, max_iter)
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}.")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}.")
    fg = _Counted(fun_and_grad)
    f, g = fg(x)
    history = [f]
    v = np.zeros_like(x)
    if _gnorm(g) <= tol:
        return _result(x, f, g, 0, fg, True, "gradient below tol", history)
    for it in range(1, int(max_iter) + 1):
        if nesterov and momentum > 0:
            _, g_ahead = fg(x + momentum * v)
            v = momentum * v - learning_rate * g_ahead
        else:
            v = momentum * v - learning_rate * g
        x = x + v
        f_old = f
        f, g = fg(x)
        history.append(f)
        if not math.isfinite(f):
            return _result(x, f, g, it, fg, False,
                           "objective diverged (reduce learning_rate)", history)
        if callback is not None:
            callback(x)
        if _gnorm(g) <= tol:
            return _result(x, f, g, it, fg, True, "gradient below tol", history)
        if ftol > 0 and 0 <= f_old - f <= ftol * max(abs(f_old), abs(f), 1.0):
            return _result(x, f, g, it, fg, True, "relative reduction below ftol", history)
    return _result(x, f, g, int(max_iter), fg, False, "max_iter reached", history)


def minimize_newton(fun_and_grad, x0, hess, *, tol=1e-6, ftol=_FTOL, max_iter=100,
                    callback=None):
    """Newton's method: solve H p = -g (Cholesky), backtracking from a = 1.

    hess(x) returns the (n, n) Hessian. If H is not positive definite it is
    damped (H + mu I, mu growing tenfold) until the Cholesky factor exists.
    """
    import scipy.linalg

    x = _check(x0, tol, max_iter)
    fg = _Counted(fun_and_grad)
    f, g = fg(x)
    history = [f]
    for it in range(1, int(max_iter) + 1):
        if _gnorm(g) <= tol:
            return _result(x, f, g, it - 1, fg, True, "gradient below tol", history)
        H = np.asarray(hess(x), dtype=np.float64)
        mu = 0.0
        scale = max(1e-12, float(np.abs(np.diag(H)).max(initial=0.0)))
        for _ in range(30):
            try:
                c = scipy.linalg.cho_factor(H + mu * np.eye(len(x)), check_finite=False)
                p = -scipy.linalg.cho_solve(c, g, check_finite=False)
                if np.isfinite(p).all():
                    break
            except np.linalg.LinAlgError:
                pass
            mu = max(10.0 * mu, 1e-10 * scale)
        else:
            p = -g
        step = backtrack_armijo(fg, x, f, g, p)
        if step is None:
            return _result(x, f, g, it - 1, fg, _gnorm(g) <= 10 * tol,
                           "line search failed", history)
        a, f_new, g = step
        x = x + a * p
        f_old, f = f, f_new
        history.append(f)
        if callback is not None:
            callback(x)
        if _small_decrease(f_old, f, ftol):
            return _result(x, f, g, it, fg, True, "relative reduction below ftol", history)
    return _result(x, f, g, int(max_iter), fg, _gnorm(g) <= tol, "max_iter reached", history)


def _quasi_newton(fun_and_grad, x0, direction, update, reset, tol, ftol, max_iter, callback,
                  c2=0.9, unit_step=True):
    """Shared loop of BFGS / L-BFGS / CG: p = direction(g); Wolfe step; update(s, y)."""
    x = _check(x0, tol, max_iter)
    fg = _Counted(fun_and_grad)
    f, g = fg(x)
    history = [f]
    first = True
    f_old = f
    for it in range(1, int(max_iter) + 1):
        if _gnorm(g) <= tol:
            return _result(x, f, g, it - 1, fg, True, "gradient below tol", history)
        p = direction(g)
        if first:  # no curvature information yet: a short first step
            a0 = min(1.0, 1.0 / max(np.abs(g).sum(), 1e-300))
        elif unit_step:  # quasi-Newton directions are scaled: try a = 1 first
            a0 = 1.0
        else:  # CG: guess from the last decrease (Nocedal & Wright eq. 3.60)
            a0 = min(1.0, 2.02 * (f_old - f) / max(-float(g @ p), 1e-300))
            a0 = a0 if a0 > 0 else 1.0
        step = line_search_wolfe(fg, x, f, g, p, alpha0=a0, c2=c2)
        if step is None and not first:
            reset()
            p = -g
            a0 = min(1.0, 1.0 / max(np.abs(g).sum(), 1e-300))
            step = line_search_wolfe(fg, x, f, g, p, alpha0=a0, c2=c2)
        if step is None:
            return _result(x, f, g, it - 1, fg, _gnorm(g) <= 10 * tol,
                           "line search failed", history)
        a, f_new, g_new = step
        s = a * p
        x = x + s
        update(s, g_new - g, g_new, g)
        f_old, f, g = f, f_new, g_new
        first = False
        history.append(f)
        if callback is not None:
            callback(x)
        if _small_decrease(f_old, f, ftol):
            return _result(x, f, g, it, fg, True, "relative reduction below ftol", history)
    return _result(x, f, g, int(max_iter), fg, _gnorm(g) <= tol, "max_iter reached", history)


def minimize_bfgs(fun_and_grad, x0, *, tol=1e-6, ftol=_FTOL, max_iter=1000, callback=None):
    """BFGS with a dense inverse-Hessian approximation (n <= a few thousand)."""
    n = np.asarray(x0).size
    state = {"H": None}

    def direction(g):
        return -g if state["H"] is None else -(state["H"] @ g)

    def update(s, y, g_new, g_old):
        sy = float(s @ y)
        if sy <= 1e-10 * math.sqrt(float(s @ s) * float(y @ y)):
            return  # curvature condition failed: keep H
        H = state["H"]
        if H is None:
            H = np.eye(n) * (sy / float(y @ y))
        rho = 1.0 / sy
        Hy = H @ y
        # H+ = (I - rho s y^T) H (I - rho y s^T) + rho s s^T, expanded
        H = H - rho * (np.outer(s, Hy) + np.outer(Hy, s)) + \
            (rho * rho * float(y @ Hy) + rho) * np.outer(s, s)
        state["H"] = H

    def reset():
        state["H"] = None

    return _quasi_newton(fun_and_grad, x0, direction, update, reset, tol, ftol, max_iter,
                         callback)


def minimize_lbfgs(fun_and_grad, x0, *, m=10, tol=1e-6, ftol=_FTOL, max_iter=1000,
                   callback=None):
    """L-BFGS: the two-loop recursion over the last m (s, y) pairs, H0 = (s.y / y.y) I."""
    if int(m) < 1:
        raise ValueError(f"m must be >= 1, got {m!r}.")
    S, Y, R = [], [], []

    def direction(g):
        return two_loop(g, S, Y, R, float(S[-1] @ Y[-1]) / float(Y[-1] @ Y[-1]) if S else 1.0)

    def update(s, y, g_new, g_old):
        sy = float(s @ y)
        if sy <= 1e-10 * math.sqrt(float(s @ s) * float(y @ y)):
            return
        S.append(s)
        Y.append(y)
        R.append(1.0 / sy)
        if len(S) > m:
            del S[0], Y[0], R[0]

    def reset():
        S.clear(), Y.clear(), R.clear()

    return _quasi_newton(fun_and_grad, x0, direction, update, reset, tol, ftol, max_iter,
                         callback)


def minimize_cg(fun_and_grad, x0, *, tol=1e-6, ftol=_FTOL, max_iter=1000, callback=None):
    """Nonlinear conjugate gradients, Polak-Ribiere+ (beta = max(0, PR)).

    Restarts with steepest descent whenever the new direction is not a descent
    direction; Wolfe line search with c2 = 0.4 (as SciPy's CG).
    """
    state = {"p": None, "beta": 0.0}

    def direction(g):
        p = state["p"]
        if p is None:
            d = -g
        else:
            d = -g + state["beta"] * p
            if float(d @ g) >= 0:
                d = -g
        state["p"] = d
        return d

    def update(s, y, g_new, g_old):
        gg = float(g_old @ g_old)
        state["beta"] = max(0.0, float(g_new @ y) / gg) if gg > 0 else 0.0

    def reset():
        state["p"], state["beta"] = None, 0.0

    return _quasi_newton(fun_and_grad, x0, direction, update, reset, tol, ftol, max_iter,
                         callback, c2=0.4, unit_step=False)
