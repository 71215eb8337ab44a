/* distance_impl.h -- internal: the distance family's function table (family.h).
 * distance_simd.c defines one instance per ISA level; distance.c selects one. */
#ifndef FASTML_DISTANCE_IMPL_H
#define FASTML_DISTANCE_IMPL_H

#include "distance.h"
#include "family.h"

/* Rows [0, nr) of X (row stride ldx) against panels [pa, pb) of the packed Y
 * (m rows in all, panel width P) into out (row stride ldo); reduced values
 * except for euclidean (sqrt) and hamming (fraction). */
typedef void (*fm_dist_tile_f32_fn)(float *out, int64_t ldo, const float *X, int64_t ldx,
                                    int64_t nr, const float *packed, int64_t m, int64_t pa,
                                    int64_t pb, int64_t d, int metric);
typedef void (*fm_dist_tile_f64_fn)(double *out, int64_t ldo, const double *X, int64_t ldx,
                                    int64_t nr, const double *packed, int64_t m, int64_t pa,
                                    int64_t pb, int64_t d, int metric);

typedef struct {
    fm_dist_tile_f32_fn tile_f32;
    fm_dist_tile_f64_fn tile_f64;
    int panel_f32, panel_f64; /* P: Y rows per packed panel */
    /* smallest d at which the BLAS expansion beats this level's tiles (euclidean) */
    int gemm_min_d_f32, gemm_min_d_f64;
} fm_distance_impl;

#endif /* FASTML_DISTANCE_IMPL_H */
