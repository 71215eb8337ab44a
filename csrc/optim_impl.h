/* optim_impl.h -- internal: the optim family's function table (family.h). optim_simd.c
 * defines one table per ISA level (NAdam, RAdam, Adamax and Rprop range kernels);
 * optim.c selects one and runs it over chunks with OpenMP. Adam and SGD
 * (optim.c) are portable C and need no table. */
#ifndef FASTML_OPTIM_IMPL_H
#define FASTML_OPTIM_IMPL_H

#include "family.h"
#include "optim.h"

#define FM_OPTIM_RANGES(T, SUF)                                                               \
    void (*nadam_##SUF)(T * p, T * m, T * v, const T *g, int64_t n, double lr, double beta1,  \
                        double beta2, double eps, double wd, int decoupled, double bc2,       \
                        double coef_g, double coef_m);                                        \
    void (*radam_##SUF)(T * p, T * m, T * v, const T *g, int64_t n, double lr, double beta1,  \
                        double beta2, double eps, double wd, int decoupled, double bc1,       \
                        double bc2_sqrt, double rect);                                        \
    void (*adamax_##SUF)(T * p, T * m, T * u, const T *g, int64_t n, double beta1,            \
                         double beta2, double eps, double wd, double neg_clr);                \
    void (*rprop_##SUF)(T * p, T * prev, T * step, const T *g, int64_t n, double etaminus,    \
                        double etaplus, double step_min, double step_max);

typedef struct {
    FM_OPTIM_RANGES(float, f32)
    FM_OPTIM_RANGES(double, f64)
} fm_optim_impl;

#undef FM_OPTIM_RANGES

#endif /* FASTML_OPTIM_IMPL_H */
