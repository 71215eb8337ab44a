# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/optim.c: fused in-place optimizer updates on flat arrays.

Every function takes `nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def adam(floating[::1] p, floating[::1] m, floating[::1] v, floating[::1] vmax,
         const floating[::1] g, double lr, double beta1, double beta2, double eps, double wd,
         bint decoupled, double step_size, double inv_bc2_sqrt, int nthreads):
    cdef floating *pv = NULL
    if vmax is not None:
        pv = &vmax[0]
    cdef int64_t n = p.shape[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_adam_f32(&p[0], &m[0], &v[0], pv, &g[0], n, lr, beta1, beta2, eps, wd,
                             decoupled, step_size, inv_bc2_sqrt, nthreads)
        else:
            st = fm_adam_f64(&p[0], &m[0], &v[0], pv, &g[0], n, lr, beta1, beta2, eps, wd,
                             decoupled, step_size, inv_bc2_sqrt, nthreads)
    _check(st)


def sgd(floating[::1] p, floating[::1] buf, const floating[::1] g, double lr, double momentum,
        double dampening, double wd, bint nesterov, bint first, int nthreads):
    cdef floating *pb = NULL
    if buf is not None:
        pb = &buf[0]
    cdef int64_t n = p.shape[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_sgd_f32(&p[0], pb, &g[0], n, lr, momentum, dampening, wd, nesterov, first, nthreads)
        else:
            st = fm_sgd_f64(&p[0], pb, &g[0], n, lr, momentum, dampening, wd, nesterov, first, nthreads)
    _check(st)


def nadam(floating[::1] p, floating[::1] m, floating[::1] v, const floating[::1] g, double lr,
          double beta1, double beta2, double eps, double wd, bint decoupled, double bc2,
          double coef_g, double coef_m, int nthreads):
    cdef int64_t n = p.shape[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_nadam_f32(&p[0], &m[0], &v[0], &g[0], n, lr, beta1, beta2, eps, wd,
                              decoupled, bc2, coef_g, coef_m, nthreads)
        else:
            st = fm_nadam_f64(&p[0], &m[0], &v[0], &g[0], n, lr, beta1, beta2, eps, wd,
                              decoupled, bc2, coef_g, coef_m, nthreads)
    _check(st)


def radam(floating[::1] p, floating[::1] m, floating[::1] v, const floating[::1] g, double lr,
          double beta1, double beta2, double eps, double wd, bint decoupled, double bc1,
          double bc2_sqrt, double rect, int nthreads):
    cdef int64_t n = p.shape[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_radam_f32(&p[0], &m[0], &v[0], &g[0], n, lr, beta1, beta2, eps, wd,
                              decoupled, bc1, bc2_sqrt, rect, nthreads)
        else:
            st = fm_radam_f64(&p[0], &m[0], &v[0], &g[0], n, lr, beta1, beta2, eps, wd,
                              decoupled, bc1, bc2_sqrt, rect, nthreads)
    _check(st)


def adamax(floating[::1] p, floating[::1] m, floating[::1] u, const floating[::1] g,
           double beta1, double beta2, double eps, double wd, double neg_clr, int nthreads):
    cdef int64_t n = p.shape[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_adamax_f32(&p[0], &m[0], &u[0], &g[0], n, beta1, beta2, eps, wd, neg_clr,
                               nthreads)
        else:
            st = fm_adamax_f64(&p[0], &m[0], &u[0], &g[0], n, beta1, beta2, eps, wd, neg_clr,
                               nthreads)
    _check(st)


def rprop(floating[::1] p, floating[::1] prev, floating[::1] step, const floating[::1] g,
          double etaminus, double etaplus, double step_min, double step_max, int nthreads):
    cdef int64_t n = p.shape[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_rprop_f32(&p[0], &prev[0], &step[0], &g[0], n, etaminus, etaplus, step_min,
                              step_max, nthreads)
        else:
            st = fm_rprop_f64(&p[0], &prev[0], &step[0], &g[0], n, etaminus, etaplus, step_min,
                              step_max, nthreads)
    _check(st)
