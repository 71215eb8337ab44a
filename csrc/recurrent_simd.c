/* recurrent_simd.c -- ISA-specific element-wise LSTM/RNN/GRU cell kernels (see
 * simd.h for how this file is built once per level; the kernels themselves
 * are in recurrent_simd_tmpl.h, instantiated for float and double).
 *
 * float32 uses a vectorised exp (Cephes range reduction + degree-6
 * polynomial, ~2 ulp on the clamped range) for sigmoid and the activation
 * family's rational tanh, because the libm calls would otherwise dominate the
 * per-step time of small cells.
 * float64 is for accuracy work and calls libm lane by lane.
 */
#include <math.h>

#if defined(FM_ISA_AVX512) || defined(FM_ISA_AVX2) || defined(__SSE2__)
#include <immintrin.h> /* vminps for the float tanh clamps */
#endif

#include "recurrent_impl.h"
#include "simd.h"

/* exp(x) for float lanes; x is clamped to [-87, 88] so 2^n stays a normal. */
static inline __attribute__((always_inline)) fm_vf32 vexp_f32(fm_vf32 x) {
    const fm_vf32 hi = fm_vset1_f32(88.0f), lo = fm_vset1_f32(-87.0f);
    fm_vi32 m = x > hi;
    x = (fm_vf32)((m & (fm_vi32)hi) | (~m & (fm_vi32)x));
    m = x < lo;
    x = (fm_vf32)((m & (fm_vi32)lo) | (~m & (fm_vi32)x));
    /* n = round(x / ln 2) with the 1.5 * 2^23 trick (|x / ln 2| < 2^22). */
    const fm_vf32 magic = fm_vset1_f32(12582912.0f);
    fm_vf32 n = (x * 1.44269504088896341f + magic) - magic;
    fm_vf32 r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    fm_vf32 p = fm_vset1_f32(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    fm_vi32 e = (__builtin_convertvector(n, fm_vi32) + 127) << 23;
    return p * (fm_vf32)e;
}

static inline __attribute__((always_inline)) fm_vf32 vsigmoid_f32(fm_vf32 x) {
    return 1.0f / (1.0f + vexp_f32(-x));
}

/* float tanh: the activation family's rational kernel (5 ulp relative error,
 * also near 0, where (1 - e) / (1 + e) with e = exp(-2|x|) lost up to 1e-3 to
 * cancellation): tanh_rational_f32 from activation_tanh_tmpl.h. */
#define T float
#define SUF f32
#define V fm_vf32
#define VI fm_vi32
#define F(name) FM_CAT3(name, _, SUF)
static inline __attribute__((always_inline)) V F(sel)(VI m, V a, V b) {
    return (V)(((VI)a & m) | ((VI)b & ~m));
}
#include "activation_tanh_tmpl.h"
#undef T
#undef SUF
#undef V
#undef VI
#undef F

static inline __attribute__((always_inline)) fm_vf32 vtanh_f32(fm_vf32 x) {
    return tanh_rational_f32(x);
}

static inline fm_vf64 vsigmoid_f64(fm_vf64 x) {
    fm_vf64 r;
    for (int k = 0; k < FM_VL_f64; k++) r[k] = 1.0 / (1.0 + exp(-x[k]));
    return r;
}

static inline fm_vf64 vtanh_f64(fm_vf64 x) {
    fm_vf64 r;
    for (int k = 0; k < FM_VL_f64; k++) r[k] = tanh(x[k]);
    return r;
}

#define T float
#define SUF f32
#define V fm_vf32
#define VL FM_VL_f32
#define VSIG vsigmoid_f32
#define VTANH vtanh_f32
#include "recurrent_simd_tmpl.h"
#undef T
#undef SUF
#undef V
#undef VL
#undef VSIG
#undef VTANH

#define T double
#define SUF f64
#define V fm_vf64
#define VL FM_VL_f64
#define VSIG vsigmoid_f64
#define VTANH vtanh_f64
#include "recurrent_simd_tmpl.h"
#undef T
#undef SUF
#undef V
#undef VL
#undef VSIG
#undef VTANH

/* This level's table (fm_recurrent_impl_<level>), picked by recurrent.c. */
const fm_recurrent_impl FM_ISA_FN(fm_recurrent_impl) = {
    .lstm_cell_fwd_f32 = FM_ISA_FN(fm_lstm_cell_fwd_f32),
    .lstm_cell_fwd_f64 = FM_ISA_FN(fm_lstm_cell_fwd_f64),
    .lstm_cell_bwd_f32 = FM_ISA_FN(fm_lstm_cell_bwd_f32),
    .lstm_cell_bwd_f64 = FM_ISA_FN(fm_lstm_cell_bwd_f64),
    .rnn_act_fwd_f32 = FM_ISA_FN(fm_rnn_act_fwd_f32),
    .rnn_act_fwd_f64 = FM_ISA_FN(fm_rnn_act_fwd_f64),
    .rnn_act_bwd_f32 = FM_ISA_FN(fm_rnn_act_bwd_f32),
    .rnn_act_bwd_f64 = FM_ISA_FN(fm_rnn_act_bwd_f64),
    .gru_cell_fwd_f32 = FM_ISA_FN(fm_gru_cell_fwd_f32),
    .gru_cell_fwd_f64 = FM_ISA_FN(fm_gru_cell_fwd_f64),
    .gru_cell_bwd_f32 = FM_ISA_FN(fm_gru_cell_bwd_f32),
    .gru_cell_bwd_f64 = FM_ISA_FN(fm_gru_cell_bwd_f64),
    .gemm_acc_f32 = FM_ISA_FN(fm_rnn_gemm_acc_f32),
    .gemm_acc_f64 = FM_ISA_FN(fm_rnn_gemm_acc_f64),
};
