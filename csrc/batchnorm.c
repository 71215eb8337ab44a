/* batchnorm.c -- batch normalisation forward (training / eval) and backward:
 * picks the ISA level of family "batchnorm" and calls the kernels of
 * batchnorm_simd_tmpl.h (which documents the algorithm). */
#include "batchnorm.h"

#ifdef FM_HAVE_X86_ISA
#define IF_X86(...) __VA_ARGS__
#else
#define IF_X86(...)
#endif

#define DECLARE_BN(SUF, T, ISA)                                                               \
    int fm_bn_fwd_train_##SUF##_##ISA(T *y, double *save_mean, double *save_invstd, T *running_mean,    \
                                      T *running_var, const T *x, const T *weight,            \
                                      const T *bias, int64_t N, int64_t C, int64_t L,         \
                                      double momentum, double eps);                           \
    int fm_bn_fwd_eval_##SUF##_##ISA(T *y, const T *x, const double *mean, const double *invstd,        \
                                     const T *weight, const T *bias, int64_t N, int64_t C,    \
                                     int64_t L);                                              \
    int fm_bn_bwd_##SUF##_##ISA(T *dx, T *dweight, T *dbias, const T *dy, const T *x,         \
                                const double *mean, const double *invstd, const T *weight, int64_t N,   \
                                int64_t C, int64_t L, int training);
DECLARE_BN(f32, float, baseline)
DECLARE_BN(f64, double, baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_BN(f32, float, avx2)
DECLARE_BN(f64, double, avx2)
DECLARE_BN(f32, float, avx512)
DECLARE_BN(f64, double, avx512)
#endif

#define BN_CALL(NAME, SUF, ...)                                                               \
    switch (fm_family_level(FM_FAM_BATCHNORM)) {                                              \
    IF_X86(case FM_LEVEL_AVX512: return NAME##_##SUF##_avx512(__VA_ARGS__);                   \
           case FM_LEVEL_AVX2: return NAME##_##SUF##_avx2(__VA_ARGS__);)                      \
    default: return NAME##_##SUF##_baseline(__VA_ARGS__);                                     \
    }

#define DEFINE_BN(SUF, T)                                                                     \
    FM_API int fm_batchnorm_forward_train_##SUF(T *y, double *save_mean, double *save_invstd,           \
                                                T *running_mean, T *running_var, const T *x,  \
                                                const T *weight, const T *bias, int64_t N,    \
                                                int64_t C, int64_t L, double momentum,        \
                                                double eps) {                                 \
        BN_CALL(fm_bn_fwd_train, SUF, y, save_mean, save_invstd, running_mean, running_var,   \
                x, weight, bias, N, C, L, momentum, eps)                                      \
    }                                                                                         \
    FM_API int fm_batchnorm_forward_eval_##SUF(T *y, const T *x, const double *mean,          \
                                               const double *invstd, const T *weight,              \
                                               const T *bias, int64_t N, int64_t C,           \
                                               int64_t L) {                                   \
        BN_CALL(fm_bn_fwd_eval, SUF, y, x, mean, invstd, weight, bias, N, C, L)               \
    }                                                                                         \
    FM_API int fm_batchnorm_backward_##SUF(T *dx, T *dweight, T *dbias, const T *dy,          \
                                           const T *x, const double *mean, const double *invstd, \
                                           const T *weight, int64_t N, int64_t C, int64_t L,  \
                                           int training) {                                    \
        BN_CALL(fm_bn_bwd, SUF, dx, dweight, dbias, dy, x, mean, invstd, weight, N, C, L,     \
                training)                                                                     \
    }

DEFINE_BN(f32, float)
DEFINE_BN(f64, double)
