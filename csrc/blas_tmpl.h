/* blas_tmpl.h -- fm_gemm_<SUF> on the borrowed BLAS for one dtype. Included by
 * blas.c with T (float/double) and SUF (f32/f64) defined; uses its statics
 * blas_<SUF> (Fortran gemm), cblas_<SUF> (ILP64 CBLAS), gemm_threads and the
 * blas_single_enter/leave pair. */
#define FN(name) FM_CAT(name, SUF)
#define BLAS FM_CAT(blas_, SUF)
#define CBLAS FM_CAT(cblas_, SUF)

/* One single-threaded CBLAS call per block of rows (M >= N) or columns,
 * blocks run by fastml's OpenMP team (nthreads at most). Row blocks start at
 * multiples of FM_GEMM_ROW_ALIGN: OpenBLAS computes a row the same way in any
 * call whose rows start at a multiple of its kernel's row unroll (12 or 16 on
 * x86-64 sgemm, 2..8 for dgemm), so row splits leave every value bitwise the
 * same for any thread count. Column blocks carry no such guarantee (the
 * kernel's column blocking follows the call's width): results split by
 * columns may differ in the last bits between thread counts. */
static void FN(cblas_split_)(int transa, int transb, int64_t M, int64_t N, int64_t K, T alpha,
                             const T *A, int64_t lda, const T *B, int64_t ldb, T beta, T *C,
                             int64_t ldc, int nthreads) {
    const int ta = transa ? CBLAS_TRANS : CBLAS_NO_TRANS;
    const int tb = transb ? CBLAS_TRANS : CBLAS_NO_TRANS;
    const int nt = gemm_threads(M, N, K, nthreads);
    const int rows = M >= N;
    const int64_t len = rows ? M : N;
    const int64_t al = rows ? FM_GEMM_ROW_ALIGN : 16;
    const int64_t step = ((len + nt - 1) / nt + al - 1) / al * al;
    blas_single_enter();
#pragma omp parallel for schedule(static, 1) num_threads(nt)
    for (int t = 0; t < nt; t++) {
        const int64_t a = (int64_t)t * step;
        const int64_t b = a + step < len ? a + step : len;
        if (a < b) {
            if (rows)
                CBLAS(CBLAS_ROW_MAJOR, ta, tb, b - a, N, K, alpha, transa ? A + a : A + a * lda,
                      lda, B, ldb, beta, C + a * ldc, ldc);
            else
                CBLAS(CBLAS_ROW_MAJOR, ta, tb, M, b - a, K, alpha, A, lda,
                      transb ? B + a * ldb : B + a, ldb, beta, C + a, ldc);
        }
    }
    blas_single_leave();
}

FM_API int FN(fm_gemm_)(int transa, int transb, int64_t M, int64_t N, int64_t K, T alpha,
                        const T *A, int64_t lda, const T *B, int64_t ldb, T beta, T *C,
                        int64_t ldc, int nthreads) {
    if (M <= 0 || N <= 0) return FM_OK;
    if (!CBLAS && !BLAS) return FM_ENOBLAS;
    if (K <= 0) { /* C = beta C; not every BLAS handles k = 0 with beta != 1 */
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                T *c = C + i * ldc + j;
                *c = beta == 0 ? 0 : beta * *c;
            }
        return FM_OK;
    }
    if (CBLAS) {
        FN(cblas_split_)(transa, transb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, nthreads);
        return FM_OK;
    }
    if (K > INT_MAX || lda > INT_MAX || ldb > INT_MAX || ldc > INT_MAX) return FM_EINVAL;
    const char ta = transa ? 'T' : 'N', tb = transb ? 'T' : 'N';
    for (int64_t i0 = 0; i0 < M; i0 += FM_GEMM_CHUNK) {
        int m = (int)(M - i0 < FM_GEMM_CHUNK ? M - i0 : FM_GEMM_CHUNK);
        const T *Ai = transa ? A + i0 : A + i0 * lda;
        for (int64_t j0 = 0; j0 < N; j0 += FM_GEMM_CHUNK) {
            int n = (int)(N - j0 < FM_GEMM_CHUNK ? N - j0 : FM_GEMM_CHUNK);
            const T *Bj = transb ? B + j0 * ldb : B + j0;
            int k = (int)K, ia = (int)lda, ib = (int)ldb, ic = (int)ldc;
            BLAS(&tb, &ta, &n, &m, &k, &alpha, Bj, &ib, Ai, &ia, &beta, C + i0 * ldc + j0, &ic);
        }
    }
    return FM_OK;
}

#undef FN
#undef BLAS
#undef CBLAS
