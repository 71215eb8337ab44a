/* optim.c -- fused in-place optimizer updates (Adam/AdamW, SGD with momentum; NAdam,
 * RAdam, Adamax and Rprop).
 *
 * One pass over each parameter instead of ~10 NumPy ufunc calls with their
 * temporaries; for the small layers of an MLP the per-call overhead was a
 * third of a training step. Element-wise, so results do not depend on the
 * thread count. The arithmetic follows torch.optim's order of operations in
 * the parameter's own precision (float32 stays float32). The bodies are in
 * optim_tmpl.h, included once per dtype.
 *
 * NAdam, RAdam, Adamax and Rprop (torch.optim's rules, one pass per parameter): the entry
 * points (optim_extra_tmpl.h, one copy per dtype) run the selected ISA level's range
 * kernels (optim_simd.c) over fixed chunks. Float64 Adamax and Rprop results are
 * bit-for-bit torch's (NAdam/RAdam differ only through torch's MKL square root, which is
 * not correctly rounded). Element-wise: results do not depend on nthreads or the level.
 */
#include <math.h>

#include "optim_impl.h"

FM_FAMILY_IMPLS(optim)
static const fm_optim_impl *K = &fm_optim_impl_baseline;

void fm_optim_select(int level) { K = FM_FAMILY_PICK(optim, level); }

#define CHUNK 16384

#define T float
#define SUF f32
#define SQRT sqrtf
#include "optim_tmpl.h"
#include "optim_extra_tmpl.h"
#undef T
#undef SUF
#undef SQRT

#define T double
#define SUF f64
#define SQRT sqrt
#include "optim_tmpl.h"
#include "optim_extra_tmpl.h"
#undef T
#undef SUF
#undef SQRT
