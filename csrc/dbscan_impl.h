/* dbscan_impl.h -- internal: the dbscan family's function table (family.h).
 * dbscan_simd.c defines one instance per ISA level (Prim's row update);
 * dbscan.c selects one. */
#ifndef FASTML_DBSCAN_IMPL_H
#define FASTML_DBSCAN_IMPL_H

#include "dbscan.h"
#include "family.h"

/* One Prim step over m candidate points stored feature-major (XT[k*ld + j]):
 * with q the point just added (id cur, core distance cq), for every j
 *   r = max(cq, core[j], dist(q, x_j) / alpha);  if r < minr[j]: minr[j] = r, src[j] = cur
 * and returns the position of the smallest minr (ties: smallest id[j]); -1 if m == 0.
 * alpha == 1 skips the division. */
typedef int64_t (*fm_dbscan_prim_fn)(double *minr, int64_t *src, const double *XT, int64_t ld,
                                     int64_t m, int64_t d, const double *q, double cq,
                                     const double *core, const int64_t *id, int64_t cur,
                                     int metric, double p, double alpha);

/* spare columns after each thread's block of candidates: the last vector of a
 * block (<= 8 doubles) reads only its own block's storage */
#define FM_DBSCAN_PAD 8

typedef struct {
    fm_dbscan_prim_fn prim_f64;
} fm_dbscan_impl;

#endif /* FASTML_DBSCAN_IMPL_H */
