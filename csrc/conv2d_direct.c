/* conv2d_direct.c -- float32 conv2d with stride 1 on kernels that read the
 * zero-padded image in place (the table's direct, direct_narrow and dot:
 * conv2d_simd.c).
 *
 * With stride 1, row q = (c, r, s) of the im2col matrix of an image padded to
 * (Cg, Hp, Wp), over output pixels on the padded width (p' = oh*Wp + ow), is
 * the contiguous stream xp + off[q] + p', off[q] = c*Hp*Wp + r*dh*Wp + s*dw:
 *   forward  y (Kg, P) = W_g @ B + b: direct kernel; rows straight into y when
 *            OW fills whole panels ("row mode"), else L2-sized blocks of the
 *            padded width computed into a buffer and copied out ("wide mode")
 *   dx       the same forward pass on dy padded by dil*(k-1) - pad, with the
 *            weights flipped and transposed per group
 *   dw       dot kernel: dw_g[k, q] = sum_p' dy_w[k, p'] xp[off[q] + p'], dy
 *            spread onto the padded width (zeros past OW), a chunk's images
 *            accumulated in registers
 * Layers with at most nmr filters per group use the narrow kernel. Blocking
 * depends on the geometry only, so results do not depend on the thread count.
 */
#include <stdlib.h>
#include <string.h>

#include "conv2d_impl.h"

/* Padded copies of images are made for at most this many bytes at a time
 * (forward: per batch of images; dw: per thread and batch), so memory stays
 * bounded for any batch size. */
#define PAD_BATCH_BYTES ((int64_t)64 << 20)
#define DW_BATCH_BYTES ((int64_t)8 << 20)
/* Wide-mode column block: >= 16 panels (~9 rows of a 56-wide image) keep the
 * image rows, the weights and the output block of one task in L2 together
 * ((8,64,56,56) forward at 2 threads: 9.7-10.7 -> 9.2-9.3 ms; below 32 panels
 * the whole image is one block: (64,3,28,28) forward was 10% slower split). */
#define WIDE_PANELS 16

/* ---- padded images ------------------------------------------------------
 * xp holds every (image, group) zero-padded to (Cg, Hp, Wp) plus `slack`
 * trailing zeros, so the kernels' reads past the last row stay inside. */
typedef struct {
    int64_t Hp, Wp, plane, xsz; /* padded plane Hp*Wp; floats per (image, group) */
    int64_t Pw, Np;             /* pixels on the padded width OH*Wp; Pw rounded up to NR */
} pad_geom;

static void pad_plan(pad_geom *pg, const fm_conv2d_geom *g, int nr) {
    const int64_t Cg = g->C / g->groups;
    pg->Hp = g->H + 2 * g->pad_h;
    pg->Wp = g->W + 2 * g->pad_w;
    pg->plane = pg->Hp * pg->Wp;
    pg->xsz = Cg * pg->plane + (g->S - 1) * g->dil_w + 4 * nr; /* narrow panels: 2 nr */
    pg->Pw = g->OH * pg->Wp;
    pg->Np = (pg->Pw + nr - 1) / nr * nr;
}

/* off[q] for q = (c, r, s): where row q of the im2col matrix starts in xp. */
static void row_offsets(int64_t *off, const fm_conv2d_geom *g, const pad_geom *pg) {
    const int64_t Cg = g->C / g->groups;
    int64_t q = 0;
    for (int64_t c = 0; c < Cg; c++)
        for (int64_t r = 0; r < g->R; r++)
            for (int64_t s = 0; s < g->S; s++)
                off[q++] = c * pg->plane + r * g->dil_h * pg->Wp + s * g->dil_w;
}

/* Nonzero when the n values at v are all finite (no exponent of all ones). */
static int finite_run(const float *v, int64_t n) {
    uint32_t bad = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, v + i, sizeof u);
        bad |= (u & 0x7f800000u) == 0x7f800000u;
    }
    return bad == 0;
}

/* d[:n] = s[:n]; nonzero when one of them is inf or NaN (exponent all ones). */
static int copy_check(float *restrict d, const float *restrict s, int64_t n) {
    uint32_t bad = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, s + i, sizeof u);
        memcpy(d + i, &u, sizeof u);
        bad |= (u & 0x7f800000u) == 0x7f800000u;
    }
    return bad != 0;
}

/* d = one image's group of Cg channels (src) zero-padded to (Cg, Hp, Wp) plus
 * the slack. Every float is written once: zero rows above and below, zero
 * margins around each copied row (a full memset first would write twice).
 * With check, returns nonzero when the image holds an inf or NaN (else 0). */
