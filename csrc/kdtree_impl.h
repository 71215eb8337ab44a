/* kdtree_impl.h -- internal: the kdtree family's function table (family.h).
 * kdtree_simd.c defines one instance per ISA level (the queries); kdtree.c
 * selects one. The build is portable C (kdtree_build_tmpl.h). */
#ifndef FASTML_KDTREE_IMPL_H
#define FASTML_KDTREE_IMPL_H

#include "family.h"
#include "kdtree.h"

typedef struct {
    int (*query_f32)(float *dist, int64_t *ind, const fm_kdtree *t, const float *Q, int64_t nq,
                     int64_t k, int metric, double p, int nthreads);
    int (*query_f64)(double *dist, int64_t *ind, const fm_kdtree *t, const double *Q, int64_t nq,
                     int64_t k, int metric, double p, int nthreads);
    int (*radius_f32)(int64_t *counts, int64_t *ind, float *dist, const int64_t *offsets,
                      const fm_kdtree *t, const float *Q, int64_t nq, const double *r,
                      int64_t nr, int metric, double p, int sort, int nthreads);
    int (*radius_f64)(int64_t *counts, int64_t *ind, double *dist, const int64_t *offsets,
                      const fm_kdtree *t, const double *Q, int64_t nq, const double *r,
                      int64_t nr, int metric, double p, int sort, int nthreads);
} fm_kdtree_impl;

#endif /* FASTML_KDTREE_IMPL_H */
