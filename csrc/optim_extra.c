/* optim_extra.c -- fused in-place NAdam, RAdam, Adamax and Rprop updates (torch.optim's
 * rules, one pass per parameter). The bodies are in optim_extra_tmpl.h, included once per
 * dtype; fma()/fmaf() are called explicitly where torch's CPU kernels fuse, so float64
 * Adamax and Rprop results are bit-for-bit torch's (NAdam/RAdam differ only through
 * torch's MKL square root, which is not correctly rounded). Element-wise: results do not
 * depend on nthreads. */
#include <math.h>

#include "optim.h"

#define T float
#define SUF f32
#define SQRT sqrtf
#define FMA fmaf
#include "optim_extra_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef FMA

#define T double
#define SUF f64
#define SQRT sqrt
#define FMA fma
#include "optim_extra_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef FMA
