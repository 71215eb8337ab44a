/* layernorm_impl.h -- internal: the layernorm family's function table
 * (family.h). layernorm_simd.c defines one table per ISA level; layernorm.c
 * selects one. The kernels work on a range of rows / segments, no threads:
 *   ln_fwd:    layer-norm rows [0, rows) of length n -> y, mean, rstd
 *   ln_bwd:    dx rows (dx may be NULL); dw/db += this range's sums (may be NULL)
 *   row_stats: mean and rstd of one row of m values
 *   axpc:      y = (x - mu) * a + c over m values
 *   dsums:     s[0] = sum(dy), s[1] = sum(dy * (x - c)) over m values
 *   axbyc:     dx = a * dy + bx * (x - mu) + c over m values */
#ifndef FASTML_LAYERNORM_IMPL_H
#define FASTML_LAYERNORM_IMPL_H

#include "family.h"
#include "layernorm.h"

typedef struct {
    void (*ln_fwd_f32)(float *y, float *mean, float *rstd, const float *x, const float *w,
                       const float *b, int64_t rows, int64_t n, double eps);
    void (*ln_bwd_f32)(float *dx, float *dw, float *db, const float *dy, const float *x,
                       const float *mean, const float *rstd, const float *w, int64_t rows,
                       int64_t n);
    void (*row_stats_f32)(float *mean, float *rstd, const float *x, int64_t m, double eps);
    void (*axpc_f32)(float *y, const float *x, int64_t m, float a, float mu, float c);
    void (*dsums_f32)(double *s, const float *dy, const float *x, int64_t m, float c);
    void (*axbyc_f32)(float *dx, const float *dy, const float *x, int64_t m, float a, float bx,
                      float mu, float c);
    void (*ln_fwd_f64)(double *y, double *mean, double *rstd, const double *x, const double *w,
                       const double *b, int64_t rows, int64_t n, double eps);
    void (*ln_bwd_f64)(double *dx, double *dw, double *db, const double *dy, const double *x,
                       const double *mean, const double *rstd, const double *w, int64_t rows,
                       int64_t n);
    void (*row_stats_f64)(double *mean, double *rstd, const double *x, int64_t m, double eps);
    void (*axpc_f64)(double *y, const double *x, int64_t m, double a, double mu, double c);
    void (*dsums_f64)(double *s, const double *dy, const double *x, int64_t m, double c);
    void (*axbyc_f64)(double *dx, const double *dy, const double *x, int64_t m, double a,
                      double bx, double mu, double c);
} fm_layernorm_impl;

#endif /* FASTML_LAYERNORM_IMPL_H */
