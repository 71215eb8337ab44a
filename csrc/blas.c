/* blas.c -- row-major GEMM on top of the Fortran BLAS that SciPy ships.
 *
 * The function pointers are handed over by fastml._kernels._runtime at import
 * (from scipy.linalg.cython_blas capsules), so fastml links no BLAS of its own.
 * Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, hence the
 * swapped operands below. Sizes above INT_MAX are split along M and N.
 */
#include <limits.h>

#include "fastml.h"

static fm_sgemm_fn fm_sgemm = 0;
static fm_dgemm_fn fm_dgemm = 0;

FM_API void fm_set_blas(fm_sgemm_fn sgemm, fm_dgemm_fn dgemm) {
    fm_sgemm = sgemm;
    fm_dgemm = dgemm;
}

FM_API int fm_have_blas(void) { return fm_sgemm != 0 && fm_dgemm != 0; }

#define FM_GEMM_CHUNK ((int64_t)1 << 30)

#define FM_DEFINE_GEMM(SUF, T, FN)                                                           \
    FM_API int fm_gemm_##SUF(int transa, int transb, int64_t M, int64_t N, int64_t K, T alpha, \
                             const T *A, int64_t lda, const T *B, int64_t ldb, T beta, T *C,   \
                             int64_t ldc) {                                                    \
        if (!FN) return FM_ENOBLAS;                                                            \
        if (M <= 0 || N <= 0) return FM_OK;                                                    \
        if (K > INT_MAX || lda > INT_MAX || ldb > INT_MAX || ldc > INT_MAX) return FM_EINVAL;  \
        const char ta = transa ? 'T' : 'N', tb = transb ? 'T' : 'N';                           \
        for (int64_t i0 = 0; i0 < M; i0 += FM_GEMM_CHUNK) {                                    \
            int m = (int)(M - i0 < FM_GEMM_CHUNK ? M - i0 : FM_GEMM_CHUNK);                    \
            const T *Ai = transa ? A + i0 : A + i0 * lda;                                      \
            for (int64_t j0 = 0; j0 < N; j0 += FM_GEMM_CHUNK) {                                \
                int n = (int)(N - j0 < FM_GEMM_CHUNK ? N - j0 : FM_GEMM_CHUNK);                \
                const T *Bj = transb ? B + j0 * ldb : B + j0;                                  \
                int k = (int)K, ia = (int)lda, ib = (int)ldb, ic = (int)ldc;                   \
                if (k == 0) { /* BLAS leaves C untouched only for beta == 1 */                 \
                    for (int64_t i = 0; i < m; i++)                                            \
                        for (int64_t j = 0; j < n; j++) {                                      \
                            T *c = C + (i0 + i) * ldc + j0 + j;                                \
                            *c = beta == 0 ? 0 : beta * *c;                                    \
                        }                                                                      \
                    continue;                                                                  \
                }                                                                              \
                FN(&tb, &ta, &n, &m, &k, &alpha, Bj, &ib, Ai, &ia, &beta,                      \
                   C + i0 * ldc + j0, &ic);                                                    \
            }                                                                                  \
        }                                                                                      \
        return FM_OK;                                                                          \
    }

FM_DEFINE_GEMM(f32, float, fm_sgemm)
FM_DEFINE_GEMM(f64, double, fm_dgemm)
