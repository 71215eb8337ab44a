/* dense_impl.h -- internal: the dense family's function table (family.h):
 * the small-batch kernels of dense_simd_tmpl.h. dense_simd.c defines one table
 * per ISA level; dense.c selects one. Each kernel works on a slice of features
 * (j0..j1 output features, k0..k1 input features) and runs no threads. */
#ifndef FASTML_DENSE_IMPL_H
#define FASTML_DENSE_IMPL_H

#include "dense.h"
#include "family.h"

typedef struct {
    void (*small_fwd_f32)(float *y, const float *x, const float *w, const float *b, int64_t n,
                          int64_t in, int64_t out, int64_t j0, int64_t j1, int act);
    void (*small_fwd_f64)(double *y, const double *x, const double *w, const double *b,
                          int64_t n, int64_t in, int64_t out, int64_t j0, int64_t j1, int act);
    void (*small_dx_f32)(float *dx, const float *g, const float *w, int64_t n, int64_t in,
                         int64_t out, int64_t k0, int64_t k1);
    void (*small_dx_f64)(double *dx, const double *g, const double *w, int64_t n, int64_t in,
                         int64_t out, int64_t k0, int64_t k1);
    void (*small_dw_f32)(float *dw, const float *g, const float *x, int64_t n, int64_t in,
                         int64_t out, int64_t j0, int64_t j1);
    void (*small_dw_f64)(double *dw, const double *g, const double *x, int64_t n, int64_t in,
                         int64_t out, int64_t j0, int64_t j1);
} fm_dense_impl;

#endif /* FASTML_DENSE_IMPL_H */
