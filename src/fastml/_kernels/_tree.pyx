# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/tree*.c: typed buffers in, GIL released, status -> exception.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy

import numpy as np

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


cdef object _copy(void *src, int64_t count, dtype):
    out = np.empty(count, dtype=dtype)
    cdef char[::1] view = out.view(np.int8)
    if count > 0:
        memcpy(&view[0], src, <size_t>(view.shape[0]))
    return out


def build(const uint8_t[:, ::1] Xb, const double[::1] edges, const int64_t[::1] eoff,
          const double[:, ::1] Xf, const uint8_t[::1] refine, const double[::1] y,
          const double[::1] w, int criterion, int64_t n_classes, int64_t max_depth,
          int64_t min_samples_split, int64_t min_samples_leaf, double min_weight_leaf,
          int64_t max_features, double min_impurity_decrease, uint64_t seed, int nthreads):
    """Grow one tree (GIL released while growing); returns a dict of node arrays.
    w, Xf may be empty (ones / no raw-value refinement)."""
    cdef fm_tree t
    cdef int64_t d = Xb.shape[0], n = Xb.shape[1]
    cdef const double *wp = &w[0] if w.shape[0] > 0 else NULL
    cdef const double *xfp = &Xf[0, 0] if Xf.shape[0] > 0 else NULL
    cdef const uint8_t *rp = &refine[0] if refine.shape[0] > 0 else NULL
    cdef const double *ep = &edges[0] if edges.shape[0] > 0 else NULL
    cdef int st
    with nogil:
        st = fm_tree_build(&t, &Xb[0, 0], ep, &eoff[0], xfp, rp, &y[0], wp, n, d, criterion,
                           n_classes,
                           max_depth, min_samples_split, min_samples_leaf, min_weight_leaf,
                           max_features, min_impurity_decrease, seed, nthreads)
    _check(st)
    try:
        m = t.n_nodes
        out = {
            "feature": _copy(t.feature, m, np.int32),
            "bin": _copy(t.bin, m, np.int32),
            "left": _copy(t.left, m, np.int64),
            "right": _copy(t.right, m, np.int64),
            "n_node_samples": _copy(t.n_samples, m, np.int64),
            "impurity": _copy(t.impurity, m, np.float64),
            "threshold": _copy(t.threshold, m, np.float64),
            "weighted_n_node_samples": _copy(t.weighted_n, m, np.float64),
            "value": _copy(t.value, m * t.n_values, np.float64).reshape(m, t.n_values),
            "max_depth": t.max_depth,
        }
    finally:
        fm_tree_free(&t)
    return out


