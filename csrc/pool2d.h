/* pool2d.h -- 2-D pooling: the family's public C API. */
#ifndef FASTML_POOL2D_H
#define FASTML_POOL2D_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 2-D pooling (pool2d.c, pool2d_simd.c) ------------------------------- */
/* x (NC, H, W) planes -> y (NC, OH, OW); padding counts as -inf (max) or 0
 * (avg). argmax (NC, OH, OW) int32 = ih*W + iw inside the plane; the first
 * maximum in row-major window order wins, a NaN is the maximum (the last NaN
 * of a window wins, as in PyTorch).
 * avg divides by kh*kw (count_include_pad) or by the in-bounds count.
 * Backward writes all of dx. Global average pooling: x (NC, L) -> y (NC).
 * nthreads: the most threads to use (planes are the parallel tasks). */
typedef struct {
    int64_t NC, H, W, OH, OW, kh, kw, stride_h, stride_w, pad_h, pad_w;
} fm_pool2d_geom;
FM_API int fm_maxpool2d_forward_f32(float *y, int32_t *argmax, const float *x,
                                    const fm_pool2d_geom *g, int nthreads);
FM_API int fm_maxpool2d_forward_f64(double *y, int32_t *argmax, const double *x,
                                    const fm_pool2d_geom *g, int nthreads);
FM_API int fm_maxpool2d_backward_f32(float *dx, const float *dy, const int32_t *argmax,
                                     const fm_pool2d_geom *g, int nthreads);
FM_API int fm_maxpool2d_backward_f64(double *dx, const double *dy, const int32_t *argmax,
                                     const fm_pool2d_geom *g, int nthreads);
FM_API int fm_avgpool2d_forward_f32(float *y, const float *x, const fm_pool2d_geom *g,
                                    int count_include_pad, int nthreads);
FM_API int fm_avgpool2d_forward_f64(double *y, const double *x, const fm_pool2d_geom *g,
                                    int count_include_pad, int nthreads);
FM_API int fm_avgpool2d_backward_f32(float *dx, const float *dy, const fm_pool2d_geom *g,
                                     int count_include_pad, int nthreads);
FM_API int fm_avgpool2d_backward_f64(double *dx, const double *dy, const fm_pool2d_geom *g,
                                     int count_include_pad, int nthreads);
FM_API int fm_global_avgpool_forward_f32(float *y, const float *x, int64_t NC, int64_t L, int nthreads);
FM_API int fm_global_avgpool_forward_f64(double *y, const double *x, int64_t NC, int64_t L, int nthreads);
FM_API int fm_global_avgpool_backward_f32(float *dx, const float *dy, int64_t NC, int64_t L, int nthreads);
FM_API int fm_global_avgpool_backward_f64(double *dx, const double *dy, int64_t NC, int64_t L, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_POOL2D_H */
