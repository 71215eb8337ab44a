/* logistic_impl.h -- internal: the logistic family's function table
 * (family.h). logistic_simd.c defines one table per ISA level; logistic.c
 * selects one. The kernels work on a range of rows, no threads:
 *   bin_rows: acc[0] += loss, acc[1 .. p] += gradient of w, acc[1 + p] +=
 *             gradient of b over rows [0, rows); curv (may be NULL) receives
 *             the rows' curvature weights (see logistic.h). */
#ifndef FASTML_LOGISTIC_IMPL_H
#define FASTML_LOGISTIC_IMPL_H

#include "family.h"
#include "logistic.h"

typedef struct {
    /* X: float rows (bin_rows_f32) or double rows (bin_rows_f64) */
    void (*bin_rows_f32)(double *acc, double *curv, const void *X, const double *ypm,
                         const double *sn, const double *w, double b, int64_t rows, int64_t p);
    void (*bin_rows_f64)(double *acc, double *curv, const void *X, const double *ypm,
                         const double *sn, const double *w, double b, int64_t rows, int64_t p);
} fm_logistic_impl;

#endif /* FASTML_LOGISTIC_IMPL_H */
