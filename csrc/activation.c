/* activation.c -- element-wise activations and row softmax: the entry points
 * (activation_tmpl.h, one copy per dtype) run the ISA range kernels of the
 * selected table (activation_simd.c) with OpenMP over fixed chunks / rows.
 * Each element or row is computed independently, so results do not depend on
 * the thread count.
 * Element-wise loops give each thread one contiguous block of chunks
 * (schedule(static)): chunks dealt out one by one put neighbouring 32 KB
 * pieces on different cores, whose prefetchers then fetch lines the other
 * core is writing (1M floats, 2 threads: relu 0.062 -> 0.049 ms, tanh
 * forward+backward 0.23-0.25 -> 0.21-0.23 ms). On a busy machine a
 * descheduled thread costs its remaining share after it resumes, small next
 * to the scheduler tick the barrier waits for either way. Row loops keep
 * dynamic blocks (cross-entropy was no faster static).
 * kind: 0 relu, 1 leaky relu (alpha = slope), 2 elu (alpha), 3 sigmoid, 4 tanh;
 * 5-14 in activation.h (fm_activation2_*). */
#include "activation_impl.h"

FM_FAMILY_IMPLS(activation)
static const fm_activation_impl *K = &fm_activation_impl_baseline;

void fm_activation_select(int level) { K = FM_FAMILY_PICK(activation, level); }

#define CHUNK 8192 /* elements per task: fits L1/L2, amortises scheduling */

/* Rough cost in scalar ops per element, for fm_team_size. */
static double act_cost(int kind) { return kind <= 1 ? 1.0 : 12.0; }

#define ACT_MAX_KIND 14

#define T float
#define SUF f32
#include "activation_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "activation_tmpl.h"
#undef T
#undef SUF
