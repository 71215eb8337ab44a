/* kmeans_impl.h -- internal: the kmeans family's function table (family.h).
 * kmeans_simd.c defines one instance per ISA level; kmeans.c selects one.
 *
 * assign: labels/mind for nr rows of X (kmeans_simd_tmpl.h documents it);
 * accum: one chunk's float64 partial sums; scratch: rows per block of the
 * assignment (the per-thread scratch holds scratch() * d elements).
 * pack_centres / packed_len / tile_scratch / tile_rows / tile_assign: the
 * dot-product assignment of kmeans_gemm_tmpl.h (tile_assign's scratch is
 * tile_scratch(d) elements, 64-byte aligned); dist2: |x - c|^2;
 * cand_dist: distances of rows to a few candidate centres (k-means++). */
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
    void (*pack_centres_f32)(float *cp, float *hp, const float *C, int64_t k, int64_t d);
    int64_t (*packed_len_f32)(int64_t k, int64_t d);
    int64_t (*tile_scratch_f32)(int64_t d);
    int (*tile_rows_f32)(void);
    void (*tile_assign_f32)(float *best, float *second, int32_t *arg, const float *X, int64_t nr,
                              const float *cp, const float *hp, int64_t k, int64_t d, float *scratch);
    float (*dist2_f32)(const float *x, const float *c, int64_t d);
    void (*pack_centres_f64)(double *cp, double *hp, const double *C, int64_t k, int64_t d);
    int64_t (*packed_len_f64)(int64_t k, int64_t d);
    int64_t (*tile_scratch_f64)(int64_t d);
    int (*tile_rows_f64)(void);
    void (*tile_assign_f64)(double *best, double *second, int32_t *arg, const double *X, int64_t nr,
                              const double *cp, const double *hp, int64_t k, int64_t d, double *scratch);
    double (*dist2_f64)(const double *x, const double *c, int64_t d);
    void (*cand_dist_f32)(float *out, int64_t ldo, const float *X, int64_t nr,
                          const float *cand, int64_t trials, int64_t d, float *scratch);
    void (*cand_dist_f64)(double *out, int64_t ldo, const double *X, int64_t nr,
                          const double *cand, int64_t trials, int64_t d, double *scratch);
} fm_kmeans_impl;

#endif /* FASTML_KMEANS_IMPL_H */
