/* activation_isa.h -- private: the ISA variants of the activation_simd.c and
 * loss_simd.c range kernels (one dispatch family, they share the vector math) and a picker by the activation family's dispatch level (used by
 * activation.c and loss.c). */
#ifndef FASTML_ACTIVATION_ISA_H
#define FASTML_ACTIVATION_ISA_H
#include "activation.h"

#if defined(FM_HAVE_X86_ISA)
#define FM_ACT_IF_X86(...) __VA_ARGS__
#else
#define FM_ACT_IF_X86(...)
#endif

#define FM_ACT_DECLARE(SUF, T, ISA)                                                              \
    void fm_act_fwd_##SUF##_##ISA(T *y, const T *x, int64_t n, int kind, T alpha);               \
    void fm_act_bwd_##SUF##_##ISA(T *dx, const T *dy, const T *x, const T *y, int64_t n,         \
                                  int kind, T alpha);                                            \
    void fm_softmax_rows_##SUF##_##ISA(T *y, const T *x, int64_t rows, int64_t c, int log_);     \
    void fm_softmax_bwd_rows_##SUF##_##ISA(T *dx, const T *dy, const T *y, int64_t rows,         \
                                           int64_t c, int log_);                                 \
    void fm_ce_rows_##SUF##_##ISA(T *loss, T *lse, const T *x, const int64_t *t, int64_t rows,   \
                                  int64_t c);                                                    \
    void fm_ce_bwd_rows_##SUF##_##ISA(T *dx, const T *dloss, int64_t dstride, const T *x,        \
                                      const T *lse, const int64_t *t, int64_t rows, int64_t c); \
    void fm_ce_wlogp_rows_##SUF##_##ISA(T *out, const T *x, const T *lse, const T *w,      \
                                        int64_t rows, int64_t c);                          \
    void fm_ce_bwd_ex_rows_##SUF##_##ISA(T *dx, const T *alpha, const T *beta, const T *gamma,  \
                                         const T *w, const T *x, const T *lse, const int64_t *t, \
                                         int64_t rows, int64_t c);                              \
    void fm_loss_el_##SUF##_##ISA(T *out, const T *x, const T *y, int64_t n, int kind, T prm);   \
    double fm_loss_sum_##SUF##_##ISA(const T *x, const T *y, int64_t n, int kind, T prm);        \
    void fm_loss_grad_##SUF##_##ISA(T *dx, const T *dout, int64_t dstride, const T *x,           \
                                    const T *y, int64_t n, int kind, T prm);
FM_ACT_DECLARE(f32, float, baseline)
FM_ACT_DECLARE(f64, double, baseline)
FM_ACT_IF_X86(FM_ACT_DECLARE(f32, float, avx2) FM_ACT_DECLARE(f64, double, avx2)
              FM_ACT_DECLARE(f32, float, avx512) FM_ACT_DECLARE(f64, double, avx512))

/* Rows per task for the row kernels (softmax, cross-entropy): about 8192
 * elements, a multiple of 16 rows so full SIMD row blocks (any VL) stay whole. */
static inline int64_t fm_row_block(int64_t c) {
    int64_t rb = c > 0 ? 8192 / c : 8192;
    return rb < 16 ? (rb < 1 ? 1 : rb) : rb & ~(int64_t)15;
}

/* Threads for a row kernel over rows x c elements: one below ROW_PAR_MIN
 * elements (~200 us of softmax / cross-entropy on one core, measured 1.5 ns per
 * element for 3 classes): a parallel region's wake-up and end barrier cost more
 * than the second core saves there, and on a loaded machine the barrier waits
 * for a descheduled peer (measured: a 13500 x 3 training step 4x slower). */
#define FM_ROW_PAR_MIN 131072.0
static inline int fm_row_threads(int64_t rows, int64_t c, double cost) {
    double el = (double)rows * (double)c;
    return el < FM_ROW_PAR_MIN ? 1 : fm_threads_for(cost * el);
}

/* FM_ACT_PICK(fm_ce_rows_f32) -> the variant for the current level. */
#if defined(FM_HAVE_X86_ISA)
#define FM_ACT_PICK(NAME)                                                                        \
    (fm_family_level(FM_FAM_ACTIVATION) == FM_LEVEL_AVX512 ? NAME##_avx512                       \
     : fm_family_level(FM_FAM_ACTIVATION) == FM_LEVEL_AVX2 ? NAME##_avx2                         \
                                                           : NAME##_baseline)
#else
#define FM_ACT_PICK(NAME) (NAME##_baseline)
#endif
#endif
