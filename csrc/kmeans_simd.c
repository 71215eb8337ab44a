/* kmeans_simd.c -- ISA-specific k-means assignment (nearest centre), one
 * level per build (see simd.h); the kernel body is kmeans_simd_tmpl.h. */
#include <math.h>

#include "fastml.h"
#include "simd.h"

#define KM_MR 8 /* x rows per block: 8 independent accumulators hide FMA latency */

#define T float
#define SUF f32
#include "kmeans_simd_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "kmeans_simd_tmpl.h"
#undef T
#undef SUF
