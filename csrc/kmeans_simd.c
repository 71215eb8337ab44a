/* kmeans_simd.c -- ISA-specific k-means assignment (nearest centre), one
 * level per build (see simd.h); the kernel body is kmeans_simd_tmpl.h. */
#include <math.h>

#include "kmeans.h"
#include "simd.h"

#define T float
#define SUF f32
#define VI fm_vi32
#include "kmeans_simd_tmpl.h"
#undef T
#undef SUF
#undef VI

#define T double
#define SUF f64
#define VI fm_vi64
#include "kmeans_simd_tmpl.h"
#undef T
#undef SUF
#undef VI
