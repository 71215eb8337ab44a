# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/linkage*.c: typed float64 buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

METRICS = {"euclidean": FM_LINKAGE_EUCLIDEAN, "manhattan": FM_LINKAGE_MANHATTAN,
           "cosine": FM_LINKAGE_COSINE}
METHODS = {"complete": FM_LINKAGE_COMPLETE, "average": FM_LINKAGE_AVERAGE,
           "weighted": FM_LINKAGE_WEIGHTED, "ward": FM_LINKAGE_WARD}


def pdist(double[::1] D, const double[:, ::1] X, int metric, int nthreads):
    """D (n (n - 1) / 2) <- condensed distances of X's rows."""
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef int st
    if n < 2:
        return
    with nogil:
        st = fm_linkage_pdist_f64(&D[0], &X[0, 0], n, d, metric, nthreads)
    _check(st)


def chain(double[:, ::1] M, double[::1] D, int64_t n, int method, int nthreads):
    """M (n - 1, 3) <- the nearest-neighbour chain's merges on condensed D (destroyed)."""
    cdef int st
    if n < 2:
        return
    with nogil:
        st = fm_linkage_chain_f64(&M[0, 0], &D[0], n, method, nthreads)
    _check(st)


def ward(double[:, ::1] M, const double[:, ::1] X, int nthreads):
    """M (n - 1, 3) <- Ward's merges from the points X (n, d), centroid chain."""
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef int st
    if n < 2:
        return
    with nogil:
        st = fm_linkage_ward_f64(&M[0, 0], &X[0, 0], n, d, nthreads)
    _check(st)


def mst(double[:, ::1] M, const double[:, ::1] X, int metric, int nthreads):
    """M (n - 1, 3) <- Prim's merges (current, new, distance) from the points X."""
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef int st
    if n < 2:
        return
    with nogil:
        st = fm_linkage_mst_f64(&M[0, 0], &X[0, 0], n, d, metric, nthreads)
    _check(st)


def mst_condensed(double[:, ::1] M, const double[::1] D, int64_t n, int nthreads):
    """M (n - 1, 3) <- Prim's merges on the condensed distances D."""
    cdef int st
    if n < 2:
        return
    with nogil:
        st = fm_linkage_mst_condensed_f64(&M[0, 0], &D[0], n, nthreads)
    _check(st)


def label(double[:, ::1] Z, int ordered, int nthreads):
    """Z (n - 1, 4) sorted merges -> SciPy linkage matrix in place."""
    cdef int64_t n = Z.shape[0] + 1
    cdef int st
    if n < 2:
        return
    with nogil:
        st = fm_linkage_label_f64(&Z[0, 0], n, ordered, nthreads)
    _check(st)
