/* pool2d.c -- 2-D max/avg pooling and global average pooling.
 *
 * The window kernels live in pool2d_simd_tmpl.h (one copy per ISA level, each
 * level's table in pool2d_simd.c); fm_pool2d_select() points K at one level
 * once, and the entry points (pool2d_tmpl.h, one copy per dtype) call through
 * it. Global average pooling is a plain per-plane mean. Pooling is
 * memory-bound: every kernel makes one pass over its input and output, one
 * plane per parallel task.
 */
#include <stdlib.h>
#include <string.h>

#include "pool2d_impl.h"

FM_FAMILY_IMPLS(pool2d)
static const fm_pool2d_impl *K = &fm_pool2d_impl_baseline;

void fm_pool2d_select(int level) { K = FM_FAMILY_PICK(pool2d, level); }

#define T float
#define SUF f32
#include "pool2d_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "pool2d_tmpl.h"
#undef T
#undef SUF
