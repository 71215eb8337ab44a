"""L-BFGS two-loop recursion, and the closure-style L-BFGS / nonlinear-CG runs.

:func:`lbfgs_step` is one call of ``torch.optim.LBFGS.step`` over a flat
vector: up to max_iter iterations and max_eval evaluations, state (direction,
step, curvature pairs) kept in a dict between calls. :func:`cg_step` is the
same shape for Polak-Ribiere+ conjugate gradients. ``fastml.nn.optim`` adapts
both to Parameters; ``fg(x) -> (f, g)`` evaluates the objective at x.

x and the gradients keep the caller's dtype (float32 parameters step in
float32, as PyTorch does); scalars (f, t, dot products) are Python floats.
"""
import numpy as np

from .line_search import strong_wolfe

__all__ = ["two_loop", "lbfgs_step", "cg_step"]


def two_loop(g, S, Y, rho, H_diag):
    """-H g, H the L-BFGS inverse Hessian from pairs (S[i], Y[i]), rho[i] =
    1 / (y.s), oldest first, and H0 = H_diag I (Nocedal & Wright alg. 7.4)."""
    q = -g
    al = [0.0] * len(S)
    for i in range(len(S) - 1, -1, -1):
        al[i] = float(S[i] @ q) * rho[i]
        q -= al[i] * Y[i]
    r = q * H_diag
    for i in range(len(S)):
        be_i = float(Y[i] @ r) * rho[i]
        r += (al[i] - be_i) * S[i]
    return r


def _max_abs(v):
    return float(np.abs(v).max()) if v.size else 0.0


def lbfgs_step(fg, x, state, *, lr=1.0, max_iter=20, max_eval=None, tolerance_grad=1e-7,
               tolerance_change=1e-9, history_size=100, line_search_fn=None):
    """One ``torch.optim.LBFGS.step`` from x; returns the new x.

    Evaluates fg(x) first (count 1), then iterates: direction by the two-loop
    recursion (steepest descent on the very first iteration, first step
    min(1, 1/|g|_1) lr), then either a fixed step lr or :func:`strong_wolfe`
    given the evaluations left (max_ls = max_eval - evaluations so far).
    Stops on max_iter, max_eval, |g|_inf <= tolerance_grad, or a change in x
    or f below tolerance_change. ``state`` (a dict) carries d, t, old_dirs,
    old_stps, ro, H_diag, prev_flat_grad, prev_loss, func_evals, n_iter.
    """
    if max_eval is None:
        max_eval = max_iter * 5 // 4
    state.setdefault("func_evals", 0)
    state.setdefault("n_iter", 0)
    loss, flat_grad = fg(x)
    current_evals = 1
    state["func_evals"] += 1
    if _max_abs(flat_grad) <= tolerance_grad:
        return x

    d, t = state.get("d"), state.get("t")
    old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
    H_diag, prev_flat_grad = state.get("H_diag"), state.get("prev_flat_grad")
    prev_loss = state.get("prev_loss")

    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        state["n_iter"] += 1
        if state["n_iter"] == 1:
            d = -flat_grad
            old_dirs, old_stps, ro, H_diag = [], [], [], 1.0
        else:
            y = flat_grad - prev_flat_grad
            s = d * t
            ys = float(y @ s)
            if ys > 1e-10:  # curvature pair accepted: keep the last history_size
                if len(old_dirs) == history_size:
                    old_dirs.pop(0)
                    old_stps.pop(0)
                    ro.pop(0)
                old_dirs.append(y)
                old_stps.append(s)
                ro.append(1.0 / ys)
                H_diag = ys / float(y @ y)
            d = two_loop(flat_grad, old_stps, old_dirs, ro, H_diag)
        prev_flat_grad = flat_grad.copy()
        prev_loss = loss
        if state["n_iter"] == 1:
            t = min(1.0, 1.0 / float(np.abs(flat_grad).sum())) * lr
        else:
            t = lr
        gtd = float(flat_grad @ d)
        if gtd > -tolerance_change:
            break

        ls_evals = 0
        if line_search_fn == "strong_wolfe":
            x0 = x
            loss, flat_grad, t, ls_evals = strong_wolfe(
                lambda t_: fg(x0 + t_ * d), d, t, loss, flat_grad, gtd,
                max_ls=max_eval - current_evals)
            x = x0 + t * d
            opt_cond = _max_abs(flat_grad) <= tolerance_grad
        elif line_search_fn is None:
            x = x + t * d
            opt_cond = False
            if n_iter != max_iter:  # the last iterate is not re-evaluated (as PyTorch)
                loss, flat_grad = fg(x)
                opt_cond = _max_abs(flat_grad) <= tolerance_grad
                ls_evals = 1
        else:
            raise ValueError(f"only 'strong_wolfe' is supported as line_search_fn, got "
                             f"{line_search_fn!r}")
        current_evals += ls_evals
        state["func_evals"] += ls_evals

        if n_iter == max_iter or current_evals >= max_eval or opt_cond:
            break
        if _max_abs(d * t) <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
            break

    state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                 prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
    return x


def cg_step(fg, x, state, *, lr=1.0, max_iter=20, tolerance_grad=1e-7, tolerance_change=1e-9,
            c1=1e-4, c2=0.1, max_ls=25):
    """Up to max_iter nonlinear-CG iterations from x; returns the new x.

    d = -g + beta d with beta = max(0, g.(g - g_prev) / g_prev.g_prev)
    (Polak-Ribiere+), restarting along -g when d is not a descent direction;
    :func:`strong_wolfe` with c2 = 0.1 (CG needs an accurate search). The first
    trial step is min(1, 1/|g|_1) lr, later ones keep the last first-order
    change (Nocedal & Wright eq. 3.60), capped at 10 lr. ``state`` carries d,
    g_prev, gtd_prev, t between calls.
    """
    loss, g = fg(x)
    d, g_prev, gtd_prev, t_prev = (state.get(k) for k in ("d", "g_prev", "gtd_prev", "t"))
    for _ in range(max_iter):
        if _max_abs(g) <= tolerance_grad:
            break
        if d is None:
            d = -g
        else:
            beta = max(0.0, float(g @ (g - g_prev)) / float(g_prev @ g_prev))
            d = -g + beta * d
        gtd = float(g @ d)
        if gtd >= 0:  # not a descent direction: restart
            d = -g
            gtd = float(g @ d)
        if t_prev is None:
            t = min(1.0, 1.0 / float(np.abs(g).sum())) * lr
        else:
            t = min(lr * 10.0, t_prev * gtd_prev / gtd)
        x0 = x
        prev_loss = loss
        loss, g_new, t, _ = strong_wolfe(lambda t_: fg(x0 + t_ * d), d, t, loss, g, gtd,
                                         c1=c1, c2=c2, tolerance_change=tolerance_change,
                                         max_ls=max_ls)
        x = x0 + t * d
        g_prev, g, gtd_prev, t_prev = g, g_new, gtd, t
        if _max_abs(d * t) <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
            break
    state.update(d=d, g_prev=g_prev, gtd_prev=gtd_prev, t=t_prev)
    return x
