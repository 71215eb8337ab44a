/* activation.h -- activations and softmax: the family's public C API. */
#ifndef FASTML_ACTIVATION_H
#define FASTML_ACTIVATION_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- activations and softmax (activation.c, activation_simd.c) ---------- */
/* Element-wise activations on n elements. kind: 0 relu, 1 leaky relu (alpha =
 * negative slope), 2 elu (alpha), 3 sigmoid, 4 tanh. Backward reads x (leaky,
 * elu) and/or y = forward output (relu, elu, sigmoid, tanh); the unused one may
 * be NULL. relu backward masks the gradient where y <= 0 (a NaN output passes
 * it, as torch). nthreads: the most threads to use (fixed chunks of elements /
 * blocks of rows are the parallel tasks; results do not depend on it). */
FM_API int fm_activation_forward_f32(float *y, const float *x, int64_t n, int kind, double alpha,
                                     int nthreads);
FM_API int fm_activation_forward_f64(double *y, const double *x, int64_t n, int kind,
                                     double alpha, int nthreads);
FM_API int fm_activation_backward_f32(float *dx, const float *dy, const float *x, const float *y,
                                      int64_t n, int kind, double alpha, int nthreads);
FM_API int fm_activation_backward_f64(double *dx, const double *dy, const double *x,
                                      const double *y, int64_t n, int kind, double alpha,
                                      int nthreads);
/* The same with two parameters a, b, and more kinds: 5 gelu (erf), 6 gelu
 * (tanh approximation), 7 silu, 8 softplus (a = beta, b = threshold), 9 mish,
 * 10 hardswish, 11 selu, 12 softsign, 13 logsigmoid, 14 hardtanh (a = min,
 * b = max); kinds 0-4 as above (b unused). Kinds 5-14 read x in the backward
 * (selu also y). */
FM_API int fm_activation2_forward_f32(float *y, const float *x, int64_t n, int kind, double a,
                                      double b, int nthreads);
FM_API int fm_activation2_forward_f64(double *y, const double *x, int64_t n, int kind, double a,
                                      double b, int nthreads);
FM_API int fm_activation2_backward_f32(float *dx, const float *dy, const float *x,
                                       const float *y, int64_t n, int kind, double a, double b,
                                       int nthreads);
FM_API int fm_activation2_backward_f64(double *dx, const double *dy, const double *x,
                                       const double *y, int64_t n, int kind, double a, double b,
                                       int nthreads);
/* Row-wise (rows x c) softmax, or log-softmax when log_ != 0; max-shifted. */
FM_API int fm_softmax_forward_f32(float *y, const float *x, int64_t rows, int64_t c, int log_,
                                  int nthreads);
FM_API int fm_softmax_forward_f64(double *y, const double *x, int64_t rows, int64_t c, int log_,
                                  int nthreads);
FM_API int fm_softmax_backward_f32(float *dx, const float *dy, const float *y, int64_t rows,
                                   int64_t c, int log_, int nthreads);
FM_API int fm_softmax_backward_f64(double *dx, const double *dy, const double *y, int64_t rows,
                                   int64_t c, int log_, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_ACTIVATION_H */
