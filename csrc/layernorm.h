/* layernorm.h -- layer and group normalisation: the family's public C API. */
#ifndef FASTML_LAYERNORM_H
#define FASTML_LAYERNORM_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- layer norm (layernorm.c, layernorm_simd.c) -------------------------- */
/* x viewed as (rows, n): every row is normalised over its n values with the
 * biased variance, y = (x - mean) * rstd * w[j] + b[j], rstd = 1/sqrt(var + eps);
 * w/b (n values) may be NULL (1 / 0). mean and rstd (rows values each) are
 * saved for the backward. Statistics are two-pass (mean, then the squared
 * deviations), lane sums flushed to float64 every few thousand values.
 * Backward: dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * w,
 * xhat = (x - mean) * rstd; dw = sum over rows of dy * xhat, db = sum of dy.
 * dx, dw, db may each be NULL. nthreads: the most threads to use (blocks of rows
 * are the tasks; dw/db are summed per fixed row block, then blocks in order, so
 * results do not depend on it). */
FM_API int fm_layernorm_forward_f32(float *y, float *mean, float *rstd, const float *x,
                                    const float *w, const float *b, int64_t rows, int64_t n,
                                    double eps, int nthreads);
FM_API int fm_layernorm_forward_f64(double *y, double *mean, double *rstd, const double *x,
                                    const double *w, const double *b, int64_t rows, int64_t n,
                                    double eps, int nthreads);
FM_API int fm_layernorm_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                     const float *x, const float *mean, const float *rstd,
                                     const float *w, int64_t rows, int64_t n, int nthreads);
FM_API int fm_layernorm_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                     const double *x, const double *mean, const double *rstd,
                                     const double *w, int64_t rows, int64_t n, int nthreads);

/* ---- group norm ----------------------------------------------------------- */
/* x viewed as (N, C, L); channels split into G groups of C/G (G divides C);
 * statistics per (sample, group) over (C/G) * L values; per-channel affine
 * w[c], b[c] (may be NULL). mean/rstd hold N*G values. Backward as layer norm
 * with g = dy * w[c]; dw[c], db[c] are summed over samples and L in a fixed
 * order. dx, dw, db may each be NULL. */
FM_API int fm_groupnorm_forward_f32(float *y, float *mean, float *rstd, const float *x,
                                    const float *w, const float *b, int64_t N, int64_t C,
                                    int64_t L, int64_t G, double eps, int nthreads);
FM_API int fm_groupnorm_forward_f64(double *y, double *mean, double *rstd, const double *x,
                                    const double *w, const double *b, int64_t N, int64_t C,
                                    int64_t L, int64_t G, double eps, int nthreads);
FM_API int fm_groupnorm_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                     const float *x, const float *mean, const float *rstd,
                                     const float *w, int64_t N, int64_t C, int64_t L, int64_t G,
                                     int nthreads);
FM_API int fm_groupnorm_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                     const double *x, const double *mean, const double *rstd,
                                     const double *w, int64_t N, int64_t C, int64_t L, int64_t G,
                                     int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_LAYERNORM_H */
