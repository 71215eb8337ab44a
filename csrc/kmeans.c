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
 * Two assignment paths: for small d the direct SIMD search
 * (kmeans_simd_tmpl.h, lanes over rows, no cancellation); from KM_GEMM_MIN_D
 * features on, register-tiled dot products (kmeans_gemm_tmpl.h) rank the
 * centres by |c|^2 - 2 x.c with a fused running top-2 per row, and
 * km_tile_finish (kmeans_tmpl.h) keeps the winner only where the gap to the
 * runner-up exceeds a rounding bound, re-deciding near-ties by direct
 * distances: labels are those of the direct distances, and mind/inertia are
 * direct distances too. No BLAS: the tiles run inside fastml's own team.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans_impl.h"

#define KM_CHUNK_MIN 2048            /* rows per chunk at least */
#define KM_PARTIAL_BUDGET (1 << 22)  /* doubles of partial sums at most (32 MiB) */
#define KM_GEMM_MIN_D 24             /* dot-product tiles from this many features on */
#define KM_PP_CHUNK 4096             /* rows per chunk of the k-means++ distance pass */

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

/* 64-byte aligned block (the tiles keep vector state in it); free() frees it. */
static void *km_aligned(size_t bytes) {
    void *p = NULL;
    return posix_memalign(&p, 64, bytes ? bytes : 64) == 0 ? p : NULL;
}

#define T float
#define SUF f32
#include "kmeans_tmpl.h"
#include "kmeans_pp_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "kmeans_tmpl.h"
#include "kmeans_pp_tmpl.h"
#undef T
#undef SUF
