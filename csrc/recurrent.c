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

#include "recurrent.h"
#include "blas.h"

#ifdef _OPENMP
#include <omp.h>
#else
static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_get_num_threads(void) { return 1; }
#endif

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

/* Run CALL (which sees b0, R and returns a status) over batch rows split into one
 * contiguous chunk per thread. Rows are independent sequences, so each thread runs
 * the whole time loop on its chunk with no barrier per step; every element is
 * computed by the same code whatever the split, so results do not depend on the
 * thread count. Only with the small per-step kernel (SMALL != NULL): the BLAS path
 * stays serial because BLAS must not be called from our parallel regions. */
#define ROWS_PARALLEL(SMALL, WORK, NROWS, CALL)                                                \
    {                                                                                          \
        int nt_ = (SMALL) ? fm_threads_for(WORK) : 1;                                          \
        if (nt_ > (NROWS)) nt_ = (int)(NROWS);                                                 \
        if (nt_ <= 1) {                                                                        \
            const int64_t b0 = 0, R = (NROWS);                                                 \
            st = CALL;                                                                         \
        } else {                                                                               \
            _Pragma("omp parallel num_threads(nt_)")                                           \
            {                                                                                  \
                const int id_ = omp_get_thread_num(), n_ = omp_get_num_threads();              \
                const int64_t b0 = (NROWS) * id_ / n_, R = (NROWS) * (id_ + 1) / n_ - b0;      \
                if (R > 0) (void)CALL;                                                         \
            }                                                                                  \
        }                                                                                      \
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
        return fm_gemm_##SUF(0, transw, M, N, K, 1, A, K, W, transw ? K : N, beta, C, N, FM_LEGACY_NTHREADS);  \
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
        int st = fm_gemm_##SUF(1, 0, GH, I, Tn * B, 1, dG, GH, x, I, 0, dw_ih, I, FM_LEGACY_NTHREADS);             \
        if (st) return st;                                                                     \
        st = fm_gemm_##SUF(1, 0, GH, H, B, 1, dG, GH, h0, H, 0, dw_hh, H, FM_LEGACY_NTHREADS);                     \
        if (st) return st;                                                                     \
        if (Tn > 1) {                                                                          \
            st = fm_gemm_##SUF(1, 0, GH, H, (Tn - 1) * B, 1, dG + B * GH, GH, y, H, 1, dw_hh,  \
                               H, FM_LEGACY_NTHREADS);                                                             \
            if (st) return st;                                                                 \
        }                                                                                      \
        if (dbias) colsum_##SUF(dbias, dG, Tn * B, GH);                                        \
        if (dx) st = fm_gemm_##SUF(0, 0, Tn * B, I, GH, 1, dG, GH, w_ih, I, 0, dx, I, FM_LEGACY_NTHREADS);         \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    /* LSTM time loop for batch rows [b0, b0 + R) (rows are independent sequences). */   \
    static int lstm_fwd_rows_##SUF(T *y, T *c_all, T *gates, const T *h0, const T *c0,         \
                                   const T *w_hh, const T *whT, const T *bias, int64_t Tn,     \
                                   int64_t B, int64_t H, int64_t b0, int64_t R) {              \
        void (*fm_lstm_cell_fwd)(T *, T *, T *, int64_t, const T *, const T *, int64_t,        \
                                 int64_t);                                                     \
        PICK(fm_lstm_cell_fwd, SUF)                                                            \
        const int64_t GH = 4 * H;                                                              \
        for (int64_t t = 0; t < Tn; t++) {                                                     \
            T *g = gates + (t * B + b0) * GH;                                                  \
            const T *hp = t ? y + ((t - 1) * B + b0) * H : h0 + b0 * H;                        \
            const T *cp = t ? c_all + ((t - 1) * B + b0) * H : c0 + b0 * H;                    \
            int st = step_gemm_##SUF(g, hp, w_hh, whT, 1, R, GH, H, 1);                        \
            if (st) return st;                                                                 \
            fm_lstm_cell_fwd(g, c_all + (t * B + b0) * H, y + (t * B + b0) * H, H, cp, bias,   \
                             R, H);                                                            \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_lstm_forward_##SUF(T *y, T *c_all, T *gates, const T *x, const T *h0,        \
                                     const T *c0, const T *w_ih, const T *w_hh,                \
                                     const T *bias, int64_t Tn, int64_t B, int64_t I,          \
                                     int64_t H) {                                              \
        const int64_t GH = 4 * H;                                                              \
        T *whT = NULL;                                                                         \
        if (GH * H <= SMALL_W && !(whT = transpose_##SUF(w_hh, GH, H))) return FM_ENOMEM;      \
        int st = fm_gemm_##SUF(0, 1, Tn * B, GH, I, 1, x, I, w_ih, I, 0, gates, GH, FM_LEGACY_NTHREADS);           \
        if (!st) {                                                                             \
            ROWS_PARALLEL(whT, 2.0 * Tn * B * GH * H, B,                                       \
                          lstm_fwd_rows_##SUF(y, c_all, gates, h0, c0, w_hh, whT, bias, Tn,    \
                                              B, H, b0, R))                                    \
        }                                                                                      \
        free(whT);                                                                             \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    /* LSTM BPTT for batch rows [b0, b0 + R): fills dG rows, dh0/dc0 rows. */                 \
    static int lstm_bwd_rows_##SUF(T *dG, T *dh, T *dh0, T *dc0, const T *dy, const T *dhn,    \
                                   const T *dcn, const T *c0, const T *w_hh, const T *wsm,     \
                                   const T *c_all, const T *gates, int64_t Tn, int64_t B,      \
                                   int64_t H, int64_t b0, int64_t R) {                         \
        void (*fm_lstm_cell_bwd)(T *, T *, const T *, const T *, const T *, const T *,         \
                                 int64_t, int64_t);                                            \
        PICK(fm_lstm_cell_bwd, SUF)                                                            \
        const int64_t GH = 4 * H, BH = B * H, o = b0 * H;                                      \
        T *dhr = dh + o, *dcr = dc0 + o; /* dc0 doubles as the running dL/dc */                \
        for (int64_t k = 0; k < R * H; k++) {                                                  \
            dhr[k] = dy[(Tn - 1) * BH + o + k] + (dhn ? dhn[o + k] : 0);                       \
            dcr[k] = dcn ? dcn[o + k] : 0;                                                     \
        }                                                                                      \
        for (int64_t t = Tn - 1; t >= 0; t--) {                                                \
            T *dg = dG + (t * B + b0) * GH;                                                    \
            const T *cp = t ? c_all + (t - 1) * BH + o : c0 + o;                               \
            fm_lstm_cell_bwd(dg, dcr, dhr, gates + (t * B + b0) * GH, c_all + t * BH + o, cp,  \
                             R, H);                                                            \
            int st;                                                                            \
            if (t) {                                                                           \
                memcpy(dhr, dy + (t - 1) * BH + o, (size_t)(R * H) * sizeof(T));               \
                st = step_gemm_##SUF(dhr, dg, w_hh, wsm, 0, R, H, GH, 1);                      \
            } else {                                                                           \
                st = step_gemm_##SUF(dh0 + o, dg, w_hh, wsm, 0, R, H, GH, 0);                  \
            }                                                                                  \
            if (st) return st;                                                                 \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_lstm_backward_##SUF(T *dx, T *dh0, T *dc0, T *dw_ih, T *dw_hh, T *dbias,     \
                                      T *work, const T *dy, const T *dhn, const T *dcn, const T *x,     \
                                      const T *h0, const T *c0, const T *w_ih, const T *w_hh,  \
                                      const T *y, const T *c_all, const T *gates, int64_t Tn,  \
                                      int64_t B, int64_t I, int64_t H) {                       \
        const int64_t GH = 4 * H, BH = B * H;                                                  \
        const T *wsm = GH * H <= SMALL_W ? w_hh : NULL; /* (GH, H) is already (K, N) */        \
        T *dG = work ? work : malloc((size_t)(Tn * B * GH) * sizeof(T));                       \
        T *dh = malloc((size_t)BH * sizeof(T));                                                \
        if (!dG || !dh) {                                                                      \
            if (!work) free(dG);                                                               \
            free(dh);                                                                          \
            return FM_ENOMEM;                                                                  \
        }                                                                                      \
        int st = FM_OK;                                                                        \
        ROWS_PARALLEL(wsm, 2.0 * Tn * B * GH * H, B,                                           \
                      lstm_bwd_rows_##SUF(dG, dh, dh0, dc0, dy, dhn, dcn, c0, w_hh, wsm, c_all, \
                                          gates, Tn, B, H, b0, R))                             \
        if (!st)                                                                               \
            st = weight_grads_##SUF(dx, dw_ih, dw_hh, dbias, dG, x, h0, y, w_ih, Tn, B, I, H,  \
                                    GH);                                                       \
        if (!work) free(dG);                                                                   \
        free(dh);                                                                              \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    static int rnn_fwd_rows_##SUF(T *y, const T *h0, const T *w_hh, const T *whT,              \
                                  const T *bias, int64_t Tn, int64_t B, int64_t H, int relu,   \
                                  int64_t b0, int64_t R) {                                     \
        void (*fm_rnn_act_fwd)(T *, const T *, int64_t, int64_t, int);                         \
        PICK(fm_rnn_act_fwd, SUF)                                                              \
        for (int64_t t = 0; t < Tn; t++) {                                                     \
            T *yt = y + (t * B + b0) * H;                                                      \
            const T *hp = t ? yt - B * H : h0 + b0 * H;                                        \
            int st = step_gemm_##SUF(yt, hp, w_hh, whT, 1, R, H, H, 1);                        \
            if (st) return st;                                                                 \
            fm_rnn_act_fwd(yt, bias, R, H, relu);                                              \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_rnn_forward_##SUF(T *y, const T *x, const T *h0, const T *w_ih,              \
                                    const T *w_hh, const T *bias, int64_t Tn, int64_t B,       \
                                    int64_t I, int64_t H, int relu) {                          \
        T *whT = NULL;                                                                         \
        if (H * H <= SMALL_W && !(whT = transpose_##SUF(w_hh, H, H))) return FM_ENOMEM;        \
        int st = fm_gemm_##SUF(0, 1, Tn * B, H, I, 1, x, I, w_ih, I, 0, y, H, FM_LEGACY_NTHREADS);                 \
        if (!st) {                                                                             \
            ROWS_PARALLEL(whT, 2.0 * Tn * B * H * H, B,                                        \
                          rnn_fwd_rows_##SUF(y, h0, w_hh, whT, bias, Tn, B, H, relu, b0, R))   \
        }                                                                                      \
        free(whT);                                                                             \
        return st;                                                                             \
    }                                                                                          \
                                                                                               \
    static int rnn_bwd_rows_##SUF(T *dG, T *dh0, const T *dy, const T *dhn, const T *w_hh,     \
                                  const T *wsm, const T *y, int64_t Tn, int64_t B, int64_t H,  \
                                  int relu, int64_t b0, int64_t R) {                           \
        void (*fm_rnn_act_bwd)(T *, const T *, const T *, int64_t, int64_t, int);              \
        PICK(fm_rnn_act_bwd, SUF)                                                              \
        const int64_t BH = B * H, o = b0 * H;                                                  \
        T *dhr = dh0 + o; /* dh0 doubles as the running dL/dh buffer */                        \
        for (int64_t k = 0; k < R * H; k++)                                                    \
            dhr[k] = dy[(Tn - 1) * BH + o + k] + (dhn ? dhn[o + k] : 0);                       \
        for (int64_t t = Tn - 1; t >= 0; t--) {                                                \
            T *dg = dG + t * BH + o;                                                           \
            fm_rnn_act_bwd(dg, dhr, y + t * BH + o, R, H, relu);                               \
            if (t) memcpy(dhr, dy + (t - 1) * BH + o, (size_t)(R * H) * sizeof(T));            \
            int st = step_gemm_##SUF(dhr, dg, w_hh, wsm, 0, R, H, H, t ? 1 : 0);               \
            if (st) return st;                                                                 \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_rnn_backward_##SUF(T *dx, T *dh0, T *dw_ih, T *dw_hh, T *dbias, T *work,     \
                                     const T *dy,                                              \
                                     const T *dhn, const T *x, const T *h0, const T *w_ih,     \
                                     const T *w_hh, const T *y, int64_t Tn, int64_t B,         \
                                     int64_t I, int64_t H, int relu) {                         \
        const T *wsm = H * H <= SMALL_W ? w_hh : NULL;                                         \
        T *dG = work ? work : malloc((size_t)(Tn * B * H) * sizeof(T));                        \
        if (!dG) return FM_ENOMEM;                                                             \
        int st = FM_OK;                                                                        \
        ROWS_PARALLEL(wsm, 2.0 * Tn * B * H * H, B,                                            \
                      rnn_bwd_rows_##SUF(dG, dh0, dy, dhn, w_hh, wsm, y, Tn, B, H, relu, b0,   \
                                         R))                                                   \
        if (!st)                                                                               \
            st = weight_grads_##SUF(dx, dw_ih, dw_hh, dbias, dG, x, h0, y, w_ih, Tn, B, I, H,  \
                                    H);                                                        \
        if (!work) free(dG);                                                                   \
        return st;                                                                             \
    }

DEFINE_RECURRENT(f32, float)
DEFINE_RECURRENT(f64, double)
