/* kmeans_simd.c -- ISA-specific k-means assignment (nearest centre), one
 * level per build (see simd.h); the kernel body is kmeans_simd_tmpl.h,
 * this level's table is at the end, picked by kmeans.c. */
#include <math.h>

#include "kmeans_impl.h"
#include "simd.h"

#define T float
#define SUF f32
#define VI fm_vi32
#include "kmeans_simd_tmpl.h"
#undef T
#undef SUF
#undef VI

#define T double
#define SUF f64
#define VI fm_vi64
#include "kmeans_simd_tmpl.h"
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
};
