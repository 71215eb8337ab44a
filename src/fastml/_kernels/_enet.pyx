# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/enet.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t, uint32_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

def enet_cd(double[::1] w, const double[:, ::1] XT, const double[::1] y, double l1, double l2,
            int64_t max_iter, double tol, bint positive, bint random, uint32_t seed,
            int nthreads):
    """Coordinate descent in place on w (see enet.h; random: scikit-learn's random
    coordinate order from seed); returns (n_iter, gap)."""
    cdef int64_t n_iter = 0, p = XT.shape[0], n = XT.shape[1]
    cdef double gap = 0
    cdef int st
    cdef double *wp = &w[0] if p > 0 else NULL
    cdef const double *xp = &XT[0, 0] if p > 0 else NULL
    with nogil:
        st = fm_enet_cd_f64(wp, &n_iter, &gap, xp, &y[0], l1, l2, tol, max_iter, positive, random,
                            seed, n, p, nthreads)
    _check(st)
    return n_iter, gap


def enet_cd_gram(double[::1] w, const double[:, ::1] G, const double[::1] c, double yy,
                 double l1, double l2, int64_t max_iter, double tol, bint positive,
                 bint random, uint32_t seed, int nthreads):
    """Coordinate descent in place on w from the Gram form (see enet.h); (n_iter, gap)."""
    cdef int64_t n_iter = 0, p = G.shape[0]
    cdef double gap = 0
    cdef int st
    cdef double *wp = &w[0] if p > 0 else NULL
    cdef const double *gp = &G[0, 0] if p > 0 else NULL
    cdef const double *cp = &c[0] if p > 0 else NULL
    with nogil:
        st = fm_enet_cd_gram_f64(wp, &n_iter, &gap, gp, cp, yy, l1, l2, tol, max_iter, positive,
                                 random, seed, p, nthreads)
    _check(st)
    return n_iter, gap
