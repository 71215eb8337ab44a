/* hnsw_impl.h -- internal: the hnsw family's function table (family.h).
 * hnsw_simd.c (the whole engine, compiled once per ISA level so the distance
 * kernels inline into the graph walks) defines one instance per level. */
#ifndef FASTML_HNSW_IMPL_H
#define FASTML_HNSW_IMPL_H

#include "family.h"
#include "hnsw.h"

typedef struct {
    int (*add_f32)(fm_hnsw *g, const float *X, int64_t m, int64_t efc, int nthreads);
    int (*add_f64)(fm_hnsw *g, const double *X, int64_t m, int64_t efc, int nthreads);
    int (*search_f32)(float *dist, int64_t *ind, const fm_hnsw *g, const float *Q, int64_t nq,
                      int64_t k, int64_t ef, int nthreads);
    int (*search_f64)(double *dist, int64_t *ind, const fm_hnsw *g, const double *Q, int64_t nq,
                      int64_t k, int64_t ef, int nthreads);
} fm_hnsw_impl;

#endif /* FASTML_HNSW_IMPL_H */
