/* distance.h -- pairwise distances: the family's public C API. */
#ifndef FASTML_DISTANCE_H
#define FASTML_DISTANCE_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- pairwise distances (distance.c, distance_simd.c) ------------------- */
/* metric ids; minkowski takes p (>= 1, finite; p = 1, 2, inf map to the
 * dedicated metrics at the API). Hamming is the fraction of differing features. */
enum fm_metric {
    FM_METRIC_EUCLIDEAN = 0,
    FM_METRIC_SQEUCLIDEAN = 1,
    FM_METRIC_MANHATTAN = 2,
    FM_METRIC_CHEBYSHEV = 3,
    FM_METRIC_MINKOWSKI = 4,
    FM_METRIC_COSINE = 5,
    FM_METRIC_HAMMING = 6
};

/* out[n, m] = dist(X[i, :], Y[j, :]); X is n x d, Y is m x d.
 * `same` != 0 says X and Y are the same array (exact zeros on the diagonal).
 * Euclidean-type metrics use BLAS (norm expansion, cancellation-checked) when
 * d is large enough; everything else the SIMD direct kernels.
 * nthreads: the most threads to use (BLAS included). */
FM_API int fm_pairwise_f32(float *out, const float *X, const float *Y, int64_t n, int64_t m,
                           int64_t d, int metric, double p, int same, int nthreads);
FM_API int fm_pairwise_f64(double *out, const double *X, const double *Y, int64_t n, int64_t m,
                           int64_t d, int metric, double p, int same, int nthreads);
/* The direct (no BLAS) kernel on its own, for every metric but cosine. */
FM_API int fm_pairwise_direct_f32(float *out, const float *X, const float *Y, int64_t n,
                                  int64_t m, int64_t d, int metric, double p, int nthreads);
FM_API int fm_pairwise_direct_f64(double *out, const double *X, const double *Y, int64_t n,
                                  int64_t m, int64_t d, int metric, double p, int nthreads);
/* Row squared norms: out[i] = sum_k X[i,k]^2. */
FM_API void fm_sqnorms_f32(float *out, const float *X, int64_t n, int64_t d, int nthreads);
FM_API void fm_sqnorms_f64(double *out, const double *X, int64_t n, int64_t d, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_DISTANCE_H */
