/* gmm.h -- the fused E-step of Gaussian mixtures: the gmm family's public C API. */
#ifndef FASTML_GMM_H
#define FASTML_GMM_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- E-step rows (gmm.c, gmm_simd.c) -------------------------------------
 * For rows i < n and components j < k, with y_ij = Y[i, j*ks : j*ks + d]
 * (row stride ldy elements; ks = d when every component has its own block of
 * Y, as for full covariances where Y = X @ [P_0 .. P_k-1]; ks = 0 when the
 * components share one block, as for tied (Y = X @ P) or diagonal (Y = X)
 * covariances):
 *
 *     lp_ij = c_j - 0.5 * || y_ij * S_j - B_j ||^2      (S NULL: no scaling)
 *     lse_i = log sum_j exp(lp_ij)                       (max-shifted)
 *     resp_ij = exp(lp_ij - lse_i)
 *
 * S and B (k, d) and c (k) C-contiguous; resp (n, k) C-contiguous; lse (n).
 * c_j = log w_j + log det P_j - d/2 log(2 pi) carries the component's
 * constants (-inf for a zero weight is allowed). Rows are independent: the
 * result does not depend on nthreads. A row whose lp_ij are all -inf or NaN
 * gets lse_i = -inf and uniform resp (the caller reports it).
 * Returns FM_OK or FM_ENOMEM. */
#define FM_GMM_ROWS 256
FM_API int fm_gmm_estep_f32(float *resp, float *lse, const float *Y, int64_t ldy, int64_t ks,
                            const float *S, const float *B, const float *c, int64_t n,
                            int64_t k, int64_t d, int nthreads);
FM_API int fm_gmm_estep_f64(double *resp, double *lse, const double *Y, int64_t ldy, int64_t ks,
                            const double *S, const double *B, const double *c, int64_t n,
                            int64_t k, int64_t d, int nthreads);

/* ---- E-step with the whitening inside (gmm.c, gmm_simd.c) ----------------
 * The same outputs with lp_ij = c_j - 0.5 || X_i P_j - B_j ||^2, X (n, d) with
 * row stride ldx, P (k, d, ldp): upper triangular d x d factors whose rows
 * are zero padded to ldp columns, B (k, ldp) zero padded likewise; ldp a
 * multiple of FM_GMM_LDP and >= d; entries of P below the diagonal must be
 * zero (they share vectors with the diagonal and are multiplied). One pass over X (the full-covariance E-step). Returns FM_OK,
 * FM_EINVAL (ldp) or FM_ENOMEM. */
#define FM_GMM_LDP 64
FM_API int fm_gmm_estep_tri_f32(float *resp, float *lse, const float *X, int64_t ldx,
                                const float *P, int64_t ldp, const float *B, const float *c,
                                int64_t n, int64_t k, int64_t d, int nthreads);
FM_API int fm_gmm_estep_tri_f64(double *resp, double *lse, const double *X, int64_t ldx,
                                const double *P, int64_t ldp, const double *B, const double *c,
                                int64_t n, int64_t k, int64_t d, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_GMM_H */
