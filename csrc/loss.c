/* loss.c -- fused cross-entropy rows (blocks of fm_row_block(c) rows per task)
 * and element-wise losses in one vectorised pass each: the entry points
 * (loss_tmpl.h, one copy per dtype) run the ISA range kernels of the selected
 * table (loss_simd.c) with OpenMP over fixed chunks / blocks.
 *
 * Element-wise loss ids (x = input, y = target, param as noted):
 *   0 mse (x-y)^2          1 l1 |x-y|             2 huber (param = delta)
 *   3 bce on probabilities, logs clamped at -100 (PyTorch)
 *   4 bce with logits: max(x,0) - x y + log1p(exp(-|x|))
 *   5 hinge max(0, param - y x)          6 hinge embedding (PyTorch)
 *   7 kl_div y (log y - x), 0 where y == 0     8 kl_div, log target: e^y (y - x)
 * Sums are accumulated in double over fixed blocks of BLOCK elements, then
 * the block sums in order: the result does not depend on the thread count.
 * Element-wise loops give each thread one contiguous block of chunks
 * (schedule(static); see activation.c: 1M floats, 2 threads, mse / l1 / huber
 * forward+backward 0.14-0.17 -> 0.12-0.135 ms); cross-entropy row blocks stay
 * dynamic.
 */
#include <stdlib.h>

#include "loss_impl.h"

FM_FAMILY_IMPLS(loss)
static const fm_loss_impl *K = &fm_loss_impl_baseline;

void fm_loss_select(int level) { K = FM_FAMILY_PICK(loss, level); }

#define BLOCK 4096
#define CHUNK 16384 /* elements per task (a multiple of BLOCK) */

#define T float
#define SUF f32
#include "loss_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "loss_tmpl.h"
#undef T
#undef SUF