static int pad_one(float *d, const float *src, const fm_conv2d_geom *g, const pad_geom *pg,
                   int check) {
    const int64_t Cg = g->C / g->groups, H = g->H, W = g->W;
    const int64_t Wp = pg->Wp, pw = g->pad_w, right = Wp - pw - W;
    int bad = 0;
    for (int64_t c = 0; c < Cg; c++) {
        float *pl = d + c * pg->plane;
        memset(pl, 0, (size_t)(g->pad_h * Wp) * sizeof(float));
        for (int64_t h = 0; h < H; h++) {
            float *row = pl + (h + g->pad_h) * Wp;
            for (int64_t i = 0; i < pw; i++) row[i] = 0.0f;
            if (check)
                bad |= copy_check(row + pw, src + (c * H + h) * W, W);
            else
                memcpy(row + pw, src + (c * H + h) * W, (size_t)W * sizeof(float));
            for (int64_t i = 0; i < right; i++) row[pw + W + i] = 0.0f;
        }
        memset(pl + (g->pad_h + H) * Wp, 0,
               (size_t)((pg->Hp - g->pad_h - H) * Wp) * sizeof(float));
    }
    memset(d + Cg * pg->plane, 0, (size_t)(pg->xsz - Cg * pg->plane) * sizeof(float));
    return bad;
}

/* Space-to-depth (src != NULL, g = its stride-1 form, conv2d.c): d = one image's
 * group of src's Cg channels as g's Cg*sh*sw planes (Hp, Wp) = (g->H, g->W),
 * plane (c*sh + r0)*sw + s0 holding x[c, a*sh + r0 - pad_h, b*sw + s0 - pad_w]
 * (0 outside), plus the slack. With check, returns nonzero when a gathered
 * value is inf or NaN. */
static int s2d_one(float *d, const float *src, const fm_conv2d_geom *sg, const pad_geom *pg,
                   int check) {
    const int64_t Cg = sg->C / sg->groups, H = sg->H, W = sg->W, sh = sg->stride_h;
    const int64_t sw = sg->stride_w, Hp = pg->Hp, Wp = pg->Wp;
    uint32_t bad = 0;
    for (int64_t c = 0; c < Cg; c++) {
        for (int64_t r0 = 0; r0 < sh; r0++) {
            for (int64_t s0 = 0; s0 < sw; s0++) {
                float *pl = d + ((c * sh + r0) * sw + s0) * pg->plane;
                const int64_t offw = s0 - sg->pad_w;
                /* columns b whose source column b*sw + offw lies in [0, W) */
                int64_t lo = offw >= 0 ? 0 : (-offw + sw - 1) / sw;
                int64_t hi = W - offw <= 0 ? 0 : (W - 1 - offw) / sw + 1;
                if (hi > Wp) hi = Wp;
                if (lo > hi) lo = hi;
                for (int64_t a = 0; a < Hp; a++) {
                    float *restrict row = pl + a * Wp;
                    const int64_t ih = a * sh + r0 - sg->pad_h;
                    if (ih < 0 || ih >= H) {
                        memset(row, 0, (size_t)Wp * sizeof(float));
                        continue;
                    }
                    const float *restrict sr = src + (c * H + ih) * W + offw;
                    for (int64_t b = 0; b < lo; b++) row[b] = 0.0f;
                    if (sw == 2) { /* a constant stride: the compiler vectorises it */
                        for (int64_t b = lo; b < hi; b++) row[b] = sr[2 * b];
                    } else {
                        for (int64_t b = lo; b < hi; b++) row[b] = sr[b * sw];
                    }
                    for (int64_t b = hi; b < Wp; b++) row[b] = 0.0f;
                    if (check) bad |= !finite_run(row + lo, hi - lo);
                }
            }
        }
    }
    memset(d + Cg * sh * sw * pg->plane, 0,
           (size_t)(pg->xsz - Cg * sh * sw * pg->plane) * sizeof(float));
    return bad != 0;
}

/* Floats from one image's group in x to the next group's: the layout of src
 * when given (space-to-depth), else of g. */
static int64_t group_floats(const fm_conv2d_geom *g, const fm_conv2d_geom *src) {
    const fm_conv2d_geom *s = src ? src : g;
    return s->C / s->groups * s->H * s->W;
}

/* d = image group x (layout of src, or g) as the padded (or space-to-depth) copy. */
static int fill_one(float *d, const float *x, const fm_conv2d_geom *g,
                    const fm_conv2d_geom *src, const pad_geom *pg, int check) {
    return src ? s2d_one(d, x, src, pg, check) : pad_one(d, x, g, pg, check);
}

