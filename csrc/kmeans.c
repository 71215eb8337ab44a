/* kmeans.c -- one Lloyd iteration for k-means: nearest-centre assignment
 * (kmeans_simd.c, one table per ISA level, picked once by fm_kmeans_select)
 * fused with the centroid sums; the step and the Lloyd loop are in
 * kmeans_tmpl.h, included once per dtype.
 *
 * Determinism: rows are cut into chunks whose size depends only on (n, k, d),
 * never on the thread count; each chunk accumulates its own partial sums
 * (float64) sequentially, and the partials are added in chunk order. So the
 * sums, weights and inertia are bitwise identical for any number of threads.
 *
 * Two assignment paths (measured, n=20k-100k, 1 thread, vs scikit-learn's
 * GEMM-based Lloyd): for small d the direct SIMD search (kmeans_simd_tmpl.h)
 * is 2x faster at d=16 and 4.7x at d=4, k=100, but only 0.85x at d >= 64; so
 * from KM_GEMM_MIN_D features on, each L2-sized piece of rows first gets its
 * dot products G = X C^T from BLAS (outside any OpenMP region: BLAS has its
 * own threads), then the argmin of |c|^2 - 2 g over centres runs in parallel
 * and the chosen centre's squared distance is recomputed directly (no
 * cancellation in mind/inertia). That path is at parity (1.0x) at d=64-256.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "kmeans_impl.h"

#define KM_CHUNK_MIN 2048            /* rows per chunk at least */
#define KM_PARTIAL_BUDGET (1 << 22)  /* doubles of partial sums at most (32 MiB) */
#define KM_GEMM_MIN_D 48             /* BLAS dot products from this many features on */
#define KM_GEMM_PIECE (1 << 18)      /* elements of G = X C^T per BLAS call (~L2) */

FM_FAMILY_IMPLS(kmeans)
static const fm_kmeans_impl *K = &fm_kmeans_impl_baseline;

void fm_kmeans_select(int level) { K = FM_FAMILY_PICK(kmeans, level); }

/* Chunk length for n rows: >= KM_CHUNK_MIN, and few enough chunks that the
 * per-chunk partial sums (k*d + k + 1 doubles each) fit the budget. */
static int64_t km_chunk(int64_t n, int64_t k, int64_t d) {
    int64_t per = k * d + k + 1;
    int64_t max_chunks = KM_PARTIAL_BUDGET / (per > 0 ? per : 1);
    if (max_chunks < 1) max_chunks = 1;
    int64_t c = (n + max_chunks - 1) / max_chunks;
    return c < KM_CHUNK_MIN ? KM_CHUNK_MIN : c;
}

#define T float
#define SUF f32
#include "kmeans_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "kmeans_tmpl.h"
#undef T
#undef SUF
