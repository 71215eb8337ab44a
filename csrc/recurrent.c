/* recurrent.c -- LSTM and vanilla RNN over whole sequences: forward and BPTT.
 *
 * One layer, one direction; time-major rows: row t*B + b holds step t of
 * sequence b. Shapes (T steps, B batch, I inputs, H hidden):
 *   x (T*B, I), w_ih (G*H, I), w_hh (G*H, H), bias (G*H) = b_ih + b_hh or NULL,
 *   h0, c0 (B, H), y (T*B, H) the hidden states h_1..h_T,
 * with G = 4 gates (i, f, g, o; PyTorch order) for the LSTM and G = 1 for RNN.
 *
 * Forward: one GEMM projects the whole input sequence (x w_ih^T), then each
 * step adds h_{t-1} w_hh^T with a (B x GH x H) GEMM and runs the fused
 * element-wise cell kernel (recurrent_simd.c). The LSTM keeps the activated
 * gates (T*B, 4H) and cell states (T*B, H) for the backward pass.
 *
 * Backward (BPTT): per step the element-wise kernel turns dh, dc into the
 * pre-activation gradients dG_t, and one GEMM carries dh to step t-1
 * (dh_{t-1} = dy_{t-1} + dG_t w_hh). The weight gradients then come from a
 * few big GEMMs over the whole sequence (dw_ih = dG^T x, dw_hh = dG^T h_prev,
 * dx = dG w_ih); the bias gradient is a column sum in a fixed order.
 * Gradients are written (not accumulated). Every reduction has a fixed order,
 * so results do not depend on the thread count.
 *
 * The per-step products (B x GH x H) are small: through BLAS each call pays
 * its thread wake-up and dispatch, which measured 5-50x the arithmetic on 2
 * cores (worse under load). They run in a register-tiled kernel
 * (recurrent_simd.c, fm_rnn_gemm_acc) instead while the recurrent weight fits
 * comfortably in cache (SMALL_W elements); larger cells go back to BLAS.
 */
#include <stdlib.h>
#include <string.h>

#include "fastml.h"

#ifdef FM_HAVE_X86_ISA
#define IF_X86(...) __VA_ARGS__
#else
#define IF_X86(...)
#endif

#define DECLARE_CELLS(SUF, T, ISA)                                                            \
    void fm_lstm_cell_fwd_##SUF##_##ISA(T *, T *, T *, int64_t, const T *, const T *, int64_t, \
                                        int64_t);                                             \
    void fm_lstm_cell_bwd_##SUF##_##ISA(T *, T *, const T *, const T *, const T *, const T *,  \
                                        int64_t, int64_t);                                    \
    void fm_rnn_act_fwd_##SUF##_##ISA(T *, const T *, int64_t, int64_t, int);                 \
    void fm_rnn_act_bwd_##SUF##_##ISA(T *, const T *, const T *, int64_t, int64_t, int);     \
    void fm_rnn_gemm_acc_##SUF##_##ISA(T *, int64_t, const T *, int64_t, const T *, int64_t,  \
                                       int64_t, int64_t, int64_t);
