/* gemm_tile.h -- internal: the register tile of fastml's own SGEMM at one ISA
 * level, shared by the GEMM micro-kernels (gemm_simd.c) and the fused kernels
 * that read its packed A (convolution's in-place kernels, conv2d_simd.c).
 * Include from a *_simd.c file only (after simd.h: the level is that file's).
 *
 *   VL  floats per vector; NR = 2 VL columns per micro-tile
 *   MR  rows per micro-tile (the row-panel height of packed A, see gemm_simd.c)
 *   bcast(p)  a vector of *p
 */
#ifndef FASTML_GEMM_TILE_H
#define FASTML_GEMM_TILE_H

#include "simd.h"

#define VL FM_VL_f32
#define NR (2 * VL)
#if defined(FM_ISA_AVX512)
#define MR 8 /* 16 zmm accumulators; Zen 4 retires one 512-bit FMA per cycle */
#elif defined(FM_ISA_AVX2)
#define MR 6 /* 12 ymm accumulators of 16 */
#else
#define MR 4
#endif

typedef fm_vf32 V;

/* A true broadcast from memory (fm_vset1_f32 adds to a zero vector, and a
 * generic lane loop compiles to a 256-bit broadcast plus an insert: either is
 * an extra instruction per row and k in the inner loop). */
#if defined(FM_ISA_AVX512)
#include <immintrin.h>
#define bcast(p) ((V)_mm512_set1_ps(*(p)))
#elif defined(FM_ISA_AVX2)
#include <immintrin.h>
#define bcast(p) ((V)_mm256_set1_ps(*(p)))
#else
static inline __attribute__((always_inline)) V bcast(const float *p) {
    V v;
    for (int i = 0; i < VL; i++) v[i] = *p;
    return v;
}
#endif

#endif /* FASTML_GEMM_TILE_H */
