/* knn.h -- brute-force k nearest neighbours: the family's public C API. */
#ifndef FASTML_KNN_H
#define FASTML_KNN_H

#include "distance.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- brute-force k nearest neighbours (knn.c, knn_simd.c) --------------- */
/* Exact brute-force k nearest: dist, ind (nq, k) sorted by (distance, index).
 * Euclidean-type metrics use tiled BLAS (norm expansion) to pick candidates,
 * then recompute them with the direct formula. Never holds more than one
 * (query tile x database tile) block of distances. nthreads: the most threads
 * to use (BLAS and the distance tiles included); the answer does not depend
 * on it. */
FM_API int fm_knn_brute_f32(float *dist, int64_t *ind, const float *Q, int64_t nq,
                            const float *X, int64_t n, int64_t d, int64_t k, int metric,
                            double p, int nthreads);
FM_API int fm_knn_brute_f64(double *dist, int64_t *ind, const double *Q, int64_t nq,
                            const double *X, int64_t n, int64_t d, int64_t k, int metric,
                            double p, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_KNN_H */
