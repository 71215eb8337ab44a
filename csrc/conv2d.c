/* conv2d.c -- 2-D convolution (NCHW cross-correlation) forward and backward.
 *
 * im2col panels + BLAS GEMM (conv2d_tmpl.h has the algorithm); f32 and f64
 * come from the one template. The geometry is validated at the Python edge.
 */
#include <stdlib.h>
#include <string.h>

#include "fastml.h"

#define FM_CAT_(a, b) a##b
#define FM_CAT(a, b) FM_CAT_(a, b)

/* Target width of one GEMM (nb*P columns) and the cap on the im2col panel. */
#define CONV_COLS_TARGET 4096
#define CONV_PANEL_MAX ((int64_t)1 << 22) /* elements */

/* Output columns [lo, hi) whose input column ow*stride + off lies in [0, W). */
static inline void valid_range(int64_t *lo, int64_t *hi, int64_t off, int64_t stride, int64_t W,
                               int64_t OW) {
    int64_t l = off >= 0 ? 0 : (-off + stride - 1) / stride;
    int64_t h = W - off <= 0 ? 0 : (W - 1 - off) / stride + 1;
    if (h > OW) h = OW;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* Images per chunk: enough to make the GEMM wide, bounded by the panel size.
 * Depends on the geometry only (dw's summation order must not depend on threads). */
static int64_t chunk_images(const fm_conv2d_geom *g) {
    const int64_t P = g->OH * g->OW, CRS = g->C / g->groups * g->R * g->S;
    int64_t nb = (CONV_COLS_TARGET + P - 1) / P;
    const int64_t cap = CONV_PANEL_MAX / (CRS * P > 0 ? CRS * P : 1);
    if (nb > cap) nb = cap;
    if (nb > g->N) nb = g->N;
    return nb < 1 ? 1 : nb;
}

#define T float
#define SUF f32
#include "conv2d_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "conv2d_tmpl.h"
#undef T
#undef SUF
