/* dense.h -- the dense (fully connected) layer: the family's public C API. */
#ifndef FASTML_DENSE_H
#define FASTML_DENSE_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- dense layer (dense.c, dense_simd.c) ---------------------------------- */
/* Dense: y (n, out) = x (n, in) w^T (w is (out, in)) + b, act -1 none / 0 relu.
 * Backward writes dx, dw, db (each may be NULL); y is read when act == relu
 * (the gradient is zeroed where y <= 0; a NaN output passes it, as torch).
 * nthreads: the most threads to use (results do not depend on it). */
FM_API int fm_dense_forward_f32(float *y, const float *x, const float *w, const float *b,
                                int64_t n, int64_t in, int64_t out, int act, int nthreads);
FM_API int fm_dense_forward_f64(double *y, const double *x, const double *w, const double *b,
                                int64_t n, int64_t in, int64_t out, int act, int nthreads);
FM_API int fm_dense_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                 const float *x, const float *w, const float *y, int64_t n,
                                 int64_t in, int64_t out, int act, int nthreads);
FM_API int fm_dense_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                 const double *x, const double *w, const double *y, int64_t n,
                                 int64_t in, int64_t out, int act, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_DENSE_H */
