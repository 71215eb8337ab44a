/* gram.h -- shifted Gram matrices of tall data: the gram family's public C API. */
#ifndef FASTML_GRAM_H
#define FASTML_GRAM_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- shifted Gram (gram.c, gram_simd.c) ----------------------------------
 * For rows i < n, z_i = [x_i - shift[:p], y_i - shift[p:p+k], 1] (m = p + k + 1
 * values, in float64 whatever X's type) and
 *
 *     S = sum_i w_i z_i z_i^T        (m x m, row-major, both triangles written)
 *
 * X (n, p) with row stride ldx (elements, >= p); Y (n, k) C-contiguous float64
 * or NULL when k = 0; w (n) float64 or NULL for unit weights; shift (p + k).
 * S[:p, :p] is the shifted scatter matrix, S[:p, p:p+k] the cross products,
 * S[:, m-1] the weighted sums of z and S[m-1, m-1] the weight total: the
 * caller centres exactly with the (small) difference between the mean and the
 * shift. Sums run in FM_GRAM_LANES fixed row ranges added in order, so the
 * result does not depend on nthreads. One pass over X; m <= FM_GRAM_MAX_M.
 * From m = FM_GRAM_SYRK_MIN_M on, S comes from a packed SYRK instead (one
 * triangle by a register-blocked micro-kernel, columns of S split over the
 * threads, rows summed in blocks in order): X is then read about twice per
 * thread, and the result still does not depend on nthreads.
 * Returns FM_OK, FM_EINVAL (m too large) or FM_ENOMEM. */
#define FM_GRAM_LANES 8
#define FM_GRAM_MAX_M 8192
#define FM_GRAM_SYRK_MIN_M 256
#define FM_GRAM_SYRK_MAX_TEAM 256
FM_API int fm_gram_shifted_f32(double *S, const float *X, int64_t ldx, const double *Y, int64_t k,
                               const double *w, const double *shift, int64_t n, int64_t p,
                               int nthreads);
FM_API int fm_gram_shifted_f64(double *S, const double *X, int64_t ldx, const double *Y,
                               int64_t k, const double *w, const double *shift, int64_t n,
                               int64_t p, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_GRAM_H */
