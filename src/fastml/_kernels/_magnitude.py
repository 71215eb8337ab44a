"""Exact power-of-two rescaling for distance computations on extreme values.

Sums of squared differences, and the norm expansion |x|^2 + |y|^2 - 2 x.y
that the fast euclidean paths use, overflow (inf - inf = NaN) once values
pass about sqrt(max / d), and underflow to 0 below about sqrt(tiny). Such data
is computed on copies scaled by 2**-e (exact: only the exponent changes), and
the distances are scaled back; the ranking, the tie rule and every index are
those of the unscaled data. Data inside the safe range takes no extra pass
beyond one max |x| check.
"""
import numpy as np


def absmax(a):
    """max |a| (0 for an empty array) without a temporary |a|."""
    if a.size == 0:
        return 0.0
    return float(max(a.max(), -a.min()))


def safe_range(dtype, d):
    """(lo, hi): max |x| in [lo, hi] keeps d squared terms and the norm
    expansion (with a factor 16 of head-room) finite and above underflow."""
    fi = np.finfo(dtype)
    return float(np.sqrt(fi.tiny) * 4.0 * np.sqrt(d)), float(np.sqrt(fi.max / (16.0 * d)))


def exponent_for(arrays, d):
    """0 when every array is inside the safe range, else e such that
    max |a| * 2**-e lies in [0.5, 1)."""
    m = max(absmax(a) for a in arrays)
    lo, hi = safe_range(arrays[0].dtype, d)
    if m == 0.0 or lo <= m <= hi:
        return 0
    return int(np.frexp(m)[1])


def scaled(a, e):
    """a * 2**-e, C-contiguous, same dtype (exact unless a value underflows)."""
    if e == 0:
        return a
    return np.ascontiguousarray(np.ldexp(a, -e).astype(a.dtype, copy=False))


def unscale(dist, e, power=1):
    """dist * 2**(power*e) in place; overflow to inf is the true value's."""
    if e != 0:
        with np.errstate(over="ignore"):
            np.ldexp(dist, power * e, out=dist)
    return dist


def row_exponents(X):
    """Per-row e with max |row| * 2**-e in [0.5, 1) (0 for zero rows): cosine is
    invariant under positive row scaling, so each row may take its own."""
    m = np.maximum(X.max(axis=1), -X.min(axis=1)) if X.shape[1] else np.zeros(X.shape[0])
    return np.where(m > 0, np.frexp(m)[1], 0).astype(np.int64)
