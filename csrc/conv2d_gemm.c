/* conv2d_gemm.c -- float32 conv2d forward/backward on fastml's own GEMM for
 * any stride (conv2d.c sends stride 1 to the in-place kernels of
 * conv2d_direct.c, except dx when the padding exceeds the kernel's reach).
 *
 * Strides > 1, implicit im2col: the GEMM's B-packing callbacks read the image
 * directly, so no column matrix is ever written out. Shapes per group g
 * (Cg = C/G input channels, Kg = K/G filters, CRS = Cg*R*S, P = OH*OW):
 *   forward   y[n, g] (Kg, P)  = W_g (Kg, CRS) @ col_n (CRS, P) + b_g
 *             B packed from x by pack_col (rows q = (c, r, s), columns pixels)
 *   dx        dcol (CRS, Pb)   = W_g^T (CRS, Kg) @ dy[n, g] (Kg, Pb), then
 *             col2im adds dcol into dx[n] (one image per task: no atomics)
 *   dw        dw_g (Kg, CRS)  += dy[n, g] (Kg, P) @ col_n^T (P, CRS)
 *             B packed from x by pack_colT (rows pixels, columns q)
 * Small images (P < BAND_MIN_PIXELS) go several to one GEMM: the pixel
 * (column) index runs across a block of nb images (pixel_runs tells the image
 * of every run), so the micro-kernels see full-width tiles; the forward
 * writes the block to a buffer and copies each image's rows out, the backward
 * copies the block's dy rows into one (Kg, nb*P) matrix first.
 * Threads: forward tasks are (image block, group, band of output rows); backward
 * tasks are fixed chunks of images, each accumulating its own dw partial,
 * then the partials are summed in chunk order (both paths). Chunks and bands
 * depend on the geometry only and every GEMM element sums in a fixed order,
 * so results do not depend on the thread count. The geometry is validated
 * at the Python edge.
 */
#include <stdlib.h>
#include <string.h>

#include "conv2d_impl.h"

#define BAND_MIN_PIXELS 256        /* forward bands narrower than this lose GEMM speed */
#define RUNS_MAX 256
#define DCOL_BYTES ((int64_t)192 << 10) /* dx panel: stays in L2 between GEMM and col2im */

typedef struct {
    const float *x; /* image n, first channel of group g: x + (n*C + g*Cg)*H*W */
    const fm_conv2d_geom *g;
    int64_t p0; /* pixel index of column 0 (forward band start) */
    int nr;
    int64_t img; /* floats from one image to the next (C*H*W): pixel p is in image p / P */
} col_ctx;

/* Output pixels [p, p + len) of a block of images (P = OH*OW pixels each) as
 * runs within one output row: (column j, image, oh, ow, length). */
typedef struct {
    int64_t j, n, oh, ow, len;
} run_t;

static int pixel_runs(run_t *runs, int64_t p, int64_t len, const fm_conv2d_geom *g) {
    const int64_t OW = g->OW, P = g->OH * g->OW;
    int n = 0;
    for (int64_t j = 0; j < len;) {
        const int64_t img = (p + j) / P, pp = (p + j) % P;
        const int64_t oh = pp / OW, ow = pp % OW;
        const int64_t l = OW - ow < len - j ? OW - ow : len - j;
        runs[n++] = (run_t){j, img, oh, ow, l};
        j += l;
    }
    return n;
}

/* Offsets t in [lo, hi) of a run of len pixels whose input column
 * iw0 + t*sw lies inside [0, W). */
/* a / s for a >= 0: strides 1 and 2 without a division (this runs once per
 * run of pixels, per kernel tap: a division there costs more than the run). */
static inline int64_t div_stride(int64_t a, int64_t s) {
    return s == 1 ? a : s == 2 ? a >> 1 : a / s;
}

