/* embedding.c -- the dense weight gradient of an embedding lookup (see
 * embedding.h; the per-dtype code is embedding_tmpl.h).
 *
 * The table is large (50k x 128 floats: 25.6 MB) and the tokens few (a few
 * thousand rows of D values), so the cost is writing the zeros. Each thread
 * owns a contiguous block of rows: it zeroes the block and then scans the
 * whole index list, adding the gradient rows that fall in its block in token
 * order (ntok comparisons per thread, nothing next to the zeroing). The
 * blocks depend on the thread count, the sums do not: every row is added in
 * token order.
 */
#include <string.h>

#include "embedding.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define T float
#define SUF f32
#include "embedding_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "embedding_tmpl.h"
#undef T
#undef SUF
