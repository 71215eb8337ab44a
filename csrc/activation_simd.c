/* activation_simd.c -- ISA-specific activation and softmax row kernels (built
 * once per level, see simd.h; the code is in activation_simd_tmpl.h). They work
 * on a range; threading is in activation.c. */
#include <math.h>
#include <string.h>

#include "activation_impl.h"
#include "simd.h"

#if defined(FM_ISA_AVX512) || defined(FM_ISA_AVX2) || defined(__SSE2__)
#include <immintrin.h> /* vminps for the float tanh clamps */
#endif

#define FM_VMATH_TEMPLATE "activation_simd_tmpl.h"
#include "vmath_instantiate.h"

/* This level's table (fm_activation_impl_<level>), picked by activation.c. */
const fm_activation_impl FM_ISA_FN(fm_activation_impl) = {
    .fwd_f32 = FM_ISA_FN(fm_act_fwd_f32),
    .fwd_f64 = FM_ISA_FN(fm_act_fwd_f64),
    .bwd_f32 = FM_ISA_FN(fm_act_bwd_f32),
    .bwd_f64 = FM_ISA_FN(fm_act_bwd_f64),
    .softmax_f32 = FM_ISA_FN(fm_softmax_rows_f32),
    .softmax_f64 = FM_ISA_FN(fm_softmax_rows_f64),
    .softmax_bwd_f32 = FM_ISA_FN(fm_softmax_bwd_rows_f32),
    .softmax_bwd_f64 = FM_ISA_FN(fm_softmax_bwd_rows_f64),
};
