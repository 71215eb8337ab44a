/* recurrent_impl.h -- internal: the recurrent family's function table
 * (family.h): the element-wise LSTM/RNN/GRU cell kernels and the small per-step GEMM of
 * recurrent_simd_tmpl.h. recurrent_simd.c defines one table per ISA level;
 * recurrent.c selects one. Shapes are documented in recurrent_simd_tmpl.h. */
#ifndef FASTML_RECURRENT_IMPL_H
#define FASTML_RECURRENT_IMPL_H

#include "family.h"
#include "recurrent.h"

typedef struct {
    void (*lstm_cell_fwd_f32)(float *gates, float *c, float *h, int64_t ldh,
                              const float *c_prev, const float *bias, int64_t B, int64_t H);
    void (*lstm_cell_fwd_f64)(double *gates, double *c, double *h, int64_t ldh,
                              const double *c_prev, const double *bias, int64_t B, int64_t H);
    void (*lstm_cell_bwd_f32)(float *dgates, float *dc, const float *dh, const float *gates,
                              const float *c, const float *c_prev, int64_t B, int64_t H);
    void (*lstm_cell_bwd_f64)(double *dgates, double *dc, const double *dh,
                              const double *gates, const double *c, const double *c_prev,
                              int64_t B, int64_t H);
    void (*rnn_act_fwd_f32)(float *y, const float *bias, int64_t B, int64_t H, int relu);
    void (*rnn_act_fwd_f64)(double *y, const double *bias, int64_t B, int64_t H, int relu);
    void (*rnn_act_bwd_f32)(float *dg, const float *dh, const float *y, int64_t B, int64_t H,
                            int relu);
    void (*rnn_act_bwd_f64)(double *dg, const double *dh, const double *y, int64_t B,
                            int64_t H, int relu);
    void (*gru_cell_fwd_f32)(float *gates, float *h, int64_t ldh, const float *gh,
                             const float *h_prev, const float *b_ih, const float *b_hh,
                             int64_t B, int64_t H);
    void (*gru_cell_fwd_f64)(double *gates, double *h, int64_t ldh, const double *gh,
                             const double *h_prev, const double *b_ih, const double *b_hh,
                             int64_t B, int64_t H);
    void (*gru_cell_bwd_f32)(float *dg, float *dh, const float *gates, const float *h_prev,
                             int64_t B, int64_t H);
    void (*gru_cell_bwd_f64)(double *dg, double *dh, const double *gates,
                             const double *h_prev, int64_t B, int64_t H);
    /* C[M, N] += A[M, K] Bm[K, N]; threads over column panels for large products. */
    void (*gemm_acc_f32)(float *C, int64_t ldc, const float *A, int64_t lda, const float *Bm,
                         int64_t ldb, int64_t M, int64_t N, int64_t K, int nthreads);
    void (*gemm_acc_f64)(double *C, int64_t ldc, const double *A, int64_t lda, const double *Bm,
                         int64_t ldb, int64_t M, int64_t N, int64_t K, int nthreads);
} fm_recurrent_impl;

#endif /* FASTML_RECURRENT_IMPL_H */
