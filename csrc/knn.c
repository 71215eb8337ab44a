/* knn.c -- exact brute-force k nearest neighbours (fm_knn_brute_*).
 *
 * Euclidean and sqeuclidean with d >= KNN_GEMM_MIN_D: BLAS in (query tile x
 * database tile) blocks picks k + max(k, 8) candidates per query by the norm
 * expansion, the candidates are recomputed with the direct formula, and an
 * error bound decides whether the expansion could have dropped a true
 * neighbour (then the query is rescanned directly). Other metrics and small d:
 * the SIMD distance tiles of distance.c on the same blocks. Memory is bounded
 * by the block sizes (plus one centred copy of the data), never by the number
 * of queries. Results are ordered by (distance, training index) -- the tie rule
 * of the whole package -- and do not depend on tile sizes or thread count.
 * BLAS and the distance tiles run their own threads from the calling thread.
 * The GEMM path merges candidates on the calling thread too: SciPy's OpenBLAS
 * workers keep spinning for a while after each call, and an OpenMP team
 * started in between would compete with them for the cores (measured: most of
 * the time went to that spinning). The final recompute is parallel (short).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fastml.h"

#define KNN_QB 512          /* queries per tile */
#define KNN_NB 4096         /* database points per tile */
#define KNN_GEMM_MIN_D 16   /* below this: direct SIMD tiles (K < 16 GEMMs are all overhead) */
#define TK_NAME(name) TK_NAME_(name, SUF)
#define TK_NAME_(name, suf) TK_NAME__(name, suf)
#define TK_NAME__(name, suf) name##_##suf

#define T float
#define SUF f32
#define SQRT sqrtf
#define POW powf
#define FABS fabsf
#define EPS 1.1920929e-07f
#include "knn_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef POW
#undef FABS
#undef EPS

#define T double
#define SUF f64
#define SQRT sqrt
#define POW pow
#define FABS fabs
#define EPS 2.220446049250313e-16
#include "knn_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef POW
#undef FABS
#undef EPS
