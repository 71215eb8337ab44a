/* loss.h -- losses: the family's public C API. */
#ifndef FASTML_LOSS_H
#define FASTML_LOSS_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- losses (loss.c, loss_simd.c) ----------------------------------------- */
/* nthreads: the most threads to use (fixed chunks / row blocks are the parallel
 * tasks; results do not depend on it). */
/* Cross-entropy with class indices t (rows) in [0, c): loss[r] = lse[r] -
 * x[r, t[r]]. Backward: dx[r, j] = dloss[r*dstride] (softmax(x)[r, j] - [j == t[r]]). */
FM_API int fm_cross_entropy_forward_f32(float *loss, float *lse, const float *x,
                                        const int64_t *t, int64_t rows, int64_t c, int nthreads);
FM_API int fm_cross_entropy_forward_f64(double *loss, double *lse, const double *x,
                                        const int64_t *t, int64_t rows, int64_t c, int nthreads);
FM_API int fm_cross_entropy_backward_f32(float *dx, const float *dloss, int64_t dstride,
                                         const float *x, const float *lse, const int64_t *t,
                                         int64_t rows, int64_t c, int nthreads);
FM_API int fm_cross_entropy_backward_f64(double *dx, const double *dloss, int64_t dstride,
                                         const double *x, const double *lse, const int64_t *t,
                                         int64_t rows, int64_t c, int nthreads);
/* Weighted / smoothed cross-entropy (t in [0, c); ignored rows are masked by the
 * caller): forward as above plus wlp[r] = sum_j w[j] (x[r, j] - lse[r]) (w NULL:
 * weights 1; wlp NULL: skipped). Backward: dx[r, j] = alpha[r] softmax(x)[r, j] -
 * gamma[r] w[j], then dx[r, t[r]] -= beta[r]. */
FM_API int fm_cross_entropy_forward_ex_f32(float *loss, float *lse, float *wlp, const float *x,
                                           const int64_t *t, const float *w, int64_t rows,
                                           int64_t c, int nthreads);
FM_API int fm_cross_entropy_forward_ex_f64(double *loss, double *lse, double *wlp,
                                           const double *x, const int64_t *t, const double *w,
                                           int64_t rows, int64_t c, int nthreads);
FM_API int fm_cross_entropy_backward_ex_f32(float *dx, const float *alpha, const float *beta,
                                            const float *gamma, const float *w, const float *x,
                                            const float *lse, const int64_t *t, int64_t rows,
                                            int64_t c, int nthreads);
FM_API int fm_cross_entropy_backward_ex_f64(double *dx, const double *alpha,
                                            const double *beta, const double *gamma,
                                            const double *w, const double *x, const double *lse,
                                            const int64_t *t, int64_t rows, int64_t c,
                                            int nthreads);
/* Element-wise losses (ids in loss.c): per element, summed (double, fixed
 * block order), and dx = dloss/dx * dout[i*dstride]. */
FM_API int fm_loss_pointwise_f32(float *out, const float *x, const float *y, int64_t n, int kind,
                                 double param, int nthreads);
FM_API int fm_loss_pointwise_f64(double *out, const double *x, const double *y, int64_t n,
                                 int kind, double param, int nthreads);
FM_API int fm_loss_pointwise_sum_f32(double *out, const float *x, const float *y, int64_t n,
                                     int kind, double param, int nthreads);
FM_API int fm_loss_pointwise_sum_f64(double *out, const double *x, const double *y, int64_t n,
                                     int kind, double param, int nthreads);
FM_API int fm_loss_pointwise_backward_f32(float *dx, const float *dout, int64_t dstride,
                                          const float *x, const float *y, int64_t n, int kind,
                                          double param, int nthreads);
FM_API int fm_loss_pointwise_backward_f64(double *dx, const double *dout, int64_t dstride,
                                          const double *x, const double *y, int64_t n, int kind,
                                          double param, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_LOSS_H */
