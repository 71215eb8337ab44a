"""fastml.nn pictures: activation functions with their derivatives (from
autograd through fastml.nn.functional) and the paths of fastml.nn.optim
optimizers on a 2-d test function."""
import numpy as np

from ._base import as_1d_float, check_positive_int, get_ax, merged

__all__ = ["ActivationDisplay", "OptimizerPathDisplay", "TEST_FUNCTIONS"]

_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity")


def _activation(name):
    from ..nn import functional as F

    if callable(name):
        return getattr(name, "__name__", "activation"), name
    if name not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose from {_ACTIVATIONS} or pass a "
                         "callable on a fastml.nn Tensor")
    return name, getattr(F, name)


def activation_and_derivative(fn, x):
    """(fn(x), dfn/dx) on a float64 grid: the forward kernel and the backward
    kernel (autograd of sum(fn(x)), element-wise ops only)."""
    from ..nn import Tensor

    t = Tensor(np.array(x, dtype=np.float64), requires_grad=True)
    y = fn(t)
    y.sum().backward()
    grad = t.grad if t.grad is not None else np.zeros_like(t.data)
    return np.array(y.data, dtype=float), np.array(grad, dtype=float)


class ActivationDisplay:
    """Activation functions (solid) and their derivatives (dashed, same
    colour) on one axes.

    Attributes: ``x``, ``values`` and ``derivatives`` ({name: array}),
    ``lines_`` and ``derivative_lines_`` ({name: Line2D}), ``ax_``,
    ``figure_``.

    Examples
    --------
    >>> from fastml.plot import ActivationDisplay
    >>> disp = ActivationDisplay.from_functions(["sigmoid", "tanh", "relu"])
    >>> float(disp.derivatives["sigmoid"][200])  # at x = 0
    0.25
    """

    def __init__(self, *, x, values, derivatives):
        self.x, self.values, self.derivatives = x, values, derivatives

    @classmethod
    def from_functions(cls, activations=("sigmoid", "tanh", "relu", "leaky_relu", "elu"), *,
                       x=None, derivative=True, ax=None, **kwargs):
        """`activations`: names in fastml.nn.functional ("sigmoid", "tanh",
        "relu", "leaky_relu", "elu", "identity") or callables on a Tensor
        (e.g. ``lambda t: F.leaky_relu(t, 0.2)``); `x`: the grid (default 401
        points on [-5, 5])."""
        if isinstance(activations, str) or callable(activations):
            activations = [activations]
        x = np.linspace(-5.0, 5.0, 401) if x is None else as_1d_float(x, "x")
        values, derivs = {}, {}
        for a in activations:
            name, fn = _activation(a)
            values[name], derivs[name] = activation_and_derivative(fn, x)
        disp = cls(x=x, values=values, derivatives=derivs if derivative else {})
        return disp.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, derivative_kw=None, **kwargs):
        fig, ax = get_ax(ax)
        self.lines_, self.derivative_lines_ = {}, {}
        for i, (name, v) in enumerate(self.values.items()):
            colour = f"C{i % 10}"
            (self.lines_[name],) = ax.plot(self.x, v, **merged({"color": colour, "label": name},
                                                               kwargs))
            if name in self.derivatives:
                (self.derivative_lines_[name],) = ax.plot(
                    self.x, self.derivatives[name],
                    **merged({"color": colour, "linestyle": "--", "label": f"{name}'"},
                             derivative_kw))
        ax.axhline(0.0, color="grey", linewidth=0.5)
        ax.axvline(0.0, color="grey", linewidth=0.5)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x), f'(x)" if self.derivatives else "f(x)")
        ax.legend()
        self.ax_, self.figure_ = ax, fig
        return self


def _rosenbrock(p):
    return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2


def _himmelblau(p):
    return (p[0] ** 2 + p[1] - 11.0) ** 2 + (p[0] + p[1] ** 2 - 7.0) ** 2


def _quadratic(p):
    return 0.5 * p[0] ** 2 + 5.0 * p[1] ** 2


def _beale(p):
    x, y = p[0], p[1]
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
            + (2.625 - x + x * y ** 3) ** 2)


# name -> (function of a Tensor p with p[0], p[1]; default start; default view)
TEST_FUNCTIONS = {
    "rosenbrock": (_rosenbrock, (-1.5, 2.0), ((-2.0, 2.0), (-1.0, 3.0))),
    "himmelblau": (_himmelblau, (0.0, 0.0), ((-5.0, 5.0), (-5.0, 5.0))),
    "quadratic": (_quadratic, (-4.0, 2.0), ((-5.0, 5.0), (-3.0, 3.0))),
    "beale": (_beale, (1.0, 1.5), ((-4.5, 4.5), (-4.5, 4.5))),
}


def _optimizer_factory(spec):
    """A class, (class, kwargs) or callable(params) -> Optimizer."""
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], dict):
        cls, kw = spec
        return lambda params: cls(params, **kw)
    if callable(spec):
        return spec
    raise TypeError("each optimizer must be an Optimizer class, a (class, kwargs) pair or a "
                    f"callable(params) -> Optimizer, got {spec!r}")


def optimizer_path(fn, make_optimizer, start, n_steps):
    """Points visited by an optimizer minimising fn from `start`: shape
    (n_steps + 1, 2), row 0 the start. The parameter is a float64 fastml.nn
    Parameter of shape (2,); every step is ``optimizer.step(closure)``
    (zero_grad, forward, backward), which LBFGS needs and the others accept."""
    from ..nn import Parameter

    p = Parameter(np.array(start, dtype=np.float64))
    opt = make_optimizer([p])

    def closure():
        opt.zero_grad()
        loss = fn(p)
        loss.backward()
        return loss

    path = [p.data.copy()]
    for _ in range(n_steps):
        with np.errstate(over="ignore", invalid="ignore"):  # divergence: reported below
            opt.step(closure)
        if not np.all(np.isfinite(p.data)):
            raise FloatingPointError(f"{type(opt).__name__} diverged after {len(path)} steps "
                                     f"(parameter {p.data.tolist()}); lower its lr")
        path.append(p.data.copy())
    return np.array(path)


