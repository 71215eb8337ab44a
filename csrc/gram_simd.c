/* gram_simd.c -- ISA variants of the shifted Gram lanes (gram_simd_tmpl.h);
 * built once per level (see simd.h), picked by gram.c. */
#include <string.h>

#include "gram_impl.h"
#include "simd.h"

#define T float
#define SUF f32
#include "gram_simd_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "gram_simd_tmpl.h"
#undef T
#undef SUF

/* This level's table (fm_gram_impl_<level>), picked by gram.c. */
const fm_gram_impl FM_ISA_FN(fm_gram_impl) = {
    .lane_f32 = FM_ISA_FN(fm_gram_lane_f32),
    .lane_f64 = FM_ISA_FN(fm_gram_lane_f64),
};
