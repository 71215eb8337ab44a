/* knn_simd.c -- the kNN-only GEMM micro-kernel, one ISA level per build (see
 * simd.h): the own float32 path of knn.c computes its ranking keys on the
 * GEMM engine's packed operands (gemm.h, gemm_simd.c) and keeps them in
 * registers unless one beats a row's current k-th key (run_filter).
 *
 * The operand layouts are the engine's: packed A in row panels of MR rows
 * (ap[(ip * K + k) * MR + i]), B packed once by pack_b_all into column panels
 * of NR = 2 vectors (one K block: bp[jp * K * NR + k * NR + j]). MR and NR
 * come from gemm_tile.h, the engine's own tile; the table carries them and knn.c
 * checks them against the engine's (fm_sgemm_get) before using the filter.
 */
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "knn_impl.h"
#include "simd.h"
#include "gemm_tile.h" /* VL, NR, MR, bcast: the engine's register tile */

/* Any lane of a or b <= t (ordered compare: NaN keys never pass). */
static inline __attribute__((always_inline)) int any_le(V a, V b, V t) {
#if defined(FM_ISA_AVX512)
    return (_mm512_cmp_ps_mask((__m512)a, (__m512)t, _CMP_LE_OQ) |
            _mm512_cmp_ps_mask((__m512)b, (__m512)t, _CMP_LE_OQ)) != 0;
#elif defined(FM_ISA_AVX2)
    return _mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps((__m256)a, (__m256)t, _CMP_LE_OQ),
                                           _mm256_cmp_ps((__m256)b, (__m256)t, _CMP_LE_OQ))) != 0;
#else
    int any = 0;
    for (int l = 0; l < VL; l++) any |= (a[l] <= t[l]) | (b[l] <= t[l]);
    return any;
#endif
}

/* Search keys with the filter in registers (see knn_impl.h): for each NR-column
 * panel and MR-row panel, acc = A-panel (MR x K) @ B-panel (K x NR) as in the
 * engine's micro-kernel; a row's tile is stored only when one of its keys is
 * <= thr[row]. The caller merges those, so keys above every threshold never
 * leave the registers. */
static void FM_ISA_FN(fm_knn_run_filter)(int64_t M, int64_t n0, int64_t n1, int64_t K,
                                         const float *ap, const float *bp, float *C,
                                         int64_t ldc, const float *thr, unsigned char *hit) {
    const int64_t npan = (n1 - n0 + NR - 1) / NR;
    for (int64_t jr = n0; jr < n1; jr += NR) {
        const float *b = bp + jr * K;
        const int64_t pan = (jr - n0) / NR;
        for (int64_t ir = 0; ir < M; ir += MR) {
            const float *a = ap + ir * K;
            V acc0[MR], acc1[MR];
            _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {
                acc0[i] = (V){0};
                acc1[i] = (V){0};
            }
            for (int64_t k = 0; k < K; k++) {
                const V b0 = fm_vload_f32(b + k * NR), b1 = fm_vload_f32(b + k * NR + VL);
                _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {
                    const V ai = bcast(a + k * MR + i);
                    acc0[i] += ai * b0;
                    acc1[i] += ai * b1;
                }
            }
            const int64_t mr = M - ir < MR ? M - ir : MR;
            for (int64_t i = 0; i < mr; i++) {
                const int h = any_le(acc0[i], acc1[i], bcast(thr + ir + i));
                hit[(ir + i) * npan + pan] = (unsigned char)h;
                if (h) {
                    float *c = C + (ir + i) * ldc + (jr - n0);
                    fm_vstore_f32(c, acc0[i]);
                    fm_vstore_f32(c + VL, acc1[i]);
                }
            }
        }
    }
}

/* ---- the fused candidate scan (knn_scan_tmpl.h), both dtypes ---------- */
#if defined(FM_ISA_AVX512)
#define MR_SCAN 6
#else
#define MR_SCAN 4
#endif
/* bit l set when lane l of a <= lane l of w (ordered: NaN never passes) */
static inline __attribute__((always_inline)) uint64_t knn_vle_f32(fm_vf32 a, fm_vf32 w) {
#if defined(FM_ISA_AVX512)
    return _mm512_cmp_ps_mask((__m512)a, (__m512)w, _CMP_LE_OQ);
#elif defined(FM_ISA_AVX2)
    return (uint64_t)_mm256_movemask_ps(_mm256_cmp_ps((__m256)a, (__m256)w, _CMP_LE_OQ));
#else
    uint64_t bits = 0;
    for (int l = 0; l < FM_VL_f32; l++) bits |= (uint64_t)(a[l] <= w[l]) << l;
    return bits;
#endif
}
static inline __attribute__((always_inline)) uint64_t knn_vle_f64(fm_vf64 a, fm_vf64 w) {
#if defined(FM_ISA_AVX512)
    return _mm512_cmp_pd_mask((__m512d)a, (__m512d)w, _CMP_LE_OQ);
#elif defined(FM_ISA_AVX2)
    return (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd((__m256d)a, (__m256d)w, _CMP_LE_OQ));
#else
    uint64_t bits = 0;
    for (int l = 0; l < FM_VL_f64; l++) bits |= (uint64_t)(a[l] <= w[l]) << l;
    return bits;
#endif
}

#define SC_MR MR_SCAN
#define T float
#define SUF f32
#include "knn_scan_tmpl.h"
#undef T
#undef SUF
#define T double
#define SUF f64
#include "knn_scan_tmpl.h"
#undef T
#undef SUF
#undef SC_MR

/* This level's table (fm_knn_impl_<level>), picked by knn.c. */
const fm_knn_impl FM_ISA_FN(fm_knn_impl) = {
    .mr = MR,
    .nr = NR,
    .run_filter = FM_ISA_FN(fm_knn_run_filter),
    .scan_p_f32 = 2 * FM_VL_f32,
    .scan_p_f64 = 2 * FM_VL_f64,
    .scan_f32 = FM_ISA_FN(fm_knn_scan_f32),
    .scan_f64 = FM_ISA_FN(fm_knn_scan_f64),
};
