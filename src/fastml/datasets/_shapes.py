"""Two-dimensional shape generators: two interleaving half circles ("moons")
and two concentric circles, the usual test beds of density-based and spectral
clustering (k-means cannot separate either).

They follow scikit-learn's ``make_moons`` / ``make_circles`` (same layout,
parameters and outputs) but draw noise and shuffle with fastml's generator
(``random_state`` as in the other generators), so the same seed gives different
points than scikit-learn.
"""
import numbers

import numpy as np

from ._generators import _check_int, _check_random_state, _check_real

__all__ = ["make_moons", "make_circles"]


def _split(n_samples, name="n_samples"):
    """(n_first, n_second): an int is split with the odd point in the second part."""
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        n = _check_int(name, n_samples, 1)
        return n // 2, n - n // 2
    try:
        a, b = n_samples
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an int or a pair of ints, got {n_samples!r}") from None
    return _check_int(f"{name}[0]", a, 0), _check_int(f"{name}[1]", b, 0)


def _finish(X, y, shuffle, noise, rng):
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    if noise is not None and noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def make_moons(n_samples=100, *, shuffle=True, noise=None, random_state=None):
    """Two interleaving half circles.

    Parameters
    ----------
    n_samples : int or tuple (n_upper, n_lower), default=100
        Total number of points (the lower moon gets the odd one), or the number
        in each moon.
    shuffle : bool, default=True
        Shuffle the rows.
    noise : float >= 0 or None, default=None
        Standard deviation of Gaussian noise added to every coordinate.
    random_state : None, int, numpy Generator or RandomState
        See the module ``fastml.datasets``.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64, 0 for the upper moon and 1 for the lower.
    """
    n_out, n_in = _split(n_samples)
    if noise is not None:
        noise = _check_real("noise", noise, 0.0)
    rng = _check_random_state(random_state)
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5])])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _finish(X, y, shuffle, noise, rng)


def make_circles(n_samples=100, *, shuffle=True, noise=None, random_state=None, factor=0.8):
    """A large circle containing a smaller one.

    Parameters
    ----------
    n_samples : int or tuple (n_outer, n_inner), default=100
        Total number of points (the inner circle gets the odd one), or the
        number on each circle.
    shuffle : bool, default=True
        Shuffle the rows.
    noise : float >= 0 or None, default=None
        Standard deviation of Gaussian noise added to every coordinate.
    random_state : None, int, numpy Generator or RandomState
        See the module ``fastml.datasets``.
    factor : float in [0, 1), default=0.8
        Radius of the inner circle relative to the outer one (radius 1).

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64, 0 for the outer circle and 1 for the inner.
    """
    n_out, n_in = _split(n_samples)
    factor = _check_real("factor", factor, 0.0)
    if factor >= 1:
        raise ValueError(f"factor must be in [0, 1), got {factor!r}")
    if noise is not None:
        noise = _check_real("noise", noise, 0.0)
    rng = _check_random_state(random_state)
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   factor * np.column_stack([np.cos(t_in), np.sin(t_in)])])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _finish(X, y, shuffle, noise, rng)
