/* distance_simd.c -- ISA-specific pairwise-distance tiles (see simd.h for how
 * this file is built once per level, and distance_simd_tmpl.h for the kernel);
 * ends with this level's table, picked by distance.c. */
#include <math.h>

#include "distance_impl.h"
#include "simd.h"

#define MR 4 /* x rows per block */
#define NV 2 /* vectors per panel row */

#define T float
#define SUF f32
#define SQRT sqrtf
#define DCHUNK 256
#include "distance_simd_tmpl.h"
#undef DCHUNK
#undef T
#undef SUF
#undef SQRT

#define T double
#define SUF f64
#define SQRT sqrt
#define DCHUNK INT64_MAX
#include "distance_simd_tmpl.h"
#undef DCHUNK
#undef T
#undef SUF
#undef SQRT

/* Smallest d at which the BLAS expansion beats the direct tiles for euclidean
 * (measured, 2000 x 2000, one thread, thread CPU time): with AVX-512 float32
 * from d = 32 (1.12x; 1.25x at 128), float64 from d = 96 (1.05x; 0.79-0.91x
 * below). The narrower AVX2/baseline tiles lose earlier. */
#if defined(FM_ISA_AVX512)
#define GEMM_MIN_D_F32 32
#define GEMM_MIN_D_F64 96
#else
#define GEMM_MIN_D_F32 16
#define GEMM_MIN_D_F64 32
#endif

/* This level's table (fm_distance_impl_<level>), picked by distance.c. */
const fm_distance_impl FM_ISA_FN(fm_distance_impl) = {
    .tile_f32 = FM_ISA_FN(fm_dist_tile_f32),
    .tile_f64 = FM_ISA_FN(fm_dist_tile_f64),
    .panel_f32 = NV * FM_VL_f32,
    .panel_f64 = NV * FM_VL_f64,
    .gemm_min_d_f32 = GEMM_MIN_D_F32,
    .gemm_min_d_f64 = GEMM_MIN_D_F64,
};
