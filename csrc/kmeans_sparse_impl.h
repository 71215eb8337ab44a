/* kmeans_sparse_impl.h -- internal: the kmeans_sparse family's function table
 * (family.h). kmeans_sparse_simd.c defines one instance per ISA level;
 * kmeans_sparse.c selects one.
 *
 * assign_<T>_<IDX>: rows [i0, i1) of CSR X -> labels, mind; returns
 * sum_i sw_i mind_i. CTb holds the centres in blocks of KMS_BLOCK:
 * CTb[(b * d + j) * KMS_BLOCK + c] = C[b * KMS_BLOCK + c, j] (zero past k);
 * cn (nb * KMS_BLOCK) = |c|^2 (padding lanes: anything, never read past k);
 * key is scratch of nb * KMS_BLOCK values. */
#ifndef FASTML_KMEANS_SPARSE_IMPL_H
#define FASTML_KMEANS_SPARSE_IMPL_H

#include "family.h"
#include "kmeans_sparse.h"

#define KMS_BLOCK 8 /* centres per register block */


typedef struct {
    double (*assign_f32_i32)(int32_t *labels, float *mind, const float *data,
                             const int32_t *ind, const int32_t *ptr, const float *sw,
                             const float *C, const float *CTb, const float *cn, int64_t i0,
                             int64_t i1, int64_t d, int64_t k, float *key);
    double (*assign_f32_i64)(int32_t *labels, float *mind, const float *data,
                             const int64_t *ind, const int64_t *ptr, const float *sw,
                             const float *C, const float *CTb, const float *cn, int64_t i0,
                             int64_t i1, int64_t d, int64_t k, float *key);
    double (*assign_f64_i32)(int32_t *labels, double *mind, const double *data,
                             const int32_t *ind, const int32_t *ptr, const double *sw,
                             const double *C, const double *CTb, const double *cn, int64_t i0,
                             int64_t i1, int64_t d, int64_t k, double *key);
    double (*assign_f64_i64)(int32_t *labels, double *mind, const double *data,
                             const int64_t *ind, const int64_t *ptr, const double *sw,
                             const double *C, const double *CTb, const double *cn, int64_t i0,
                             int64_t i1, int64_t d, int64_t k, double *key);
} fm_kmeans_sparse_impl;

#endif /* FASTML_KMEANS_SPARSE_IMPL_H */