def build_exact(const float[:, ::1] XT, const double[:, ::1] y, const double[::1] w,
                const int64_t[::1] n_classes, int criterion, int splitter, int64_t max_depth,
                int64_t min_samples_split, int64_t min_samples_leaf, double min_weight_leaf,
                int64_t max_features, int64_t max_leaf_nodes, double min_impurity_decrease,
                const int32_t[:, ::1] order, const uint32_t[:, ::1] rank,
                const float[:, ::1] uniq, const int64_t[::1] nuniq, const uint64_t[:, ::1] near,
                uint64_t seed, int nthreads):
    """Grow one exact tree on XT (d, n) float32 (GIL released); y (n, n_outputs);
    w, n_classes, order and rank / uniq / nuniq may be empty (ones / regression /
    the builder sorts float keys); order (d, n) from presort_exact, rank, uniq,
    nuniq, near from rank_exact. Returns a dict of node arrays."""
    cdef fm_tree t
    cdef int64_t d = XT.shape[0], n = XT.shape[1], no = y.shape[1]
    cdef const double *wp = &w[0] if w.shape[0] > 0 else NULL
    cdef const int64_t *cp = &n_classes[0] if n_classes.shape[0] > 0 else NULL
    cdef const int32_t *op = &order[0, 0] if order.shape[0] > 0 and order.shape[1] > 0 else NULL
    cdef bint ranked = rank.shape[0] > 0 and rank.shape[1] > 0
    cdef const uint32_t *rp = &rank[0, 0] if ranked else NULL
    cdef const float *up = &uniq[0, 0] if ranked else NULL
    cdef const int64_t *nup = &nuniq[0] if ranked else NULL
    cdef const uint64_t *np_ = &near[0, 0] if ranked else NULL
    cdef int st
    with nogil:
        st = fm_tree_build_exact(&t, &XT[0, 0], &y[0, 0], wp, n, d, no, cp, criterion, splitter,
                                 max_depth, min_samples_split, min_samples_leaf,
                                 min_weight_leaf, max_features, max_leaf_nodes,
                                 min_impurity_decrease, op, rp, up, nup, np_, seed,
                                 nthreads)
    _check(st)
    try:
        m = t.n_nodes
        out = {
            "feature": _copy(t.feature, m, np.int32),
            "missing_left": _copy(t.missing_left, m, np.uint8),
            "left": _copy(t.left, m, np.int64),
            "right": _copy(t.right, m, np.int64),
            "n_node_samples": _copy(t.n_samples, m, np.int64),
            "impurity": _copy(t.impurity, m, np.float64),
            "threshold": _copy(t.threshold, m, np.float64),
            "weighted_n_node_samples": _copy(t.weighted_n, m, np.float64),
            "value": _copy(t.value, m * t.n_values, np.float64).reshape(m, t.n_values),
            "max_depth": t.max_depth,
        }
    finally:
        fm_tree_free(&t)
    return out


def apply(int64_t[::1] out, const floating[:, ::1] X, const int32_t[::1] feature,
          const double[::1] threshold, const int64_t[::1] left, const int64_t[::1] right,
          const uint8_t[::1] missing_left, int nthreads):
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef const uint8_t *mp = &missing_left[0] if missing_left.shape[0] > 0 else NULL
    cdef int st
    with nogil:
        if floating is float:
            st = fm_tree_apply_f32(&out[0], &X[0, 0], n, d, &feature[0], &threshold[0],
                                   &left[0], &right[0], mp, nthreads)
        else:
            st = fm_tree_apply_f64(&out[0], &X[0, 0], n, d, &feature[0], &threshold[0],
                                   &left[0], &right[0], mp, nthreads)
    _check(st)


def bin_codes(uint8_t[:, ::1] out, const floating[:, ::1] X, const double[::1] edges,
              const int64_t[::1] offsets, int nthreads):
    cdef int64_t n = X.shape[0], d = X.shape[1]
    cdef const double *ep = &edges[0] if edges.shape[0] > 0 else NULL
    cdef int st
    with nogil:
        if floating is float:
            st = fm_tree_bin_f32(&out[0, 0], &X[0, 0], n, d, ep, &offsets[0], nthreads)
        else:
            st = fm_tree_bin_f64(&out[0, 0], &X[0, 0], n, d, ep, &offsets[0], nthreads)
    _check(st)


def rank_exact(uint32_t[:, ::1] rank, float[:, ::1] uniq, int64_t[::1] nuniq,
               uint64_t[:, ::1] near, const float[:, ::1] XT, const int32_t[:, ::1] order,
               int nthreads):
    """Dense ranks of each feature's distinct values (order from presort_exact),
    the values by rank, their count per feature and the near-value bits, GIL
    released."""
    cdef int64_t d = XT.shape[0], n = XT.shape[1]
    cdef int st
    with nogil:
        st = fm_tree_rank_exact(&rank[0, 0], &uniq[0, 0], &nuniq[0], &near[0, 0], &XT[0, 0],
                                &order[0, 0], n, d, nthreads)
    _check(st)


def presort_exact(int32_t[:, ::1] order, const float[:, ::1] XT, int nthreads):
    """order[f] = the rows stably sorted by XT[f] (NaN last), GIL released."""
    cdef int64_t d = XT.shape[0], n = XT.shape[1]
    cdef int st
    with nogil:
        st = fm_tree_presort_exact(&order[0, 0], &XT[0, 0], n, d, nthreads)
    _check(st)
