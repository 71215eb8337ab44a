/* gram_impl.h -- internal: the gram family's function table (family.h).
 * gram_simd.c defines one instance per ISA level; gram.c selects one. */
#ifndef FASTML_GRAM_IMPL_H
#define FASTML_GRAM_IMPL_H

#include "family.h"
#include "gram.h"

/* Rows per block: the block's z rows (GRAM_R x mp doubles) stay in L1/L2 while
 * every tile of S sweeps them. mp: m rounded up to GRAM_J. */
#define GRAM_R 128
#define GRAM_J 8

/* One lane: Sl (mp x mp, column j at Sl + j * mp; upper tiles only) += the
 * rows [lo, hi); Zb (GRAM_R x mp) and wb (GRAM_R) are the lane's scratch. */
typedef struct {
    void (*lane_f32)(double *Sl, double *Zb, double *wb, const float *X, int64_t ldx,
                     const double *Y, int64_t k, const double *w, const double *shift,
                     int64_t lo, int64_t hi, int64_t p, int64_t mp);
    void (*lane_f64)(double *Sl, double *Zb, double *wb, const double *X, int64_t ldx,
                     const double *Y, int64_t k, const double *w, const double *shift,
                     int64_t lo, int64_t hi, int64_t p, int64_t mp);
    /* The packed SYRK path (gram_syrk_tmpl.h): one thread's columns [c0, c1)
     * (multiples of syrk_nr) of S, which the caller zeroed; ap holds syrk_kc x
     * (c1 rounded up to syrk_mr) doubles, bp syrk_kc x (c1 - c0). */
    void (*syrk_f32)(double *S, double *ap, double *bp, const float *X, int64_t ldx,
                     const double *Y, int64_t k, const double *w, const double *shift,
                     int64_t n, int64_t p, int64_t c0, int64_t c1);
    void (*syrk_f64)(double *S, double *ap, double *bp, const double *X, int64_t ldx,
                     const double *Y, int64_t k, const double *w, const double *shift,
                     int64_t n, int64_t p, int64_t c0, int64_t c1);
    int syrk_mr, syrk_nr, syrk_kc;
} fm_gram_impl;

#endif /* FASTML_GRAM_IMPL_H */
