/* pool2d.c -- 2-D max/avg pooling and global average pooling.
 *
 * The window kernels live in pool2d_simd_tmpl.h (one copy per ISA level);
 * this file picks the level (family "pool2d") and holds the global average
 * pooling, a plain per-plane mean. Pooling is memory-bound: every kernel
 * makes one pass over its input and output, one plane per parallel task.
 */
#include <stdlib.h>
#include <string.h>

#include "pool2d.h"

#ifdef FM_HAVE_X86_ISA
#define IF_X86(...) __VA_ARGS__
#else
#define IF_X86(...)
#endif

#define DECLARE_POOL(SUF, T, ISA)                                                             \
    void fm_maxpool2d_fwd_##SUF##_##ISA(T *y, int32_t *argmax, const T *x,                    \
                                        const fm_pool2d_geom *g);                             \
    void fm_maxpool2d_bwd_##SUF##_##ISA(T *dx, const T *dy, const int32_t *argmax,            \
                                        const fm_pool2d_geom *g);                             \
    int fm_avgpool2d_fwd_##SUF##_##ISA(T *y, const T *x, const fm_pool2d_geom *g, int cip);   \
    int fm_avgpool2d_bwd_##SUF##_##ISA(T *dx, const T *dy, const fm_pool2d_geom *g, int cip);
DECLARE_POOL(f32, float, baseline)
DECLARE_POOL(f64, double, baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_POOL(f32, float, avx2)
DECLARE_POOL(f64, double, avx2)
DECLARE_POOL(f32, float, avx512)
DECLARE_POOL(f64, double, avx512)
#endif

/* Calls the ISA variant of kernel NAME for the current level. */
#define POOL_CALL(NAME, SUF, ...)                                                             \
    switch (fm_family_level(FM_FAM_POOL2D)) {                                                 \
    IF_X86(case FM_LEVEL_AVX512: return NAME##_##SUF##_avx512(__VA_ARGS__);                   \
           case FM_LEVEL_AVX2: return NAME##_##SUF##_avx2(__VA_ARGS__);)                      \
    default: return NAME##_##SUF##_baseline(__VA_ARGS__);                                     \
    }

#define DEFINE_POOL(SUF, T)                                                                   \
    FM_API int fm_maxpool2d_forward_##SUF(T *y, int32_t *argmax, const T *x,                  \
                                          const fm_pool2d_geom *g) {                          \
        switch (fm_family_level(FM_FAM_POOL2D)) {                                             \
        IF_X86(case FM_LEVEL_AVX512: fm_maxpool2d_fwd_##SUF##_avx512(y, argmax, x, g); break; \
               case FM_LEVEL_AVX2: fm_maxpool2d_fwd_##SUF##_avx2(y, argmax, x, g); break;)    \
        default: fm_maxpool2d_fwd_##SUF##_baseline(y, argmax, x, g); break;                   \
        }                                                                                     \
        return FM_OK;                                                                         \
    }                                                                                         \
    FM_API int fm_maxpool2d_backward_##SUF(T *dx, const T *dy, const int32_t *argmax,         \
                                           const fm_pool2d_geom *g) {                         \
        switch (fm_family_level(FM_FAM_POOL2D)) {                                             \
        IF_X86(case FM_LEVEL_AVX512: fm_maxpool2d_bwd_##SUF##_avx512(dx, dy, argmax, g); break; \
               case FM_LEVEL_AVX2: fm_maxpool2d_bwd_##SUF##_avx2(dx, dy, argmax, g); break;)  \
        default: fm_maxpool2d_bwd_##SUF##_baseline(dx, dy, argmax, g); break;                 \
        }                                                                                     \
        return FM_OK;                                                                         \
    }                                                                                         \
    FM_API int fm_avgpool2d_forward_##SUF(T *y, const T *x, const fm_pool2d_geom *g,          \
                                          int count_include_pad) {                            \
        POOL_CALL(fm_avgpool2d_fwd, SUF, y, x, g, count_include_pad)                          \
    }                                                                                         \
    FM_API int fm_avgpool2d_backward_##SUF(T *dx, const T *dy, const fm_pool2d_geom *g,       \
                                           int count_include_pad) {                           \
        POOL_CALL(fm_avgpool2d_bwd, SUF, dx, dy, g, count_include_pad)                        \
    }                                                                                         \
    /* y[i] = mean of x[i, :L], float64 accumulation. */                                      \
    FM_API int fm_global_avgpool_forward_##SUF(T *y, const T *x, int64_t NC, int64_t L) {     \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for((double)NC * L))") \
        for (int64_t i = 0; i < NC; i++) {                                                    \
            const T *p = x + i * L;                                                           \
            double acc = 0;                                                                   \
            _Pragma("omp simd reduction(+:acc)")                                              \
            for (int64_t l = 0; l < L; l++) acc += (double)p[l];                              \
            y[i] = (T)(acc / (double)L);                                                      \
        }                                                                                     \
        return FM_OK;                                                                         \
    }                                                                                         \
    FM_API int fm_global_avgpool_backward_##SUF(T *dx, const T *dy, int64_t NC, int64_t L) {  \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for((double)NC * L))") \
        for (int64_t i = 0; i < NC; i++) {                                                    \
            const T v = (T)((double)dy[i] / (double)L);                                       \
            T *p = dx + i * L;                                                                \
            for (int64_t l = 0; l < L; l++) p[l] = v;                                         \
        }                                                                                     \
        return FM_OK;                                                                         \
    }

DEFINE_POOL(f32, float)
DEFINE_POOL(f64, double)
