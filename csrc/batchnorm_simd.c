/* batchnorm_simd.c -- ISA variants of the batch norm kernels
 * (batchnorm_simd_tmpl.h); built once per level (see simd.h), picked by
 * batchnorm.c. */
#include <math.h>

#include "fastml.h"
#include "simd.h"

#define T float
#define SUF f32
#define BN_NARROW
#include "batchnorm_simd_tmpl.h"
#undef T
#undef SUF
#undef BN_NARROW

#define T double
#define SUF f64
#include "batchnorm_simd_tmpl.h"
#undef T
#undef SUF
