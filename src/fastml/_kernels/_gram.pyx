# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/gram.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double

MAX_M = FM_GRAM_MAX_M


def shifted(double[:, ::1] S, const floating[:, :] X, const double[:, ::1] Y,
            const double[::1] w, const double[::1] shift, int nthreads):
    """S (m, m) <- sum_i w_i z_i z_i^T, z_i = [X_i - shift[:p], Y_i - shift[p:], 1].
    X rows may be strided (unit column stride); Y (n, k) may have k = 0; w None: ones."""
    cdef int64_t n = X.shape[0], p = X.shape[1], k = Y.shape[1], ldx
    cdef const double *yp = &Y[0, 0] if n > 0 and k > 0 else NULL
    cdef const double *wp = &w[0] if w is not None and n > 0 else NULL
    cdef const double *sp = &shift[0] if shift.shape[0] > 0 else NULL
    cdef int st
    if n > 1 and p > 1 and X.strides[1] != X.itemsize:
        raise ValueError("X needs a unit column stride")
    # no rows or no columns: the loops read no X (NULL below)
    ldx = X.strides[0] // X.itemsize if n > 0 and p > 0 else 0
    with nogil:
        if floating is float:
            st = fm_gram_shifted_f32(&S[0, 0], &X[0, 0] if n > 0 and p > 0 else NULL, ldx, yp, k,
                                     wp, sp, n, p, nthreads)
        else:
            st = fm_gram_shifted_f64(&S[0, 0], &X[0, 0] if n > 0 and p > 0 else NULL, ldx, yp, k,
                                     wp, sp, n, p, nthreads)
    _check(st)
