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
#define PHASE_MIN_C 8 /* fewer: C*16 < 128 rows; the s2d dot kernel does dw better */

static int is_direct(const fm_conv2d_geom *g) { return g->stride_h == 1 && g->stride_w == 1; }

/* ---- strided convolutions as stride-1 ones (space-to-depth) --------------
 * With strides (sh, sw), no dilation and R % sh == S % sw == 0, tap r = sh*r1 + r0
 * reads padded row oh*sh + r = sh*(oh + r1) + r0: row oh + r1 of phase r0 of
 * the image. So the conv is an unpadded stride-1 conv of the space-to-depth
 * image X2 (N, C*sh*sw, OH + R/sh - 1, OW + S/sw - 1), plane (c*sh + r0)*sw + s0
 * holding x[c, a*sh + r0 - pad_h, b*sw + s0 - pad_w], with the weights
 * w2[k, (c, r0, s0), r1, s1] = w[k, c, sh*r1 + r0, sw*s1 + s0]. It forms the
 * same products as im2col (X2 holds exactly the padded values im2col reads),
 * on the in-place kernels of conv2d_direct.c instead of B panels gathered from
 * short strided runs (4x4/s2 conv_transpose2d decoders: the gather cost as
 * much as the GEMM on 7x7 and 14x14 images). */
static int s2d_applies(const fm_conv2d_geom *g) {
    return !is_direct(g) && g->dil_h == 1 && g->dil_w == 1 && g->R % g->stride_h == 0 &&
           g->S % g->stride_w == 0;
}

static void s2d_geom(fm_conv2d_geom *t, const fm_conv2d_geom *g) {
    *t = *g;
    t->C = g->C * g->stride_h * g->stride_w;
    t->R = g->R / g->stride_h;
    t->S = g->S / g->stride_w;
    t->H = g->OH + t->R - 1;
    t->W = g->OW + t->S - 1;
    t->stride_h = t->stride_w = 1;
    t->pad_h = t->pad_w = 0;
}

/* Weights between their layout and the space-to-depth one, row by row (K rows
 * of CRS floats): to_s2d ? dst = w2 from src = w : dst = w from src = w2. */
static void s2d_permute(float *dst, const float *src, const fm_conv2d_geom *g, int to_s2d,
                        int nthreads) {
    const int64_t sh = g->stride_h, sw = g->stride_w, R = g->R, S = g->S;
    const int64_t R2 = R / sh, S2 = S / sw, Cg = g->C / g->groups, CRS = Cg * R * S;
#pragma omp parallel for schedule(static) \
    num_threads(fm_team_size(nthreads, (double)g->K * CRS))
    for (int64_t k = 0; k < g->K; k++) {
        float *d = dst + k * CRS;
        const float *s = src + k * CRS;
        int64_t q2 = 0; /* ((c*sh + r0)*sw + s0)*R2*S2 + r1*S2 + s1 */
        for (int64_t c = 0; c < Cg; c++)
            for (int64_t r0 = 0; r0 < sh; r0++)
                for (int64_t s0 = 0; s0 < sw; s0++)
                    for (int64_t r1 = 0; r1 < R2; r1++)
                        for (int64_t s1 = 0; s1 < S2; s1++, q2++) {
                            const int64_t q = (c * R + r1 * sh + r0) * S + s1 * sw + s0;
                            if (to_s2d)
                                d[q2] = s[q];
                            else
                                d[q] = s[q2];
                        }
    }
}

