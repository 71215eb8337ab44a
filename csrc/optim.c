/* optim.c -- fused in-place optimizer updates (Adam/AdamW, SGD with momentum).
 *
 * One pass over each parameter instead of ~10 NumPy ufunc calls with their
 * temporaries; for the small layers of an MLP the per-call overhead was a
 * third of a training step. Element-wise, so results do not depend on the
 * thread count. The arithmetic follows torch.optim's order of operations in
 * the parameter's own precision (float32 stays float32). The bodies are in
 * optim_tmpl.h, included once per dtype.
 */
#include <math.h>

#include "optim.h"

#define T float
#define SUF f32
#define SQRT sqrtf
#include "optim_tmpl.h"
#undef T
#undef SUF
#undef SQRT

#define T double
#define SUF f64
#define SQRT sqrt
#include "optim_tmpl.h"
#undef T
#undef SUF
#undef SQRT
