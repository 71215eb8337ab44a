/* kdtree_simd.c -- k-d tree queries, compiled once per ISA level (see simd.h):
 * the traversal is scalar, the leaf scans (kdtree_query_tmpl.h) are plain
 * unit-stride loops over feature-major leaf blocks that the compiler
 * vectorises at 16, 32 or 64 bytes. Ends with this level's table (kdtree.c
 * picks one). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "kdtree_impl.h"
#include "simd.h"
#if defined(__SSE2__)
#include <immintrin.h> /* mask moves for the leaf filter (kdtree_knn_tmpl.h) */
#endif

#define T float
#define SUF f32
#define KQ_IBITS 32
#define SQRT sqrtf
#define POW powf
#define EPS FLT_EPSILON_
#define FLT_EPSILON_ 1.1920929e-07f
#include "kdtree_query_tmpl.h"
#undef T
#undef SUF
#undef KQ_IBITS
#undef SQRT
#undef POW
#undef EPS

#define T double
#define SUF f64
#define KQ_IBITS 64
#define SQRT sqrt
#define POW pow
#define EPS 2.220446049250313e-16
#include "kdtree_query_tmpl.h"
#undef T
#undef SUF
#undef KQ_IBITS
#undef SQRT
#undef POW
#undef EPS

/* This level's table (fm_kdtree_impl_<level>), picked by kdtree.c. */
const fm_kdtree_impl FM_ISA_FN(fm_kdtree_impl) = {
    .query_f32 = FM_ISA_FN(fm_kdtree_query_f32),
    .query_f64 = FM_ISA_FN(fm_kdtree_query_f64),
    .radius_f32 = FM_ISA_FN(fm_kdtree_radius_f32),
    .radius_f64 = FM_ISA_FN(fm_kdtree_radius_f64),
};
