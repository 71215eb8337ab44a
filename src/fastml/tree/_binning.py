"""Feature binning for the histogram tree builder.

Each feature gets at most `max_bins` (<= 256) bins whose upper edges lie
halfway between consecutive distinct values, so a split "code <= b" equals
"x <= edges[b]" on the training data, and a feature with <= max_bins distinct
values splits exactly where a sorting-based tree would (midpoints). Features
with more distinct values get approximately equal-frequency bins; for those
the builder refines a chosen edge exactly on the raw values (`refine` flag,
raw copy `Xf`).
"""
from collections import namedtuple

import numpy as np

from .._kernels import tree as _kt

MAX_BINS = 256

# Everything the builder needs about X, made once per fit and shared by the
# trees of an ensemble: codes Xb (d, n) uint8; edges (list of d float64
# arrays) and the same flattened with offsets (d + 1,); refine (d,) uint8;
# Xf (d, n) float64 raw values, or (0, 0) when no feature needs refining.
Binned = namedtuple("Binned", "Xb edges edges_flat offsets refine Xf")


def _midpoints(lo, hi):
    mid = (lo.astype(np.float64) + hi.astype(np.float64)) / 2.0
    # float64 inputs: a midpoint may round up to hi; use lo then (as scikit-learn)
    return np.where(mid >= hi, lo.astype(np.float64), mid)


def _feature_edges(col, max_bins):
    """(edges, more distinct values than bins?) for one feature."""
    xs = np.sort(col)
    n = len(xs)
    keep = np.empty(n, dtype=bool)
    keep[0] = True
    np.not_equal(xs[1:], xs[:-1], out=keep[1:])
    starts = np.flatnonzero(keep)
    u = xs[starts]
    if len(u) <= max_bins:
        return _midpoints(u[:-1], u[1:]), False
    cum = np.append(starts[1:], n)               # rows <= each distinct value
    targets = n * np.arange(1, max_bins) / max_bins
    j = np.unique(np.searchsorted(cum, targets, side="left"))
    j = j[j < len(u) - 1]
    return _midpoints(u[j], u[j + 1]), True


def _edges_and_flags(X, max_bins, n_threads=2):
    XT = np.ascontiguousarray(X.T)
    if X.shape[0] * X.shape[1] < 200_000 or n_threads <= 1:
        return [_feature_edges(XT[f], max_bins) for f in range(X.shape[1])]
    from concurrent.futures import ThreadPoolExecutor

    # NumPy's sort releases the GIL: features sort in parallel
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        return list(pool.map(lambda f: _feature_edges(XT[f], max_bins), range(X.shape[1])))


def bin_edges(X, max_bins=MAX_BINS):
    """List of float64 upper-edge arrays, one per feature (len = bins - 1)."""
    return [e for e, _ in _edges_and_flags(X, max_bins)]


def bin_data(X, edges):
    """uint8 codes, shape (n_features, n_samples), C-contiguous (compiled)."""
    return _kt.bin_codes(np.ascontiguousarray(X), edges)


def prepare(X, w=None, max_bins=MAX_BINS, refine=True):
    """Binned view of X for the builder. Edges come from the rows with
    positive weight (so zero-weight rows do not move thresholds)."""
    ef = _edges_and_flags(X if w is None else X[w > 0], max_bins)
    edges = [e for e, _ in ef]
    flags = np.array([bool(r) and refine for _, r in ef], dtype=np.uint8)
    offsets = np.zeros(len(edges) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in edges])
    flat = np.concatenate(edges).astype(np.float64) if offsets[-1] else np.zeros(0)
    Xf = (np.ascontiguousarray(X.T, dtype=np.float64) if flags.any()
          else np.zeros((0, 0), dtype=np.float64))
    return Binned(bin_data(X, edges), edges, np.ascontiguousarray(flat), offsets, flags, Xf)
