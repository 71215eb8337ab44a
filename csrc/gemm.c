/* gemm.c -- dispatch and the threaded driver of fastml's own float32 GEMM.
 *
 * The kernels (gemm_simd.c) are built at every ISA level; fm_sgemm_get()
 * returns the table for the current level. fm_sgemm_own() packs op(A) once,
 * then splits the columns of C (or, when C is narrow, the row panels) over
 * fastml's OpenMP team; every C element sums its products in the same order
 * whatever the split, so results do not depend on the thread count.
 */
#include <pthread.h>
#include <stdlib.h>

#include "gemm.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

#define DECLARE_GEMM(ISA)                                                                      \
    int fm_sgemm_mr_##ISA(void);                                                               \
    int fm_sgemm_nr_##ISA(void);                                                               \
    int64_t fm_sgemm_buf_floats_##ISA(void);                                                   \
    void fm_sgemm_pack_a_##ISA(float *ap, const float *a, int64_t rs, int64_t cs, int64_t M,   \
                               int64_t K, float alpha);                                        \
    void fm_sgemm_pack_b_strided_##ISA(float *bp, const void *ctx, int64_t k0, int64_t kc,     \
                                       int64_t j0, int64_t nc);                                \
    void fm_sgemm_run_##ISA(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,     \
                            fm_sgemm_packb_fn packb, const void *bctx, float *bbuf, float *C,  \
                            int64_t ldc, float beta, const float *bias);                       \
    void fm_sgemm_direct_##ISA(int64_t M, int64_t N, int64_t K, const float *ap,               \
                               const float *base, const int64_t *off, float *C, int64_t ldc,   \
                               const float *bias);                                             \
    void fm_sgemm_dot_##ISA(int64_t M, int64_t N, int64_t L, int64_t nimg, const float *A,     \
                            int64_t lda, int64_t astr, const float *base, int64_t bstr,        \
                            const int64_t *off, float *C, int64_t ldc, float beta);            \
    void fm_sgemm_pack_b_all_##ISA(float *bp, fm_sgemm_packb_fn packb, const void *bctx,       \
                                   int64_t K, int64_t N, int64_t j0, int64_t j1);              \
    void fm_sgemm_run_packed_##ISA(int64_t M, int64_t n0, int64_t n1, int64_t K,               \
                                   const float *ap, const float *bp, int64_t N, float *C,      \
                                   int64_t ldc, float beta);                                   \
    int fm_sgemm_nmr_##ISA(void);                                                              \
    void fm_sgemm_direct_narrow_##ISA(int64_t M, int64_t N, int64_t K, const float *a,         \
                                      int64_t lda, const float *base, const int64_t *off,      \
                                      float *C, int64_t ldc, const float *bias);                \
    int fm_sgemm_kc_##ISA(void);
#define IMPL(ISA)                                                                              \
    {0, 0, 0, 0, fm_sgemm_pack_a_##ISA, fm_sgemm_pack_b_strided_##ISA, fm_sgemm_run_##ISA,    \
     fm_sgemm_direct_##ISA, fm_sgemm_dot_##ISA, fm_sgemm_pack_b_all_##ISA,                    \
     fm_sgemm_run_packed_##ISA, 0, fm_sgemm_direct_narrow_##ISA, 0}

DECLARE_GEMM(baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_GEMM(avx2)
DECLARE_GEMM(avx512)
static fm_sgemm_impl impls[3] = {IMPL(baseline), IMPL(avx2), IMPL(avx512)};
#else
static fm_sgemm_impl impls[1] = {IMPL(baseline)};
#endif

static pthread_once_t sizes_once = PTHREAD_ONCE_INIT;

static void fill_sizes(void) {
    impls[0].mr = fm_sgemm_mr_baseline();
    impls[0].nr = fm_sgemm_nr_baseline();
    impls[0].vl = impls[0].nr / 2;
    impls[0].nmr = fm_sgemm_nmr_baseline();
    impls[0].kc = fm_sgemm_kc_baseline();
    impls[0].buf_floats = fm_sgemm_buf_floats_baseline();
#ifdef FM_HAVE_X86_ISA
    impls[1].mr = fm_sgemm_mr_avx2();
    impls[1].nr = fm_sgemm_nr_avx2();
    impls[1].vl = impls[1].nr / 2;
    impls[1].nmr = fm_sgemm_nmr_avx2();
    impls[1].kc = fm_sgemm_kc_avx2();
    impls[1].buf_floats = fm_sgemm_buf_floats_avx2();
    impls[2].mr = fm_sgemm_mr_avx512();
    impls[2].nr = fm_sgemm_nr_avx512();
    impls[2].vl = impls[2].nr / 2;
    impls[2].nmr = fm_sgemm_nmr_avx512();
    impls[2].kc = fm_sgemm_kc_avx512();
    impls[2].buf_floats = fm_sgemm_buf_floats_avx512();
#endif
}

FM_API const fm_sgemm_impl *fm_sgemm_get(void) {
    pthread_once(&sizes_once, fill_sizes); /* callers on several threads see it complete */
#ifdef FM_HAVE_X86_ISA
    const int lv = fm_family_level(FM_FAM_GEMM);
    return &impls[lv == FM_LEVEL_AVX512 ? 2 : lv == FM_LEVEL_AVX2 ? 1 : 0];
#else
    return &impls[0];
#endif
}

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
        pthread_once(&sizes_once, fill_sizes);
        int64_t n = 0;
        for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++)
            if (impls[i].buf_floats > n) n = impls[i].buf_floats;
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
