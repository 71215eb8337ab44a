# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/gemm*.c (fastml's own float32 GEMM) and the borrowed BLAS
sgemm it is measured against: typed buffers in, GIL released, status -> exception.
Takes `nthreads` last."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *


def sgemm(const float[:, ::1] a, const float[:, ::1] b, float[:, ::1] c, bint transa,
          bint transb, float alpha, float beta, bint own, int nthreads):
    """c = alpha op(a) op(b) + beta c; shapes checked by the facade."""
    cdef int64_t M = c.shape[0], N = c.shape[1]
    cdef int64_t K = a.shape[0] if transa else a.shape[1]
    cdef const float *pa = &a[0, 0] if a.shape[0] * a.shape[1] else NULL
    cdef const float *pb = &b[0, 0] if b.shape[0] * b.shape[1] else NULL
    cdef float *pc = &c[0, 0] if M * N else NULL
    cdef int st
    with nogil:
        if own:
            st = fm_sgemm_own(transa, transb, M, N, K, alpha, pa, a.shape[1], pb, b.shape[1],
                              beta, pc, N, nthreads)
        else:
            st = fm_gemm_f32(transa, transb, M, N, K, alpha, pa, a.shape[1], pb, b.shape[1],
                             beta, pc, N, nthreads)
    _check(st)
