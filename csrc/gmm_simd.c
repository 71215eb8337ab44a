/* gmm_simd.c -- ISA variants of the E-step rows (gmm_simd_tmpl.h, with the
 * vector exp of activation_vmath_tmpl.h); built once per level (see simd.h),
 * picked by gmm.c. */
#include <math.h>
#include <string.h>

#include "gmm_impl.h"
#include "simd.h"

#define FM_VMATH_TEMPLATE "gmm_simd_tmpl.h"
#include "vmath_instantiate.h"

/* This level's table (fm_gmm_impl_<level>), picked by gmm.c. */
const fm_gmm_impl FM_ISA_FN(fm_gmm_impl) = {
    .rows_f32 = FM_ISA_FN(fm_gmm_rows_f32),
    .rows_f64 = FM_ISA_FN(fm_gmm_rows_f64),
    .rows_tri_f32 = FM_ISA_FN(fm_gmm_rows_tri_f32),
    .rows_tri_f64 = FM_ISA_FN(fm_gmm_rows_tri_f64),
};
