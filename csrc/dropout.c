/* dropout.c -- inverted dropout forward/backward: dispatch + OpenMP over
 * fixed chunks of the ISA range kernel (dropout_simd.c). Backward is the
 * same pass on dy: the mask is regenerated from (key, index), never stored.
 * Chunks are handed out dynamically (see activation.c).
 * p must be in (0, 1) (p = 0 and p = 1 are handled by the caller). */
#include "dropout.h"

#define CHUNK 16384

#define DECLARE_RANGE(SUF, T, ISA)                                                             \
    void fm_dropout_range_##SUF##_##ISA(T *y, const T *x, int64_t start, int64_t n,            \
                                        uint32_t k0, uint32_t k1, uint32_t thr, T scale);
DECLARE_RANGE(f32, float, baseline)
DECLARE_RANGE(f64, double, baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_RANGE(f32, float, avx2)
DECLARE_RANGE(f64, double, avx2)
DECLARE_RANGE(f32, float, avx512)
DECLARE_RANGE(f64, double, avx512)
#define PICK(NAME)                                                                             \
    (fm_family_level(FM_FAM_DROPOUT) == FM_LEVEL_AVX512 ? NAME##_avx512                        \
     : fm_family_level(FM_FAM_DROPOUT) == FM_LEVEL_AVX2 ? NAME##_avx2                          \
                                                        : NAME##_baseline)
#else
#define PICK(NAME) (NAME##_baseline)
#endif

/* Keep threshold on the 32-bit hash: P(h >= thr) = 1 - p (to 2^-32). */
static uint32_t keep_threshold(double p) {
    double t = p * 4294967296.0;
    return t >= 4294967295.0 ? UINT32_MAX : (uint32_t)t;
}

#define DEFINE_DROPOUT(SUF, T)                                                                 \
    FM_API int fm_dropout_forward_##SUF(T *y, const T *x, int64_t n, double p, uint64_t key) { \
        if (!(p > 0 && p < 1)) return FM_EINVAL;                                               \
        void (*fn)(T *, const T *, int64_t, int64_t, uint32_t, uint32_t, uint32_t, T) =        \
            PICK(fm_dropout_range_##SUF);                                                      \
        uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32), thr = keep_threshold(p);      \
        T scale = (T)1 / (T)(1.0 - p); /* as the NumPy twin */                                                        \
        int64_t nchunks = (n + CHUNK - 1) / CHUNK;                                             \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_threads_for(4.0 * n))")      \
        for (int64_t c = 0; c < nchunks; c++) {                                                \
            int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;                          \
            fn(y + s, x + s, s, e - s, k0, k1, thr, scale);                                    \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
    FM_API int fm_dropout_backward_##SUF(T *dx, const T *dy, int64_t n, double p,              \
                                         uint64_t key) {                                       \
        return fm_dropout_forward_##SUF(dx, dy, n, p, key);                                    \
    }

DEFINE_DROPOUT(f32, float)
DEFINE_DROPOUT(f64, double)
