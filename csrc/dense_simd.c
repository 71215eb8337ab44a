/* dense_simd.c -- small-batch fully connected kernels (built once per ISA
 * level, see simd.h; code in dense_simd_tmpl.h). For a handful of rows BLAS
 * spends its time packing and dispatching; these stream each weight row once
 * against all (<= MAXR) input rows held in L1. They work on a slice [j0, j1) of output features (forward,
 * dW) or [k0, k1) of input features (dx), so dense.c can split the work over
 * threads; every output element is one fixed-order sum (thread-count
 * independent).
 * Shapes: x (n, in), w (out, in), g = dy (n, out), y (n, out), dx (n, in),
 * dw (out, in).
 */
#include <string.h>

#include "dense_impl.h"
#include "simd.h"

#define MAXR 8 /* rows per block; kernels loop over blocks of MAXR rows */

#define T float
#define SUF f32
#define V fm_vf32
#define VL FM_VL_f32
#include "dense_simd_tmpl.h"
#undef T
#undef SUF
#undef V
#undef VL

#define T double
#define SUF f64
#define V fm_vf64
#define VL FM_VL_f64
#include "dense_simd_tmpl.h"
#undef T
#undef SUF
#undef V
#undef VL

/* This level's table (fm_dense_impl_<level>), picked by dense.c. */
const fm_dense_impl FM_ISA_FN(fm_dense_impl) = {
    .small_fwd_f32 = FM_ISA_FN(fm_dense_small_fwd_f32),
    .small_fwd_f64 = FM_ISA_FN(fm_dense_small_fwd_f64),
    .small_dx_f32 = FM_ISA_FN(fm_dense_small_dx_f32),
    .small_dx_f64 = FM_ISA_FN(fm_dense_small_dx_f64),
    .small_dw_f32 = FM_ISA_FN(fm_dense_small_dw_f32),
    .small_dw_f64 = FM_ISA_FN(fm_dense_small_dw_f64),
};