DECLARE_CELLS(f32, float, baseline)
DECLARE_CELLS(f64, double, baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_CELLS(f32, float, avx2)
DECLARE_CELLS(f64, double, avx2)
DECLARE_CELLS(f32, float, avx512)
DECLARE_CELLS(f64, double, avx512)
#endif

#define SMALL_W ((int64_t)1 << 20)

#define PICK(NAME, SUF)                                                                       \
    switch (fm_family_level(FM_FAM_RECURRENT)) {                                              \
    IF_X86(case FM_LEVEL_AVX512: NAME = NAME##_##SUF##_avx512; break;                         \
           case FM_LEVEL_AVX2: NAME = NAME##_##SUF##_avx2; break;)                            \
    default: NAME = NAME##_##SUF##_baseline; break;                                           \
    }

#define DEFINE_RECURRENT(SUF, T)                                                               \
    /* C[M, N] (+)= A[M, K] op(W): op(W) = W^T for W (N, K) when wt is NULL (BLAS),  \
     * or the pre-transposed wt (K, N) for the small kernel. beta is 0 or 1. */          \
    static int step_gemm_##SUF(T *C, const T *A, const T *W, const T *wt, int transw,      \
                               int64_t M, int64_t N, int64_t K, T beta) {                  \
        if (wt) {                                                                          \
            void (*fm_rnn_gemm_acc)(T *, int64_t, const T *, int64_t, const T *, int64_t,  \
                                    int64_t, int64_t, int64_t);                            \
            PICK(fm_rnn_gemm_acc, SUF)                                                     \
            if (beta == 0) memset(C, 0, (size_t)(M * N) * sizeof(T));                      \
            fm_rnn_gemm_acc(C, N, A, K, wt, N, M, N, K);                                   \
            return FM_OK;                                                                  \
        }                                                                                  \
        return fm_gemm_##SUF(0, transw, M, N, K, 1, A, K, W, transw ? K : N, beta, C, N);  \
    }                                                                                      \
                                                                                           \
    /* w (R, Cc) -> malloc'd w^T (Cc, R). */                                               \
    static T *transpose_##SUF(const T *w, int64_t R, int64_t Cc) {                         \
        T *t = malloc((size_t)(R * Cc) * sizeof(T));                                       \
        if (t)                                                                             \
            for (int64_t r = 0; r < R; r++)                                                \
                for (int64_t c = 0; c < Cc; c++) t[c * R + r] = w[r * Cc + c];             \
        return t;                                                                          \
    }                                                                                      \
                                                                                           \
    /* out[j] = sum_r a[r, j] over rows in order (a: rows x n). */                             \
    static void colsum_##SUF(T *out, const T *a, int64_t rows, int64_t n) {                    \
        memset(out, 0, (size_t)n * sizeof(T));                                                 \
        for (int64_t r = 0; r < rows; r++)                                                     \
            for (int64_t j = 0; j < n; j++) out[j] += a[r * n + j];                            \
    }                                                                                          \
                                                                                               \
    /* Weight, bias and input gradients from dG (T*B, GH); see the header note. */             \
    static int weight_grads_##SUF(T *dx, T *dw_ih, T *dw_hh, T *dbias, const T *dG,            \
                                  const T *x, const T *h0, const T *y, const T *w_ih,          \
                                  int64_t Tn, int64_t B, int64_t I, int64_t H, int64_t GH) {   \
        int st = fm_gemm_##SUF(1, 0, GH, I, Tn * B, 1, dG, GH, x, I, 0, dw_ih, I);             \
        if (st) return st;                                                                     \
        st = fm_gemm_##SUF(1, 0, GH, H, B, 1, dG, GH, h0, H, 0, dw_hh, H);                     \
        if (st) return st;                                                                     \
        if (Tn > 1) {                                                                          \
            st = fm_gemm_##SUF(1, 0, GH, H, (Tn - 1) * B, 1, dG + B * GH, GH, y, H, 1, dw_hh,  \
                               H);                                                             \
            if (st) return st;                                                                 \
        }                                                                                      \
        if (dbias) colsum_##SUF(dbias, dG, Tn * B, GH);                                        \
        if (dx) st = fm_gemm_##SUF(0, 0, Tn * B, I, GH, 1, dG, GH, w_ih, I, 0, dx, I);         \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    FM_API int fm_lstm_forward_##SUF(T *y, T *c_all, T *gates, const T *x, const T *h0,        \
                                     const T *c0, const T *w_ih, const T *w_hh,                \
                                     const T *bias, int64_t Tn, int64_t B, int64_t I,          \
                                     int64_t H) {                                              \
        void (*fm_lstm_cell_fwd)(T *, T *, T *, int64_t, const T *, const T *, int64_t,        \
                                 int64_t);                                                     \
        PICK(fm_lstm_cell_fwd, SUF)                                                            \
        const int64_t GH = 4 * H;                                                              \
        T *whT = NULL;                                                                         \
        if (GH * H <= SMALL_W && !(whT = transpose_##SUF(w_hh, GH, H))) return FM_ENOMEM;      \
        int st = fm_gemm_##SUF(0, 1, Tn * B, GH, I, 1, x, I, w_ih, I, 0, gates, GH);           \
        for (int64_t t = 0; t < Tn && !st; t++) {                                              \
            T *g = gates + t * B * GH;                                                         \
            const T *hp = t ? y + (t - 1) * B * H : h0;                                        \
            const T *cp = t ? c_all + (t - 1) * B * H : c0;                                    \
            st = step_gemm_##SUF(g, hp, w_hh, whT, 1, B, GH, H, 1);                            \
            if (!st) fm_lstm_cell_fwd(g, c_all + t * B * H, y + t * B * H, H, cp, bias, B, H); \
        }                                                                                      \
        free(whT);                                                                             \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    FM_API int fm_lstm_backward_##SUF(T *dx, T *dh0, T *dc0, T *dw_ih, T *dw_hh, T *dbias,     \
                                      const T *dy, const T *dhn, const T *dcn, const T *x,     \
                                      const T *h0, const T *c0, const T *w_ih, const T *w_hh,  \
                                      const T *y, const T *c_all, const T *gates, int64_t Tn,  \
                                      int64_t B, int64_t I, int64_t H) {                       \
        void (*fm_lstm_cell_bwd)(T *, T *, const T *, const T *, const T *, const T *,         \
                                 int64_t, int64_t);                                            \
        PICK(fm_lstm_cell_bwd, SUF)                                                            \
        const int64_t GH = 4 * H, BH = B * H;                                                  \
        const T *wsm = GH * H <= SMALL_W ? w_hh : NULL; /* (GH, H) is already (K, N) */        \
        T *dG = malloc((size_t)(Tn * B * GH) * sizeof(T));                                     \
        T *dh = malloc((size_t)BH * sizeof(T));                                                \
        if (!dG || !dh) {                                                                      \
            free(dG);                                                                          \
            free(dh);                                                                          \
            return FM_ENOMEM;                                                                  \
        }                                                                                      \
        int st = FM_OK;                                                                        \
        /* dc0 doubles as the running dL/dc buffer. */                                         \
        for (int64_t k = 0; k < BH; k++) {                                                     \
            dh[k] = dy[(Tn - 1) * BH + k] + (dhn ? dhn[k] : 0);                                \
            dc0[k] = dcn ? dcn[k] : 0;                                                         \
        }                                                                                      \
        for (int64_t t = Tn - 1; t >= 0; t--) {                                                \
            T *dg = dG + t * B * GH;                                                           \
            const T *cp = t ? c_all + (t - 1) * BH : c0;                                       \
            fm_lstm_cell_bwd(dg, dc0, dh, gates + t * B * GH, c_all + t * BH, cp, B, H);       \
            if (t) {                                                                           \
                memcpy(dh, dy + (t - 1) * BH, (size_t)BH * sizeof(T));                         \
                st = step_gemm_##SUF(dh, dg, w_hh, wsm, 0, B, H, GH, 1);                       \
            } else {                                                                           \
                st = step_gemm_##SUF(dh0, dg, w_hh, wsm, 0, B, H, GH, 0);                      \
            }                                                                                  \
            if (st) break;                                                                     \
        }                                                                                      \
        if (!st)                                                                               \
            st = weight_grads_##SUF(dx, dw_ih, dw_hh, dbias, dG, x, h0, y, w_ih, Tn, B, I, H,  \
                                    GH);                                                       \
        free(dG);                                                                              \
        free(dh);                                                                              \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    FM_API int fm_rnn_forward_##SUF(T *y, const T *x, const T *h0, const T *w_ih,              \
                                    const T *w_hh, const T *bias, int64_t Tn, int64_t B,       \
                                    int64_t I, int64_t H, int relu) {                          \
        void (*fm_rnn_act_fwd)(T *, const T *, int64_t, int64_t, int);                         \
        PICK(fm_rnn_act_fwd, SUF)                                                              \
        T *whT = NULL;                                                                         \
        if (H * H <= SMALL_W && !(whT = transpose_##SUF(w_hh, H, H))) return FM_ENOMEM;        \
        int st = fm_gemm_##SUF(0, 1, Tn * B, H, I, 1, x, I, w_ih, I, 0, y, H);                 \
        for (int64_t t = 0; t < Tn && !st; t++) {                                              \
            T *yt = y + t * B * H;                                                             \
            const T *hp = t ? yt - B * H : h0;                                                 \
            st = step_gemm_##SUF(yt, hp, w_hh, whT, 1, B, H, H, 1);                            \
            if (!st) fm_rnn_act_fwd(yt, bias, B, H, relu);                                     \
        }                                                                                      \
        free(whT);                                                                             \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    FM_API int fm_rnn_backward_##SUF(T *dx, T *dh0, T *dw_ih, T *dw_hh, T *dbias, const T *dy, \
                                     const T *dhn, const T *x, const T *h0, const T *w_ih,     \
                                     const T *w_hh, const T *y, int64_t Tn, int64_t B,         \
                                     int64_t I, int64_t H, int relu) {                         \
        void (*fm_rnn_act_bwd)(T *, const T *, const T *, int64_t, int64_t, int);              \
        PICK(fm_rnn_act_bwd, SUF)                                                              \
        const int64_t BH = B * H;                                                              \
        T *dG = malloc((size_t)(Tn * BH) * sizeof(T));                                         \
        if (!dG) return FM_ENOMEM;                                                             \
        int st = FM_OK;                                                                        \
        /* dh0 doubles as the running dL/dh buffer. */                                         \
        for (int64_t k = 0; k < BH; k++) dh0[k] = dy[(Tn - 1) * BH + k] + (dhn ? dhn[k] : 0);  \
        for (int64_t t = Tn - 1; t >= 0; t--) {                                                \
            T *dg = dG + t * BH;                                                               \
            fm_rnn_act_bwd(dg, dh0, y + t * BH, B, H, relu);                                   \
            if (t) memcpy(dh0, dy + (t - 1) * BH, (size_t)BH * sizeof(T));                     \
            st = step_gemm_##SUF(dh0, dg, w_hh, H * H <= SMALL_W ? w_hh : NULL, 0, B, H, H,    \
                                 t ? 1 : 0);                                                   \
            if (st) break;                                                                     \
        }                                                                                      \
        if (!st)                                                                               \
            st = weight_grads_##SUF(dx, dw_ih, dw_hh, dbias, dG, x, h0, y, w_ih, Tn, B, I, H,  \
                                    H);                                                        \
        free(dG);                                                                              \
        return st;                                                                             \
    }

DEFINE_RECURRENT(f32, float)
DEFINE_RECURRENT(f64, double)
