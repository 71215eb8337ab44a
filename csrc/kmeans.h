/* kmeans.h -- k-means: the family's public C API. */
#ifndef FASTML_KMEANS_H
#define FASTML_KMEANS_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- k-means (kmeans.c, kmeans_simd.c) ---------------------------------- */
/* One Lloyd step. X is n x d, XT its d x n transpose or NULL (callers that
 * iterate pass it once: the SIMD search then loads lanes without transposing),
 * C is k x d, sw (n) sample weights or NULL (= 1).
 * Out: labels[n] (nearest centre, lowest index on ties), mind[n] (its squared
 * distance), *inertia = sum_i sw_i mind_i; if `update` != 0 also
 * sums[k, d] = sum over rows assigned to c of sw_i x_i and wsum[k] = their
 * weight (float64 for both dtypes). Bitwise independent of the thread count
 * (nthreads: the most threads to use, also passed to the BLAS dot products). */
FM_API int fm_kmeans_step_f32(double *sums, double *wsum, double *inertia, int32_t *labels,
                              float *mind, const float *X, const float *XT, const float *sw,
                              const float *C, int64_t n, int64_t d, int64_t k, int update,
                              int nthreads);
FM_API int fm_kmeans_step_f64(double *sums, double *wsum, double *inertia, int32_t *labels,
                              double *mind, const double *X, const double *XT, const double *sw,
                              const double *C, int64_t n, int64_t d, int64_t k, int update,
                              int nthreads);
/* Lloyd iterations from the initial `centers` (k x d, updated in place) until
 * the labels stop changing, the squared centre shift is <= tol, or max_iter
 * (>= 1) steps; then a final assignment to the final centres. Empty clusters
 * are re-seeded with the points farthest from their centres (as
 * scikit-learn). Out: labels[n], mind[n], *inertia, *n_iter. XT, sw as above. */
FM_API int fm_kmeans_lloyd_f32(float *centers, int32_t *labels, float *mind, double *inertia,
                               int64_t *n_iter, const float *X, const float *XT, const float *sw,
                               int64_t n, int64_t d, int64_t k, int64_t max_iter, double tol,
                               int nthreads);
FM_API int fm_kmeans_lloyd_f64(double *centers, int32_t *labels, double *mind, double *inertia,
                               int64_t *n_iter, const double *X, const double *XT,
                               const double *sw, int64_t n, int64_t d, int64_t k,
                               int64_t max_iter, double tol, int nthreads);

/* Greedy k-means++ seeding (kmeans_pp_tmpl.h). centers[0] = X[first]; each
 * further centre c = 1..k-1 draws `trials` candidates: row i is candidate t
 * for the first i whose cumulative sum of sw_i D(x_i)^2 (float64, row order)
 * is >= uniform[(c-1)*trials + t] * the total (D: squared distance to the
 * nearest chosen centre; uniform has (k-1)*trials values in [0, 1)); the
 * candidate leaving the smallest total wins (first on ties). Out: centers
 * (k x d), indices (k). Independent of the thread count. */
FM_API int fm_kmeans_plusplus_f32(float *centers, int64_t *indices, const float *X,
                                  const float *sw, const double *uniform, int64_t first,
                                  int64_t n, int64_t d, int64_t k, int64_t trials, int nthreads);
FM_API int fm_kmeans_plusplus_f64(double *centers, int64_t *indices, const double *X,
                                  const double *sw, const double *uniform, int64_t first,
                                  int64_t n, int64_t d, int64_t k, int64_t trials, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_KMEANS_H */
