/* activation_impl.h -- internal: the activation family's function table
 * (family.h) and the row blocking its softmax shares with the loss family's
 * cross-entropy rows. activation_simd.c defines one table per ISA level;
 * activation.c selects one. */
#ifndef FASTML_ACTIVATION_IMPL_H
#define FASTML_ACTIVATION_IMPL_H

#include "activation.h"
#include "family.h"

/* Range kernels: one contiguous range of elements / rows, no threads. */
typedef struct {
    void (*fwd_f32)(float *y, const float *x, int64_t n, int kind, float alpha, float beta);
    void (*fwd_f64)(double *y, const double *x, int64_t n, int kind, double alpha,
                    double beta);
    void (*bwd_f32)(float *dx, const float *dy, const float *x, const float *y, int64_t n,
                    int kind, float alpha, float beta);
    void (*bwd_f64)(double *dx, const double *dy, const double *x, const double *y, int64_t n,
                    int kind, double alpha, double beta);
    void (*softmax_f32)(float *y, const float *x, int64_t rows, int64_t c, int log_);
    void (*softmax_f64)(double *y, const double *x, int64_t rows, int64_t c, int log_);
    void (*softmax_bwd_f32)(float *dx, const float *dy, const float *y, int64_t rows, int64_t c,
                            int log_);
    void (*softmax_bwd_f64)(double *dx, const double *dy, const double *y, int64_t rows,
                            int64_t c, int log_);
} fm_activation_impl;

/* Rows per task for the row kernels (softmax, cross-entropy): about 8192
 * elements, a multiple of 16 rows so full SIMD row blocks (any VL) stay whole. */
static inline int64_t fm_row_block(int64_t c) {
    int64_t rb = c > 0 ? 8192 / c : 8192;
    return rb < 16 ? (rb < 1 ? 1 : rb) : rb & ~(int64_t)15;
}

/* Threads for a row kernel over rows x c elements: one below FM_ROW_PAR_MIN
 * elements (~200 us of softmax / cross-entropy on one core, measured 1.5 ns per
 * element for 3 classes): a parallel region's wake-up and end barrier cost more
 * than the second core saves there, and on a loaded machine the barrier waits
 * for a descheduled peer (measured: a 13500 x 3 training step 4x slower). */
#define FM_ROW_PAR_MIN 131072.0
static inline int fm_row_threads(int64_t rows, int64_t c, double cost, int nthreads) {
    double el = (double)rows * (double)c;
    return el < FM_ROW_PAR_MIN ? 1 : fm_team_size(nthreads, cost * el);
}

#endif /* FASTML_ACTIVATION_IMPL_H */
