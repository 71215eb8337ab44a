/* conv2d.h -- 2-D convolution: the family's public C API. */
#ifndef FASTML_CONV2D_H
#define FASTML_CONV2D_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- conv2d (conv2d*.c) -------------------------------------------------- */
/* NCHW cross-correlation, x (N, C, H, W), w (K, C/groups, R, S), b (K) or NULL,
 * y (N, K, OH, OW), OH = (H + 2*pad_h - dil_h*(R-1) - 1) / stride_h + 1 (>= 1).
 * float32 on fastml's own GEMM; float64 im2col panels + the borrowed BLAS
 * (needs fm_set_blas or fm_set_cblas64). Backward writes (not accumulates) dx,
 * dw, db; each may be NULL (not needed). nthreads: the most threads to use;
 * float32 results do not depend on it, float64 ones may differ in the last
 * bits (the BLAS's summation order depends on the block each thread gets). */
typedef struct {
    int64_t N, C, H, W, K, R, S, OH, OW;
    int64_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups;
} fm_conv2d_geom;
FM_API int fm_conv2d_forward_f32(float *y, const float *x, const float *w, const float *b,
                                 const fm_conv2d_geom *g, int nthreads);
FM_API int fm_conv2d_forward_f64(double *y, const double *x, const double *w, const double *b,
                                 const fm_conv2d_geom *g, int nthreads);
FM_API int fm_conv2d_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                  const float *x, const float *w, const fm_conv2d_geom *g,
                                  int nthreads);
FM_API int fm_conv2d_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                  const double *x, const double *w, const fm_conv2d_geom *g,
                                  int nthreads);

/* dx = the input gradient of the conv g (as fm_conv2d_backward_f32 writes it)
 * + bias[c] per channel (bias may be NULL): the transposed convolution's
 * forward, bias fused. */
FM_API int fm_conv2d_dx_bias_f32(float *dx, const float *bias, const float *dy, const float *w,
                                 const fm_conv2d_geom *g, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_CONV2D_H */
