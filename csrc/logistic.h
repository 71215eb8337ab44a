/* logistic.h -- the binary logistic-regression objective, fused into one read
 * of X: the family's public C API (csrc/logistic.c, logistic_simd.c). */
#ifndef FASTML_LOGISTIC_H
#define FASTML_LOGISTIC_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X (n, p) C-contiguous; ypm[i] = +1 / -1 (the label), sn[i] >= 0 (sample
 * weights), w (p), intercept b. With z_i = X_i . w + b and t_i = ypm_i z_i:
 *   out[0]      = sum_i sn_i log(1 + exp(-t_i))
 *   out[1 + j]  = sum_i d_i X_ij,   d_i = -ypm_i sn_i sigmoid(-t_i)
 *   out[1 + p]  = sum_i d_i
 *   curv[i]     = sn_i q_i (1 - q_i), q_i = sigmoid(-t_i)   (curv may be NULL)
 * Everything is computed in float64 (float32 X is widened on load). Rows are
 * cut into blocks fixed by (n, p); each block sums its rows in order and the
 * blocks are added in order, so results do not depend on nthreads (the most
 * threads to use). Returns FM_EINVAL for n < 0 or p < 1, FM_ENOMEM. */
FM_API int fm_logistic_binary_f32(double *out, double *curv, const float *X, const double *ypm,
                                  const double *sn, const double *w, double b, int64_t n,
                                  int64_t p, int nthreads);
FM_API int fm_logistic_binary_f64(double *out, double *curv, const double *X, const double *ypm,
                                  const double *sn, const double *w, double b, int64_t n,
                                  int64_t p, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_LOGISTIC_H */
