/* distance_simd.c -- ISA-specific pairwise-distance tiles (see simd.h for how
 * this file is built once per level, and distance_simd_tmpl.h for the kernel). */
#include <math.h>

#include "distance.h"
#include "simd.h"

#define MR 4 /* x rows per block */
#define NV 2 /* vectors per panel row */

#define T float
#define SUF f32
#define SQRT sqrtf
#include "distance_simd_tmpl.h"
#undef T
#undef SUF
#undef SQRT

#define T double
#define SUF f64
#define SQRT sqrt
#include "distance_simd_tmpl.h"
#undef T
#undef SUF
#undef SQRT
