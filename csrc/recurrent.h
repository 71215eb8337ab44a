/* recurrent.h -- LSTM, GRU and RNN layers: the family's public C API. */
#ifndef FASTML_RECURRENT_H
#define FASTML_RECURRENT_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- recurrent layers: LSTM and vanilla RNN (recurrent.c, recurrent_simd.c) */
/* One layer, one direction, time-major rows (row t*B + b). G = 4 (LSTM gates
 * i, f, g, o) or 1 (RNN): x (T*B, I), w_ih (G*H, I), w_hh (G*H, H),
 * bias (G*H) = b_ih + b_hh or NULL, h0/c0 (B, H), y (T*B, H) = h_1..h_T.
 * LSTM forward also writes c_all (T*B, H) and activated gates (T*B, 4H) for the
 * backward. Backward writes (not accumulates) all gradients; dx and dbias may be
 * NULL (not needed), dhn/dcn may be NULL (zero); work is scratch of (T*B, G*H)
 * elements or NULL (allocated per call). Needs BLAS. relu != 0 selects
 * ReLU instead of tanh for the RNN (NaN propagates; its backward masks the
 * gradient where y <= 0, as torch). nthreads: the most threads to use (batch
 * rows are the parallel tasks; results do not depend on it). */
FM_API int fm_lstm_forward_f32(float *y, float *c_all, float *gates, const float *x,
                               const float *h0, const float *c0, const float *w_ih,
                               const float *w_hh, const float *bias, int64_t T, int64_t B,
                               int64_t I, int64_t H, int nthreads);
FM_API int fm_lstm_forward_f64(double *y, double *c_all, double *gates, const double *x,
                               const double *h0, const double *c0, const double *w_ih,
                               const double *w_hh, const double *bias, int64_t T, int64_t B,
                               int64_t I, int64_t H, int nthreads);
FM_API int fm_lstm_backward_f32(float *dx, float *dh0, float *dc0, float *dw_ih, float *dw_hh,
                                float *dbias, float *work, const float *dy, const float *dhn,
                                const float *dcn, const float *x, const float *h0,
                                const float *c0, const float *w_ih, const float *w_hh,
                                const float *y, const float *c_all, const float *gates,
                                int64_t T, int64_t B, int64_t I, int64_t H, int nthreads);
FM_API int fm_lstm_backward_f64(double *dx, double *dh0, double *dc0, double *dw_ih,
                                double *dw_hh, double *dbias, double *work, const double *dy,
                                const double *dhn, const double *dcn, const double *x,
                                const double *h0, const double *c0, const double *w_ih,
                                const double *w_hh, const double *y, const double *c_all,
                                const double *gates, int64_t T, int64_t B, int64_t I,
                                int64_t H, int nthreads);
FM_API int fm_rnn_forward_f32(float *y, const float *x, const float *h0, const float *w_ih,
                              const float *w_hh, const float *bias, int64_t T, int64_t B,
                              int64_t I, int64_t H, int relu, int nthreads);
FM_API int fm_rnn_forward_f64(double *y, const double *x, const double *h0, const double *w_ih,
                              const double *w_hh, const double *bias, int64_t T, int64_t B,
                              int64_t I, int64_t H, int relu, int nthreads);
FM_API int fm_rnn_backward_f32(float *dx, float *dh0, float *dw_ih, float *dw_hh, float *dbias,
                               float *work, const float *dy, const float *dhn, const float *x,
                               const float *h0, const float *w_ih, const float *w_hh,
                               const float *y, int64_t T, int64_t B, int64_t I, int64_t H,
                               int relu, int nthreads);
FM_API int fm_rnn_backward_f64(double *dx, double *dh0, double *dw_ih, double *dw_hh,
                               double *dbias, double *work, const double *dy, const double *dhn,
                               const double *x, const double *h0, const double *w_ih,
                               const double *w_hh, const double *y, int64_t T, int64_t B,
                               int64_t I, int64_t H, int relu, int nthreads);

/* GRU (gates r, z, n; PyTorch: b_hn inside r * (h W_hn^T + b_hn)): w_ih (3H, I),
 * w_hh (3H, H), b_ih/b_hh (3H) or both NULL. gates (T*B, 4H) out = [r | z | n | hn]
 * per step, kept for the backward. Backward: dx, db_ih, db_hh, dhn may be NULL;
 * work is scratch of (T*B, 4H) elements or NULL. See recurrent_gru_tmpl.h. */
FM_API int fm_gru_forward_f32(float *y, float *gates, const float *x, const float *h0,
                              const float *w_ih, const float *w_hh, const float *b_ih,
                              const float *b_hh, int64_t T, int64_t B, int64_t I, int64_t H,
                              int nthreads);
FM_API int fm_gru_forward_f64(double *y, double *gates, const double *x, const double *h0,
                              const double *w_ih, const double *w_hh, const double *b_ih,
                              const double *b_hh, int64_t T, int64_t B, int64_t I, int64_t H,
                              int nthreads);
FM_API int fm_gru_backward_f32(float *dx, float *dh0, float *dw_ih, float *dw_hh, float *db_ih,
                               float *db_hh, float *work, const float *dy, const float *dhn,
                               const float *x, const float *h0, const float *w_ih,
                               const float *w_hh, const float *y, const float *gates,
                               int64_t T, int64_t B, int64_t I, int64_t H, int nthreads);
FM_API int fm_gru_backward_f64(double *dx, double *dh0, double *dw_ih, double *dw_hh,
                               double *db_ih, double *db_hh, double *work, const double *dy,
                               const double *dhn, const double *x, const double *h0,
                               const double *w_ih, const double *w_hh, const double *y,
                               const double *gates, int64_t T, int64_t B, int64_t I,
                               int64_t H, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_RECURRENT_H */
