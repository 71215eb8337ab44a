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
 * The per-dtype wrappers are in blas_tmpl.h (included once per dtype).
 */
#include <limits.h>

#include "blas.h"

#include <pthread.h>

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

/* The registered gemm per dtype: Fortran (blas_*) or ILP64 CBLAS (cblas_*). */
static fm_sgemm_fn blas_f32 = 0;
static fm_dgemm_fn blas_f64 = 0;
static fm_cblas_sgemm64_fn cblas_f32 = 0;
static fm_cblas_dgemm64_fn cblas_f64 = 0;
static fm_blas_set_threads_local_fn fm_blas_local = 0;

FM_API void fm_set_blas(fm_sgemm_fn sgemm, fm_dgemm_fn dgemm) {
    blas_f32 = sgemm;
    blas_f64 = dgemm;
    cblas_f32 = 0;
    cblas_f64 = 0;
    fm_blas_local = 0;
}

FM_API void fm_set_cblas64(fm_cblas_sgemm64_fn sgemm, fm_cblas_dgemm64_fn dgemm,
                           fm_blas_set_threads_local_fn set_local) {
    cblas_f32 = sgemm;
    cblas_f64 = dgemm;
    fm_blas_local = set_local;
    blas_f32 = 0;
    blas_f64 = 0;
}

FM_API int fm_have_blas(void) {
    return (blas_f32 != 0 && blas_f64 != 0) || (cblas_f32 != 0 && cblas_f64 != 0);
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

#define FM_GEMM_CHUNK ((int64_t)1 << 30)
#define FM_GEMM_ROW_ALIGN 48 /* lcm of the sgemm/dgemm row unrolls: 12, 16, 24 */

#define T float
#define SUF f32
#include "blas_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "blas_tmpl.h"
#undef T
#undef SUF
