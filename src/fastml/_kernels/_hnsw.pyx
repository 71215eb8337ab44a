# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/hnsw*.c: typed buffers in, GIL released, status -> exception.
Inputs are trusted (checked by fastml._kernels.hnsw and fastml.neighbors.HNSW);
`nthreads` comes last. The graph's arrays are described in csrc/hnsw.h."""
from libc.stdint cimport int32_t, int64_t, uint8_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


cdef fm_hnsw _graph(const uint8_t[::1] vecs, const int32_t[::1] links0,
                    const int32_t[::1] upper, const int64_t[::1] upper_off,
                    const uint8_t[::1] levels, int64_t n, int64_t d, int64_t M, int64_t entry,
                    int64_t max_level, int metric):
    cdef fm_hnsw g
    g.vecs = <void *>&vecs[0]
    g.links0 = <int32_t *>&links0[0]
    g.upper = <int32_t *>&upper[0]
    g.upper_off = &upper_off[0]
    g.levels = &levels[0]
    g.n = n
    g.d = d
    g.M = M
    g.entry = entry
    g.max_level = max_level
    g.metric = metric
    return g


def add(uint8_t[::1] vecs, int32_t[::1] links0, int32_t[::1] upper,
        const int64_t[::1] upper_off, const uint8_t[::1] levels, const floating[:, ::1] X,
        int64_t n, int64_t M, int64_t[::1] top, int metric, int64_t ef_construction,
        int nthreads):
    """Links the rows of X in as nodes n..n+len(X)-1. top = [entry, max_level] is
    updated even when the kernel fails (the graph then has every new vector,
    some of them not linked)."""
    cdef fm_hnsw g = _graph(vecs, links0, upper, upper_off, levels, n, X.shape[1], M, top[0],
                            top[1], metric)
    cdef int64_t m = X.shape[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_hnsw_add_f32(&g, &X[0, 0], m, ef_construction, nthreads)
        else:
            st = fm_hnsw_add_f64(&g, &X[0, 0], m, ef_construction, nthreads)
    top[0] = g.entry
    top[1] = g.max_level
    _check(st)


def search(floating[:, ::1] dist, int64_t[:, ::1] ind, const uint8_t[::1] vecs,
           const int32_t[::1] links0, const int32_t[::1] upper, const int64_t[::1] upper_off,
           const uint8_t[::1] levels, const floating[:, ::1] Q, int64_t n, int64_t M,
           int64_t entry, int64_t max_level, int metric, int64_t ef, int nthreads):
    cdef fm_hnsw g = _graph(vecs, links0, upper, upper_off, levels, n, Q.shape[1], M, entry,
                            max_level, metric)
    cdef int64_t nq = Q.shape[0], k = ind.shape[1]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_hnsw_search_f32(&dist[0, 0], &ind[0, 0], &g, &Q[0, 0], nq, k, ef, nthreads)
        else:
            st = fm_hnsw_search_f64(&dist[0, 0], &ind[0, 0], &g, &Q[0, 0], nq, k, ef, nthreads)
    _check(st)
