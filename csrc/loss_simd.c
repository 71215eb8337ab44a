/* loss_simd.c -- ISA-specific element-wise loss and cross-entropy row kernels
 * over a range (built once per level, see simd.h; code in loss_simd_tmpl.h and
 * loss_ce_simd_tmpl.h). Threading and the fixed-order block sums are in loss.c. */
#include <math.h>
#include <string.h>

#include "loss_impl.h"
#include "simd.h"

#define FM_VMATH_TEMPLATE "loss_simd_tmpl.h"
#include "vmath_instantiate.h"

/* This level's table (fm_loss_impl_<level>), picked by loss.c. */
const fm_loss_impl FM_ISA_FN(fm_loss_impl) = {
    .el_f32 = FM_ISA_FN(fm_loss_el_f32),
    .el_f64 = FM_ISA_FN(fm_loss_el_f64),
    .sum_f32 = FM_ISA_FN(fm_loss_sum_f32),
    .sum_f64 = FM_ISA_FN(fm_loss_sum_f64),
    .grad_f32 = FM_ISA_FN(fm_loss_grad_f32),
    .grad_f64 = FM_ISA_FN(fm_loss_grad_f64),
    .ce_f32 = FM_ISA_FN(fm_ce_rows_f32),
    .ce_f64 = FM_ISA_FN(fm_ce_rows_f64),
    .ce_bwd_f32 = FM_ISA_FN(fm_ce_bwd_rows_f32),
    .ce_bwd_f64 = FM_ISA_FN(fm_ce_bwd_rows_f64),
    .ce_wlogp_f32 = FM_ISA_FN(fm_ce_wlogp_rows_f32),
    .ce_wlogp_f64 = FM_ISA_FN(fm_ce_wlogp_rows_f64),
    .ce_bwd_ex_f32 = FM_ISA_FN(fm_ce_bwd_ex_rows_f32),
    .ce_bwd_ex_f64 = FM_ISA_FN(fm_ce_bwd_ex_rows_f64),
};