/* xp[(n*G + gi)] = x[n, group gi] zero-padded, for all N images of g. */
static void pad_images(float *xp, const float *x, const fm_conv2d_geom *g,
                       const fm_conv2d_geom *src, const pad_geom *pg, int nthreads) {
    const int64_t G = g->groups, gf = group_floats(g, src);
#pragma omp parallel for schedule(static) \
    num_threads(fm_team_size(nthreads, (double)g->N * G * pg->xsz))
    for (int64_t t = 0; t < g->N * G; t++) /* (n*G + gi) groups of gf floats */
        fill_one(xp + t * pg->xsz, x + t * gf, g, src, pg, 0);
}

/* What the tasks of one forward pass share: the weights as the kernel takes
 * them (packed, or as they are for the narrow kernel), the bias, the padded
 * images and the row offsets. */
typedef struct {
    const fm_conv2d_geom *g;
    const fm_conv2d_impl *ck;
    const pad_geom *pg;
    const float *wa, *b, *xp;
    const int64_t *off;
    int64_t astride, Kg, CRS;
    int narrow;
} fwd_ctx;

/* C (Kg, ncols) with leading dimension ldc = W_gi @ Bd + b_gi, Bd[q, j] =
 * base[off[q] + j]. */
static inline void direct_tile(const fwd_ctx *f, int64_t ncols, const float *base, float *C,
                               int64_t ldc, int64_t gi) {
    const float *bg = f->b ? f->b + gi * f->Kg : NULL;
    if (f->narrow)
        f->ck->direct_narrow(f->Kg, ncols, f->CRS, f->wa + gi * f->astride, f->CRS, base, f->off,
                             C, ldc, bg);
    else
        f->ck->direct(f->Kg, ncols, f->CRS, f->wa + gi * f->astride, base, f->off, C, ldc, bg);
}

/* Row mode: panels aligned to output rows, tiles stored straight into y.
 * Wastes no more lanes than the padded width would and needs no copy (OW a
 * multiple of NR: no waste at all). Tasks: bands of rows. */
static void forward_rows(float *y, const fwd_ctx *f, int nt, int nthreads) {
    const fm_conv2d_geom *g = f->g;
    const int64_t G = g->groups, N = g->N, P = g->OH * g->OW;
    int64_t bands = (4 * (int64_t)nthreads + N * G - 1) / (N * G);
    if (bands > g->OH) bands = g->OH;
    const int64_t rows = (g->OH + bands - 1) / bands;
    bands = (g->OH + rows - 1) / rows;
    const int64_t tasks = N * G * bands;
    if (nt > tasks) nt = (int)tasks;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (int64_t t = 0; t < tasks; t++) {
        const int64_t ng = t / bands, n = ng / G, gi = ng % G;
        const int64_t oh0 = (t % bands) * rows;
        const int64_t oh1 = oh0 + rows < g->OH ? oh0 + rows : g->OH;
        const float *xb = f->xp + ng * f->pg->xsz;
        float *yb = y + (n * g->K + gi * f->Kg) * P;
        for (int64_t oh = oh0; oh < oh1; oh++)
            direct_tile(f, g->OW, xb + oh * f->pg->Wp, yb + oh * g->OW, P, gi);
    }
}

/* Wide mode: pixels on the padded width (p' = oh*Wp + ow) in column blocks of
 * whole panels, computed into tmp; the columns ow < OW are copied out. Tasks:
 * (image, group, column block). */
static int forward_wide(float *y, const fwd_ctx *f, int nt) {
    const fm_conv2d_geom *g = f->g;
    const pad_geom *pg = f->pg;
    const int64_t G = g->groups, N = g->N, P = g->OH * g->OW, Kg = f->Kg;
    const int64_t nr = f->ck->gemm->nr, panels = pg->Np / nr;
    int64_t cb = panels / WIDE_PANELS; /* small images: one block per image */
    if (cb < 1) cb = 1;
    const int64_t per = (panels + cb - 1) / cb * nr; /* columns per block */
    cb = (pg->Np + per - 1) / per;
    const int64_t tasks = N * G * cb;
    if (nt > tasks) nt = (int)tasks;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        float *tmp = (float *)malloc((size_t)(Kg * per) * sizeof(float));
        if (!tmp) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < tasks; t++) {
            if (!tmp) continue;
            const int64_t ng = t / cb, j0 = (t % cb) * per;
            const int64_t n = ng / G, gi = ng % G;
            const int64_t nc = pg->Np - j0 < per ? pg->Np - j0 : per;
            direct_tile(f, nc, f->xp + ng * pg->xsz + j0, tmp, per, gi);
            /* keep the columns ow < OW of every padded-width row in [j0, j0+nc) */
            const int64_t je = j0 + nc < pg->Pw ? j0 + nc : pg->Pw;
            float *yb = y + (n * g->K + gi * Kg) * P;
            for (int64_t oh = j0 / pg->Wp; oh * pg->Wp < je; oh++) {
                int64_t a = oh * pg->Wp, e = a + g->OW;
                if (a < j0) a = j0;
                if (e > je) e = je;
                if (a >= e) continue;
                for (int64_t k = 0; k < Kg; k++)
                    memcpy(yb + k * P + oh * g->OW + (a - oh * pg->Wp), tmp + k * per + (a - j0),
                           (size_t)(e - a) * sizeof(float));
            }
        }
        free(tmp);
    }
    return st;
}

