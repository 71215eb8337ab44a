/* kmeans_sparse.h -- k-means on CSR input: the family's public C API.
 *
 * X is a CSR matrix of n rows and d columns, (data, indices, indptr) in
 * scipy's layout, without duplicate columns within a row (the Python edge
 * sums duplicates first). Centres are dense, C (k x d) row-major. Every
 * entry point comes in four variants: values float32 or float64 (_f32, _f64)
 * and indices int32 or int64 (_i32, _i64), one template
 * (kmeans_sparse_tmpl.h). Results are bitwise independent of nthreads.
 */
#ifndef FASTML_KMEANS_SPARSE_H
#define FASTML_KMEANS_SPARSE_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One Lloyd step on CSR rows. Ranking key of centre c for row x:
 * |c|^2 - 2 x.c (in the value dtype, the dot product accumulated in the
 * row's entry order); the label is the lowest index of the smallest key.
 * mind[i] = sum over the row's entries of (x_j - c_j)^2 + (|c|^2 - sum over
 * those columns of c_j^2), clipped at 0 (the squared distance to that centre);
 * *inertia = sum_i sw_i mind_i (float64). sw (n) or NULL (= 1).
 * If update != 0: sums (k x d, float64) = per centre sum of sw_i x_i and
 * wsum (k) their weights, accumulated per centre in row order. */
#define FM_KMS_STEP_DECL(SUF, T, IDX)                                                            \
    FM_API int fm_kmeans_sparse_step_##SUF(                                                      \
        double *sums, double *wsum, double *inertia, int32_t *labels, T *mind, const T *data,   \
        const IDX *indices, const IDX *indptr, const T *sw, const T *C, int64_t n, int64_t d,   \
        int64_t k, int update, int nthreads)
/* Lloyd iterations from `centers` (k x d, updated in place) until the labels
 * repeat, the squared centre shift is <= tol, or max_iter (>= 1) steps, then
 * a final assignment to the final centres (scikit-learn's loop, as
 * fm_kmeans_lloyd_*). Empty clusters take the rows farthest from their
 * centres (largest mind first, lowest row on ties). Out: labels[n], mind[n],
 * *inertia, *n_iter. */
#define FM_KMS_LLOYD_DECL(SUF, T, IDX)                                                           \
    FM_API int fm_kmeans_sparse_lloyd_##SUF(                                                     \
        T *centers, int32_t *labels, T *mind, double *inertia, int64_t *n_iter, const T *data,  \
        const IDX *indices, const IDX *indptr, const T *sw, int64_t n, int64_t d, int64_t k,    \
        int64_t max_iter, double tol, int nthreads)

FM_KMS_STEP_DECL(f32_i32, float, int32_t);
FM_KMS_STEP_DECL(f32_i64, float, int64_t);
FM_KMS_STEP_DECL(f64_i32, double, int32_t);
FM_KMS_STEP_DECL(f64_i64, double, int64_t);
FM_KMS_LLOYD_DECL(f32_i32, float, int32_t);
FM_KMS_LLOYD_DECL(f32_i64, float, int64_t);
FM_KMS_LLOYD_DECL(f64_i32, double, int32_t);
FM_KMS_LLOYD_DECL(f64_i64, double, int64_t);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_KMEANS_SPARSE_H */
