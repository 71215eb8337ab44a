/* batchnorm.h -- batch normalisation: the family's public C API. */
#ifndef FASTML_BATCHNORM_H
#define FASTML_BATCHNORM_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- batch norm (batchnorm.c, batchnorm_simd.c) -------------------------- */
/* x viewed as (N, C, L), L = H*W (1 for (N, C) input); statistics per channel
 * over N*L values, two-pass with float64 accumulation. Training: writes y,
 * save_mean, save_invstd = 1/sqrt(biased var + eps) (C each, float64 so that
 * the backward sees the exact statistics) and, when running_mean/var are not
 * NULL, updates them in place with momentum (unbiased var). weight/bias may be
 * NULL (1 / 0). Backward: mean/invstd are the saved statistics (training) or
 * running mean and 1/sqrt(running var + eps) (eval); writes dx, dweight,
 * dbias, each may be NULL. nthreads: the most threads to use (channels are the
 * parallel tasks; every sum has a fixed order, so results do not depend on it). */
FM_API int fm_batchnorm_forward_train_f32(float *y, double *save_mean, double *save_invstd,
                                          float *running_mean, float *running_var,
                                          const float *x, const float *weight, const float *bias,
                                          int64_t N, int64_t C, int64_t L, double momentum,
                                          double eps, int nthreads);
FM_API int fm_batchnorm_forward_train_f64(double *y, double *save_mean, double *save_invstd,
                                          double *running_mean, double *running_var,
                                          const double *x, const double *weight,
                                          const double *bias, int64_t N, int64_t C, int64_t L,
                                          double momentum, double eps, int nthreads);
FM_API int fm_batchnorm_forward_eval_f32(float *y, const float *x, const double *mean,
                                         const double *invstd, const float *weight,
                                         const float *bias, int64_t N, int64_t C, int64_t L,
                                         int nthreads);
FM_API int fm_batchnorm_forward_eval_f64(double *y, const double *x, const double *mean,
                                         const double *invstd, const double *weight,
                                         const double *bias, int64_t N, int64_t C, int64_t L,
                                         int nthreads);
FM_API int fm_batchnorm_backward_f32(float *dx, float *dweight, float *dbias, const float *dy,
                                     const float *x, const double *mean, const double *invstd,
                                     const float *weight, int64_t N, int64_t C, int64_t L,
                                     int training, int nthreads);
FM_API int fm_batchnorm_backward_f64(double *dx, double *dweight, double *dbias,
                                     const double *dy, const double *x, const double *mean,
                                     const double *invstd, const double *weight, int64_t N,
                                     int64_t C, int64_t L, int training, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_BATCHNORM_H */
