/* gemm.h -- fastml's own float32 GEMM engine (gemm.c, gemm_simd.c): its one public
 * entry point. The engine's tables, packing and per-thread buffers, which the
 * fused users (conv2d, knn) share, are internal: gemm_impl.h. */
#ifndef FASTML_GEMM_H
#define FASTML_GEMM_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* fm_gemm_f32 semantics on the own kernels, threaded over fastml's OpenMP team. */
FM_API int fm_sgemm_own(int transa, int transb, int64_t M, int64_t N, int64_t K, float alpha,
                        const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                        float *C, int64_t ldc, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_GEMM_H */
