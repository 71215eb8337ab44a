"""Feature binning for the histogram tree builder.

Each feature gets at most `max_bins` (<= 256) bins whose upper edges lie
halfway between consecutive distinct values, so a split "code <= b" equals
"x <= edges[b]" on the training data, and a feature with <= max_bins distinct
values splits exactly where a sorting-based tree would (midpoints). Features
with more distinct values get approximately equal-frequency bins.
"""
import numpy as np

MAX_BINS = 256


def _midpoints(lo, hi):
    mid = (lo.astype(np.float64) + hi.astype(np.float64)) / 2.0
    # float64 inputs: a midpoint may round up to hi; use lo then (as scikit-learn)
    return np.where(mid >= hi, lo.astype(np.float64), mid)


def bin_edges(X, max_bins=MAX_BINS):
    """List of float64 upper-edge arrays, one per feature (len = bins - 1)."""
    n = X.shape[0]
    edges = []
    for f in range(X.shape[1]):
        u, counts = np.unique(X[:, f], return_counts=True)
        if len(u) <= max_bins:
            edges.append(_midpoints(u[:-1], u[1:]))
            continue
        cum = np.cumsum(counts)
        targets = n * np.arange(1, max_bins) / max_bins
        j = np.unique(np.searchsorted(cum, targets, side="left"))
        j = j[j < len(u) - 1]
        edges.append(_midpoints(u[j], u[j + 1]))
    return edges


def bin_data(X, edges):
    """uint8 codes, shape (n_features, n_samples), C-contiguous."""
    out = np.empty((X.shape[1], X.shape[0]), dtype=np.uint8)
    for f, e in enumerate(edges):
        out[f] = np.searchsorted(e, X[:, f].astype(np.float64), side="left")
    return out


def thresholds(feature, bins, edges):
    """Node thresholds from (feature, bin) pairs; -2.0 for leaves (feature < 0)."""
    thr = np.full(len(feature), -2.0)
    for i in np.flatnonzero(feature >= 0):
        thr[i] = edges[feature[i]][bins[i]]
    return thr
