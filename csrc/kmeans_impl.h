/* kmeans_impl.h -- internal: the kmeans family's function table (family.h).
 * kmeans_simd.c defines one instance per ISA level; kmeans.c selects one.
 *
 * assign: labels/mind for nr rows of X (kmeans_simd_tmpl.h documents it);
 * accum: one chunk's float64 partial sums; scratch: rows per block of the
 * assignment (the per-thread scratch holds scratch() * d elements). */
#ifndef FASTML_KMEANS_IMPL_H
#define FASTML_KMEANS_IMPL_H

#include "family.h"
#include "kmeans.h"

typedef struct {
    void (*assign_f32)(int32_t *labels, float *mind, const float *X, const float *XT,
                       int64_t ldt, int64_t nr, const float *C, int64_t k, int64_t d,
                       float *scratch);
    void (*assign_f64)(int32_t *labels, double *mind, const double *X, const double *XT,
                       int64_t ldt, int64_t nr, const double *C, int64_t k, int64_t d,
                       double *scratch);
    void (*accum_f32)(double *ps, double *pw, double *pin, const int32_t *labels,
                      const float *mind, const float *X, const float *sw, int64_t nr, int64_t d,
                      int update);
    void (*accum_f64)(double *ps, double *pw, double *pin, const int32_t *labels,
                      const double *mind, const double *X, const double *sw, int64_t nr,
                      int64_t d, int update);
    int (*scratch_f32)(void);
    int (*scratch_f64)(void);
} fm_kmeans_impl;

#endif /* FASTML_KMEANS_IMPL_H */
