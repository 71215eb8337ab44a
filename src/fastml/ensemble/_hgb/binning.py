"""Quantile binning of features into uint8 codes for histogram gradient boosting.

Thresholds follow scikit-learn's HistGradientBoosting binning: NaN ignored;
with at most max_bins distinct values the thresholds are the midpoints of
consecutive distinct values, else the (averaged inverted CDF) percentiles at
100 * k / max_bins, k = 1 .. max_bins - 1, deduplicated and clipped below
+inf; with sample weights the percentiles are weighted (zero weights
ignored). Above 200,000 rows the thresholds come from a sample of 200,000 rows
drawn with replacement (with probabilities proportional to the weights). A value x gets the code of the first threshold >= x;
NaN gets the last code (max_bins). Categorical features: the codes are the
ranks of the known categories; NaN and unknown categories take the last code.
"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..._kernels import hgb as _kh
from ..._kernels._threads import current as _threads

ALMOST_INF = 1e300
SUBSAMPLE = 200_000


def _weighted_thresholds(col, w, pct):
    """Averaged weighted percentiles of sorted col with positive weights w."""
    cdf = np.cumsum(w)
    t = pct / 100.0 * cdf[-1]
    t = np.where(t == 0, np.nextafter(t, 1), t)
    i = np.minimum(np.searchsorted(cdf, t, side="left"), col.size - 1)
    above = (cdf[i] - t) > np.finfo(np.float64).eps
    return np.where(above, col[i], 0.5 * (col[i] + col[np.minimum(i + 1, col.size - 1)]))


def _sorted_percentiles(col, pct):
    """np.percentile(col, pct, method="averaged_inverted_cdf") for sorted col
    (the same arithmetic, without numpy's partition of the data)."""
    n = col.size
    v = n * (pct / 100.0) - 1.0
    lo = np.floor(v)
    gamma = np.where(v - lo == 0, 0.5, 1.0)
    a = col[np.clip(lo.astype(np.intp), 0, n - 1)]
    b = col[np.clip(lo.astype(np.intp) + 1, 0, n - 1)]
    diff = b - a
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


def _numeric_thresholds(col, max_bins, w=None):
    keep = ~np.isnan(col)
    if w is not None:
        keep &= w != 0
    col = col[keep]
    if w is None:
        col = np.sort(col)
    else:
        order = np.argsort(col, kind="stable")
        col, w = col[order], w[keep][order]
    if col.size == 0:
        return np.empty(0)
    distinct = col[np.concatenate(([True], col[1:] != col[:-1]))]
    if distinct.size == 1:
        return np.empty(0)
    if distinct.size <= max_bins:
        thr = 0.5 * (distinct[:-1] + distinct[1:])
    else:
        pct = np.linspace(0, 100, num=max_bins + 1)[1:-1]
        if w is None:
            thr = _sorted_percentiles(col, pct)
        else:
            thr = _weighted_thresholds(col, w, pct)
        u = np.unique(thr)
        if u.shape[0] != thr.shape[0]:
            thr = u
    return np.minimum(thr, ALMOST_INF)


class BinMapper:
    """Fitted binning of one training set (thresholds per feature)."""

    def __init__(self, max_bins, is_cat, known_categories, rng):
        self.max_bins = int(max_bins)
        self.is_cat = np.asarray(is_cat, dtype=np.uint8)
        self.known_categories = known_categories
        self.rng = rng

    def fit(self, X, sample_weight=None):
        n, d = X.shape
        w = sample_weight
        if n > SUBSAMPLE:
            p = None if w is None else w / w.sum()
            X = X.take(self.rng.choice(n, SUBSAMPLE, p=p, replace=True), axis=0)
            w = None
        cols = [None if self.is_cat[f] else np.ascontiguousarray(X[:, f]) for f in range(d)]
        work = [f for f in range(d) if not self.is_cat[f]]
        nthreads = max(1, min(_threads(), len(work)))
        if nthreads > 1:
            with ThreadPoolExecutor(nthreads) as ex:
                found = list(ex.map(lambda f: _numeric_thresholds(cols[f], self.max_bins, w),
                                    work))
        else:
            found = [_numeric_thresholds(cols[f], self.max_bins, w) for f in work]
        thr = [None] * d
        for f, t in zip(work, found):
            thr[f] = t
        for f in range(d):
            if self.is_cat[f]:
                thr[f] = np.asarray(self.known_categories[f], dtype=np.float64)
        self.thresholds_ = thr
        width = max(1, max(t.shape[0] for t in thr)) if d else 1
        self.thr_table_ = np.zeros((d, width))
        self.nthr_ = np.zeros(d, dtype=np.int32)
        for f, t in enumerate(thr):
            self.thr_table_[f, :t.shape[0]] = t
            self.nthr_[f] = t.shape[0]
        # bins used by non-missing values: thresholds + 1 (numeric) or categories
        self.nbins_non_missing_ = np.where(self.is_cat.astype(bool), self.nthr_,
                                           self.nthr_ + 1).astype(np.int32)
        self.missing_bin_ = self.max_bins
        return self

    def transform(self, X):
        """(codes row-major (n, d), codes column-major (d, n)) uint8."""
        return _kh.bin_data(np.ascontiguousarray(X, dtype=np.float64), self.thr_table_,
                            self.nthr_, self.is_cat, self.missing_bin_)
