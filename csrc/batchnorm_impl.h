/* batchnorm_impl.h -- internal: the batchnorm family's function table
 * (family.h). batchnorm_simd.c defines one instance per ISA level;
 * batchnorm.c selects one. */
#ifndef FASTML_BATCHNORM_IMPL_H
#define FASTML_BATCHNORM_IMPL_H

#include "batchnorm.h"
#include "family.h"

typedef struct {
    int (*fwd_train_f32)(float *y, double *save_mean, double *save_invstd, float *running_mean,
                         float *running_var, const float *x, const float *weight,
                         const float *bias, int64_t N, int64_t C, int64_t L, double momentum,
                         double eps, int nthreads);
    int (*fwd_train_f64)(double *y, double *save_mean, double *save_invstd,
                         double *running_mean, double *running_var, const double *x,
                         const double *weight, const double *bias, int64_t N, int64_t C,
                         int64_t L, double momentum, double eps, int nthreads);
    int (*fwd_eval_f32)(float *y, const float *x, const double *mean, const double *invstd,
                        const float *weight, const float *bias, int64_t N, int64_t C, int64_t L,
                        int nthreads);
    int (*fwd_eval_f64)(double *y, const double *x, const double *mean, const double *invstd,
                        const double *weight, const double *bias, int64_t N, int64_t C,
                        int64_t L, int nthreads);
    int (*bwd_f32)(float *dx, float *dweight, float *dbias, const float *dy, const float *x,
                   const double *mean, const double *invstd, const float *weight, int64_t N,
                   int64_t C, int64_t L, int training, int nthreads);
    int (*bwd_f64)(double *dx, double *dweight, double *dbias, const double *dy,
                   const double *x, const double *mean, const double *invstd,
                   const double *weight, int64_t N, int64_t C, int64_t L, int training,
                   int nthreads);
} fm_batchnorm_impl;

#endif /* FASTML_BATCHNORM_IMPL_H */
