/* gmm_impl.h -- internal: the gmm family's function table (family.h).
 * gmm_simd.c defines one instance per ISA level; gmm.c selects one. */
#ifndef FASTML_GMM_IMPL_H
#define FASTML_GMM_IMPL_H

#include "family.h"
#include "gmm.h"

/* Rows [lo, hi) of the E-step (gmm.h); buf holds (hi - lo) * k values plus one
 * vector of padding (hi - lo <= FM_GMM_ROWS). */
typedef struct {
    void (*rows_f32)(float *resp, float *lse, const float *Y, int64_t ldy, int64_t ks,
                     const float *S, const float *B, const float *c, int64_t lo, int64_t hi,
                     int64_t k, int64_t d, float *buf);
    void (*rows_f64)(double *resp, double *lse, const double *Y, int64_t ldy, int64_t ks,
                     const double *S, const double *B, const double *c, int64_t lo, int64_t hi,
                     int64_t k, int64_t d, double *buf);
    void (*rows_tri_f32)(float *resp, float *lse, const float *X, int64_t ldx, const float *P,
                         int64_t ldp, const float *B, const float *c, int64_t lo, int64_t hi,
                         int64_t k, int64_t d, float *buf);
    void (*rows_tri_f64)(double *resp, double *lse, const double *X, int64_t ldx,
                         const double *P, int64_t ldp, const double *B, const double *c,
                         int64_t lo, int64_t hi, int64_t k, int64_t d, double *buf);
} fm_gmm_impl;

#endif /* FASTML_GMM_IMPL_H */
