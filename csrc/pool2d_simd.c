/* pool2d_simd.c -- ISA variants of the pooling kernels (pool2d_simd_tmpl.h);
 * built once per level (see simd.h), picked by pool2d.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pool2d_impl.h"
#include "simd.h"

#define IBITS_f32 32
#define IBITS_f64 64
#define IT_f32 int32_t
#define IT_f64 int64_t

#define T float
#define SUF f32
#include "pool2d_simd_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "pool2d_simd_tmpl.h"
#undef T
#undef SUF

/* This level's table (fm_pool2d_impl_<level>), picked by pool2d.c. */
const fm_pool2d_impl FM_ISA_FN(fm_pool2d_impl) = {
    .max_fwd_f32 = FM_ISA_FN(fm_maxpool2d_fwd_f32),
    .max_fwd_f64 = FM_ISA_FN(fm_maxpool2d_fwd_f64),
    .max_bwd_f32 = FM_ISA_FN(fm_maxpool2d_bwd_f32),
    .max_bwd_f64 = FM_ISA_FN(fm_maxpool2d_bwd_f64),
    .avg_fwd_f32 = FM_ISA_FN(fm_avgpool2d_fwd_f32),
    .avg_fwd_f64 = FM_ISA_FN(fm_avgpool2d_fwd_f64),
    .avg_bwd_f32 = FM_ISA_FN(fm_avgpool2d_bwd_f32),
    .avg_bwd_f64 = FM_ISA_FN(fm_avgpool2d_bwd_f64),
};
