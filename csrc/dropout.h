/* dropout.h -- dropout: the family's public C API. */
#ifndef FASTML_DROPOUT_H
#define FASTML_DROPOUT_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- dropout (dropout.c, dropout_simd.c) ---------------------------------- */
/* Inverted dropout, 0 < p < 1: counter-based mask from (key, index), so the
 * result does not depend on nthreads (the most threads to use). */
FM_API int fm_dropout_forward_f32(float *y, const float *x, int64_t n, double p, uint64_t key,
                                  int nthreads);
FM_API int fm_dropout_forward_f64(double *y, const double *x, int64_t n, double p, uint64_t key,
                                  int nthreads);
FM_API int fm_dropout_backward_f32(float *dx, const float *dy, int64_t n, double p, uint64_t key,
                                   int nthreads);
FM_API int fm_dropout_backward_f64(double *dx, const double *dy, int64_t n, double p,
                                   uint64_t key, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_DROPOUT_H */
