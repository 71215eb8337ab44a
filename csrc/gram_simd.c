/* gram_simd.c -- ISA variants of the shifted Gram lanes (gram_simd_tmpl.h);
 * built once per level (see simd.h), picked by gram.c. */
#include <string.h>

#include "gram_impl.h"
#include "simd.h"

/* The packed SYRK's register tile at this level: SYRK_MR rows by SYRK_NRV
 * vectors (AVX-512: 8 x 24 doubles in 24 of the 32 zmm registers; AVX2: 6 x 8
 * in 12 of 16 ymm; baseline: 4 x 4). */
#if defined(FM_ISA_AVX512)
#include <immintrin.h>
#define SYRK_MR 8
#define SYRK_NRV 3
#define syrk_bcast(p) ((fm_vf64)_mm512_set1_pd(*(p)))
#elif defined(FM_ISA_AVX2)
#include <immintrin.h>
#define SYRK_MR 6
#define SYRK_NRV 2
#define syrk_bcast(p) ((fm_vf64)_mm256_set1_pd(*(p)))
#else
#define SYRK_MR 4
#define SYRK_NRV 2
#define syrk_bcast(p) fm_vset1_f64(*(p))
#endif
#define SYRK_NR (SYRK_NRV * FM_VL_f64)
#define SYRK_KC 128 /* a KC x NR panel of B (24 KB at AVX-512) stays in L1 */

#define T float
#define SUF f32
#include "gram_simd_tmpl.h"
#include "gram_syrk_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "gram_simd_tmpl.h"
#include "gram_syrk_tmpl.h"
#undef T
#undef SUF

/* This level's table (fm_gram_impl_<level>), picked by gram.c. */
const fm_gram_impl FM_ISA_FN(fm_gram_impl) = {
    .lane_f32 = FM_ISA_FN(fm_gram_lane_f32),
    .lane_f64 = FM_ISA_FN(fm_gram_lane_f64),
    .syrk_f32 = FM_ISA_FN(fm_gram_syrk_f32),
    .syrk_f64 = FM_ISA_FN(fm_gram_syrk_f64),
    .syrk_mr = SYRK_MR,
    .syrk_nr = SYRK_NR,
    .syrk_kc = SYRK_KC,
};
