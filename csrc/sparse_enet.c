/* sparse_enet.c -- elastic-net coordinate descent on a CSC matrix with
 * implicit centring (fm_sparse_enet_cd_f64_*, see sparse.h).
 *
 * Column j of the centred (and row-scaled) design is a_j - mu_j r with a_j the
 * sparse column and r the row scale (sqrt of the sample weights, or ones), so
 * the centred matrix is never formed. The residual is kept as R + c r: a
 * coordinate update touches R only on the column's entries and moves the
 * scalar c by the centring part; c is folded into R once per sweep. r.R is
 * kept up to date the same way, so an update costs O(nnz of the column).
 * A sweep makes one update per active feature: in order, or (random) each on
 * an active feature drawn from scikit-learn's generator (sk_rand.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "sk_rand.h"
#include "sparse.h"

#define IDX int32_t
#define SUF i32
#include "sparse_enet_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF i64
#include "sparse_enet_tmpl.h"
#undef IDX
#undef SUF
