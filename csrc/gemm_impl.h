/* gemm_impl.h -- internal: the GEMM engine's function table, packing callbacks
 * and buffers (family.h pattern). Used by gemm.c / gemm_simd.c and by the fused
 * kernels that run on the engine's packed operands (conv2d, knn); not part of
 * the public API. */
#ifndef FASTML_GEMM_IMPL_H
#define FASTML_GEMM_IMPL_H

#include "family.h"
#include "gemm.h"

/* ---- own float32 GEMM (gemm.c, gemm_simd.c) ------------------------------ */
/* Packed-panel SGEMM with a register-blocked micro-kernel per ISA level (see
 * gemm_simd.c for the layouts, gemm_tile.h for the tile). B is packed through a
 * callback so callers can pack from any source (convolution packs straight
 * from the image). */
typedef struct {
    const float *b;
    int64_t rs, cs; /* element (k, j) at b[k*rs + j*cs] */
} fm_sgemm_bmat;
typedef void (*fm_sgemm_packb_fn)(float *bp, const void *ctx, int64_t k0, int64_t kc, int64_t j0,
                                  int64_t nc);
/* The family's function table (family.h): one const instance per ISA level at
 * the end of gemm_simd.c (fm_gemm_impl_baseline, _avx2, _avx512), sizes
 * included; fm_gemm_select() in gemm.c picks one. */
typedef struct {
    int mr, nr, vl; /* micro-tile rows, columns; vector length in floats */
    int64_t buf_floats; /* floats of B-block buffer fm_sgemm_run needs */
    void (*pack_a)(float *ap, const float *a, int64_t rs, int64_t cs, int64_t M, int64_t K,
                   float alpha);
    fm_sgemm_packb_fn pack_b_strided; /* ctx: fm_sgemm_bmat */
    /* C[:, n0:n1] = packedA @ B[:, n0:n1] + beta C (one thread) */
    void (*run)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                fm_sgemm_packb_fn packb, const void *bctx, float *bbuf, float *C, int64_t ldc,
                float beta, const float *bias);
    /* B packed once for many products: pack_b_all packs columns [j0, j1) of all K
     * (Np = N rounded up to nr floats per k; block at k0 starts at bp + k0*Np);
     * run_packed is run() on it with C pointing at column n0. */
    void (*pack_b_all)(float *bp, fm_sgemm_packb_fn packb, const void *bctx, int64_t K,
                       int64_t N, int64_t j0, int64_t j1);
    void (*run_packed)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                       const float *bp, int64_t N, float *C, int64_t ldc, float beta);
    /* K block size: B packed by pack_b_all with K <= kc is one block (kNN's
     * filtered kernel, knn_simd.c, relies on it). */
    int kc;
} fm_sgemm_impl;
typedef fm_sgemm_impl fm_gemm_impl;
/* The table selected for the current CPU level. */
FM_API const fm_sgemm_impl *fm_sgemm_get(void);
/* Floats of packed A for an M x K operand at the current level. */
FM_API int64_t fm_sgemm_packed_a_floats(int64_t M, int64_t K);
/* This thread's B-block buffer (kept between calls; NULL if out of memory). */
FM_API float *fm_sgemm_thread_buf(void);
#endif /* FASTML_GEMM_IMPL_H */
