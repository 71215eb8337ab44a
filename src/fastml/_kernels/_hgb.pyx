# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/hgb*.c: typed buffers in, GIL released, status -> exception.

Nodes travel as uint8 views of a NumPy structured array whose layout equals
fm_hgb_node (the facade checks the item size against node_size())."""
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *


def node_size():
    return sizeof(fm_hgb_node)


cdef fm_hgb_params _params(dict p):
    cdef fm_hgb_params q
    q.max_leaf_nodes = p["max_leaf_nodes"]
    q.max_depth = p["max_depth"]
    q.min_samples_leaf = p["min_samples_leaf"]
    q.min_hessian = p["min_hessian"]
    q.l2 = p["l2"]
    q.max_features = p["max_features"]
    q.hist_pool = p["hist_pool"]
    q.seed = <uint64_t>p["seed"]
    q.hess_const = p["hess_const"]
    q.nbins = p["nbins"]
    return q


def bin_data(uint8_t[:, ::1] codes_rm, uint8_t[:, ::1] codes_cm, const double[:, ::1] X,
             const double[:, ::1] thr, const int32_t[::1] nthr, const uint8_t[::1] is_cat,
             int missing_bin, int nthreads):
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef int st
    if n == 0:
        return
    with nogil:
        st = fm_hgb_bin_f64(&codes_rm[0, 0], &codes_cm[0, 0], &X[0, 0], n, d, &thr[0, 0],
                            &nthr[0], thr.shape[1], &is_cat[0], missing_bin, nthreads)
    _check(st)


def gradients(float[:, ::1] g, float[:, ::1] h, const double[:, ::1] raw, const double[::1] y,
              w, int loss, double alpha, int nthreads):
    cdef const double[::1] wv
    cdef const double *wp = NULL
    cdef int64_t n = raw.shape[0], K = raw.shape[1]
    cdef int st
    if w is not None:
        wv = w
        wp = &wv[0]
    if n == 0:
        return
    with nogil:
        st = fm_hgb_gradients(&g[0, 0], &h[0, 0], &raw[0, 0], &y[0], wp, n, K, loss, alpha,
                              nthreads)
    _check(st)


def work_size(int64_t n, int64_t d, dict params):
    cdef fm_hgb_params q = _params(params)
    return fm_hgb_work_size(n, d, &q)


def grow(uint8_t[::1] nodes, uint32_t[:, ::1] catbits, int32_t[::1] rows, uint8_t[::1] work,
         const uint8_t[:, ::1] codes_rm, const uint8_t[:, ::1] codes_cm, const float[::1] g,
         const float[::1] h, const int32_t[::1] nbins_nm, const uint8_t[::1] has_missing,
         const uint8_t[::1] is_cat, const int8_t[::1] monotonic, dict params, int nthreads,
         groups=None):
    """Grow one tree; returns the node count. groups: None or uint8 (ngroups, d)."""
    cdef fm_hgb_params q = _params(params)
    cdef int64_t n = codes_rm.shape[0], d = codes_rm.shape[1], out, ngroups = 0
    cdef const uint8_t[:, ::1] gv
    cdef const uint8_t *gp = NULL
    if groups is not None:
        gv = groups
        if gv.shape[1] != d:
            raise ValueError("groups must have one column per feature")
        ngroups = gv.shape[0]
        if ngroups:
            gp = &gv[0, 0]
    if nodes.shape[0] < (2 * q.max_leaf_nodes - 1) * <int64_t>sizeof(fm_hgb_node):
        raise ValueError("node buffer too small")
    if catbits.shape[0] * <int64_t>sizeof(fm_hgb_node) < nodes.shape[0]:
        raise ValueError("bitset buffer too small")
    if work.shape[0] < fm_hgb_work_size(n, d, &q):
        raise ValueError("workspace too small")
    with nogil:
        out = fm_hgb_grow(<fm_hgb_node *>&nodes[0], &catbits[0, 0], &rows[0], &work[0],
                          &codes_rm[0, 0], &codes_cm[0, 0], &g[0], &h[0], n, d, &nbins_nm[0],
                          &has_missing[0], &is_cat[0], &monotonic[0], gp, ngroups, &q,
                          nthreads)
    if out < 0:
        _check(<int>out)
    return out


def boost_iter(uint8_t[::1] nodes, uint32_t[:, ::1] catbits, int64_t[::1] nnodes,
               int32_t[::1] rows, uint8_t[::1] work, float[:, ::1] g, float[:, ::1] h,
               double[:, ::1] raw, const double[::1] y, w, int loss, double alpha,
               double shrink, const uint64_t[::1] seeds, const uint8_t[:, ::1] codes_rm,
               const uint8_t[:, ::1] codes_cm, const int32_t[::1] nbins_nm,
               const uint8_t[::1] has_missing, const uint8_t[::1] is_cat,
               const int8_t[::1] monotonic, dict params, int nthreads, groups=None):
    """One iteration of K = raw.shape[1] trees (fm_hgb_boost_iter); nodes holds
    K * (2 * max_leaf_nodes - 1) fm_hgb_node records."""
    cdef fm_hgb_params q = _params(params)
    cdef int64_t n = codes_rm.shape[0], d = codes_rm.shape[1], K = raw.shape[1], ngroups = 0
    cdef int64_t nmax = 2 * q.max_leaf_nodes - 1
    cdef const uint8_t[:, ::1] gv
    cdef const uint8_t *gp = NULL
    cdef const double[::1] wv
    cdef const double *wp = NULL
    cdef fm_hgb_params qk = q
    cdef int st
    if groups is not None:
        gv = groups
        if gv.shape[1] != d:
            raise ValueError("groups must have one column per feature")
        ngroups = gv.shape[0]
        if ngroups:
            gp = &gv[0, 0]
    if w is not None:
        wv = w
        wp = &wv[0]
    if (raw.shape[0] != n or y.shape[0] != n or g.shape[0] != K or g.shape[1] != n or
            h.shape[0] != K or h.shape[1] != n or rows.shape[0] != n or seeds.shape[0] != K or
            nnodes.shape[0] != K or (wp != NULL and wv.shape[0] != n)):
        raise ValueError("inconsistent shapes")
    if nodes.shape[0] < K * nmax * <int64_t>sizeof(fm_hgb_node):
        raise ValueError("node buffer too small")
    if catbits.shape[0] < K * nmax:
        raise ValueError("bitset buffer too small")
    qk.hist_pool = q.hist_pool + K - 1
    if work.shape[0] < fm_hgb_work_size(n, d, &qk):
        raise ValueError("workspace too small")
    with nogil:
        st = fm_hgb_boost_iter(<fm_hgb_node *>&nodes[0], &catbits[0, 0], &nnodes[0], &rows[0],
                               &work[0], &g[0, 0], &h[0, 0], &raw[0, 0], &y[0], wp, loss, alpha,
                               shrink, &seeds[0], &codes_rm[0, 0], &codes_cm[0, 0], n, d, K,
                               &nbins_nm[0], &has_missing[0], &is_cat[0], &monotonic[0], gp,
                               ngroups, &q, nthreads)
    _check(st)


def predict(double[:, ::1] raw, const double[:, ::1] X, const uint8_t[::1] nodes,
            const uint32_t[:, ::1] catbits, const int64_t[::1] roots, int nthreads):
    cdef int64_t n = X.shape[0], d = X.shape[1], K = raw.shape[1], T = roots.shape[0]
    cdef int st
    if n == 0 or T == 0:
        return
    with nogil:
        st = fm_hgb_predict(&raw[0, 0], &X[0, 0], n, d, <const fm_hgb_node *>&nodes[0],
                            &catbits[0, 0] if catbits.shape[0] else NULL, &roots[0], T, K,
                            nthreads)
    _check(st)
