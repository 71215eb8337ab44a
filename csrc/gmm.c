/* gmm.c -- the fused E-step of Gaussian mixtures (see gmm.h).
 *
 * The row kernels (gmm_simd_tmpl.h, one copy per ISA level and dtype, each
 * level's table in gmm_simd.c) compute a block of FM_GMM_ROWS rows: squared
 * norms of the whitened residuals per component, the row maximum, one
 * vectorised exp over the block's shifted log-probabilities, then lse and the
 * normalised responsibilities. fm_gmm_select() points K at one level once;
 * the entry points (gmm_tmpl.h, one copy per dtype) hand blocks to threads.
 * The matrix product that whitens the data (X @ P) is left to BLAS.
 */
#include <stdlib.h>
#include <string.h>

#include "gmm_impl.h"

FM_FAMILY_IMPLS(gmm)
static const fm_gmm_impl *K = &fm_gmm_impl_baseline;

void fm_gmm_select(int level) { K = FM_FAMILY_PICK(gmm, level); }

#define T float
#define SUF f32
#include "gmm_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "gmm_tmpl.h"
#undef T
#undef SUF