static inline void run_range(int64_t *lo, int64_t *hi, int64_t iw0, int64_t sw, int64_t W,
                             int64_t len) {
    int64_t l = iw0 >= 0 ? 0 : div_stride(-iw0 + sw - 1, sw);
    int64_t h = iw0 >= W ? 0 : div_stride(W - 1 - iw0, sw) + 1;
    if (h > len) h = len;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* Short copies inline (a memcpy call per 32-float run costs more than the
 * copy): 16-float blocks, then the tail. */
typedef float v16f __attribute__((vector_size(64)));
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
static inline NO_LIBCALLS void copy_floats(float *restrict d, const float *restrict s, int64_t n) {
    int64_t t = 0;
    for (; t + 16 <= n; t += 16) {
        v16f v;
        __builtin_memcpy(&v, s + t, sizeof v);
        __builtin_memcpy(d + t, &v, sizeof v);
    }
    for (; t < n; t++) d[t] = s[t];
}

/* d[t*step] = plane[ih, (ow+t)*sw + offw] for t < len (0 outside the image). */
static inline NO_LIBCALLS void gather_run(float *restrict d, int64_t step,
                                          const float *restrict plane, const fm_conv2d_geom *g,
                                          int64_t oh, int64_t ow, int64_t len, int64_t offh,
                                          int64_t offw) {
    const int64_t ih = oh * g->stride_h + offh;
    if (ih < 0 || ih >= g->H) {
        for (int64_t t = 0; t < len; t++) d[t * step] = 0.0f;
        return;
    }
    const int64_t sw = g->stride_w, iw0 = ow * sw + offw;
    const float *row = plane + ih * g->W + iw0;
    int64_t lo, hi;
    run_range(&lo, &hi, iw0, sw, g->W, len);
    for (int64_t t = 0; t < lo; t++) d[t * step] = 0.0f;
    if (step == 1 && sw == 1) {
        copy_floats(d + lo, row + lo, hi - lo);
    } else {
        for (int64_t t = lo; t < hi; t++) d[t * step] = row[t * sw];
    }
    for (int64_t t = hi; t < len; t++) d[t * step] = 0.0f;
}

/* Stride 2, taps s and s+1 of one kernel row: da[t*step] = row[2t + offw] and
 * db[t*step] = row[2t + offw + 1] (0 outside the image) -- one deinterleaving
 * pass over a contiguous input run instead of two stride-2 gathers. */
static inline __attribute__((always_inline)) NO_LIBCALLS void gather_pair(
    float *restrict da, float *restrict db, const int64_t step, const float *restrict plane,
    const fm_conv2d_geom *g, int64_t oh, int64_t ow, int64_t len, int64_t offh, int64_t offw) {
    const int64_t ih = oh * g->stride_h + offh;
    if (ih < 0 || ih >= g->H) {
        for (int64_t t = 0; t < len; t++) da[t * step] = db[t * step] = 0.0f;
        return;
    }
    const int64_t iw0 = ow * 2 + offw;
    const float *row = plane + ih * g->W + iw0;
    int64_t la, ha, lb, hb;
    run_range(&la, &ha, iw0, 2, g->W, len);
    run_range(&lb, &hb, iw0 + 1, 2, g->W, len);
    for (int64_t t = 0; t < la; t++) da[t * step] = 0.0f;
    for (int64_t t = ha; t < len; t++) da[t * step] = 0.0f;
    for (int64_t t = 0; t < lb; t++) db[t * step] = 0.0f;
    for (int64_t t = hb; t < len; t++) db[t * step] = 0.0f;
    int64_t lo = la > lb ? la : lb, hi = ha < hb ? ha : hb;
    if (hi <= lo) {
        for (int64_t t = la; t < ha; t++) da[t * step] = row[2 * t];
        for (int64_t t = lb; t < hb; t++) db[t * step] = row[2 * t + 1];
        return;
    }
    for (int64_t t = la; t < lo; t++) da[t * step] = row[2 * t];
    for (int64_t t = lb; t < lo; t++) db[t * step] = row[2 * t + 1];
    for (int64_t t = lo; t < hi; t++) {
        da[t * step] = row[2 * t];
        db[t * step] = row[2 * t + 1];
    }
    for (int64_t t = hi; t < ha; t++) da[t * step] = row[2 * t];
    for (int64_t t = hi; t < hb; t++) db[t * step] = row[2 * t + 1];
}

/* Forward B: rows q in [k0, k0+kc), columns pixels p0+j0 .. p0+j0+nc. */
static NO_LIBCALLS void pack_col(float *restrict bp, const void *vctx, int64_t k0, int64_t kc,
                                 int64_t j0, int64_t nc) {
    const col_ctx *cx = (const col_ctx *)vctx;
    const fm_conv2d_geom *g = cx->g;
    const int NR = cx->nr;
    const int64_t R = g->R, S = g->S, HW = g->H * g->W;
    const int pair = g->stride_w == 2 && g->dil_w == 1;
    run_t runs[64];
    for (int64_t jp = 0; jp < nc; jp += NR) {
        const int64_t nr = nc - jp < NR ? nc - jp : NR;
        const int nrun = pixel_runs(runs, cx->p0 + j0 + jp, nr, g);
        float *dst = bp + jp * kc;
        int64_t c = k0 / (R * S), r = (k0 / S) % R, s = k0 % S;
        for (int64_t k = 0; k < kc; k++) {
            float *d = dst + k * NR;
            const float *plane = cx->x + c * HW;
            const int64_t offh = r * g->dil_h - g->pad_h, offw = s * g->dil_w - g->pad_w;
            if (pair && s + 1 < S && k + 1 < kc) { /* taps s, s+1: rows k, k+1 */
                for (int u = 0; u < nrun; u++)
                    gather_pair(d + runs[u].j, d + NR + runs[u].j, 1,
                                plane + runs[u].n * cx->img, g, runs[u].oh, runs[u].ow,
                                runs[u].len, offh, offw);
                for (int64_t j = nr; j < NR; j++) d[j] = d[NR + j] = 0.0f;
                k++;
                s++; /* s + 1 < S: the second tap stays in this kernel row */
            } else {
                for (int u = 0; u < nrun; u++)
                    gather_run(d + runs[u].j, 1, plane + runs[u].n * cx->img, g, runs[u].oh,
                               runs[u].ow, runs[u].len, offh, offw);
                for (int64_t j = nr; j < NR; j++) d[j] = 0.0f;
            }
            if (++s == S) {
                s = 0;
                if (++r == R) {
                    r = 0;
                    c++;
                }
            }
        }
    }
}

/* dw B (col^T): rows pixels [k0, k0+kc), columns q in [j0, j0+nc). */
static NO_LIBCALLS void pack_colT(float *restrict bp, const void *vctx, int64_t k0, int64_t kc,
                                  int64_t j0, int64_t nc) {
    const col_ctx *cx = (const col_ctx *)vctx;
    const fm_conv2d_geom *g = cx->g;
    const int NR = cx->nr;
    const int64_t R = g->R, S = g->S, HW = g->H * g->W;
    const int pair = g->stride_w == 2 && g->dil_w == 1;
    run_t runs[RUNS_MAX];
    for (int64_t k1 = 0; k1 < kc; k1 += RUNS_MAX / 2) { /* <= len/OW + 2 runs per piece */
        const int64_t len = kc - k1 < RUNS_MAX / 2 ? kc - k1 : RUNS_MAX / 2;
        const int nrun = pixel_runs(runs, k0 + k1, len, g);
        for (int64_t jp = 0; jp < nc; jp += NR) {
            const int64_t nr = nc - jp < NR ? nc - jp : NR;
            float *dst = bp + jp * kc + k1 * NR;
            for (int64_t jj = 0; jj < nr; jj++) {
                const int64_t q = j0 + jp + jj;
                const int64_t c = q / (R * S), r = (q / S) % R, s = q % S;
                const float *plane = cx->x + c * HW;
                const int64_t offh = r * g->dil_h - g->pad_h, offw = s * g->dil_w - g->pad_w;
                if (pair && s + 1 < S && jj + 1 < nr) { /* taps s, s+1: columns jj, jj+1 */
                    for (int u = 0; u < nrun; u++) {
                        float *d = dst + runs[u].j * NR + jj;
                        gather_pair(d, d + 1, NR, plane + runs[u].n * cx->img, g, runs[u].oh,
                                    runs[u].ow, runs[u].len, offh, offw);
                    }
                    jj++;
                    continue;
                }
                for (int u = 0; u < nrun; u++)
                    gather_run(dst + runs[u].j * NR + jj, NR, plane + runs[u].n * cx->img, g,
                               runs[u].oh, runs[u].ow, runs[u].len, offh, offw);
            }
            for (int64_t k = 0; k < len; k++)
                for (int64_t j = nr; j < NR; j++) dst[k * NR + j] = 0.0f;
        }
    }
}

/* Stride 2, taps s and s+1 of one kernel row: they write alternate columns of
 * the same row, so together they add one interleaved, contiguous run (the
 * compiler vectorises it) instead of two stride-2 scatters. */
static void col2im_pair(float *restrict plane, const float *restrict sa,
                        const float *restrict sb, const run_t *runs, int nrun, int64_t img,
                        int64_t offh, int64_t offw, const fm_conv2d_geom *g) {
    const int64_t H = g->H, W = g->W, sh = g->stride_h;
    for (int u = 0; u < nrun; u++) {
        const int64_t ih = runs[u].oh * sh + offh;
        if (ih < 0 || ih >= H) continue;
        const int64_t iw0 = runs[u].ow * 2 + offw, len = runs[u].len;
        float *restrict d = plane + runs[u].n * img + ih * W + iw0;
        const float *a = sa + runs[u].j, *b = sb + runs[u].j;
        int64_t la, ha, lb, hb;
        run_range(&la, &ha, iw0, 2, W, len);
        run_range(&lb, &hb, iw0 + 1, 2, W, len);
        int64_t lo = la > lb ? la : lb, hi = ha < hb ? ha : hb;
        if (hi <= lo) {
            for (int64_t t = la; t < ha; t++) d[2 * t] += a[t];
            for (int64_t t = lb; t < hb; t++) d[2 * t + 1] += b[t];
            continue;
        }
        for (int64_t t = la; t < lo; t++) d[2 * t] += a[t];
        for (int64_t t = lb; t < lo; t++) d[2 * t + 1] += b[t];
        for (int64_t t = lo; t < hi; t++) {
            d[2 * t] += a[t];
            d[2 * t + 1] += b[t];
        }
        for (int64_t t = hi; t < ha; t++) d[2 * t] += a[t];
        for (int64_t t = hi; t < hb; t++) d[2 * t + 1] += b[t];
    }
}

/* dx planes += dcol (CRS, npix) for block pixels [p0, p0 + npix) (image n of
 * the block at dxg + n*img). */
static void col2im(float *restrict dxg, const float *restrict dcol, const fm_conv2d_geom *g,
                   int64_t p0, int64_t npix, int64_t img) {
    const int64_t Cg = g->C / g->groups, R = g->R, S = g->S, H = g->H, W = g->W;
    const int64_t sh = g->stride_h, sw = g->stride_w;
    run_t runs[RUNS_MAX];
    for (int64_t k1 = 0; k1 < npix; k1 += RUNS_MAX / 2) {
        const int64_t len = npix - k1 < RUNS_MAX / 2 ? npix - k1 : RUNS_MAX / 2;
        const int nrun = pixel_runs(runs, p0 + k1, len, g);
        for (int64_t q = 0; q < Cg * R * S; q++) {
            const int64_t c = q / (R * S), r = (q / S) % R, s = q % S;
            float *plane = dxg + c * H * W;
            const int64_t offh = r * g->dil_h - g->pad_h, offw = s * g->dil_w - g->pad_w;
            const float *src = dcol + q * npix + k1;
            if (sw == 2 && g->dil_w == 1 && s + 1 < S) { /* taps s, s+1 as one pass */
                col2im_pair(plane, src, src + npix, runs, nrun, img, offh, offw, g);
                q++;
                continue;
            }
            for (int u = 0; u < nrun; u++) {
                const int64_t ih = runs[u].oh * sh + offh;
                if (ih < 0 || ih >= H) continue;
                float *row = plane + runs[u].n * img + ih * W;
                const float *sp = src + runs[u].j;
                const int64_t iw0 = runs[u].ow * sw + offw;
                int64_t lo, hi;
                run_range(&lo, &hi, iw0, sw, W, runs[u].len);
                float *d = row + iw0;
                if (sw == 1) {
                    for (int64_t t = lo; t < hi; t++) d[t] += sp[t];
                } else {
                    for (int64_t t = lo; t < hi; t++) d[t * sw] += sp[t];
                }
            }
        }
    }
}

/* Images per GEMM: enough for BAND_MIN_PIXELS columns (1 for large images). */
static int64_t images_per_block(const fm_conv2d_geom *g) {
    const int64_t P = g->OH * g->OW;
    int64_t nb = P >= BAND_MIN_PIXELS ? 1 : (BAND_MIN_PIXELS + P - 1) / P;
    return nb > g->N ? g->N : nb;
}

/* dst (Kg, m*P) = the group's dy rows of m consecutive images. */
static void gather_dy(float *restrict dst, const float *restrict dyg, int64_t m, int64_t Kg,
                      int64_t K, int64_t P) {
    for (int64_t k = 0; k < Kg; k++)
        for (int64_t j = 0; j < m; j++)
            memcpy(dst + k * m * P + j * P, dyg + j * K * P + k * P, (size_t)P * sizeof(float));
}

/* Any stride: dx by dcol = W^T dy + col2im, dw partials by dy @ col^T with
 * col^T packed from the image; blocks of nb images per GEMM. dx or part may
 * be NULL (not wanted). */
int fm_conv2d_gemm_backward(float *dx, float *part, int64_t chunks, const float *dy,
                            const float *x, const float *w, const fm_conv2d_geom *g,
                            const fm_gemm_impl *im, int nthreads) {
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, K = g->K, N = g->N;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S, HW = g->H * g->W, wsz = Kg * CRS;
    const int64_t nb = images_per_block(g);
    int64_t at_stride = 0, dy_stride = fm_sgemm_packed_a_floats(Kg, nb * P);
    /* dx panel width: a multiple of NR, ~DCOL_BYTES of dcol */
    int64_t pb = DCOL_BYTES / (int64_t)sizeof(float) / CRS / im->nr * im->nr;
    if (pb < 2 * im->nr) pb = 2 * im->nr;
    if (pb > nb * P) pb = nb * P;
    float *at = dx ? fm_conv2d_pack_weights(im, w, g, 1, &at_stride) : NULL;
    int nt = fm_team_size(nthreads, 4.0 * (double)N * K * P * CRS);
    if (nt > chunks) nt = (int)chunks;
    int st = FM_OK;
    if (dx && !at) st = FM_ENOMEM;
    if (st == FM_OK) {
#pragma omp parallel num_threads(nt)
        {
            float *dyp = part ? (float *)malloc((size_t)dy_stride * sizeof(float)) : NULL;
            float *dcol = dx ? (float *)malloc((size_t)(CRS * pb) * sizeof(float)) : NULL;
            float *dyb = nb > 1 ? (float *)malloc((size_t)(Kg * nb * P) * sizeof(float)) : NULL;
            float *buf = fm_sgemm_thread_buf();
            const int ok = buf && (!part || dyp) && (!dx || dcol) && (nb == 1 || dyb);
            if (!ok) {
#pragma omp atomic write
                st = FM_ENOMEM;
            }
#pragma omp for schedule(dynamic, 1)
            for (int64_t ch = 0; ch < chunks; ch++) {
                if (!ok) continue;
                const int64_t n0 = ch * N / chunks, n1 = (ch + 1) * N / chunks;
                for (int64_t n = n0; n < n1; n += nb) {
                    const int64_t m = n1 - n < nb ? n1 - n : nb, np_all = m * P;
                    for (int64_t gi = 0; gi < G; gi++) {
                        const float *dyg = dy + (n * K + gi * Kg) * P;
                        if (m > 1) { /* the block's dy as one (Kg, m*P) matrix */
                            gather_dy(dyb, dyg, m, Kg, K, P);
                            dyg = dyb;
                        }
                        const col_ctx cx = {x + (n * g->C + gi * Cg) * HW, g, 0, im->nr,
                                            g->C * HW};
                        if (part) { /* part[ch, g] (+)= dy_g (Kg, mP) @ col^T (mP, CRS) */
                            im->pack_a(dyp, dyg, np_all, 1, Kg, np_all, 1.0f);
                            im->run(Kg, 0, CRS, np_all, dyp, pack_colT, &cx, buf,
                                    part + (ch * G + gi) * wsz, CRS, n == n0 ? 0.0f : 1.0f,
                                    NULL);
                        }
                        if (dx) {
                            float *dxg = dx + (n * g->C + gi * Cg) * HW;
                            for (int64_t j = 0; j < m; j++)
                                memset(dxg + j * g->C * HW, 0, (size_t)(Cg * HW) * sizeof(float));
                            for (int64_t p0 = 0; p0 < np_all; p0 += pb) {
                                const int64_t np = np_all - p0 < pb ? np_all - p0 : pb;
                                /* dcol (CRS, np) = W_g^T @ dy_g[:, p0:p0+np] */
                                const fm_sgemm_bmat bs = {dyg + p0, np_all, 1};
                                im->run(CRS, 0, np, Kg, at + gi * at_stride, im->pack_b_strided,
                                        &bs, buf, dcol, np, 0.0f, NULL);
                                col2im(dxg, dcol, g, p0, np, g->C * HW);
                            }
                        }
                    }
                }
            }
            free(dyp);
            free(dcol);
            free(dyb);
        }
    }
    free(at);
    return st;
}

/* Any stride: y = W_g @ col + b per (image block, group, band of output rows),
 * col packed from the image(s) by pack_col; a block of several images goes
 * through a (Kg, nb*P) buffer. */
int fm_conv2d_gemm_forward(float *y, const float *x, const float *w, const float *b,
                           const fm_conv2d_geom *g, const fm_gemm_impl *im, int nthreads) {
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, N = g->N, K = g->K;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S;
    const int64_t nb = images_per_block(g), NB = (N + nb - 1) / nb;
    int64_t astride;
    float *ap = fm_conv2d_pack_weights(im, w, g, 0, &astride);
    if (!ap) return FM_ENOMEM;
    int nt = fm_team_size(nthreads, 2.0 * (double)N * g->K * P * CRS);
    /* bands of output rows (single images only): enough tasks for the team, none
     * below BAND_MIN_PIXELS */
    int64_t bands = (2 * (int64_t)nthreads + N * G - 1) / (N * G);
    if (bands > P / BAND_MIN_PIXELS) bands = P / BAND_MIN_PIXELS;
    if (bands > g->OH) bands = g->OH;
    if (bands < 1 || nb > 1) bands = 1;
    const int64_t rows = (g->OH + bands - 1) / bands;
    bands = (g->OH + rows - 1) / rows;
    const int64_t tasks = NB * G * bands;
    if (nt > tasks) nt = (int)tasks;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        float *yb = nb > 1 ? (float *)malloc((size_t)(Kg * nb * P) * sizeof(float)) : NULL;
        float *buf = fm_sgemm_thread_buf();
        const int ok = buf && (nb == 1 || yb);
        if (!ok) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < tasks; t++) {
            if (!ok) continue;
            const int64_t blk = t / (G * bands), gi = (t / bands) % G, band = t % bands;
            const int64_t n = blk * nb, m = N - n < nb ? N - n : nb;
            const int64_t oh0 = band * rows, oh1 = oh0 + rows < g->OH ? oh0 + rows : g->OH;
            const col_ctx cx = {x + (n * g->C + gi * Cg) * g->H * g->W, g, oh0 * g->OW, im->nr,
                                g->C * g->H * g->W};
            const float *bias = b ? b + gi * Kg : NULL;
            float *yg = y + (n * K + gi * Kg) * P;
            if (nb == 1) {
                im->run(Kg, 0, (oh1 - oh0) * g->OW, CRS, ap + gi * astride, pack_col, &cx, buf,
                        yg + oh0 * g->OW, P, 0.0f, bias);
                continue;
            }
            im->run(Kg, 0, m * P, CRS, ap + gi * astride, pack_col, &cx, buf, yb, m * P, 0.0f,
                    bias);
            for (int64_t k = 0; k < Kg; k++)
                for (int64_t j = 0; j < m; j++)
                    memcpy(yg + j * K * P + k * P, yb + k * m * P + j * P,
                           (size_t)P * sizeof(float));
        }
        free(yb);
    }
    free(ap);
    return st;
}
