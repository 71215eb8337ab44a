/* pool2d_impl.h -- internal: the pool2d family's function table (family.h).
 * pool2d_simd.c defines one instance per ISA level; pool2d.c selects one. */
#ifndef FASTML_POOL2D_IMPL_H
#define FASTML_POOL2D_IMPL_H

#include "family.h"
#include "pool2d.h"

typedef struct {
    void (*max_fwd_f32)(float *y, int32_t *argmax, const float *x, const fm_pool2d_geom *g,
                        int nthreads);
    void (*max_fwd_f64)(double *y, int32_t *argmax, const double *x, const fm_pool2d_geom *g,
                        int nthreads);
    void (*max_bwd_f32)(float *dx, const float *dy, const int32_t *argmax,
                        const fm_pool2d_geom *g, int nthreads);
    void (*max_bwd_f64)(double *dx, const double *dy, const int32_t *argmax,
                        const fm_pool2d_geom *g, int nthreads);
    int (*avg_fwd_f32)(float *y, const float *x, const fm_pool2d_geom *g, int cip, int nthreads);
    int (*avg_fwd_f64)(double *y, const double *x, const fm_pool2d_geom *g, int cip,
                       int nthreads);
    int (*avg_bwd_f32)(float *dx, const float *dy, const fm_pool2d_geom *g, int cip,
                       int nthreads);
    int (*avg_bwd_f64)(double *dx, const double *dy, const fm_pool2d_geom *g, int cip,
                       int nthreads);
} fm_pool2d_impl;

#endif /* FASTML_POOL2D_IMPL_H */
