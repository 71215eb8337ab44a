"""Full-batch optimizers for small models: L-BFGS (PyTorch's algorithm and
arguments) and nonlinear conjugate gradients (Polak-Ribiere+). Both take a
closure that re-evaluates the model and returns the loss (after calling
backward), work on one flat view of all parameters, and support a single
parameter group.
"""
import numpy as np

from ._line_search import strong_wolfe
from .optimizer import Optimizer

__all__ = ["LBFGS", "ConjugateGradient"]


class _FlatMixin:
    def _params(self):
        return self.param_groups[0]["params"]

    def _gather_flat_grad(self):
        ps = self._params()
        dt = np.result_type(*[p.data.dtype for p in ps])
        return np.concatenate([
            np.zeros(p.data.size, dt) if p.grad is None else np.asarray(p.grad, dt).ravel()
            for p in ps])

    def _add_grad(self, t, d):
        off = 0
        for p in self._params():
            n = p.data.size
            p.data += (t * d[off:off + n]).reshape(p.data.shape).astype(p.data.dtype,
                                                                         copy=False)
            off += n

    def _clone_param(self):
        return [p.data.copy() for p in self._params()]

    def _set_param(self, xs):
        for p, x in zip(self._params(), xs):
            p.data[...] = x

    def _evaluate(self, closure):
        from ..tensor import enable_grad

        with enable_grad():
            return float(_as_float(closure()))

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = self._evaluate(closure)
        g = self._gather_flat_grad()
        self._set_param(x)
        return loss, g


def _as_float(loss):
    return loss.item() if hasattr(loss, "item") else loss


class LBFGS(_FlatMixin, Optimizer):
    """L-BFGS with PyTorch's semantics: ``step(closure)`` runs up to max_iter
    iterations (max_eval closure calls), two-loop recursion over the last
    history_size curvature pairs, step lr (or a strong-Wolfe line search with
    line_search_fn="strong_wolfe"). Returns the first loss of the call."""

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")

    def _check_group(self, group):
        self._nonneg(group, "lr", "tolerance_grad", "tolerance_change")
        for k in ("max_iter", "max_eval", "history_size"):
            if not isinstance(group[k], (int, np.integer)) or group[k] < 1:
                raise ValueError(f"Invalid {k} value: {group[k]!r} (must be an int >= 1)")
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"only 'strong_wolfe' is supported as line_search_fn, got "
                             f"{group['line_search_fn']!r}")

    def step(self, closure=None):
        if closure is None:
            raise ValueError("LBFGS.step requires a closure that returns the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state.setdefault(id(self._params()[0]), {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        from ..tensor import enable_grad

        with enable_grad():
            orig_loss = closure()
        loss = float(_as_float(orig_loss))
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tol_grad:
            return orig_loss

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
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / float(y @ y)
                al = [0.0] * len(old_dirs)
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = float(old_stps[i] @ q) * ro[i]
                    q -= al[i] * old_dirs[i]
                d = r = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = float(old_dirs[i] @ r) * ro[i]
                    r += (al[i] - be_i) * old_stps[i]
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(np.abs(flat_grad).sum())) * lr
            else:
                t = lr
            gtd = float(flat_grad @ d)
            if gtd > -tol_change:
                break

            ls_evals = 0
            if group["line_search_fn"] == "strong_wolfe":
                x_init = self._clone_param()

                def obj(x, t_, d_):
                    return self._directional_evaluate(closure, x, t_, d_)

                loss, flat_grad, t, ls_evals = strong_wolfe(obj, x_init, t, d, loss, flat_grad,
                                                            gtd)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tol_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    loss = self._evaluate(closure)
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tol_grad
                    ls_evals = 1
            current_evals += ls_evals
            state["func_evals"] += ls_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tol_change or abs(loss - prev_loss) < tol_change:
                break

        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss


class ConjugateGradient(_FlatMixin, Optimizer):
    """Nonlinear conjugate gradients, Polak-Ribiere+ (beta = max(0, g.(g - g_prev) /
    g_prev.g_prev)), restarting along -g whenever d is not a descent direction,
    with a strong-Wolfe line search (c2 = 0.1 by default, as CG needs an
    accurate line search). ``step(closure)`` runs up to max_iter iterations and
    returns the first loss; the direction is kept across calls."""

    def __init__(self, params, lr=1, max_iter=20, tolerance_grad=1e-7, tolerance_change=1e-9,
                 c1=1e-4, c2=0.1, max_ls=25):
        super().__init__(params, dict(lr=lr, max_iter=max_iter, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, c1=c1, c2=c2,
                                      max_ls=max_ls))
        if len(self.param_groups) != 1:
            raise ValueError("ConjugateGradient doesn't support parameter groups")

    def _check_group(self, group):
        self._nonneg(group, "lr", "tolerance_grad", "tolerance_change")
        if not 0 < group["c1"] < group["c2"] < 1:
            raise ValueError(f"need 0 < c1 < c2 < 1, got c1={group['c1']!r}, "
                             f"c2={group['c2']!r}")
        for k in ("max_iter", "max_ls"):
            if not isinstance(group[k], (int, np.integer)) or group[k] < 1:
                raise ValueError(f"Invalid {k} value: {group[k]!r} (must be an int >= 1)")

    def step(self, closure=None):
        if closure is None:
            raise ValueError("ConjugateGradient.step requires a closure that returns the loss")
        group = self.param_groups[0]
        state = self.state.setdefault(id(self._params()[0]), {})
        from ..tensor import enable_grad

        with enable_grad():
            orig_loss = closure()
        loss = float(_as_float(orig_loss))
        g = self._gather_flat_grad()
        d, g_prev, gtd_prev, t_prev = (state.get(k) for k in ("d", "g_prev", "gtd_prev", "t"))
        for _ in range(group["max_iter"]):
            if np.abs(g).max() <= group["tolerance_grad"]:
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
                t = min(1.0, 1.0 / float(np.abs(g).sum())) * group["lr"]
            else:  # same first-order change as last step (Nocedal & Wright 3.60)
                t = min(group["lr"] * 10.0, t_prev * gtd_prev / gtd)
            x0 = self._clone_param()

            def obj(x, t_, d_):
                return self._directional_evaluate(closure, x, t_, d_)

            prev_loss = loss
            loss, g_new, t, _ = strong_wolfe(obj, x0, t, d, loss, g, gtd, c1=group["c1"],
                                             c2=group["c2"],
                                             tolerance_change=group["tolerance_change"],
                                             max_ls=group["max_ls"])
            self._add_grad(t, d)
            g_prev, g, gtd_prev, t_prev = g, g_new, gtd, t
            if np.abs(d * t).max() <= group["tolerance_change"] or \
                    abs(loss - prev_loss) < group["tolerance_change"]:
                break
        state.update(d=d, g_prev=g_prev, gtd_prev=gtd_prev, t=t_prev)
        return orig_loss
