/* loss_impl.h -- internal: the loss family's function table (family.h).
 * loss_simd.c defines one table per ISA level; loss.c selects one. The
 * cross-entropy rows share the softmax row blocking (activation_impl.h). */
#ifndef FASTML_LOSS_IMPL_H
#define FASTML_LOSS_IMPL_H

#include "activation_impl.h" /* fm_row_block, fm_row_threads */
#include "family.h"
#include "loss.h"

/* Range kernels: one contiguous range of elements / rows, no threads. */
typedef struct {
    void (*el_f32)(float *out, const float *x, const float *y, int64_t n, int kind, float prm);
    void (*el_f64)(double *out, const double *x, const double *y, int64_t n, int kind,
                   double prm);
    double (*sum_f32)(const float *x, const float *y, int64_t n, int kind, float prm);
    double (*sum_f64)(const double *x, const double *y, int64_t n, int kind, double prm);
    void (*grad_f32)(float *dx, const float *dout, int64_t dstride, const float *x,
                     const float *y, int64_t n, int kind, float prm);
    void (*grad_f64)(double *dx, const double *dout, int64_t dstride, const double *x,
                     const double *y, int64_t n, int kind, double prm);
    void (*ce_f32)(float *loss, float *lse, const float *x, const int64_t *t, int64_t rows,
                   int64_t c);
    void (*ce_f64)(double *loss, double *lse, const double *x, const int64_t *t, int64_t rows,
                   int64_t c);
    void (*ce_bwd_f32)(float *dx, const float *dloss, int64_t dstride, const float *x,
                       const float *lse, const int64_t *t, int64_t rows, int64_t c);
    void (*ce_bwd_f64)(double *dx, const double *dloss, int64_t dstride, const double *x,
                       const double *lse, const int64_t *t, int64_t rows, int64_t c);
    void (*ce_wlogp_f32)(float *out, const float *x, const float *lse, const float *w,
                         int64_t rows, int64_t c);
    void (*ce_wlogp_f64)(double *out, const double *x, const double *lse, const double *w,
                         int64_t rows, int64_t c);
    void (*ce_bwd_ex_f32)(float *dx, const float *alpha, const float *beta, const float *gamma,
                          const float *w, const float *x, const float *lse, const int64_t *t,
                          int64_t rows, int64_t c);
    void (*ce_bwd_ex_f64)(double *dx, const double *alpha, const double *beta,
                          const double *gamma, const double *w, const double *x,
                          const double *lse, const int64_t *t, int64_t rows, int64_t c);
} fm_loss_impl;

#endif /* FASTML_LOSS_IMPL_H */
