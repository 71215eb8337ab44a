/* batchnorm_simd.c -- ISA variants of the batch norm kernels
 * (batchnorm_simd_tmpl.h); built once per level (see simd.h), picked by
 * batchnorm.c. */
#include <math.h>

#include "batchnorm_impl.h"
#include "simd.h"

/* Outputs (y, dx) of L > 1 tensors go out with streaming stores when one thread
 * runs the kernel and x, dy and the output together (3 x bytes) exceed
 * BN_STREAM_BYTES, about half of the 32 MB L3 measured here: one core's own
 * bandwidth is then the limit, and streaming saves the read-for-ownership of
 * every output line. fwd+bwd through autograd, (8,64,56,56): one thread
 * 1.2-1.5 -> 0.96 ms with them; two threads (static channel blocks) 0.42-0.58
 * ms cached vs 0.48-0.65 ms streamed, so teams keep cached stores, which also
 * leave the output in L3 for the next layer. (32,32,32,32) (12 MB) was no
 * faster with them. */
#define BN_STREAM_BYTES (16.0 * 1024 * 1024)
#define BN_STREAM_OUT(bytes, nthreads) ((nthreads) == 1 && 3.0 * (double)(bytes) > BN_STREAM_BYTES)

#if defined(FM_ISA_AVX512) || defined(FM_ISA_AVX2) || defined(__SSE2__)
#include <immintrin.h>
#if defined(FM_ISA_AVX512)
#define BN_VF32 __m512
#define BN_VF64 __m512d
#define BN_ST_PS _mm512_stream_ps
#define BN_ST_PD _mm512_stream_pd
#elif defined(FM_ISA_AVX2)
#define BN_VF32 __m256
#define BN_VF64 __m256d
#define BN_ST_PS _mm256_stream_ps
#define BN_ST_PD _mm256_stream_pd
#else
#define BN_VF32 __m128
#define BN_VF64 __m128d
#define BN_ST_PS _mm_stream_ps
#define BN_ST_PD _mm_stream_pd
#endif
/* p is FM_VBYTES-aligned */
static inline void bn_stream_f32(float *p, fm_vf32 v) { BN_ST_PS(p, (BN_VF32)v); }
static inline void bn_stream_f64(double *p, fm_vf64 v) { BN_ST_PD(p, (BN_VF64)v); }
/* streaming stores are weakly ordered: fence before the task ends */
static inline void bn_stream_fence(void) { _mm_sfence(); }
#else
static inline void bn_stream_f32(float *p, fm_vf32 v) { fm_vstore_f32(p, v); }
static inline void bn_stream_f64(double *p, fm_vf64 v) { fm_vstore_f64(p, v); }
static inline void bn_stream_fence(void) {}
#endif

#define T float
#define SUF f32
#define BN_NARROW
#include "batchnorm_simd_tmpl.h"
#undef T
#undef SUF
#undef BN_NARROW

#define T double
#define SUF f64
#include "batchnorm_simd_tmpl.h"
#undef T
#undef SUF

/* This level's table (fm_batchnorm_impl_<level>), picked by batchnorm.c. */
const fm_batchnorm_impl FM_ISA_FN(fm_batchnorm_impl) = {
    .fwd_train_f32 = FM_ISA_FN(fm_bn_fwd_train_f32),
    .fwd_train_f64 = FM_ISA_FN(fm_bn_fwd_train_f64),
    .fwd_eval_f32 = FM_ISA_FN(fm_bn_fwd_eval_f32),
    .fwd_eval_f64 = FM_ISA_FN(fm_bn_fwd_eval_f64),
    .bwd_f32 = FM_ISA_FN(fm_bn_bwd_f32),
    .bwd_f64 = FM_ISA_FN(fm_bn_bwd_f64),
};
