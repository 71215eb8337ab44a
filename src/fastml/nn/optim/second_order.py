"""Full-batch optimizers for small models: L-BFGS (PyTorch's algorithm and
arguments) and nonlinear conjugate gradients (Polak-Ribiere+).

Both are adapters over the flat-vector engine in :mod:`fastml.optimize`
(``lbfgs_step``, ``cg_step``): the parameters are flattened into one vector x
(their common dtype), the closure becomes ``fg(x)`` (write x into the
parameters, call the closure with grad enabled, gather the flat gradient),
and the result is written back. One parameter group; state is kept under
the first parameter, so ``state_dict`` round-trips.
"""
import numpy as np

from ...optimize import cg_step, lbfgs_step
from .._grad_mode import enable_grad
from .optimizer import Optimizer

__all__ = ["LBFGS", "ConjugateGradient"]


def _as_float(loss):
    return float(loss.item() if hasattr(loss, "item") else loss)


class _FlatAdapter(Optimizer):
    """Parameters <-> one flat vector, closure -> fg(x)."""

    def _params(self):
        return self.param_groups[0]["params"]

    def _dtype(self):
        return np.result_type(*[p.data.dtype for p in self._params()])

    def _get_flat(self):
        return np.concatenate([p.data.ravel() for p in self._params()]).astype(
            self._dtype(), copy=False)

    def _set_flat(self, x):
        off = 0
        for p in self._params():
            n = p.data.size
            p.data[...] = x[off:off + n].reshape(p.data.shape)
            off += n

    def _gather_flat_grad(self):
        dt = self._dtype()
        return np.concatenate([
            np.zeros(p.data.size, dt) if p.grad is None else np.asarray(p.grad, dt).ravel()
            for p in self._params()])

    def _run(self, engine, closure, **options):
        """x <- engine(fg, x, state, **options); returns the closure's first loss."""
        if closure is None:
            raise ValueError(f"{type(self).__name__}.step requires a closure that returns "
                             "the loss")
        first = []

        def fg(x):
            self._set_flat(x)
            with enable_grad():
                loss = closure()
            if not first:
                first.append(loss)
            return _as_float(loss), self._gather_flat_grad()

        state = self.state.setdefault(id(self._params()[0]), {})
        x = engine(fg, self._get_flat(), state, **options)
        self._set_flat(x)
        return first[0]


class LBFGS(_FlatAdapter):
    """L-BFGS with PyTorch's semantics: ``step(closure)`` runs up to max_iter
    iterations (max_eval closure calls, default max_iter * 5 // 4), two-loop
    recursion over the last history_size curvature pairs, step lr (or a
    strong-Wolfe line search with line_search_fn="strong_wolfe", given the
    evaluations left in max_eval). Returns the first loss of the call."""

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
        opts = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        return self._run(lbfgs_step, closure, **opts)


class ConjugateGradient(_FlatAdapter):
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
        opts = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        return self._run(cg_step, closure, **opts)
