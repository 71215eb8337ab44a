/* layernorm_simd.c -- ISA variants of the layer / group norm kernels
 * (layernorm_simd_tmpl.h); built once per level (see simd.h), picked by
 * layernorm.c. */
#include <math.h>
#include <string.h>

#include "layernorm_impl.h"
#include "simd.h"

#define LN_FLUSH 4096 /* values per lane-sum chunk (a multiple of 2 VL) */

#define T float
#define SUF f32
#define V fm_vf32
#define VL FM_VL_f32
#include "layernorm_simd_tmpl.h"
#undef T
#undef SUF
#undef V
#undef VL

#define T double
#define SUF f64
#define V fm_vf64
#define VL FM_VL_f64
#include "layernorm_simd_tmpl.h"
#undef T
#undef SUF
#undef V
#undef VL

/* This level's table (fm_layernorm_impl_<level>), picked by layernorm.c. */
const fm_layernorm_impl FM_ISA_FN(fm_layernorm_impl) = {
    .ln_fwd_f32 = FM_ISA_FN(fm_ln_fwd_f32),
    .ln_bwd_f32 = FM_ISA_FN(fm_ln_bwd_f32),
    .row_stats_f32 = FM_ISA_FN(fm_ln_row_stats_f32),
    .axpc_f32 = FM_ISA_FN(fm_ln_axpc_f32),
    .dsums_f32 = FM_ISA_FN(fm_ln_dsums_f32),
    .axbyc_f32 = FM_ISA_FN(fm_ln_axbyc_f32),
    .ln_fwd_f64 = FM_ISA_FN(fm_ln_fwd_f64),
    .ln_bwd_f64 = FM_ISA_FN(fm_ln_bwd_f64),
    .row_stats_f64 = FM_ISA_FN(fm_ln_row_stats_f64),
    .axpc_f64 = FM_ISA_FN(fm_ln_axpc_f64),
    .dsums_f64 = FM_ISA_FN(fm_ln_dsums_f64),
    .axbyc_f64 = FM_ISA_FN(fm_ln_axbyc_f64),
};
