# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/kdtree*.c: typed buffers in, GIL released, status -> exception.
Inputs are trusted (validated by fastml.neighbors).

Every function that may run threads takes `nthreads` last (the facade passes the
caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def node_count(int64_t n, int64_t leaf_size):
    return fm_kdtree_node_count(n, leaf_size)


def max_leaf(int64_t n, int64_t leaf_size):
    return fm_kdtree_max_leaf(n, leaf_size)


def build(floating[:, ::1] data, int64_t[::1] idx, int64_t[:, ::1] nodes,
          floating[:, ::1] splits, floating[:, ::1] bounds, const floating[:, ::1] X,
          int64_t leaf_size, int nthreads):
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_kdtree_build_f32(&data[0, 0], &idx[0], &nodes[0, 0], &splits[0, 0],
                                     &bounds[0, 0], &X[0, 0], n, d, leaf_size, nthreads)
        else:
            st = fm_kdtree_build_f64(&data[0, 0], &idx[0], &nodes[0, 0], &splits[0, 0],
                                     &bounds[0, 0], &X[0, 0], n, d, leaf_size, nthreads)
    _check(st)


cdef fm_kdtree _tree(const floating[:, ::1] data, const int64_t[::1] idx,
                     const int64_t[:, ::1] nodes, const floating[:, ::1] splits,
                     const floating[:, ::1] bounds, int64_t max_leaf_):
    cdef fm_kdtree t
    t.data = &data[0, 0]
    t.idx = &idx[0]
    t.nodes = &nodes[0, 0]
    t.splits = &splits[0, 0]
    t.bounds = &bounds[0, 0]
    t.n = idx.shape[0]  # data has spare rows after the n points (vector tails)
    t.d = data.shape[1]
    t.nnodes = nodes.shape[0]
    t.max_leaf = max_leaf_
    return t


def query(floating[:, ::1] dist, int64_t[:, ::1] ind, const floating[:, ::1] data,
          const int64_t[::1] idx, const int64_t[:, ::1] nodes, const floating[:, ::1] splits,
          const floating[:, ::1] bounds, int64_t max_leaf_, const floating[:, ::1] Q,
          int metric, double p, int nthreads):
    """dist with 0 rows means distances are not wanted."""
    cdef fm_kdtree t = _tree(data, idx, nodes, splits, bounds, max_leaf_)
    cdef int64_t nq = Q.shape[0], k = ind.shape[1]
    cdef floating *dp = NULL
    cdef int st
    if dist.shape[0] > 0:
        dp = &dist[0, 0]
    with nogil:
        if floating is float:
            st = fm_kdtree_query_f32(dp, &ind[0, 0], &t, &Q[0, 0], nq, k, metric, p, nthreads)
        else:
            st = fm_kdtree_query_f64(dp, &ind[0, 0], &t, &Q[0, 0], nq, k, metric, p, nthreads)
    _check(st)


def radius(int64_t[::1] counts, int64_t[::1] ind, floating[::1] dist, const int64_t[::1] offsets,
           const floating[:, ::1] data, const int64_t[::1] idx, const int64_t[:, ::1] nodes,
           const floating[:, ::1] splits, const floating[:, ::1] bounds, int64_t max_leaf_,
           const floating[:, ::1] Q, const double[::1] r, int metric, double p, bint sort,
           int nthreads):
    """Count pass when counts has nq entries, else fill pass at offsets (ind; dist
    unless it is empty)."""
    cdef fm_kdtree t = _tree(data, idx, nodes, splits, bounds, max_leaf_)
    cdef int64_t nq = Q.shape[0], nr = r.shape[0]
    cdef int64_t *cp = NULL
    cdef int64_t *ip = NULL
    cdef const int64_t *op = NULL
    cdef floating *dp = NULL
    cdef int st
    if counts.shape[0] > 0:
        cp = &counts[0]
    else:
        op = &offsets[0]
        if ind.shape[0] > 0:
            ip = &ind[0]
            if dist.shape[0] > 0:
                dp = &dist[0]
        else:
            return
    with nogil:
        if floating is float:
            st = fm_kdtree_radius_f32(cp, ip, dp, op, &t, &Q[0, 0], nq, &r[0], nr, metric, p,
                                      sort, nthreads)
        else:
            st = fm_kdtree_radius_f64(cp, ip, dp, op, &t, &Q[0, 0], nq, &r[0], nr, metric, p,
                                      sort, nthreads)
    _check(st)
