"""Gradient histograms of binned features (csrc/hist.c) behind one facade: the
hot loop of histogram gradient boosting.

Contract (checked by the caller, trusted here): codes is uint8 (d, n)
C-contiguous with every code < nbins <= 256; g (and h when given) float64
C-contiguous of length n; rows None or int64 indices into [0, n). Returns
(d, nbins, 3) float64: sums of g, h (row count when h is None) and counts.
Sums run in row order per feature, so results do not depend on the thread
count. The compiled kernel or its twin (reference/hist.py, same signature) is
chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads


def _build_histograms(codes, g, h=None, rows=None, nbins=256):
    hist = np.empty((codes.shape[0], nbins, 3), dtype=np.float64)
    _hist.build(hist, codes, g, h, rows, _threads())
    return hist


if COMPILED:
    from . import _hist

    build_histograms = _build_histograms
else:
    from .reference.hist import build_histograms  # noqa: F401
