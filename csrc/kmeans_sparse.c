/* kmeans_sparse.c -- Lloyd's k-means on CSR rows (see kmeans_sparse.h).
 *
 * The centres are transposed once per step into blocks of KMS_BLOCK
 * (kmeans_sparse_impl.h), so each stored entry (j, v) of a row updates a
 * block's ranking keys from one cache line, the keys held in registers
 * (kmeans_sparse_simd.c, one variant per ISA level, picked once by
 * fm_kmeans_sparse_select): |c|^2 - 2 x.c for all centres costs k
 * multiply-adds per stored entry and never touches the zeros of X. The
 * winner's distance is then recomputed directly on the row's columns (no
 * cancellation on the stored part), which gives mind and the inertia.
 *
 * Threads: the assignment runs over fixed chunks of KMS_CHUNK rows (the
 * chunk's inertia is summed sequentially, then the chunks in order); the
 * centre sums group the rows by label and let one thread sum one centre,
 * rows in order. Nothing depends on the team size, so results are bitwise
 * the same for any nthreads (the ISA level may change the last bits of a
 * key: fused multiply-adds from AVX2 on).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans_sparse_impl.h"

#define KMS_CHUNK 256 /* rows per assignment task */

FM_FAMILY_IMPLS(kmeans_sparse)
static const fm_kmeans_sparse_impl *K = &fm_kmeans_sparse_impl_baseline;

void fm_kmeans_sparse_select(int level) { K = FM_FAMILY_PICK(kmeans_sparse, level); }

#define T float
#define IDX int32_t
#define SUF f32_i32
#include "kmeans_sparse_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF f32_i64
#include "kmeans_sparse_tmpl.h"
#undef T
#undef IDX
#undef SUF

#define T double
#define IDX int32_t
#define SUF f64_i32
#include "kmeans_sparse_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF f64_i64
#include "kmeans_sparse_tmpl.h"
#undef T
#undef IDX
#undef SUF
