/* dropout.c -- inverted dropout forward/backward: the entry points
 * (dropout_tmpl.h, one copy per dtype) run the ISA range kernel of the
 * selected table (dropout_simd.c) with OpenMP over fixed chunks. Backward is
 * the same pass on dy: the mask is regenerated from (key, index), never
 * stored. Chunks are handed out dynamically.
 * p must be in (0, 1) (p = 0 and p = 1 are handled by the caller). */
#include "dropout_impl.h"

FM_FAMILY_IMPLS(dropout)
static const fm_dropout_impl *K = &fm_dropout_impl_baseline;

void fm_dropout_select(int level) { K = FM_FAMILY_PICK(dropout, level); }

#define CHUNK 16384

/* Keep threshold on the 32-bit hash: P(h >= thr) = 1 - p (to 2^-32). */
static uint32_t keep_threshold(double p) {
    double t = p * 4294967296.0;
    return t >= 4294967295.0 ? UINT32_MAX : (uint32_t)t;
}

#define T float
#define SUF f32
#include "dropout_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "dropout_tmpl.h"
#undef T
#undef SUF