FM_API int fm_conv2d_forward_f32(float *y, const float *x, const float *w, const float *b,
                                 const fm_conv2d_geom *g, int nthreads) {
    const fm_conv2d_impl *ck = sel;
    if (is_direct(g)) return fm_conv2d_direct_forward(y, x, w, b, g, NULL, ck, nthreads);
    /* 4x4/s2/p1 with enough channels: the rows kernel on x's phase planes
     * (aligned panels across images; the space-to-depth form reads B
     * unaligned and computes the pitch columns and partial panels) */
    if (fm_conv2d_phase_applies(g) && g->C >= PHASE_MIN_C)
        return fm_conv2d_phase_forward(y, x, w, b, g, ck, nthreads);
    if (s2d_applies(g)) {
        fm_conv2d_geom t;
        s2d_geom(&t, g);
        float *w2 = (float *)malloc((size_t)(g->K * (g->C / g->groups) * g->R * g->S) *
                                    sizeof(float));
        if (!w2) return FM_ENOMEM;
        s2d_permute(w2, w, g, 1, nthreads);
        const int st = fm_conv2d_direct_forward(y, x, w2, b, &t, g, ck, nthreads);
        free(w2);
        return st;
    }
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

/* dw partials by the dot kernel (stride 1, or the space-to-depth form of a
 * strided conv when s2d: part then in w2's layout), chunks whose images hold
 * an inf or NaN recomputed by the packed path (its partial permuted into the
 * same layout). */
static int direct_dw(float *part, int64_t chunks, const float *dy, const float *x,
                     const float *w, const fm_conv2d_geom *g, int s2d,
                     const fm_conv2d_impl *ck, int nthreads) {
    const int64_t G = g->groups, Kg = g->K / G, N = g->N, CRS = g->C / G * g->R * g->S;
    unsigned char redo[MAX_CHUNKS] = {0};
    fm_conv2d_geom t = *g;
    if (s2d) s2d_geom(&t, g);
    int st = fm_conv2d_direct_dw(part, redo, chunks, dy, x, &t, s2d ? g : NULL, ck, nthreads);
    float *tmp = NULL;
    for (int64_t ch = 0; ch < chunks && st == FM_OK; ch++) {
        if (!redo[ch]) continue;
        const int64_t n0 = ch * N / chunks, n1 = (ch + 1) * N / chunks;
        fm_conv2d_geom sub = *g;
        sub.N = n1 - n0;
        float *pc = part + ch * G * Kg * CRS;
        if (s2d && !tmp && !(tmp = (float *)malloc((size_t)(G * Kg * CRS) * sizeof(float))))
            st = FM_ENOMEM;
        if (st == FM_OK)
            st = fm_conv2d_gemm_backward(NULL, s2d ? tmp : pc, 1, dy + n0 * g->K * g->OH * g->OW,
                                         x + n0 * g->C * g->H * g->W, w, &sub, ck->gemm,
                                         nthreads);
        if (st == FM_OK && s2d) s2d_permute(pc, tmp, g, 1, nthreads);
    }
    free(tmp);
    return st;
}

/* dx and dw partials per chunk of images (stride 1 and space-to-depth: the
 * in-place kernels where they apply, the packed path for the rest), then dw =
 * the sum of the partials in chunk order: the chunks depend on the geometry
 * only. dx of a stride-1 conv uses the flipped-kernel identity when
 * pad <= dil*(k-1) and w is finite (an inf weight would meet dy's zero padding). */
FM_API int fm_conv2d_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                  const float *x, const float *w, const fm_conv2d_geom *g,
                                  int nthreads) {
    const fm_conv2d_impl *ck = sel;
    const int64_t G = g->groups, Kg = g->K / G, N = g->N, CRS = g->C / G * g->R * g->S;
    if (db) bias_grad_f32(db, dy, g, nthreads);
    /* 4x4/s2/p1 (transposed-conv decoders): dw on x's phase planes, no im2col */
    if (dw && g->C >= PHASE_MIN_C && fm_conv2d_phase_applies(g) &&
        all_finite(x, g->N * g->C * g->H * g->W)) {
        const int st = fm_conv2d_phase_dw(dw, dy, x, g, ck, nthreads);
        if (st != FM_OK || !dx) return st;
        dw = NULL;
    }
    if (dx && fm_conv2d_phase_applies(g)) { /* 4x4/s2/p1: taps summed per dx element */
        const int st = fm_conv2d_phase_dx(dx, dy, w, NULL, g, ck, nthreads);
        if (st != FM_OK) return st;
        dx = NULL;
    }
    if (!dx && !dw) return FM_OK;
    const int64_t chunks = N < MAX_CHUNKS ? N : MAX_CHUNKS;
    const int64_t wsz = Kg * CRS; /* one group's dw */
    float *part = dw ? (float *)malloc((size_t)(chunks * G * wsz) * sizeof(float)) : NULL;
    if (dw && !part) return FM_ENOMEM;
    int st = FM_OK;
    float *dx_p = dx, *dw_p = dw; /* what the packed path below still has to do */
    /* dw of a strided conv: the packed path's GEMM is CRS wide; narrow ones
     * (a few NR panels) run better on the dot kernel over the space-to-depth
     * image (4x4/s2 decoders at 1 thread: CRS 16 2.4x faster there; CRS 512
     * and 1024 1.1-1.3x slower) */
    const int s2d = s2d_applies(g) && CRS < 4 * ck->gemm->nr;
    if (dw && (is_direct(g) || s2d)) {
        st = direct_dw(part, chunks, dy, x, w, g, s2d, ck, nthreads);
        dw_p = NULL;
    }
    if (dx && st == FM_OK && is_direct(g) && g->pad_h <= g->dil_h * (g->R - 1) &&
        g->pad_w <= g->dil_w * (g->S - 1) && all_finite(w, g->K * CRS)) {
        st = fm_conv2d_direct_dx(dx, dy, w, g, ck, nthreads);
        dx_p = NULL;
    }
    if (st == FM_OK && (dx_p || dw_p))
        st = fm_conv2d_gemm_backward(dx_p, dw_p ? part : NULL, chunks, dy, x, w, g, ck->gemm,
                                     nthreads);
    if (st == FM_OK && dw) {
        float *sum = s2d ? part : dw; /* s2d: summed into chunk 0's partial, then permuted */
#pragma omp parallel for schedule(static) \
    num_threads(fm_team_size(nthreads, (double)chunks * G * wsz))
        for (int64_t i = 0; i < G * wsz; i++) {
            float acc = part[i];
            for (int64_t ch = 1; ch < chunks; ch++) acc += part[ch * G * wsz + i];
            sum[i] = acc;
        }
        if (s2d) s2d_permute(dw, part, g, 0, nthreads);
    }
    free(part);
    return st;
}

/* dx = the conv's input gradient + bias[c] (bias may be NULL): the transposed
 * convolution's forward. x is not read. */
FM_API int fm_conv2d_dx_bias_f32(float *dx, const float *bias, const float *dy, const float *w,
                                 const fm_conv2d_geom *g, int nthreads) {
    if (fm_conv2d_phase_applies(g)) return fm_conv2d_phase_dx(dx, dy, w, bias, g, sel, nthreads);
    const int st = fm_conv2d_backward_f32(dx, NULL, NULL, dy, dx, w, g, nthreads);
    if (st != FM_OK || !bias) return st;
    const int64_t C = g->C, HW = g->H * g->W;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)g->N * C * HW))
    for (int64_t t = 0; t < g->N * C; t++) {
        float *p = dx + t * HW;
        const float bi = bias[t % C];
        for (int64_t i = 0; i < HW; i++) p[i] += bi;
    }
    return FM_OK;
}
