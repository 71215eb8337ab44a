"""Reference gradient histograms: the executable spec of csrc/hist.c.

build_histograms(codes, g, h=None, rows=None, nbins=256) -> (d, nbins, 3)
float64: per feature and bin, the sums of g, of h (the row count when h is
None) and the row count over `rows` (all rows when None). codes is uint8
(d, n), column-major features; sums run in row order.
"""
import numpy as np


def build_histograms(codes, g, h=None, rows=None, nbins=256):
    d, n = codes.shape
    idx = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    out = np.zeros((d, nbins, 3))
    gg = np.asarray(g, dtype=np.float64)[idx]
    hh = np.ones(len(idx)) if h is None else np.asarray(h, dtype=np.float64)[idx]
    for f in range(d):
        c = codes[f, idx].astype(np.int64)
        for r in range(len(idx)):  # row order, as the kernel sums
            out[f, c[r], 0] += gg[r]
            out[f, c[r], 1] += hh[r]
            out[f, c[r], 2] += 1.0
    return out
