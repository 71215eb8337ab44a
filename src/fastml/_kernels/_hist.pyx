# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/hist.c: typed buffers in, GIL released, status -> exception."""
from libc.stdint cimport int64_t, uint8_t

include "_common.pxi"

from fastml._kernels.fastml cimport *


def build(double[:, :, ::1] hist, const uint8_t[:, ::1] codes, const double[::1] g, h,
          rows, int nthreads):
    """hist (d, nbins, 3) <- sums of (g, h, 1) per bin; h and rows may be None."""
    cdef const double[::1] hv
    cdef const int64_t[::1] rv
    cdef const double *hp = NULL
    cdef const int64_t *rp = NULL
    cdef int64_t d = codes.shape[0], n = codes.shape[1], nbins = hist.shape[1]
    cdef int64_t m = n
    if h is not None:
        hv = h
        hp = &hv[0] if hv.shape[0] else NULL
    if rows is not None:
        rv = rows
        m = rv.shape[0]
        rp = &rv[0] if m else <const int64_t *>&nbins  # any non-NULL pointer: m == 0
    cdef int st
    with nogil:
        st = fm_hist_build_f64(&hist[0, 0, 0] if d else NULL,
                               &codes[0, 0] if d * n else NULL,
                               &g[0] if g.shape[0] else NULL, hp, rp, m, n, d, nbins, nthreads)
    _check(st)
