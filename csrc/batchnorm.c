/* batchnorm.c -- batch normalisation forward (training / eval) and backward.
 *
 * The kernels live in batchnorm_simd_tmpl.h (which documents the algorithm;
 * one copy per ISA level, each level's table in batchnorm_simd.c);
 * fm_batchnorm_select() points K at one level once, and the entry points
 * (batchnorm_tmpl.h, one copy per dtype) call through it.
 */
#include "batchnorm_impl.h"

FM_FAMILY_IMPLS(batchnorm)
static const fm_batchnorm_impl *K = &fm_batchnorm_impl_baseline;

void fm_batchnorm_select(int level) { K = FM_FAMILY_PICK(batchnorm, level); }

#define T float
#define SUF f32
#include "batchnorm_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "batchnorm_tmpl.h"
#undef T
#undef SUF
