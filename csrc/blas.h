/* blas.h -- borrowed BLAS gemm (blas.c): the family's public C API. */
#ifndef FASTML_BLAS_H
#define FASTML_BLAS_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* BLAS is borrowed, never linked: fastml._kernels._runtime hands over either
 * the ILP64 CBLAS gemm of the OpenBLAS bundled with NumPy (preferred: one BLAS
 * thread pool shared with NumPy's own matmul) or, failing that, the Fortran
 * (LP64) gemm from SciPy's cython_blas. Setting one source clears the other. */
typedef void (*fm_cblas_sgemm64_fn)(int order, int ta, int tb, int64_t M, int64_t N, int64_t K,
                                    float alpha, const float *A, int64_t lda, const float *B,
                                    int64_t ldb, float beta, float *C, int64_t ldc);
typedef void (*fm_cblas_dgemm64_fn)(int order, int ta, int tb, int64_t M, int64_t N, int64_t K,
                                    double alpha, const double *A, int64_t lda, const double *B,
                                    int64_t ldb, double beta, double *C, int64_t ldc);
/* set_local: OpenBLAS's openblas_set_num_threads_local (NULL if absent). With
 * it, fm_gemm_* runs BLAS single-threaded on row/column blocks inside fastml's
 * own OpenMP team (of the caller's nthreads), so no second thread pool
 * spins against fastml's threads between kernels. */
typedef int (*fm_blas_set_threads_local_fn)(int n);
FM_API void fm_set_cblas64(fm_cblas_sgemm64_fn sgemm, fm_cblas_dgemm64_fn dgemm,
                           fm_blas_set_threads_local_fn set_local);
typedef void (*fm_sgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                            const float *, const float *, const int *, const float *, const int *,
                            const float *, float *, const int *);
typedef void (*fm_dgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                            const double *, const double *, const int *, const double *,
                            const int *, const double *, double *, const int *);
FM_API void fm_set_blas(fm_sgemm_fn sgemm, fm_dgemm_fn dgemm);
FM_API int fm_have_blas(void);
/* Row-major C[M,N] = alpha * op(A) op(B) + beta * C, op(X) = X or X^T (trans != 0).
 * A is M x K (K x M if transposed) with leading dimension lda; likewise B. */
FM_API int fm_gemm_f32(int transa, int transb, int64_t M, int64_t N, int64_t K, float alpha,
                       const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                       float *C, int64_t ldc, int nthreads);
FM_API int fm_gemm_f64(int transa, int transb, int64_t M, int64_t N, int64_t K, double alpha,
                       const double *A, int64_t lda, const double *B, int64_t ldb, double beta,
                       double *C, int64_t ldc, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_BLAS_H */