/* y = conv(x, w) + b for stride 1; w (K, C/G, R, S) row-major. Layers with
 * at most nmr filters per group use the narrow kernel on w as it is, others
 * the MR-row kernel on w packed once. */
int fm_conv2d_direct_forward(float *y, const float *x, const float *w, const float *b,
                             const fm_conv2d_geom *g, const fm_conv2d_geom *src,
                             const fm_conv2d_impl *ck, int nthreads) {
    const fm_gemm_impl *im = ck->gemm;
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, N = g->N;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S;
    pad_geom pg;
    pad_plan(&pg, g, im->nr);
    /* the padded copy is bounded: batches of images beyond PAD_BATCH_BYTES */
    int64_t nb = PAD_BATCH_BYTES / (G * pg.xsz * (int64_t)sizeof(float));
    if (nb < 1) nb = 1;
    if (N > nb) {
        int st = FM_OK;
        for (int64_t n0 = 0; n0 < N && st == FM_OK; n0 += nb) {
            fm_conv2d_geom sub = *g;
            sub.N = N - n0 < nb ? N - n0 : nb;
            st = fm_conv2d_direct_forward(y + n0 * g->K * P, x + n0 * G * group_floats(g, src),
                                          w, b, &sub, src, ck, nthreads);
        }
        return st;
    }
    const int narrow = Kg <= ck->nmr;
    int64_t astride = Kg * CRS;
    float *ap = NULL;
    if (!narrow && !(ap = fm_conv2d_pack_weights(im, w, g, 0, &astride))) return FM_ENOMEM;
    float *xp = (float *)malloc((size_t)(N * G * pg.xsz) * sizeof(float));
    int64_t *off = (int64_t *)malloc((size_t)CRS * sizeof(int64_t));
    int st = FM_OK;
    if (!xp || !off) {
        st = FM_ENOMEM;
    } else {
        pad_images(xp, x, g, src, &pg, nthreads);
        row_offsets(off, g, &pg);
        const fwd_ctx f = {g, ck, &pg, narrow ? w : ap, b, xp, off, astride, Kg, CRS, narrow};
        const int nt = fm_team_size(nthreads, 2.0 * (double)N * g->K * P * CRS);
        const int64_t nr = im->nr, row_pad = (g->OW + nr - 1) / nr * nr - g->OW;
        if (row_pad <= pg.Wp - g->OW)
            forward_rows(y, &f, nt, nthreads);
        else
            st = forward_wide(y, &f, nt);
    }
    free(xp);
    free(off);
    free(ap);
    return st;
}

/* dx by the stride-1 identity dx = conv(dy padded by dil*(R-1) - pad,
 * w flipped and transposed per group); needs pad <= dil*(R-1). */
int fm_conv2d_direct_dx(float *dx, const float *dy, const float *w, const fm_conv2d_geom *g,
                        const fm_conv2d_impl *ck, int nthreads) {
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, R = g->R, S = g->S;
    fm_conv2d_geom t = *g;
    t.C = g->K;
    t.H = g->OH;
    t.W = g->OW;
    t.K = g->C;
    t.OH = g->H;
    t.OW = g->W;
    t.pad_h = g->dil_h * (R - 1) - g->pad_h;
    t.pad_w = g->dil_w * (S - 1) - g->pad_w;
    const int64_t KRS = Kg * R * S;
    /* wt[gi*Cg + c, (k, r, s)] = w[gi*Kg + k, c, R-1-r, S-1-s] */
    float *wt = (float *)malloc((size_t)(g->C * KRS) * sizeof(float));
    if (!wt) return FM_ENOMEM;
    for (int64_t gi = 0; gi < G; gi++)
        for (int64_t c = 0; c < Cg; c++)
            for (int64_t k = 0; k < Kg; k++)
                for (int64_t r = 0; r < R; r++)
                    for (int64_t s = 0; s < S; s++)
                        wt[(gi * Cg + c) * KRS + (k * R + r) * S + s] =
                            w[(((gi * Kg + k) * Cg + c) * R + (R - 1 - r)) * S + (S - 1 - s)];
    const int st = fm_conv2d_direct_forward(dx, dy, wt, NULL, &t, NULL, ck, nthreads);
    free(wt);
    return st;
}

