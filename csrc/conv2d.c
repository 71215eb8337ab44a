/* conv2d.c -- 2-D convolution (NCHW cross-correlation) forward and backward.
 *
 * float64: im2col panels + BLAS GEMM (conv2d_tmpl.h has the algorithm).
 * float32 runs on fastml's own GEMM with implicit im2col (conv2d_gemm.c).
 * The geometry is validated at the Python edge.
 */
#include <stdlib.h>
#include <string.h>

#include "conv2d.h"
#include "blas.h"

#define FM_CAT_(a, b) a##b
#define FM_CAT(a, b) FM_CAT_(a, b)

/* Blocking (see plan_blocks). Measured on the benchmark shapes: one image per
 * GEMM beats batching several once P >= ~256 (the panel stays in cache); bands
 * of 1 MB panels were no faster than whole images, and every extra GEMM call
 * costs a BLAS thread-pool wake-up, so bands only bound the panel memory. */
#define CONV_COLS_TARGET 256
#define CONV_BAND_BYTES ((int64_t)8 << 20)

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

typedef struct {
    int64_t nb;    /* images per block (> 1 only with whole images) */
    int64_t rows;  /* output rows per band (OH when nb > 1) */
    int64_t cols;  /* max panel columns: nb * rows * OW */
} conv_plan;

typedef struct {
    int64_t n0, nb, oh0, oh1;
} conv_block;

/* Narrow images (P < CONV_COLS_TARGET) go several to a GEMM; wide ones are cut
 * into bands of output rows whose im2col panel stays near CONV_BAND_BYTES
 * (cache-resident between im2col and the GEMM). Depends on the geometry only,
 * so dw's summation order does not depend on the thread count. */
static void plan_blocks(conv_plan *pl, const fm_conv2d_geom *g) {
    const int64_t P = g->OH * g->OW, CRS = g->C / g->groups * g->R * g->S;
    int64_t nb = (CONV_COLS_TARGET + P - 1) / P;
    if (nb > g->N) nb = g->N;
    if (nb < 1) nb = 1;
    int64_t rows = g->OH;
    if (nb == 1) {
        rows = CONV_BAND_BYTES / (int64_t)sizeof(float) / (CRS * g->OW);
        if (rows * g->OW < CONV_COLS_TARGET) rows = (CONV_COLS_TARGET + g->OW - 1) / g->OW;
        if (rows > g->OH) rows = g->OH;
        if (rows < 1) rows = 1;
    }
    pl->nb = nb;
    pl->rows = rows;
    pl->cols = nb * rows * g->OW;
}

/* Block number blk in execution order: images outer, bands inner. */
static int next_block(conv_block *b, const conv_plan *pl, const fm_conv2d_geom *g,
                      int64_t blk) {
    const int64_t bands = (g->OH + pl->rows - 1) / pl->rows;
    const int64_t img = blk / bands, band = blk % bands;
    b->n0 = img * pl->nb;
    if (b->n0 >= g->N) return 0;
    b->nb = g->N - b->n0 < pl->nb ? g->N - b->n0 : pl->nb;
    b->oh0 = band * pl->rows;
    b->oh1 = b->oh0 + pl->rows < g->OH ? b->oh0 + pl->rows : g->OH;
    return 1;
}

#define T double
#define SUF f64
#include "conv2d_tmpl.h"
#undef T
#undef SUF
