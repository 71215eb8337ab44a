/* conv2d.c -- 2-D convolution (NCHW cross-correlation) forward and backward:
 * the entry points and fm_conv2d_select().
 *
 * float64: im2col panels + the borrowed BLAS GEMM (conv2d_tmpl.h has the
 * algorithm). float32 runs on fastml's own GEMM (conv2d_impl.h): stride 1 on
 * the in-place kernels of this level's table (conv2d_direct.c), other strides
 * with implicit im2col (conv2d_gemm.c). The geometry is validated at the
 * Python edge.
 */
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "conv2d_impl.h"

FM_FAMILY_IMPLS(conv2d)
static const fm_conv2d_impl *sel = &fm_conv2d_impl_baseline; /* the table in use */

void fm_conv2d_select(int level) { sel = FM_FAMILY_PICK(conv2d, level); }

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

/* ---- float32 ------------------------------------------------------------- */
#define MAX_CHUNKS 8 /* dw partials: chunks of images (geometry only) */

static int is_direct(const fm_conv2d_geom *g) { return g->stride_h == 1 && g->stride_w == 1; }

FM_API int fm_conv2d_forward_f32(float *y, const float *x, const float *w, const float *b,
                                 const fm_conv2d_geom *g, int nthreads) {
    const fm_conv2d_impl *ck = sel;
    if (is_direct(g)) return fm_conv2d_direct_forward(y, x, w, b, g, ck, nthreads);
    return fm_conv2d_gemm_forward(y, x, w, b, g, ck->gemm, nthreads);
}

/* db[k] = sum over images and pixels, float64 across images. */
static void bias_grad_f32(float *db, const float *dy, const fm_conv2d_geom *g, int nthreads) {
    const int64_t K = g->K, N = g->N, P = g->OH * g->OW;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)N * K * P))
    for (int64_t k = 0; k < K; k++) {
        double acc = 0;
        for (int64_t n = 0; n < N; n++) {
            const float *d = dy + (n * K + k) * P;
            float part = 0;
#pragma omp simd reduction(+ : part)
            for (int64_t p = 0; p < P; p++) part += d[p];
            acc += (double)part;
        }
        db[k] = (float)acc;
    }
}

/* Nonzero when all n values are finite. */
static int all_finite(const float *v, int64_t n) {
    int bad = 0;
    for (int64_t i = 0; i < n; i++) bad |= !(v[i] - v[i] == 0.0f);
    return !bad;
}

/* The stride-1 parts of the backward pass: dw partials by the dot kernel
 * (chunks whose images hold an inf or NaN recomputed by the packed path), and
 * dx by the flipped-kernel identity when pad <= dil*(k-1) and w is finite
 * (else *dx_done stays 0: an inf weight would meet dy's zero padding). */
static int direct_backward(float *dx, float *part, int64_t chunks, int *dx_done,
                           const float *dy, const float *x, const float *w,
                           const fm_conv2d_geom *g, const fm_conv2d_impl *ck, int nthreads) {
    const int64_t G = g->groups, Kg = g->K / G, N = g->N, CRS = g->C / G * g->R * g->S;
    int st = FM_OK;
    if (part) {
        unsigned char redo[MAX_CHUNKS] = {0};
        st = fm_conv2d_direct_dw(part, redo, chunks, dy, x, g, ck, nthreads);
        for (int64_t ch = 0; ch < chunks && st == FM_OK; ch++) {
            if (!redo[ch]) continue;
            const int64_t n0 = ch * N / chunks, n1 = (ch + 1) * N / chunks;
            fm_conv2d_geom sub = *g;
            sub.N = n1 - n0;
            st = fm_conv2d_gemm_backward(NULL, part + ch * G * Kg * CRS, 1,
                                         dy + n0 * g->K * g->OH * g->OW,
                                         x + n0 * g->C * g->H * g->W, w, &sub, ck->gemm,
                                         nthreads);
        }
    }
    *dx_done = 0;
    if (dx && st == FM_OK && g->pad_h <= g->dil_h * (g->R - 1) &&
        g->pad_w <= g->dil_w * (g->S - 1) && all_finite(w, g->K * CRS)) {
        st = fm_conv2d_direct_dx(dx, dy, w, g, ck, nthreads);
        *dx_done = 1;
    }
    return st;
}

/* dx and dw partials per chunk of images (stride 1: the in-place kernels
 * where they apply, the packed path for the rest), then dw = the sum of the
 * partials in chunk order: the chunks depend on the geometry only. */
FM_API int fm_conv2d_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                  const float *x, const float *w, const fm_conv2d_geom *g,
                                  int nthreads) {
    const fm_conv2d_impl *ck = sel;
    const int64_t G = g->groups, Kg = g->K / G, N = g->N, CRS = g->C / G * g->R * g->S;
    if (db) bias_grad_f32(db, dy, g, nthreads);
    if (!dx && !dw) return FM_OK;
    const int64_t chunks = N < MAX_CHUNKS ? N : MAX_CHUNKS;
    const int64_t wsz = Kg * CRS; /* one group's dw */
    float *part = dw ? (float *)malloc((size_t)(chunks * G * wsz) * sizeof(float)) : NULL;
    if (dw && !part) return FM_ENOMEM;
    int st = FM_OK;
    float *dx_p = dx, *dw_p = dw; /* what the packed path below still has to do */
    if (is_direct(g)) {
        int dx_done;
        st = direct_backward(dx, part, chunks, &dx_done, dy, x, w, g, ck, nthreads);
        dw_p = NULL;
        if (dx_done) dx_p = NULL;
    }
    if (st == FM_OK && (dx_p || dw_p))
        st = fm_conv2d_gemm_backward(dx_p, dw_p ? part : NULL, chunks, dy, x, w, g, ck->gemm,
                                     nthreads);
    if (st == FM_OK && dw) {
#pragma omp parallel for schedule(static) \
    num_threads(fm_team_size(nthreads, (double)chunks * G * wsz))
        for (int64_t i = 0; i < G * wsz; i++) {
            float acc = part[i];
            for (int64_t ch = 1; ch < chunks; ch++) acc += part[ch * G * wsz + i];
            dw[i] = acc;
        }
    }
    free(part);
    return st;
}
