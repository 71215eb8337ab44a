/* gemm.c -- dispatch and the threaded driver of fastml's own float32 GEMM.
 *
 * The kernels (gemm_simd.c) are built at every ISA level, each level's table
 * (sizes and kernels) at the end of that file; fm_gemm_select() picks one once
 * and fm_sgemm_get() returns it. fm_sgemm_own() packs op(A) once,
 * then splits the columns of C (or, when C is narrow, the row panels) over
 * fastml's OpenMP team; every C element sums its products in the same order
 * whatever the split, so results do not depend on the thread count.
 */
#include <pthread.h>
#include <stdlib.h>

#include "family.h"
#include "gemm_impl.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

FM_FAMILY_IMPLS(gemm)
static const fm_gemm_impl *sel = &fm_gemm_impl_baseline; /* the table in use */

void fm_gemm_select(int level) { sel = FM_FAMILY_PICK(gemm, level); }

FM_API const fm_sgemm_impl *fm_sgemm_get(void) { return sel; }

FM_API int64_t fm_sgemm_packed_a_floats(int64_t M, int64_t K) {
    const fm_sgemm_impl *im = fm_sgemm_get();
    return (M + im->mr - 1) / im->mr * im->mr * K;
}

/* One B-block buffer per thread, sized for the largest level, kept for the
 * thread's lifetime (freed at thread exit): a fresh 1 MB malloc per call is an
 * mmap plus page faults every time. */
static pthread_key_t buf_key;
static pthread_once_t buf_once = PTHREAD_ONCE_INIT;

static void make_key(void) { pthread_key_create(&buf_key, free); }

FM_API float *fm_sgemm_thread_buf(void) {
    pthread_once(&buf_once, make_key);
    float *buf = (float *)pthread_getspecific(buf_key);
    if (!buf) {
        int64_t n = 0;
        for (int lv = FM_LEVEL_BASELINE; lv <= FM_LEVEL_AVX512; lv++) {
            const fm_gemm_impl *t = FM_FAMILY_PICK(gemm, lv);
            if (t->buf_floats > n) n = t->buf_floats;
        }
        buf = (float *)malloc((size_t)n * sizeof(float));
        if (buf && pthread_setspecific(buf_key, buf) != 0) {
            free(buf);
            buf = NULL;
        }
    }
    return buf;
}

FM_API int fm_sgemm_own(int transa, int transb, int64_t M, int64_t N, int64_t K, float alpha,
                        const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                        float *C, int64_t ldc, int nthreads) {
    if (M <= 0 || N <= 0) return FM_OK;
    const fm_sgemm_impl *im = fm_sgemm_get();
    if (K <= 0 || alpha == 0.0f) { /* C = beta C */
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                float *c = C + i * ldc + j;
                *c = beta == 0.0f ? 0.0f : beta * *c;
            }
        return FM_OK;
    }
    float *ap = (float *)malloc((size_t)fm_sgemm_packed_a_floats(M, K) * sizeof(float));
    if (!ap) return FM_ENOMEM;
    const int64_t panels = (M + im->mr - 1) / im->mr;
    const fm_sgemm_bmat bm = {B, transb ? 1 : ldb, transb ? ldb : 1};
    int nt = fm_team_size(nthreads, (double)M * (double)N * (double)K / 4.0);
    /* split columns in NR multiples when C is wide enough, else row panels */
    const int64_t ncol_units = (N + im->nr - 1) / im->nr;
    const int by_cols = ncol_units >= 2 * (int64_t)nt || ncol_units >= panels;
    const int64_t units = by_cols ? ncol_units : panels;
    if (nt > units) nt = (int)units;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        int t = 0, T = 1;
#if FASTML_HAVE_OPENMP
        t = omp_get_thread_num();
        T = omp_get_num_threads();
#endif
        /* pack A: row panels split over the team */
        const int64_t pa0 = panels * t / T, pa1 = panels * (t + 1) / T;
        const int64_t r0 = pa0 * im->mr, r1 = pa1 * im->mr < M ? pa1 * im->mr : M;
        if (r1 > r0)
            im->pack_a(ap + r0 * K, transa ? A + r0 : A + r0 * lda, transa ? 1 : lda,
                       transa ? lda : 1, r1 - r0, K, alpha);
#pragma omp barrier
        float *buf = fm_sgemm_thread_buf();
        const int64_t u0 = units * t / T, u1 = units * (t + 1) / T;
        if (!buf) {
#pragma omp atomic write
            st = FM_ENOMEM;
        } else if (u1 > u0) {
            if (by_cols) {
                const int64_t n0 = u0 * im->nr, n1 = u1 * im->nr < N ? u1 * im->nr : N;
                im->run(M, n0, n1, K, ap, im->pack_b_strided, &bm, buf, C, ldc, beta, NULL);
            } else {
                const int64_t m0 = u0 * im->mr, m1 = u1 * im->mr < M ? u1 * im->mr : M;
                im->run(m1 - m0, 0, N, K, ap + m0 * K, im->pack_b_strided, &bm, buf,
                        C + m0 * ldc, ldc, beta, NULL);
            }
        }
    }
    free(ap);
    return st;
}
