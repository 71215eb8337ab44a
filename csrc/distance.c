/* distance.c -- pairwise distances: dispatch, Y packing, threading, the BLAS
 * path for euclidean/sqeuclidean/cosine and the scalar minkowski kernel.
 *
 * Paths (fm_pairwise_*):
 *   euclidean, sqeuclidean with d >= the level's gemm_min_d: out = -2 X Y^T by
 *     BLAS straight into `out` (no extra memory), then a threaded epilogue adds
 *     the squared norms, and recomputes the pair directly wherever the
 *     expansion may have cancelled: d2 < FM_CANCEL_TAU * (|x|^2 + |y|^2). There
 *     the expansion's absolute error (~ c*eps*(|x|^2+|y|^2)) would be a large
 *     relative error, e.g. for near-duplicates. Clamped at 0.
 *   cosine: BLAS dot products, 1 - x.y / (|x||y|), zero vectors have
 *     similarity 0 (distance 1), clipped to [0, 2].
 *   manhattan, chebyshev, hamming, small-d euclidean: SIMD tiles
 *     (distance_simd.c, one table per ISA level, picked once by
 *     fm_distance_select), parallel over (row chunk, panel chunk) tasks.
 *   minkowski: scalar pow loop.
 * `same` marks X is Y: the diagonal is set to exactly 0. The per-dtype code is
 * distance_tmpl.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "distance_impl.h"

FM_FAMILY_IMPLS(distance)
static const fm_distance_impl *K = &fm_distance_impl_baseline;

void fm_distance_select(int level) { K = FM_FAMILY_PICK(distance, level); }

#define FM_CANCEL_TAU (1.0 / 4096.0)
#define ROW_CHUNK 64  /* x rows per task */
#define PANEL_CHUNK 8 /* panels per task */
#define FM_F32_KCHUNK 4096 /* features per float32 GEMM whose products add in double */

#define T float
#define SUF f32
#define SQRT sqrtf
#define POW powf
#define FABS fabsf
#include "distance_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef POW
#undef FABS

#define T double
#define SUF f64
#define SQRT sqrt
#define POW pow
#define FABS fabs
#include "distance_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef POW
#undef FABS
