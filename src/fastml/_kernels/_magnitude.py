"""Distances on extreme values: a plan that keeps squared sums finite and exact.

Sums of squared differences, and the norm expansion |x|^2 + |y|^2 - 2 x.y
that the fast euclidean paths use, overflow (inf - inf = NaN) once values
pass about sqrt(max / d), and underflow below about sqrt(tiny). For data
outside that safe range the distance facades follow a plan:

- float32 data is computed in float64 (whose range holds every float32
  square), and the distances cast back;
- float64 data above the range is scaled down by the smallest power of two
  that brings it inside (exact: only exponents change; values more than
  ~1e300 times smaller than the largest lose their low bits, as they would in
  any float64 sum with it);
- float64 data below the range (all tiny) is scaled up to max |x| ~ 1 (exact).

Distances are scaled back; the ranking, the tie rule and every index are those
of the data as given. Data inside the safe range pays one max |x| check.
Neighbour searches on data scaled down measure the k distances they return
again on the data as given (`remeasure`): scaling by 2**-e pushes the squares
of small differences into the subnormal range, where they lose digits.
"""
import math

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


class Plan:
    """How to compute distances on arrays of one dtype: `dtype` to compute in,
    `e` the power of two the data is divided by (0: none)."""

    def __init__(self, dtype, e=0):
        self.dtype, self.e = np.dtype(dtype), int(e)

    def prepare(self, a):
        """a in the compute dtype, divided by 2**e, C-contiguous."""
        out = a.astype(self.dtype, copy=False)
        if self.e:
            out = np.ldexp(out, -self.e).astype(self.dtype, copy=False)
        return np.ascontiguousarray(out)

    def finish(self, dist, out_dtype, power=1):
        """distances (of the prepared data) back in the caller's units and dtype."""
        if self.e:
            with np.errstate(over="ignore"):
                dist = np.ldexp(dist, power * self.e)
        with np.errstate(over="ignore"):
            return dist.astype(out_dtype, copy=False)


def plan_for(magnitude, dtype, d):
    """The plan for data of this max |x|, or None when it is in the safe range."""
    dtype = np.dtype(dtype)
    lo, hi = safe_range(dtype, d)
    if magnitude == 0.0 or lo <= magnitude <= hi:
        return None
    if dtype == np.float32:
        return Plan(np.float64)
    if magnitude > hi:
        return Plan(dtype, math.ceil(math.log2(magnitude / hi)))
    return Plan(dtype, int(np.frexp(magnitude)[1]))


def row_exponents(X):
    """Per-row e with max |row| * 2**-e in [0.5, 1) (0 for zero rows): cosine is
    invariant under positive row scaling, so each row may take its own."""
    m = np.maximum(X.max(axis=1), -X.min(axis=1)) if X.shape[1] else np.zeros(X.shape[0])
    return np.where(m > 0, np.frexp(m)[1], 0).astype(np.int64)


def remeasure(Q, X, ind, metric, p, e):
    """(dist, ind) of the neighbours ind (nq, k) of each query of Q among the
    rows of X, both scaled by 2**-e (a plan's prepared data): measured without
    squaring small differences (halved differences scaled by their largest
    component), returned in the data's units (float64, inf where the distance
    exceeds float64's range), each row re-sorted by (distance, index)."""
    Q = np.asarray(Q, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    k, d = ind.shape[1], X.shape[1]
    step = max(1, (1 << 20) // max(1, k * d))  # queries per block: ~8 MB temporaries
    dist = np.empty(ind.shape)
    for s in range(0, Q.shape[0], step):
        dist[s:s + step] = _unscaled(Q[s:s + step], X, ind[s:s + step], metric, p, e)
    order = np.lexsort((ind, dist), axis=-1)
    return np.take_along_axis(dist, order, axis=1), np.take_along_axis(ind, order, axis=1)


def _unscaled(Q, X, ind, metric, p, e):
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        h = Q[:, None, :] * 0.5 - X[ind] * 0.5          # (nq, k, d), exact halves
        a = np.abs(h)
        m = a.max(axis=2, initial=0.0)
        u = a / np.where(m > 0, m, 1.0)[:, :, None]
        if metric in ("euclidean", "sqeuclidean"):
            dist = 2.0 * m * np.sqrt((u * u).sum(axis=2))
            if metric == "sqeuclidean":
                dist = dist * dist
        elif metric == "manhattan":
            dist = 2.0 * m * u.sum(axis=2)
        elif metric == "chebyshev":
            dist = 2.0 * m
        else:
            dist = 2.0 * m * (u ** p).sum(axis=2) ** (1.0 / p)
        return np.ldexp(dist, (2 if metric == "sqeuclidean" else 1) * e)
