/* recurrent.c -- LSTM, GRU and vanilla RNN over whole sequences: forward and BPTT
 * (the GRU's time loops: recurrent_gru_tmpl.h).
 *
 * One layer, one direction; time-major rows: row t*B + b holds step t of
 * sequence b. Shapes (T steps, B batch, I inputs, H hidden):
 *   x (T*B, I), w_ih (G*H, I), w_hh (G*H, H), bias (G*H) = b_ih + b_hh or NULL,
 *   h0, c0 (B, H), y (T*B, H) the hidden states h_1..h_T,
 * with G = 4 gates (i, f, g, o; PyTorch order) for the LSTM and G = 1 for RNN.
 *
 * Forward: one GEMM projects the whole input sequence (x w_ih^T), then each
 * step adds h_{t-1} w_hh^T with a (B x GH x H) GEMM and runs the fused
 * element-wise cell kernel (the selected table of recurrent_simd.c). The LSTM
 * keeps the activated gates (T*B, 4H) and cell states (T*B, H) for the
 * backward pass. The entry points and time loops are in recurrent_tmpl.h, one
 * copy per dtype.
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
 * (recurrent_simd_tmpl.h, fm_rnn_gemm_acc) instead while the recurrent weight
 * fits comfortably in cache (SMALL_W elements); larger cells go back to BLAS.
 */
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "gemm.h"
#include "recurrent_impl.h"

#ifdef _OPENMP
#include <omp.h>
#else
static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_get_num_threads(void) { return 1; }
#endif

FM_FAMILY_IMPLS(recurrent)
static const fm_recurrent_impl *KT = &fm_recurrent_impl_baseline;

void fm_recurrent_select(int level) { KT = FM_FAMILY_PICK(recurrent, level); }

#define SMALL_W ((int64_t)1 << 20)

/* The whole-sequence products (input projection, weight gradients, dx): float32
 * on fastml's own GEMM (AVX-512 kernels; T=50 B=32 I=H=128 LSTM shapes at one
 * thread: 180-240 GFLOP/s against the bundled OpenBLAS's 115), float64 on the
 * BLAS. Same row-major semantics as fm_gemm_f32 / fm_gemm_f64. */
static inline int rec_gemm_f32(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha,
                               const float *A, int64_t lda, const float *B, int64_t ldb,
                               float beta, float *C, int64_t ldc, int nthreads) {
    return fm_sgemm_own(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, nthreads);
}

static inline int rec_gemm_f64(int ta, int tb, int64_t M, int64_t N, int64_t K, double alpha,
                               const double *A, int64_t lda, const double *B, int64_t ldb,
                               double beta, double *C, int64_t ldc, int nthreads) {
    return fm_gemm_f64(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, nthreads);
}

/* Run CALL (which sees b0, R and returns a status) over batch rows split into one
 * contiguous chunk per thread. Rows are independent sequences, so each thread runs
 * the whole time loop on its chunk with no barrier per step; every element is
 * computed by the same code whatever the split, so results do not depend on the
 * thread count. Only with the small per-step kernel (SMALL != NULL): the BLAS path
 * stays serial because BLAS must not be called from our parallel regions. */
#define ROWS_PARALLEL(SMALL, WORK, NROWS, CALL)                                                \
    {                                                                                          \
        int nt_ = (SMALL) ? fm_team_size(nthreads, WORK) : 1;                                  \
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

#define T float
#define SUF f32
#include "recurrent_tmpl.h"
#include "recurrent_gru_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "recurrent_tmpl.h"
#include "recurrent_gru_tmpl.h"
#undef T
#undef SUF
