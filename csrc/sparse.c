/* sparse.c -- kernels on CSR/CSC matrices (see sparse.h).
 *
 * The hot loops are scatters and merges over index lists: per query row, its
 * entries are scattered over the columns of the other matrix (CSC) into one
 * dense row of n accumulators, which stays in L2 for the n of a kNN problem
 * (20k rows: 80-160 KB). Indirect loads dominate, so the family is portable C
 * (no per-ISA variants): the compiler's vector code does not help a gather.
 * Queries are the parallel tasks; every output row is computed by one thread
 * in a fixed order, so results do not depend on the thread count.
 *
 * kNN (fm_sparse_knn): the scatter yields every training row's ranking key;
 * the best k keys are recomputed exactly by merging the two sorted rows, and
 * a second pass over the keys recomputes any row whose key, less a bound on
 * its rounding, could still reach the k-th exact distance. Ranking is thus by
 * the merged distance and ties go to the lower index, as in the dense
 * brute-force kernels (knn.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sparse.h"

#define T float
#define IDX int32_t
#define SUF f32_i32
#define EPS 1.1920929e-07f
#define SQRT sqrtf
#define FABS fabsf
#include "sparse_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF f32_i64
#include "sparse_tmpl.h"
#undef T
#undef IDX
#undef SUF
#undef EPS
#undef SQRT
#undef FABS

#define T double
#define IDX int32_t
#define SUF f64_i32
#define EPS 2.220446049250313e-16
#define SQRT sqrt
#define FABS fabs
#include "sparse_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF f64_i64
#include "sparse_tmpl.h"
#undef T
#undef IDX
#undef SUF
#undef EPS
#undef SQRT
#undef FABS