def _surface(fn, xlim, ylim, resolution):
    """fn on a grid: one call on a (2, n) Tensor when fn is element-wise in
    p[0], p[1] (all the built-in functions), else one call per point."""
    from ..nn import Tensor, no_grad

    xx, yy = np.meshgrid(np.linspace(xlim[0], xlim[1], resolution),
                         np.linspace(ylim[0], ylim[1], resolution))
    pts = np.stack([xx.ravel(), yy.ravel()])
    with no_grad():
        try:
            z = np.asarray(fn(Tensor(pts)).data, dtype=float).reshape(-1)
        except Exception:
            z = None
        if z is None or z.size != xx.size:
            z = np.array([float(fn(Tensor(pts[:, i])).data) for i in range(pts.shape[1])])
    return xx, yy, z.reshape(xx.shape)


class OptimizerPathDisplay:
    """Paths of fastml.nn.optim optimizers on the contours of a 2-d function.

    Attributes: ``paths`` ({name: (n_steps + 1, 2) array}), ``losses``
    ({name: fn along the path}), ``xx``, ``yy``, ``zz`` (the contour grid),
    ``contour_``, ``lines_`` ({name: Line2D}), ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.nn.optim import SGD, Adam
    >>> from fastml.plot import OptimizerPathDisplay
    >>> disp = OptimizerPathDisplay.from_optimizers(
    ...     {"SGD": (SGD, {"lr": 1e-3}), "Adam": (Adam, {"lr": 0.05})},
    ...     function="rosenbrock", n_steps=300)
    >>> disp.paths["Adam"].shape
    (301, 2)
    """

    def __init__(self, *, paths, losses, xx, yy, zz, start):
        self.paths, self.losses = paths, losses
        self.xx, self.yy, self.zz, self.start = xx, yy, zz, start

    @classmethod
    def from_optimizers(cls, optimizers, *, function="rosenbrock", start=None, n_steps=100,
                        xlim=None, ylim=None, resolution=200, ax=None, **kwargs):
        """`optimizers`: {name: Optimizer class | (class, kwargs) |
        callable(params)}; `function`: a name in TEST_FUNCTIONS or a callable
        on a Tensor p of shape (2,) returning a scalar Tensor (use p[0], p[1]
        so it also evaluates a (2, n) grid at once)."""
        n_steps = check_positive_int(n_steps, "n_steps")
        resolution = check_positive_int(resolution, "resolution", 2)
        if isinstance(function, str):
            if function not in TEST_FUNCTIONS:
                raise ValueError(f"unknown function {function!r}; choose from "
                                 f"{sorted(TEST_FUNCTIONS)} or pass a callable")
            fn, default_start, (dx, dy) = TEST_FUNCTIONS[function]
        elif callable(function):
            fn, default_start, dx, dy = function, (1.0, 1.0), None, None
        else:
            raise TypeError(f"function must be a name or a callable, got {function!r}")
        start = np.asarray(default_start if start is None else start, dtype=float)
        if start.shape != (2,) or not np.all(np.isfinite(start)):
            raise ValueError(f"start must be two finite numbers, got {start.tolist()}")
        if not isinstance(optimizers, dict) or not optimizers:
            raise ValueError("optimizers must be a non-empty dict {name: optimizer}")
        paths, losses = {}, {}
        for name, spec in optimizers.items():
            paths[name] = optimizer_path(fn, _optimizer_factory(spec), start, n_steps)
            losses[name] = _values_along(fn, paths[name])
        every = np.vstack([start[None]] + list(paths.values()))
        if xlim is None:
            xlim = dx if dx is not None else _span(every[:, 0])
        if ylim is None:
            ylim = dy if dy is not None else _span(every[:, 1])
        xx, yy, zz = _surface(fn, xlim, ylim, resolution)
        disp = cls(paths=paths, losses=losses, xx=xx, yy=yy, zz=zz, start=start)
        return disp.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, levels=30, log_levels=True, contour_kw=None, **kwargs):
        fig, ax = get_ax(ax)
        z = self.zz
        if log_levels and np.all(z > -np.inf) and z.max() > z.min():
            shifted = z - z.min()
            lv = z.min() + np.geomspace(max(shifted[shifted > 0].min(), 1e-12),
                                        shifted.max(), levels)
        else:
            lv = levels
        self.contour_ = ax.contour(self.xx, self.yy, z, **merged({"levels": lv,
                                                                  "cmap": "viridis",
                                                                  "linewidths": 0.6},
                                                                 contour_kw))
        self.lines_ = {}
        for i, (name, path) in enumerate(self.paths.items()):
            (self.lines_[name],) = ax.plot(path[:, 0], path[:, 1],
                                           **merged({"marker": ".", "markersize": 3,
                                                     "color": f"C{i % 10}", "label": name},
                                                    kwargs))
        ax.plot([self.start[0]], [self.start[1]], "ko", label="start")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend()
        self.ax_, self.figure_ = ax, fig
        return self


def _values_along(fn, path):
    from ..nn import Tensor, no_grad

    with no_grad():
        return np.array([float(fn(Tensor(np.asarray(q, dtype=np.float64))).data)
                         for q in path])


def _span(v):
    lo, hi = float(v.min()), float(v.max())
    pad = max(0.1 * (hi - lo), 0.5)
    return lo - pad, hi + pad
