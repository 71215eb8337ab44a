/* optim_simd.c -- NAdam, RAdam, Adamax and Rprop range kernels, built once per ISA level
 * (code in optim_simd_tmpl.h, one copy per dtype). Element-wise loops with explicit
 * fma()/fmaf() where torch's CPU kernels fuse: vectorised vfmadd at the AVX2/AVX-512
 * levels, libm calls at the baseline level -- the same numbers at every level. No other
 * contraction: a compiler-fused a * b + c would round differently from torch
 * (no-trapping-math only lets the selects of Adamax/Rprop become blends; same results). */
#include <math.h>
#include <stdint.h>

#include "optim_impl.h"
#include "simd.h"

#pragma GCC optimize("fp-contract=off", "no-trapping-math")

#define T float
#define SUF f32
#define SQRT sqrtf
#define FMA fmaf
#include "optim_simd_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef FMA

#define T double
#define SUF f64
#define SQRT sqrt
#define FMA fma
#include "optim_simd_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef FMA

/* This level's table (fm_optim_impl_<level>), picked by optim.c. */
const fm_optim_impl FM_ISA_FN(fm_optim_impl) = {
    .nadam_f32 = FM_ISA_FN(fm_nadam_f32),   .radam_f32 = FM_ISA_FN(fm_radam_f32),
    .adamax_f32 = FM_ISA_FN(fm_adamax_f32), .rprop_f32 = FM_ISA_FN(fm_rprop_f32),
    .nadam_f64 = FM_ISA_FN(fm_nadam_f64),   .radam_f64 = FM_ISA_FN(fm_radam_f64),
    .adamax_f64 = FM_ISA_FN(fm_adamax_f64), .rprop_f64 = FM_ISA_FN(fm_rprop_f64),
};
