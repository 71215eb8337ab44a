# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/gmm.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def estep(floating[:, ::1] resp, floating[::1] lse, const floating[:, :] Y, int64_t ks,
          const floating[:, ::1] S, const floating[:, ::1] B, const floating[::1] c,
          int nthreads):
    """resp (n, k), lse (n) <- the E-step of gmm.h over Y (n, >= (k-1)*ks + d) rows with a
    unit column stride; S None (no scaling) or (k, d); B (k, d); c (k)."""
    cdef int64_t n = Y.shape[0], k = B.shape[0], d = B.shape[1], ldy
    cdef const floating *sp = &S[0, 0] if S is not None and k > 0 and d > 0 else NULL
    cdef int st
    if n > 0 and Y.shape[1] > 1 and Y.strides[1] != Y.itemsize:
        raise ValueError("Y needs a unit column stride")
    if n == 0 or k == 0:
        return
    ldy = Y.strides[0] // Y.itemsize
    with nogil:
        if floating is float:
            st = fm_gmm_estep_f32(&resp[0, 0], &lse[0], &Y[0, 0], ldy, ks, sp, &B[0, 0], &c[0],
                                  n, k, d, nthreads)
        else:
            st = fm_gmm_estep_f64(&resp[0, 0], &lse[0], &Y[0, 0], ldy, ks, sp, &B[0, 0], &c[0],
                                  n, k, d, nthreads)
    _check(st)


LDP = FM_GMM_LDP


def estep_tri(floating[:, ::1] resp, floating[::1] lse, const floating[:, :] X,
              const floating[:, :, ::1] P, const floating[:, ::1] B, const floating[::1] c,
              int nthreads):
    """resp (n, k), lse (n) <- the E-step of gmm.h with the whitening X_i P_j inside:
    X (n, d) with a unit column stride, P (k, d, ldp) upper triangular (zeros below the
    diagonal), rows zero padded,
    B (k, ldp) zero padded, c (k)."""
    cdef int64_t n = X.shape[0], d = X.shape[1], k = P.shape[0], ldp = P.shape[2], ldx
    cdef int st
    if n > 0 and d > 1 and X.strides[1] != X.itemsize:
        raise ValueError("X needs a unit column stride")
    if n == 0 or k == 0:
        return
    ldx = X.strides[0] // X.itemsize
    with nogil:
        if floating is float:
            st = fm_gmm_estep_tri_f32(&resp[0, 0], &lse[0], &X[0, 0], ldx, &P[0, 0, 0], ldp,
                                      &B[0, 0], &c[0], n, k, d, nthreads)
        else:
            st = fm_gmm_estep_tri_f64(&resp[0, 0], &lse[0], &X[0, 0], ldx, &P[0, 0, 0], ldp,
                                      &B[0, 0], &c[0], n, k, d, nthreads)
    _check(st)
