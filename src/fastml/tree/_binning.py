"""Feature binning for the histogram tree builder.

Each feature gets at most `max_bins` (<= 256) bins whose upper edges lie
halfway between consecutive distinct values, so a split "code <= b" equals
"x <= edges[b]" on the training data, and a feature with <= max_bins distinct
values splits exactly where a sorting-based tree would (midpoints). Features
with more distinct values get approximately equal-frequency bins.
"""
import numpy as np

from .._kernels import tree as _kt

MAX_BINS = 256


def _midpoints(lo, hi):
    mid = (lo.astype(np.float64) + hi.astype(np.float64)) / 2.0
    # float64 inputs: a midpoint may round up to hi; use lo then (as scikit-learn)
    return np.where(mid >= hi, lo.astype(np.float64), mid)


def _feature_edges(col, max_bins):
    xs = np.sort(col)
    n = len(xs)
    keep = np.empty(n, dtype=bool)
    keep[0] = True
    np.not_equal(xs[1:], xs[:-1], out=keep[1:])
    starts = np.flatnonzero(keep)
    u = xs[starts]
    if len(u) <= max_bins:
        return _midpoints(u[:-1], u[1:])
    cum = np.append(starts[1:], n)               # rows <= each distinct value
    targets = n * np.arange(1, max_bins) / max_bins
    j = np.unique(np.searchsorted(cum, targets, side="left"))
    j = j[j < len(u) - 1]
    return _midpoints(u[j], u[j + 1])


def bin_edges(X, max_bins=MAX_BINS, n_threads=2):
    """List of float64 upper-edge arrays, one per feature (len = bins - 1).
    Features are sorted in a few threads (NumPy's sort releases the GIL)."""
    XT = np.ascontiguousarray(X.T)
    if X.shape[0] * X.shape[1] < 200_000 or n_threads <= 1:
        return [_feature_edges(XT[f], max_bins) for f in range(X.shape[1])]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        return list(pool.map(lambda f: _feature_edges(XT[f], max_bins), range(X.shape[1])))


def bin_data(X, edges):
    """uint8 codes, shape (n_features, n_samples), C-contiguous (compiled)."""
    return _kt.bin_codes(np.ascontiguousarray(X), edges)


def thresholds(feature, bins, edges):
    """Node thresholds from (feature, bin) pairs; -2.0 for leaves (feature < 0)."""
    thr = np.full(len(feature), -2.0)
    for i in np.flatnonzero(feature >= 0):
        thr[i] = edges[feature[i]][bins[i]]
    return thr
