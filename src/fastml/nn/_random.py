"""Seeding for fastml.nn: ``manual_seed(s)`` makes dropout masks (and any
initialiser that draws from ``generator()``) reproducible.

Dropout draws no random numbers up front: each call takes a fresh 64-bit key
(a splitmix64 hash of (seed, call counter)) and the C kernel hashes
(key, element index) -- a counter-based RNG, so results are independent of
thread count and SIMD width.
"""
import numpy as np

_MASK64 = (1 << 64) - 1
_DEFAULT_SEED = 0x5EED_F457

_state = {"seed": _DEFAULT_SEED, "counter": 0, "generator": None}


def _splitmix64(z):
    z = (z + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def manual_seed(seed):
    """Seed fastml.nn's random streams (dropout keys, ``generator()``)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an int, got {seed!r}")
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    _state["seed"] = seed & _MASK64
    _state["counter"] = 0
    _state["generator"] = None


def initial_seed():
    """The seed last given to manual_seed (as torch.initial_seed).

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.manual_seed(42)
    >>> nn.initial_seed()
    42
    """
    return _state["seed"]


def next_key():
    """A fresh 64-bit key for one counter-based random op (e.g. one dropout call)."""
    _state["counter"] += 1
    return _splitmix64(_state["seed"] ^ _splitmix64(_state["counter"]))


def generator():
    """NumPy Generator seeded by manual_seed (for weight initialisation)."""
    g = _state["generator"]
    if g is None:
        g = _state["generator"] = np.random.default_rng(_state["seed"])
    return g
