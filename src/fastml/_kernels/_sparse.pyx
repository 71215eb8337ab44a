# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/sparse*.c: typed buffers in, GIL released, status -> exception.

CSR/CSC matrices arrive as their three arrays (data, indices, indptr). Inputs
are trusted (the facade makes them canonical, non-empty buffers of one value
and one index dtype); `nthreads` comes last."""
from libc.stdint cimport int32_t, int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused real:
    float
    double

ctypedef fused index:
    int32_t
    int64_t


def row_norms(real[::1] out, const real[::1] data, const index[::1] indptr, int kind,
              int nthreads):
    cdef int64_t n = out.shape[0]
    cdef int st
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_sparse_row_norms_f32_i32(&out[0], &data[0], &indptr[0], n, kind, nthreads)
            else:
                st = fm_sparse_row_norms_f32_i64(&out[0], &data[0], &indptr[0], n, kind, nthreads)
        else:
            if index is int32_t:
                st = fm_sparse_row_norms_f64_i32(&out[0], &data[0], &indptr[0], n, kind, nthreads)
            else:
                st = fm_sparse_row_norms_f64_i64(&out[0], &data[0], &indptr[0], n, kind, nthreads)
    _check(st)


def csr_dense(real[:, ::1] out, const real[::1] qd, const index[::1] qi, const index[::1] qp,
              const real[:, ::1] B, int nthreads):
    cdef int64_t nq = out.shape[0], m = out.shape[1]
    cdef int st
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_sparse_csr_dense_f32_i32(&out[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                                 &B[0, 0], m, nthreads)
            else:
                st = fm_sparse_csr_dense_f32_i64(&out[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                                 &B[0, 0], m, nthreads)
        else:
            if index is int32_t:
                st = fm_sparse_csr_dense_f64_i32(&out[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                                 &B[0, 0], m, nthreads)
            else:
                st = fm_sparse_csr_dense_f64_i64(&out[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                                 &B[0, 0], m, nthreads)
    _check(st)


def gram(real[:, ::1] out, const real[::1] qd, const index[::1] qi, const index[::1] qp,
         const real[::1] cd, const index[::1] ci, const index[::1] cp, int nthreads):
    cdef int64_t nq = out.shape[0], n = out.shape[1]
    cdef int st
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_sparse_gram_f32_i32(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &cd[0],
                                            &ci[0], &cp[0], n, nthreads)
            else:
                st = fm_sparse_gram_f32_i64(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &cd[0],
                                            &ci[0], &cp[0], n, nthreads)
        else:
            if index is int32_t:
                st = fm_sparse_gram_f64_i32(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &cd[0],
                                            &ci[0], &cp[0], n, nthreads)
            else:
                st = fm_sparse_gram_f64_i64(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &cd[0],
                                            &ci[0], &cp[0], n, nthreads)
    _check(st)


def pairwise(real[:, ::1] out, const real[::1] qd, const index[::1] qi, const index[::1] qp,
             const real[::1] xd, const index[::1] xi, const index[::1] xp, int metric,
             int nthreads):
    cdef int64_t nq = out.shape[0], n = out.shape[1]
    cdef int st
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_sparse_pairwise_f32_i32(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &xd[0],
                                                &xi[0], &xp[0], n, metric, nthreads)
            else:
                st = fm_sparse_pairwise_f32_i64(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &xd[0],
                                                &xi[0], &xp[0], n, metric, nthreads)
        else:
            if index is int32_t:
                st = fm_sparse_pairwise_f64_i32(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &xd[0],
                                                &xi[0], &xp[0], n, metric, nthreads)
            else:
                st = fm_sparse_pairwise_f64_i64(&out[0, 0], &qd[0], &qi[0], &qp[0], nq, &xd[0],
                                                &xi[0], &xp[0], n, metric, nthreads)
    _check(st)


def knn(real[:, ::1] dist, int64_t[:, ::1] ind, const real[::1] qd, const index[::1] qi,
        const index[::1] qp, const real[::1] xd, const index[::1] xi, const index[::1] xp,
        const real[::1] cd, const index[::1] ci, const index[::1] cp, const real[::1] xs,
        int metric, int nthreads):
    cdef int64_t nq = dist.shape[0], k = dist.shape[1], n = xs.shape[0]
    cdef int st
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_sparse_knn_f32_i32(&dist[0, 0], &ind[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                           &xd[0], &xi[0], &xp[0], &cd[0], &ci[0], &cp[0],
                                           &xs[0], n, k, metric, nthreads)
            else:
                st = fm_sparse_knn_f32_i64(&dist[0, 0], &ind[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                           &xd[0], &xi[0], &xp[0], &cd[0], &ci[0], &cp[0],
                                           &xs[0], n, k, metric, nthreads)
        else:
            if index is int32_t:
                st = fm_sparse_knn_f64_i32(&dist[0, 0], &ind[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                           &xd[0], &xi[0], &xp[0], &cd[0], &ci[0], &cp[0],
                                           &xs[0], n, k, metric, nthreads)
            else:
                st = fm_sparse_knn_f64_i64(&dist[0, 0], &ind[0, 0], &qd[0], &qi[0], &qp[0], nq,
                                           &xd[0], &xi[0], &xp[0], &cd[0], &ci[0], &cp[0],
                                           &xs[0], n, k, metric, nthreads)
    _check(st)


def class_sums(double[:, ::1] out, const real[::1] xd, const index[::1] xi,
               const index[::1] xp, const int64_t[::1] cls, w, int nthreads):
    cdef const double[::1] wv
    cdef const double *wp = NULL
    cdef int64_t n = cls.shape[0], d = out.shape[1]
    cdef int st
    if w is not None:
        wv = w
        wp = &wv[0]
    with nogil:
        if real is float:
            if index is int32_t:
                st = fm_sparse_class_sums_f32_i32(&out[0, 0], &xd[0], &xi[0], &xp[0], n,
                                                  &cls[0], wp, d, nthreads)
            else:
                st = fm_sparse_class_sums_f32_i64(&out[0, 0], &xd[0], &xi[0], &xp[0], n,
                                                  &cls[0], wp, d, nthreads)
        else:
            if index is int32_t:
                st = fm_sparse_class_sums_f64_i32(&out[0, 0], &xd[0], &xi[0], &xp[0], n,
                                                  &cls[0], wp, d, nthreads)
            else:
                st = fm_sparse_class_sums_f64_i64(&out[0, 0], &xd[0], &xi[0], &xp[0], n,
                                                  &cls[0], wp, d, nthreads)
    _check(st)


def enet_cd(double[::1] w, const double[::1] cd, const index[::1] ci, const index[::1] cp,
            mu, r, const double[::1] y, double l1, double l2, int64_t max_iter, double tol,
            bint positive, bint random, uint32_t seed, int nthreads):
    cdef const double[::1] muv
    cdef const double[::1] rv
    cdef const double *mup = NULL
    cdef const double *rp = NULL
    cdef int64_t n = y.shape[0], p = w.shape[0], it = 0
    cdef double gap = 0.0
    cdef int st
    if mu is not None:
        muv = mu
        mup = &muv[0]
    if r is not None:
        rv = r
        rp = &rv[0]
    with nogil:
        if index is int32_t:
            st = fm_sparse_enet_cd_f64_i32(&w[0], &it, &gap, &cd[0], &ci[0], &cp[0], mup, rp,
                                           &y[0], l1, l2, tol, max_iter, positive, random,
                                           seed, n, p, nthreads)
        else:
            st = fm_sparse_enet_cd_f64_i64(&w[0], &it, &gap, &cd[0], &ci[0], &cp[0], mup, rp,
                                           &y[0], l1, l2, tol, max_iter, positive, random,
                                           seed, n, p, nthreads)
    _check(st)
    return it, gap


def sgd_epoch(double[::1] w, double[::1] q, double[::1] state, const double[::1] xd,
              const index[::1] xi, const index[::1] xp, const double[::1] y,
              const double[::1] sw, const int64_t[::1] order, int loss, double eps, int penalty,
              double alpha, double l1_ratio, int schedule, double eta0, double power_t,
              double optimal_init, bint fit_intercept, double intercept_decay, int nthreads):
    cdef int64_t n_order = order.shape[0], p = w.shape[0]
    cdef double sumloss = 0.0
    cdef int st
    if n_order == 0:
        return 0.0
    with nogil:
        if index is int32_t:
            st = fm_sparse_sgd_epoch_f64_i32(&sumloss, &w[0], &q[0], &state[0], &xd[0], &xi[0],
                                             &xp[0], &y[0], &sw[0], &order[0], n_order, loss, eps,
                                             penalty, alpha, l1_ratio, schedule, eta0, power_t,
                                             optimal_init, fit_intercept, intercept_decay, p,
                                             nthreads)
        else:
            st = fm_sparse_sgd_epoch_f64_i64(&sumloss, &w[0], &q[0], &state[0], &xd[0], &xi[0],
                                             &xp[0], &y[0], &sw[0], &order[0], n_order, loss, eps,
                                             penalty, alpha, l1_ratio, schedule, eta0, power_t,
                                             optimal_init, fit_intercept, intercept_decay, p,
                                             nthreads)
    _check(st)
    return sumloss
