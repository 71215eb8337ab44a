/* fastml.h -- every exported fm_* prototype, grouped by kernel family.
 *
 * Conventions (DESIGN.md):
 *   - plain C11, no Python.h; arrays are C-contiguous unless a leading
 *     dimension (ld*) is given; sizes are int64_t;
 *   - outputs first, then inputs, then sizes and options; gradients are
 *     prefixed `d`;
 *   - kernels trust their inputs (validated once at the Python edge) and
 *     return 0 on success or a negative FM_E* status;
 *   - float32 and float64 variants are generated from one template (_f32/_f64).
 */
#ifndef FASTML_H
#define FASTML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FM_BUILDING_LIB)
#define FM_API __attribute__((visibility("default")))
#else
#define FM_API
#endif

/* ---- status codes ------------------------------------------------------ */
#define FM_OK 0
#define FM_ENOMEM (-1)
#define FM_EINVAL (-2)
#define FM_ENOBLAS (-3)

/* ---- runtime: dispatch, threads, BLAS (dispatch.c, blas.c) ------------- */
/* ISA levels, lowest first. A family runs at min(fm_cpu_level(), its max). */
#define FM_LEVEL_BASELINE 0
#define FM_LEVEL_AVX2 1
#define FM_LEVEL_AVX512 2

/* SIMD kernel families; add one line here and one in dispatch.c per family. */
enum fm_family {
    FM_FAM_DISTANCE = 0,
    FM_FAM_COUNT
};

FM_API void fm_init(void);                 /* idempotent; reads FASTML_DISABLE_CPU_FEATURES */
FM_API int fm_cpu_level(void);             /* effective level after the environment mask */
FM_API int fm_cpu_level_hw(void);          /* what the CPU (and OS) support */
FM_API int fm_set_cpu_level(int level);    /* for tests: clamp to hw, returns the level set */
FM_API int fm_family_level(int family);    /* level a family dispatches to now */
FM_API int fm_family_count(void);
FM_API const char *fm_family_name(int family);
FM_API const char *fm_level_name(int level);

FM_API int fm_have_openmp(void);
FM_API int fm_get_num_threads(void);
FM_API void fm_set_num_threads(int n);     /* n <= 0 resets to the OpenMP default */
/* Threads to use for a loop doing about `work` scalar operations: 1 below a
 * threshold (parallel start-up costs more than it saves), else the setting. */
FM_API int fm_threads_for(double work);
FM_API const char *fm_compiler(void);

/* BLAS, borrowed from SciPy's cython_blas at import (Fortran ABI, LP64). */
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
                       float *C, int64_t ldc);
FM_API int fm_gemm_f64(int transa, int transb, int64_t M, int64_t N, int64_t K, double alpha,
                       const double *A, int64_t lda, const double *B, int64_t ldb, double beta,
                       double *C, int64_t ldc);

/* ---- pairwise distances (distance.c, distance_simd.c) ------------------- */
/* metric ids; minkowski takes p (>= 1, finite; p = 1, 2, inf map to the
 * dedicated metrics at the API). Hamming is the fraction of differing features. */
enum fm_metric {
    FM_METRIC_EUCLIDEAN = 0,
    FM_METRIC_SQEUCLIDEAN = 1,
    FM_METRIC_MANHATTAN = 2,
    FM_METRIC_CHEBYSHEV = 3,
    FM_METRIC_MINKOWSKI = 4,
    FM_METRIC_COSINE = 5,
    FM_METRIC_HAMMING = 6
};

/* out[n, m] = dist(X[i, :], Y[j, :]); X is n x d, Y is m x d.
 * `same` != 0 says X and Y are the same array (exact zeros on the diagonal).
 * Euclidean-type metrics use BLAS (norm expansion, cancellation-checked) when
 * d is large enough; everything else the SIMD direct kernels. */
FM_API int fm_pairwise_f32(float *out, const float *X, const float *Y, int64_t n, int64_t m,
                           int64_t d, int metric, double p, int same);
FM_API int fm_pairwise_f64(double *out, const double *X, const double *Y, int64_t n, int64_t m,
                           int64_t d, int metric, double p, int same);
/* The direct (no BLAS) kernel on its own, for every metric but cosine. */
FM_API int fm_pairwise_direct_f32(float *out, const float *X, const float *Y, int64_t n,
                                  int64_t m, int64_t d, int metric, double p);
FM_API int fm_pairwise_direct_f64(double *out, const double *X, const double *Y, int64_t n,
                                  int64_t m, int64_t d, int metric, double p);
/* Row squared norms: out[i] = sum_k X[i,k]^2. */
FM_API void fm_sqnorms_f32(float *out, const float *X, int64_t n, int64_t d);
FM_API void fm_sqnorms_f64(double *out, const double *X, int64_t n, int64_t d);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_H */
