/* layernorm.c -- layer and group normalisation forward / backward.
 *
 * The range kernels live in layernorm_simd_tmpl.h (one copy per ISA level,
 * each level's table in layernorm_simd.c); fm_layernorm_select() points K at
 * one level once, and the entry points (layernorm_tmpl.h, one copy per dtype)
 * run them with OpenMP over blocks of rows. Every sum has an order fixed by the
 * shapes (layer norm's dw/db: per fixed row block, then the blocks in order),
 * so results do not depend on the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layernorm_impl.h"

FM_FAMILY_IMPLS(layernorm)
static const fm_layernorm_impl *K = &fm_layernorm_impl_baseline;

void fm_layernorm_select(int level) { K = FM_FAMILY_PICK(layernorm, level); }

/* Rows per forward task: about 16K values. */
static int64_t ln_row_block(int64_t n) {
    int64_t rb = n > 0 ? 16384 / n : 1;
    return rb < 1 ? 1 : rb;
}

/* Backward: rows are cut into at most LN_MAX_BLOCKS blocks (of >= 4 rows), a
 * partition fixed by the shape; each block sums its own dw/db partials. */
#define LN_MAX_BLOCKS 64

#define T float
#define SUF f32
#include "layernorm_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "layernorm_tmpl.h"
#undef T
#undef SUF
