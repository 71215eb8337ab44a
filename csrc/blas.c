/* blas.c -- row-major GEMM on a borrowed BLAS (fastml links none of its own).
 *
 * Two sources, handed over by fastml._kernels._runtime on first use:
 *   - the ILP64 CBLAS of the OpenBLAS inside NumPy's wheel (row-major, 64-bit
 *     sizes). Preferred: NumPy's matmul and fastml then share one BLAS thread
 *     pool. Two OpenBLAS copies each keep worker threads spinning after a call,
 *     and on 2 cores the two pools starve each other (measured: a 32x144x1024
 *     sgemm at 4-12 ms instead of 0.1 ms when alternating with NumPy matmul).
 *     Even one pool spins for a while after each call, and fastml alternates
 *     BLAS calls with its own OpenMP regions (conv, recurrent, kNN), so with
 *     openblas_set_num_threads_local available the GEMM is instead split into
 *     row or column blocks run by fastml's OpenMP team, each block a
 *     single-threaded BLAS call (measured A/B in one process, 2 threads: LSTM
 *     T=50 B=32 H=64 fwd+bwd 6.7 -> 1.7 ms, brute-force kNN d=128 326 -> 224 ms). In the pthreads OpenBLAS that NumPy ships the
 *     "local" thread count is one process-wide variable, so it is lowered
 *     while any fastml GEMM runs and restored when the last one ends.
 *   - the Fortran LP64 gemm from SciPy's cython_blas capsules (fallback for
 *     NumPy builds without a bundled OpenBLAS). Row-major C = op(A) op(B) is
 *     column-major C^T = op(B)^T op(A)^T, hence the swapped operands; sizes
 *     above INT_MAX are split along M and N.
 */
#include <limits.h>

#include "blas.h"

#include <pthread.h>

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

static fm_sgemm_fn fm_sgemm = 0;
static fm_dgemm_fn fm_dgemm = 0;
static fm_cblas_sgemm64_fn fm_cblas_sgemm = 0;
static fm_cblas_dgemm64_fn fm_cblas_dgemm = 0;
static fm_blas_set_threads_local_fn fm_blas_local = 0;

FM_API void fm_set_blas(fm_sgemm_fn sgemm, fm_dgemm_fn dgemm) {
    fm_sgemm = sgemm;
    fm_dgemm = dgemm;
    fm_cblas_sgemm = 0;
    fm_cblas_dgemm = 0;
    fm_blas_local = 0;
}

FM_API void fm_set_cblas64(fm_cblas_sgemm64_fn sgemm, fm_cblas_dgemm64_fn dgemm,
                           fm_blas_set_threads_local_fn set_local) {
    fm_cblas_sgemm = sgemm;
    fm_cblas_dgemm = dgemm;
    fm_blas_local = set_local;
    fm_sgemm = 0;
    fm_dgemm = 0;
}

FM_API int fm_have_blas(void) {
    return (fm_sgemm != 0 && fm_dgemm != 0) || (fm_cblas_sgemm != 0 && fm_cblas_dgemm != 0);
}

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

static pthread_mutex_t blas_lock = PTHREAD_MUTEX_INITIALIZER;
static int blas_users = 0, blas_saved = 0;

static void blas_single_enter(void) {
    if (!fm_blas_local) return;
    pthread_mutex_lock(&blas_lock);
    if (blas_users++ == 0) blas_saved = fm_blas_local(1);
    pthread_mutex_unlock(&blas_lock);
}

static void blas_single_leave(void) {
    if (!fm_blas_local) return;
    pthread_mutex_lock(&blas_lock);
    if (--blas_users == 0) fm_blas_local(blas_saved);
    pthread_mutex_unlock(&blas_lock);
}

/* Blocks of the larger output dimension, one per thread, multiples of 16. */
static int gemm_threads(int64_t M, int64_t N, int64_t K, int nthreads) {
    if (!fm_blas_local) return 1;
#if FASTML_HAVE_OPENMP
    if (omp_in_parallel()) return 1;
#endif
    int nt = fm_team_size(nthreads, (double)M * (double)N * (double)K / 8.0);
    int64_t big = M > N ? M : N;
    while (nt > 1 && big < 16 * (int64_t)nt) nt--;
    return nt;
}

