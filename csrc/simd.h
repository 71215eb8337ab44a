/* simd.h -- portable SIMD through GNU C vector extensions.
 *
 * Every csrc/<name>_simd.c file is compiled once per ISA level with one of
 * FM_ISA_BASELINE / FM_ISA_AVX2 / FM_ISA_AVX512 defined (see CMakeLists.txt).
 * The vector width follows the level (16, 32 or 64 bytes), and FM_ISA_FN(name)
 * appends the level's suffix, so one source yields name_baseline, name_avx2 and
 * name_avx512; dispatch picks one at run time. No intrinsics are needed for the
 * simple element-wise kernels, and the same code builds on non-x86 targets
 * (baseline only).
 */
#ifndef FASTML_SIMD_H
#define FASTML_SIMD_H

#include <stdint.h>
#include <string.h>

#include "fastml.h" /* FM_CAT, FM_CAT3 */

#if defined(FM_ISA_AVX512)
#define FM_VBYTES 64
#define FM_ISA_NAME avx512
#elif defined(FM_ISA_AVX2)
#define FM_VBYTES 32
#define FM_ISA_NAME avx2
#else
#define FM_VBYTES 16
#define FM_ISA_NAME baseline
#endif

#define FM_ISA_FN(name) FM_CAT3(name, _, FM_ISA_NAME)

typedef float fm_vf32 __attribute__((vector_size(FM_VBYTES)));
typedef double fm_vf64 __attribute__((vector_size(FM_VBYTES)));
typedef int32_t fm_vi32 __attribute__((vector_size(FM_VBYTES)));
typedef int64_t fm_vi64 __attribute__((vector_size(FM_VBYTES)));

#define FM_VL_f32 ((int)(FM_VBYTES / sizeof(float)))
#define FM_VL_f64 ((int)(FM_VBYTES / sizeof(double)))

/* Unaligned loads/stores; compilers turn the memcpy into one vector move. */
#define FM_DEFINE_VMEM(SUF, T, V)                                                    \
    static inline __attribute__((always_inline)) V fm_vload_##SUF(const T *p) {      \
        V v;                                                                         \
        memcpy(&v, p, sizeof v);                                                     \
        return v;                                                                    \
    }                                                                                \
    static inline __attribute__((always_inline)) void fm_vstore_##SUF(T *p, V v) {   \
        memcpy(p, &v, sizeof v);                                                     \
    }                                                                                \
    static inline __attribute__((always_inline)) V fm_vset1_##SUF(T x) {             \
        V v = {0};                                                                   \
        return v + x;                                                                \
    }                                                                                \
    /* lanes summed pairwise (halves, then quarters, ...): a short chain */          \
    static inline __attribute__((always_inline)) T fm_vhsum_##SUF(V v) {             \
        T a[sizeof(V) / sizeof(T)];                                                  \
        memcpy(a, &v, sizeof v);                                                     \
        for (int w = (int)(sizeof(V) / sizeof(T)) / 2; w >= 1; w /= 2)              \
            for (int i = 0; i < w; i++) a[i] += a[i + w];                            \
        return a[0];                                                                 \
    }
FM_DEFINE_VMEM(f32, float, fm_vf32)
FM_DEFINE_VMEM(f64, double, fm_vf64)

static inline __attribute__((always_inline)) fm_vf32 fm_vabs_f32(fm_vf32 v) {
    return (fm_vf32)((fm_vi32)v & 0x7fffffff);
}
static inline __attribute__((always_inline)) fm_vf64 fm_vabs_f64(fm_vf64 v) {
    return (fm_vf64)((fm_vi64)v & INT64_C(0x7fffffffffffffff));
}
/* max(a, b) for ordered inputs (NaN is rejected before kernels run). */
static inline __attribute__((always_inline)) fm_vf32 fm_vmax_f32(fm_vf32 a, fm_vf32 b) {
    fm_vi32 m = a > b;
    return (fm_vf32)(((fm_vi32)a & m) | ((fm_vi32)b & ~m));
}
static inline __attribute__((always_inline)) fm_vf64 fm_vmax_f64(fm_vf64 a, fm_vf64 b) {
    fm_vi64 m = a > b;
    return (fm_vf64)(((fm_vi64)a & m) | ((fm_vi64)b & ~m));
}

#endif /* FASTML_SIMD_H */
