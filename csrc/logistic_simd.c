/* logistic_simd.c -- ISA variants of the binary logistic row kernels
 * (logistic_simd_tmpl.h, float64 arithmetic over float32 or float64 rows);
 * built once per level (see simd.h), picked by logistic.c. */
#include <math.h>
#include <string.h>

#include "logistic_impl.h"
#include "simd.h"

#define FM_VMATH_TEMPLATE "logistic_simd_tmpl.h"
#include "vmath_instantiate.h"

/* This level's table (fm_logistic_impl_<level>), picked by logistic.c. */
const fm_logistic_impl FM_ISA_FN(fm_logistic_impl) = {
    .bin_rows_f32 = FM_ISA_FN(fm_lg_bin_rows_xf32),
    .bin_rows_f64 = FM_ISA_FN(fm_lg_bin_rows_xf64),
};