#define FM_DEFINE_CBLAS_SPLIT(SUF, T, CFN)                                                   \
    static void cblas_split_##SUF(int transa, int transb, int64_t M, int64_t N, int64_t K,    \
                                  T alpha, const T *A, int64_t lda, const T *B, int64_t ldb,  \
                                  T beta, T *C, int64_t ldc, int nthreads) {                  \
        const int ta = transa ? CBLAS_TRANS : CBLAS_NO_TRANS;                                  \
        const int tb = transb ? CBLAS_TRANS : CBLAS_NO_TRANS;                                  \
        const int nt = gemm_threads(M, N, K, nthreads);                                        \
        const int rows = M >= N;                                                               \
        const int64_t len = rows ? M : N;                                                      \
        const int64_t step = ((len + nt - 1) / nt + 15) / 16 * 16;                             \
        blas_single_enter();                                                                   \
        _Pragma("omp parallel for schedule(static, 1) num_threads(nt)")                        \
        for (int t = 0; t < nt; t++) {                                                         \
            const int64_t a = (int64_t)t * step;                                               \
            const int64_t b = a + step < len ? a + step : len;                                 \
            if (a < b) {                                                                       \
                if (rows)                                                                      \
                    CFN(CBLAS_ROW_MAJOR, ta, tb, b - a, N, K, alpha,                           \
                        transa ? A + a : A + a * lda, lda, B, ldb, beta, C + a * ldc, ldc);    \
                else                                                                           \
                    CFN(CBLAS_ROW_MAJOR, ta, tb, M, b - a, K, alpha, A, lda,                   \
                        transb ? B + a * ldb : B + a, ldb, beta, C + a, ldc);                  \
            }                                                                                  \
        }                                                                                      \
        blas_single_leave();                                                                   \
    }
FM_DEFINE_CBLAS_SPLIT(f32, float, fm_cblas_sgemm)
FM_DEFINE_CBLAS_SPLIT(f64, double, fm_cblas_dgemm)

#define FM_GEMM_CHUNK ((int64_t)1 << 30)

#define FM_DEFINE_GEMM(SUF, T, FN, CFN)                                                      \
    FM_API int fm_gemm_##SUF(int transa, int transb, int64_t M, int64_t N, int64_t K, T alpha, \
                             const T *A, int64_t lda, const T *B, int64_t ldb, T beta, T *C,   \
                             int64_t ldc, int nthreads) {                                      \
        if (M <= 0 || N <= 0) return FM_OK;                                                    \
        if (!CFN && !FN) return FM_ENOBLAS;                                                    \
        if (K <= 0) { /* C = beta C; not every BLAS handles k = 0 with beta != 1 */           \
            for (int64_t i = 0; i < M; i++)                                                    \
                for (int64_t j = 0; j < N; j++) {                                              \
                    T *c = C + i * ldc + j;                                                    \
                    *c = beta == 0 ? 0 : beta * *c;                                            \
                }                                                                              \
            return FM_OK;                                                                      \
        }                                                                                      \
        if (CFN) {                                                                             \
            cblas_split_##SUF(transa, transb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc,    \
                              nthreads);                                                       \
            return FM_OK;                                                                      \
        }                                                                                      \
        if (K > INT_MAX || lda > INT_MAX || ldb > INT_MAX || ldc > INT_MAX) return FM_EINVAL;  \
        const char ta = transa ? 'T' : 'N', tb = transb ? 'T' : 'N';                           \
        for (int64_t i0 = 0; i0 < M; i0 += FM_GEMM_CHUNK) {                                    \
            int m = (int)(M - i0 < FM_GEMM_CHUNK ? M - i0 : FM_GEMM_CHUNK);                    \
            const T *Ai = transa ? A + i0 : A + i0 * lda;                                      \
            for (int64_t j0 = 0; j0 < N; j0 += FM_GEMM_CHUNK) {                                \
                int n = (int)(N - j0 < FM_GEMM_CHUNK ? N - j0 : FM_GEMM_CHUNK);                \
                const T *Bj = transb ? B + j0 * ldb : B + j0;                                  \
                int k = (int)K, ia = (int)lda, ib = (int)ldb, ic = (int)ldc;                   \
                FN(&tb, &ta, &n, &m, &k, &alpha, Bj, &ib, Ai, &ia, &beta,                      \
                   C + i0 * ldc + j0, &ic);                                                    \
            }                                                                                  \
        }                                                                                      \
        return FM_OK;                                                                          \
    }

FM_DEFINE_GEMM(f32, float, fm_sgemm, fm_cblas_sgemm)
FM_DEFINE_GEMM(f64, double, fm_dgemm, fm_cblas_dgemm)
