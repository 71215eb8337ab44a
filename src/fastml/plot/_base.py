"""What every display shares: the lazy matplotlib import, the target axes and
the input checks."""
import numbers

import numpy as np

_HINT = ("fastml.plot needs matplotlib, which is not installed; install it with "
         "`pip install fastml[plot]` (or `pip install matplotlib`).")


def require_matplotlib():
    """Import matplotlib.pyplot on first use; an ImportError naming the
    ``fastml[plot]`` extra when it is missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_HINT) from exc
    return plt


def get_ax(ax):
    """(figure, axes): the given axes and its figure, or a new pair."""
    plt = require_matplotlib()
    if ax is None:
        fig, ax = plt.subplots()
        return fig, ax
    if not hasattr(ax, "plot") or not hasattr(ax, "figure"):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax.figure, ax


def merged(defaults, kwargs):
    """defaults overridden by the user's keyword arguments (None -> {})."""
    out = dict(defaults)
    out.update(kwargs or {})
    return out


def as_1d_float(values, name):
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d sequence of numbers, got shape "
                         f"{arr.shape}")
    return arr


def check_2d_features(X, name="X"):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n_samples, 2) for a 2-d plot, got "
                         f"{X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinity")
    return X


def check_positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def estimator_name(estimator):
    return type(estimator).__name__


def check_fitted(estimator, attr):
    if not hasattr(estimator, attr):
        raise ValueError(f"{estimator_name(estimator)} has no attribute {attr!r}: fit it first "
                         f"(or pass an estimator that provides {attr})")
    return getattr(estimator, attr)
