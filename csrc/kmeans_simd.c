/* kmeans_simd.c -- ISA-specific k-means assignment (nearest centre), one
 * level per build (see simd.h); the kernel bodies are kmeans_simd_tmpl.h
 * (direct search, low d) and kmeans_gemm_tmpl.h (dot-product tiles, high d);
 * this level's table is at the end, picked by kmeans.c. */
#include <math.h>

#include "kmeans_impl.h"
#include "simd.h"

/* A true broadcast from memory (see gemm_tile.h). */
#if defined(FM_ISA_AVX512)
#include <immintrin.h>
#define KM_BCAST_f32(p) ((fm_vf32)_mm512_set1_ps(*(p)))
#define KM_BCAST_f64(p) ((fm_vf64)_mm512_set1_pd(*(p)))
#elif defined(FM_ISA_AVX2)
#include <immintrin.h>
#define KM_BCAST_f32(p) ((fm_vf32)_mm256_set1_ps(*(p)))
#define KM_BCAST_f64(p) ((fm_vf64)_mm256_set1_pd(*(p)))
#else
#define KM_BCAST_f32(p) (fm_vset1_f32(*(p)))
#define KM_BCAST_f64(p) (fm_vset1_f64(*(p)))
#endif

#define T float
#define SUF f32
#define VI fm_vi32
#define KM_BCAST KM_BCAST_f32
#include "kmeans_simd_tmpl.h"
#include "kmeans_gemm_tmpl.h"
#undef KM_BCAST
#undef T
#undef SUF
#undef VI

#define T double
#define SUF f64
#define VI fm_vi64
#define KM_BCAST KM_BCAST_f64
#include "kmeans_simd_tmpl.h"
#include "kmeans_gemm_tmpl.h"
#undef KM_BCAST
#undef T
#undef SUF
#undef VI

/* This level's table (fm_kmeans_impl_<level>), picked by kmeans.c. */
const fm_kmeans_impl FM_ISA_FN(fm_kmeans_impl) = {
    .assign_f32 = FM_ISA_FN(fm_kmeans_assign_f32),
    .assign_f64 = FM_ISA_FN(fm_kmeans_assign_f64),
    .accum_f32 = FM_ISA_FN(fm_kmeans_accum_f32),
    .accum_f64 = FM_ISA_FN(fm_kmeans_accum_f64),
    .scratch_f32 = FM_ISA_FN(fm_kmeans_scratch_f32),
    .scratch_f64 = FM_ISA_FN(fm_kmeans_scratch_f64),
    .pack_centres_f32 = FM_ISA_FN(fm_kmeans_pack_centres_f32),
    .packed_len_f32 = FM_ISA_FN(fm_kmeans_packed_len_f32),
    .tile_scratch_f32 = FM_ISA_FN(fm_kmeans_tile_scratch_f32),
    .tile_rows_f32 = FM_ISA_FN(fm_kmeans_tile_rows_f32),
    .tile_assign_f32 = FM_ISA_FN(fm_kmeans_tile_assign_f32),
    .dist2_f32 = FM_ISA_FN(fm_kmeans_dist2_f32),
    .pack_centres_f64 = FM_ISA_FN(fm_kmeans_pack_centres_f64),
    .packed_len_f64 = FM_ISA_FN(fm_kmeans_packed_len_f64),
    .tile_scratch_f64 = FM_ISA_FN(fm_kmeans_tile_scratch_f64),
    .tile_rows_f64 = FM_ISA_FN(fm_kmeans_tile_rows_f64),
    .tile_assign_f64 = FM_ISA_FN(fm_kmeans_tile_assign_f64),
    .dist2_f64 = FM_ISA_FN(fm_kmeans_dist2_f64),
    .cand_dist_f32 = FM_ISA_FN(fm_kmeans_cand_dist_f32),
    .cand_dist_f64 = FM_ISA_FN(fm_kmeans_cand_dist_f64),
};
