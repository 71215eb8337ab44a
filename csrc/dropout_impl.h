/* dropout_impl.h -- internal: the dropout family's function table (family.h).
 * dropout_simd.c defines one table per ISA level; dropout.c selects one. */
#ifndef FASTML_DROPOUT_IMPL_H
#define FASTML_DROPOUT_IMPL_H

#include "dropout.h"
#include "family.h"

/* y[j] = keep(start + j) ? x[j] * scale : 0 for j in [0, n) (dropout_simd_tmpl.h). */
typedef struct {
    void (*range_f32)(float *restrict y, const float *restrict x, int64_t start, int64_t n,
                      uint32_t k0, uint32_t k1, uint32_t thr, float scale);
    void (*range_f64)(double *restrict y, const double *restrict x, int64_t start, int64_t n,
                      uint32_t k0, uint32_t k1, uint32_t thr, double scale);
} fm_dropout_impl;

#endif /* FASTML_DROPOUT_IMPL_H */