/* dw partials by the dot kernel: part[ch] (G, Kg, CRS) over chunk ch's images,
 * dy spread onto the padded width (zeros past OW) so that it lines up with
 * the rows of the padded image. Those zeros meet image values that im2col
 * never pairs with dy (0 * inf = NaN where torch has no product), so a chunk
 * whose images hold an inf or NaN is left unfinished with redo[ch] = 1 (the
 * check rides on the padding copy; the caller recomputes the chunk). */
/* Pixels per dot pass: rows stay in L2; fewer passes mean fewer lane sums
 * (1024 -> 4096: (8,64,56,56) dw 85 -> 99 GFLOP/s on one thread). */
#define DOT_CHUNK 4096
int fm_conv2d_direct_dw(float *part, unsigned char *redo, int64_t chunks, const float *dy,
                        const float *x, const fm_conv2d_geom *g, const fm_conv2d_geom *src,
                        const fm_conv2d_impl *ck, int nthreads) {
    const fm_gemm_impl *im = ck->gemm;
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, N = g->N, K = g->K;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S, wsz = Kg * CRS;
    const int64_t gf = group_floats(g, src);
    pad_geom pg;
    pad_plan(&pg, g, im->nr);
    const int64_t L = (pg.Pw + im->vl - 1) / im->vl * im->vl;
    int64_t *off = (int64_t *)malloc((size_t)CRS * sizeof(int64_t));
    if (!off) return FM_ENOMEM;
    row_offsets(off, g, &pg);
    /* images per dot call: a chunk's images, fewer if their spread dy and
     * padded image rows would pass DW_BATCH_BYTES (geometry only: the
     * summation order does not depend on the thread count) */
    const int64_t per_chunk = (N + chunks - 1) / chunks;
    int64_t sb = DW_BATCH_BYTES / ((Kg * L + pg.xsz) * (int64_t)sizeof(float));
    if (sb < 1) sb = 1;
    if (sb > per_chunk) sb = per_chunk;
    int nt = fm_team_size(nthreads, 2.0 * (double)N * K * P * CRS);
    if (nt > chunks) nt = (int)chunks;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        float *dyw = (float *)calloc((size_t)(sb * Kg * L), sizeof(float));
        float *xp = (float *)malloc((size_t)(sb * pg.xsz) * sizeof(float));
        if (!dyw || !xp) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t ch = 0; ch < chunks; ch++) {
            if (!dyw || !xp) continue;
            const int64_t n0 = ch * N / chunks, n1 = (ch + 1) * N / chunks;
            int bad = 0;
            for (int64_t gi = 0; gi < G && !bad; gi++) {
                float *pc = part + (ch * G + gi) * wsz;
                for (int64_t b0 = n0; b0 < n1 && !bad; b0 += sb) {
                    const int64_t b1 = b0 + sb < n1 ? b0 + sb : n1;
                    for (int64_t n = b0; n < b1; n++) { /* padding columns stay zero */
                        const float *dyg = dy + (n * K + gi * Kg) * P;
                        float *dn = dyw + (n - b0) * Kg * L;
                        for (int64_t k = 0; k < Kg; k++)
                            for (int64_t oh = 0; oh < g->OH; oh++)
                                memcpy(dn + k * L + oh * pg.Wp, dyg + k * P + oh * g->OW,
                                       (size_t)g->OW * sizeof(float));
                        bad |= fill_one(xp + (n - b0) * pg.xsz, x + (n * G + gi) * gf, g,
                                        src, &pg, 1);
                    }
                    if (bad) break;
                    for (int64_t l0 = 0; l0 < L; l0 += DOT_CHUNK) {
                        const int64_t len = L - l0 < DOT_CHUNK ? L - l0 : DOT_CHUNK;
                        ck->dot(Kg, CRS, len, b1 - b0, dyw + l0, L, Kg * L, xp + l0, pg.xsz,
                                off, pc, CRS, b0 == n0 && l0 == 0 ? 0.0f : 1.0f);
                    }
                }
            }
            redo[ch] = (unsigned char)bad;
        }
        free(dyw);
        free(xp);
    }
    free(off);
    return st;
}
