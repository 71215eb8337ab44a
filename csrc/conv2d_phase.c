/* conv2d_phase.c -- float32 4x4, stride 2, padding 1 convolution (groups 1,
 * no dilation) on the phase planes of its input, no im2col. The transposed
 * convolution of VAE and GAN decoders runs on it: conv_transpose2d's forward
 * is this conv's dx, its dx this conv's forward, its dw this conv's dw with x
 * and dy swapped. Three passes:
 *   forward  rows kernel, A = the weights in place, B = panels of output
 *            pixels copied from the phase planes (contiguous runs)
 *   dw       rows kernel, A = the phase-plane streams in place, B = dy^T
 *   dx       dcol = W^T dy on the GEMM, then each dx element sums its four
 *            taps once (bias fused for the transposed conv's forward)
 *
 * dw[k, c, r, s] = sum_{n, oh, ow} dy[n, k, oh, ow] x[n, c, 2oh - 1 + r, 2ow - 1 + s].
 * Split x into its four phases P_{ph,pw}[a, b] = x[2a + ph, 2b + pw]: tap r
 * reads phase ph = (r - 1) & 1 at row a = oh + da, da = (r - 1 - ph) / 2 in
 * {-1, 0, 1} (the same for s). Each phase plane is stored zero-padded, one
 * row above and below and one column in front, with row pitch Wp = OW + 1
 * (a read one past the last column lands on the next row's zero column; OW + 2
 * when W is odd and that column holds data), so
 * with pixels on that pitch (k = oh*Wp + ow) row q = (c, r, s) of the im2col
 * matrix is the contiguous stream plane(c, ph, pw) + (da + 1)*Wp + db + 1 + k.
 * The table's rows kernel (conv2d_simd.c) reads those streams in place:
 *   dw^T (C*16, K) = sum over images of streams (C*16, OH*Wp) @ dy^T (OH*Wp, K)
 * with dy^T packed per image (zero at the pitch columns ow >= OW): only the
 * small operand is packed, where the generic path gathered C*16 x OH*OW
 * im2col values per image with stride-2 reads.
 * The pitch columns pair dy's zeros with an x value that im2col never forms a
 * product with, so x must be finite (the caller checks). Threads: fixed
 * chunks of images, each with its own partial, summed in chunk order (the
 * result does not depend on the thread count).
 */
#include <stdlib.h>
#include <string.h>

#include "conv2d_impl.h"

/* dw partials: chunks of images (a constant: the summation order must not
 * depend on the thread count); each costs a (C*16, K) partial to sum */
#define PHASE_CHUNKS 2

int fm_conv2d_phase_applies(const fm_conv2d_geom *g) {
    return g->R == 4 && g->S == 4 && g->stride_h == 2 && g->stride_w == 2 && g->pad_h == 1 &&
           g->pad_w == 1 && g->dil_h == 1 && g->dil_w == 1 && g->groups == 1;
}

typedef struct {
    int64_t Hp, Wp, plane, img; /* padded phase plane; floats per image (4*C planes + slack) */
} phase_geom;

/* d = the four zero-padded phase planes of every channel of one image x (C, H, W). */
static void phase_planes(float *restrict d, const float *restrict x, const fm_conv2d_geom *g,
                         const phase_geom *pg) {
    const int64_t H = g->H, W = g->W, Wp = pg->Wp;
    /* data columns b < Wp - 1 whose x column 2b + pw exists */
    const int64_t m0 = (W + 1) / 2 < Wp - 1 ? (W + 1) / 2 : Wp - 1;
    const int64_t m1 = W / 2 < Wp - 1 ? W / 2 : Wp - 1;
    for (int64_t c = 0; c < g->C; c++) {
        const float *xc = x + c * H * W;
        for (int64_t ph = 0; ph < 2; ph++) {
            float *p0 = d + (c * 4 + ph * 2) * pg->plane, *p1 = p0 + pg->plane;
            for (int64_t pr = 0; pr < pg->Hp; pr++) { /* every float written once */
                float *restrict r0 = p0 + pr * Wp, *restrict r1 = p1 + pr * Wp;
                const int64_t ih = 2 * (pr - 1) + ph;
                if (pr == 0 || ih >= H) {
                    memset(r0, 0, (size_t)Wp * sizeof(float));
                    memset(r1, 0, (size_t)Wp * sizeof(float));
                    continue;
                }
                const float *restrict row = xc + ih * W;
                r0[0] = r1[0] = 0.0f;
                for (int64_t b = 0; b < m0; b++) r0[1 + b] = row[2 * b];
                for (int64_t b = 0; b < m1; b++) r1[1 + b] = row[2 * b + 1];
                for (int64_t b = m0 + 1; b < Wp; b++) r0[b] = 0.0f;
                for (int64_t b = m1 + 1; b < Wp; b++) r1[b] = 0.0f;
            }
        }
    }
    memset(d + 4 * g->C * pg->plane, 0, (size_t)(pg->img - 4 * g->C * pg->plane) * sizeof(float));
}

/* bp = dy (K, OH, OW) of one image transposed into panels of rnr columns on
 * the pitch: bp[(jp*Kp + p)*rnr + j] = dy[jp*rnr + j, oh, ow], p = oh*Wp + ow,
 * Kp = OH*Wp; zero at ow = OW and past K. */
static void pack_dy(float *restrict bp, const float *restrict dy, const fm_conv2d_geom *g,
                    const phase_geom *pg, int64_t rnr) {
    const int64_t K = g->K, OH = g->OH, OW = g->OW, Wp = pg->Wp, Kp = OH * Wp;
    const int64_t P = OH * OW;
    for (int64_t jp = 0; jp < K; jp += rnr) {
        float *restrict pan = bp + jp * Kp;
        const int64_t nr = K - jp < rnr ? K - jp : rnr;
        if (nr < rnr) memset(pan, 0, (size_t)(Kp * rnr) * sizeof(float));
        for (int64_t oh = 0; oh < OH; oh++) {
            float *restrict prow = pan + oh * Wp * rnr;
            for (int64_t j = 0; j < nr; j++) {
                const float *restrict src = dy + (jp + j) * P + oh * OW;
                for (int64_t ow = 0; ow < OW; ow++) prow[ow * rnr + j] = src[ow];
            }
            memset(prow + OW * rnr, 0, (size_t)((Wp - OW) * rnr) * sizeof(float));
        }
    }
}

/* dw (K, C, 4, 4) of the 4x4/s2/p1 conv (fm_conv2d_phase_applies), x finite. */
int fm_conv2d_phase_dw(float *dw, const float *dy, const float *x, const fm_conv2d_geom *g,
                       const fm_conv2d_impl *ck, int nthreads) {
    const int64_t N = g->N, C = g->C, K = g->K, Q = C * 16, rnr = ck->rnr;
    phase_geom pg;
    pg.Hp = g->OH + 2;
    /* one column in front (b = -1); b = OW is read by tap s = 3 and is past x
     * (then the next row's zero column serves) unless W is odd */
    pg.Wp = g->OW + (2 * g->OW >= g->W ? 1 : 2);
    pg.plane = pg.Hp * pg.Wp;
    pg.img = 4 * C * pg.plane + 16;
    const int64_t Kp = g->OH * pg.Wp, Kr = (K + rnr - 1) / rnr * rnr;
    const int64_t chunks = N < PHASE_CHUNKS ? N : PHASE_CHUNKS;
    float *part = (float *)malloc((size_t)(chunks * Q * K) * sizeof(float));
    int64_t *off = (int64_t *)malloc((size_t)Q * sizeof(int64_t));
    if (!part || !off) {
        free(part);
        free(off);
        return FM_ENOMEM;
    }
    for (int64_t c = 0; c < C; c++)
        for (int64_t r = 0; r < 4; r++)
            for (int64_t s = 0; s < 4; s++) {
                const int64_t ph = (r + 1) & 1, pw = (s + 1) & 1; /* (r - 1) & 1 */
                const int64_t da = (r - 1 - ph) / 2, db = (s - 1 - pw) / 2;
                off[(c * 4 + r) * 4 + s] =
                    (c * 4 + ph * 2 + pw) * pg.plane + (da + 1) * pg.Wp + db + 1;
            }
    int nt = fm_team_size(nthreads, 2.0 * (double)N * K * Kp * Q);
    if (nt > chunks) nt = (int)chunks;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        float *xp = (float *)malloc((size_t)pg.img * sizeof(float));
        float *bp = (float *)malloc((size_t)(Kr * Kp) * sizeof(float));
        if (!xp || !bp) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t ch = 0; ch < chunks; ch++) {
            if (!xp || !bp) continue;
            const int64_t n0 = ch * N / chunks, n1 = (ch + 1) * N / chunks;
            for (int64_t n = n0; n < n1; n++) {
                phase_planes(xp, x + n * C * g->H * g->W, g, &pg);
                pack_dy(bp, dy + n * K * g->OH * g->OW, g, &pg, rnr);
                ck->rows(Q, K, Kp, xp, off, bp, part + ch * Q * K, K, n == n0 ? 0.0f : 1.0f);
            }
        }
        free(xp);
        free(bp);
    }
    if (st == FM_OK) { /* dw[k, q] = sum over chunks of part[ch][q, k], chunk order */
#pragma omp parallel num_threads(fm_team_size(nthreads, (double)chunks * Q * K))
        {
            float *acc = (float *)malloc((size_t)K * sizeof(float));
#pragma omp for schedule(static)
            for (int64_t q = 0; q < Q; q++) {
                if (!acc) {
#pragma omp atomic write
                    st = FM_ENOMEM;
                    continue;
                }
                memcpy(acc, part + q * K, (size_t)K * sizeof(float));
                for (int64_t ch = 1; ch < chunks; ch++) {
                    const float *pc = part + (ch * Q + q) * K;
                    for (int64_t k = 0; k < K; k++) acc[k] += pc[k];
                }
                for (int64_t k = 0; k < K; k++) dw[k * Q + q] = acc[k];
            }
            free(acc);
        }
    }
    free(part);
    free(off);
    return st;
}

/* ---- dx (the transposed convolution's forward) ---------------------------
 * dcol (C*16, P) = W^T (C*16, K) @ dy (K, P) as in the generic path, then each
 * dx element is the sum of its four taps' dcol values, written once (bias
 * first): output row ih = 2a + ph takes taps r with (r - 1) & 1 == ph from dy
 * rows oh = a - da, columns iw = 2b + pw the taps s with (s - 1) & 1 == pw
 * from ow = b - db. This replaces the generic col2im (a zeroing pass and
 * sixteen strided read-modify-write passes per plane). Work: blocks of whole
 * images (several when an image has few pixels: full GEMM panels), their dy
 * packed once, dcol computed for a few channels at a time (it stays in L2). */
#define PHASE_BLOCK_PIXELS 256
#define DCOL_FLOATS ((int64_t)32 << 10)

/* One dx row of even width W = 2*OW from the taps' dcol rows of its two
 * kernel rows (u: r = 1 or 0, v: r = 3 or 2, tap s at + s*lu / s*lv; a
 * zero row with lu = 0 where oh is outside):
 * even columns 2b take s = 1 (ow = b) and s = 3 (ow = b - 1), odd ones s = 0
 * (ow = b + 1) and s = 2 (ow = b); one pass, no bounds checks inside. */
static inline void row_even(float *restrict row, const float *restrict u, int64_t lu,
                            const float *restrict v, int64_t lv, int64_t OW, float bi) {
    const float *u0 = u, *u1 = u + lu, *u2 = u + 2 * lu, *u3 = u + 3 * lu;
    const float *v0 = v, *v1 = v + lv, *v2 = v + 2 * lv, *v3 = v + 3 * lv;
    row[0] = bi + u1[0] + v1[0];
    for (int64_t b = 1; b < OW; b++) {
        row[2 * b] = bi + u1[b] + u3[b - 1] + v1[b] + v3[b - 1];
        row[2 * b - 1] = bi + u0[b] + u2[b - 1] + v0[b] + v2[b - 1];
    }
    row[2 * OW - 1] = bi + u2[OW - 1] + v2[OW - 1];
}

/* dx planes (nch channels from dxc, each H x W) = bias + the four taps, from
 * dcol rows (c*16 + r*4 + s) of one image's P columns (row pitch ld). */
static void col2im_phase(float *restrict dxc, const float *restrict dcol, int64_t ld,
                         int64_t nch, const float *bias, const fm_conv2d_geom *g,
                         float *restrict acc, const float *zeros) {
    const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
    const int64_t Wb = (W + 1) / 2; /* columns of phase pw = 0 (pw = 1: W / 2) */
    float *restrict e = acc, *restrict o = acc + Wb;
    for (int64_t c = 0; c < nch; c++) {
        const float bi = bias ? bias[c] : 0.0f;
        if (W == 2 * OW) {
            for (int64_t ih = 0; ih < H; ih++) {
                const int64_t ph = ih & 1, a = ih >> 1;
                const float *t[2];
                int64_t lt[2];
                for (int64_t rr = 0; rr < 2; rr++) {
                    const int64_t r = ph == 0 ? 1 + 2 * rr : 2 * rr;
                    const int64_t oh = a - (r - 1 - ph) / 2;
                    const int out = oh < 0 || oh >= OH; /* no dy row: zeros (OW floats) */
                    t[rr] = out ? zeros : dcol + (c * 16 + r * 4) * ld + oh * OW;
                    lt[rr] = out ? 0 : ld;
                }
                row_even(dxc + (c * H + ih) * W, t[0], lt[0], t[1], lt[1], OW, bi);
            }
            continue;
        }
        for (int64_t ih = 0; ih < H; ih++) {
            const int64_t ph = ih & 1, a = ih >> 1;
            for (int64_t b = 0; b < Wb; b++) e[b] = o[b] = bi;
            for (int64_t rr = 0; rr < 2; rr++) {
                const int64_t r = ph == 0 ? 1 + 2 * rr : 2 * rr; /* (r - 1) & 1 == ph */
                const int64_t oh = a - (r - 1 - ph) / 2;
                if (oh < 0 || oh >= OH) continue;
                const float *q = dcol + (c * 16 + r * 4) * ld + oh * OW;
                /* pw = 0: s = 1 (ow = b), s = 3 (ow = b - 1); pw = 1: s = 0
                 * (ow = b + 1), s = 2 (ow = b) */
                const float *s0 = q, *s1 = q + ld, *s2 = q + 2 * ld, *s3 = q + 3 * ld;
                const int64_t ne = Wb < OW ? Wb : OW, no = W / 2 < OW ? W / 2 : OW;
                for (int64_t b = 0; b < ne; b++) e[b] += s1[b];
                for (int64_t b = 1; b < Wb && b <= OW; b++) e[b] += s3[b - 1];
                for (int64_t b = 0; b < no && b + 1 < OW; b++) o[b] += s0[b + 1];
                for (int64_t b = 0; b < no; b++) o[b] += s2[b];
            }
            float *restrict row = dxc + (c * H + ih) * W;
            for (int64_t b = 0; b < W / 2; b++) {
                row[2 * b] = e[b];
                row[2 * b + 1] = o[b];
            }
            if (W & 1) row[W - 1] = e[Wb - 1];
        }
    }
}

/* dx (N, C, H, W) = the conv's input gradient (+ bias[c] when bias != NULL). */
int fm_conv2d_phase_dx(float *dx, const float *dy, const float *w, const float *bias,
                       const fm_conv2d_geom *g, const fm_conv2d_impl *ck, int nthreads) {
    const fm_gemm_impl *im = ck->gemm;
    const int64_t N = g->N, C = g->C, K = g->K, P = g->OH * g->OW, HW = g->H * g->W;
    int64_t nb = P >= PHASE_BLOCK_PIXELS ? 1 : (PHASE_BLOCK_PIXELS + P - 1) / P;
    if (nb > N) nb = N;
    const int64_t NB = (N + nb - 1) / nb, cols = nb * P, Np = (cols + im->nr - 1) / im->nr * im->nr;
    /* channels per dcol block; a block's 16*cb rows start on an MR-row panel of
     * packed A */
    int64_t step = im->mr, t = 16; /* step = mr / gcd(mr, 16) */
    for (int64_t u = step; t;) {
        const int64_t v = u % t;
        u = t;
        t = v;
        if (!t) step = im->mr / u;
    }
    int64_t cb = DCOL_FLOATS / (16 * cols) / step * step;
    if (cb < step) cb = step;
    if (cb > C) cb = C;
    int64_t astride;
    float *at = fm_conv2d_pack_weights(im, w, g, 1, &astride);
    if (!at) return FM_ENOMEM;
    int nt = fm_team_size(nthreads, 2.0 * (double)N * K * P * C * 16);
    if (nt > NB) nt = (int)NB;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        float *dyb = nb > 1 ? (float *)malloc((size_t)(K * cols) * sizeof(float)) : NULL;
        float *bp = (float *)malloc((size_t)(K * Np) * sizeof(float));
        float *dcol = (float *)malloc((size_t)(cb * 16 * cols) * sizeof(float));
        float *acc = (float *)malloc((size_t)(g->W + 2) * sizeof(float));
        float *zeros = (float *)calloc((size_t)g->OW, sizeof(float));
        const int ok = bp && dcol && acc && zeros && (nb == 1 || dyb);
        if (!ok) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t blk = 0; blk < NB; blk++) {
            if (!ok) continue;
            const int64_t n = blk * nb, m = N - n < nb ? N - n : nb, mc = m * P;
            const float *src = dy + n * K * P;
            if (m > 1) { /* the block's dy as one (K, m*P) matrix */
                for (int64_t k = 0; k < K; k++)
                    for (int64_t j = 0; j < m; j++)
                        memcpy(dyb + k * mc + j * P, dy + ((n + j) * K + k) * P,
                               (size_t)P * sizeof(float));
                src = dyb;
            }
            const fm_sgemm_bmat bs = {src, mc, 1};
            im->pack_b_all(bp, im->pack_b_strided, &bs, K, mc, 0, mc);
            for (int64_t c0 = 0; c0 < C; c0 += cb) {
                const int64_t nch = C - c0 < cb ? C - c0 : cb;
                im->run_packed(nch * 16, 0, mc, K, at + c0 * 16 * K, bp, mc, dcol, mc, 0.0f);
                for (int64_t j = 0; j < m; j++)
                    col2im_phase(dx + ((n + j) * C + c0) * HW, dcol + j * P, mc, nch,
                                 bias ? bias + c0 : NULL, g, acc, zeros);
            }
        }
        free(dyb);
        free(bp);
        free(dcol);
        free(acc);
        free(zeros);
    }
    free(at);
    return st;
}

/* ---- forward: y = W (K, C*16) @ col (C*16, P) + b --------------------------
 * The rows kernel with A = the weights read in place (row k at w + k*C*16)
 * and B = panels of rnr output pixels packed from x's phase planes: row q of
 * col is the stream plane(c, ph, pw) + off[q] (as for dw), so a panel is
 * C*16 contiguous copies per output row it spans, no gather. Tasks: (image,
 * panel); each y element is computed by one task in a fixed order. */
typedef struct {
    int64_t src, dst, len, y; /* stream offset, panel column, length, offset in y */
} seg_t;

static inline void copy_run(float *restrict d, const float *restrict s, int64_t n) {
    int64_t t = 0;
    typedef float v16 __attribute__((vector_size(64)));
    for (; t + 16 <= n; t += 16) {
        v16 v;
        __builtin_memcpy(&v, s + t, sizeof v);
        __builtin_memcpy(d + t, &v, sizeof v);
    }
    for (; t < n; t++) d[t] = s[t];
}

/* Images with fewer pixels than a panel: panels run across the images of a
 * batch (whose phase planes are built first), the tile goes through a buffer
 * and each run of pixels is copied out to its image. Runs of <= 8 pixels are
 * copied as one 8-float move (the planes and bp have slack for the excess,
 * which the next run overwrites). */
#define SMALL_BATCH_BYTES ((int64_t)32 << 20)
static int forward_small(float *y, const float *x, const float *w, const float *b,
                         const fm_conv2d_geom *g, const fm_conv2d_impl *ck, const phase_geom *pg,
                         const int64_t *off, const int64_t *woff, int nthreads) {
    const int64_t N = g->N, C = g->C, K = g->K, Q = C * 16, OW = g->OW, rnr = ck->rnr;
    const int64_t P = g->OH * OW, HW = g->H * g->W;
    int64_t nb = SMALL_BATCH_BYTES / (pg->img * (int64_t)sizeof(float));
    if (nb < 1) nb = 1;
    if (nb > N) nb = N;
    float *xp = (float *)malloc((size_t)(nb * pg->img) * sizeof(float));
    if (!xp) return FM_ENOMEM;
    int st = FM_OK;
    for (int64_t n0 = 0; n0 < N && st == FM_OK; n0 += nb) {
        const int64_t m = N - n0 < nb ? N - n0 : nb, cols = m * P;
        const int64_t tasks = (cols + rnr - 1) / rnr;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)m * pg->img))
        for (int64_t n = 0; n < m; n++) phase_planes(xp + n * pg->img, x + (n0 + n) * C * HW, g, pg);
        int nt = fm_team_size(nthreads, 2.0 * (double)cols * K * Q);
        if (nt > tasks) nt = (int)tasks;
#pragma omp parallel num_threads(nt)
        {
            float *bp = (float *)calloc((size_t)(Q * rnr + 16), sizeof(float));
            float *tile = (float *)malloc((size_t)(K * rnr) * sizeof(float));
            seg_t *seg = (seg_t *)malloc((size_t)(rnr + 1) * sizeof(seg_t));
            const int ok = bp && tile && seg;
            if (!ok) {
#pragma omp atomic write
                st = FM_ENOMEM;
            }
#pragma omp for schedule(dynamic, 1)
            for (int64_t t = 0; t < tasks; t++) {
                if (!ok) continue;
                const int64_t c0 = t * rnr, nc = cols - c0 < rnr ? cols - c0 : rnr;
                int64_t ns = 0;
                for (int64_t j = 0; j < nc;) {
                    const int64_t n = (c0 + j) / P, p = (c0 + j) % P, oh = p / OW, ow = p % OW;
                    const int64_t len = OW - ow < nc - j ? OW - ow : nc - j;
                    seg[ns++] = (seg_t){n * pg->img + oh * pg->Wp + ow, j, len,
                                        (n0 + n) * K * P + p};
                    j += len;
                }
                for (int64_t q = 0; q < Q; q++) {
                    const float *src = xp + off[q];
                    float *dst = bp + q * rnr;
                    for (int64_t u = 0; u < ns; u++) {
                        if (seg[u].len <= 8)
                            __builtin_memcpy(dst + seg[u].dst, src + seg[u].src, 8 * sizeof(float));
                        else
                            copy_run(dst + seg[u].dst, src + seg[u].src, seg[u].len);
                    }
                }
                ck->rows(K, nc, Q, w, woff, bp, tile, rnr, 0.0f);
                for (int64_t k = 0; k < K; k++) {
                    const float bk = b ? b[k] : 0.0f;
                    for (int64_t u = 0; u < ns; u++) {
                        float *yo = y + seg[u].y + k * P;
                        const float *tt = tile + k * rnr + seg[u].dst;
                        for (int64_t i = 0; i < seg[u].len; i++) yo[i] = tt[i] + bk;
                    }
                }
            }
            free(bp);
            free(tile);
            free(seg);
        }
    }
    free(xp);
    return st;
}

int fm_conv2d_phase_forward(float *y, const float *x, const float *w, const float *b,
                            const fm_conv2d_geom *g, const fm_conv2d_impl *ck, int nthreads) {
    const int64_t N = g->N, C = g->C, K = g->K, Q = C * 16, OW = g->OW, rnr = ck->rnr;
    const int64_t P = g->OH * OW, panels = (P + rnr - 1) / rnr, tasks = N * panels;
    phase_geom pg;
    pg.Hp = g->OH + 2;
    pg.Wp = g->OW + (2 * g->OW >= g->W ? 1 : 2);
    pg.plane = pg.Hp * pg.Wp;
    pg.img = 4 * C * pg.plane + 16;
    int64_t *off = (int64_t *)malloc((size_t)(Q + K) * sizeof(int64_t));
    if (!off) return FM_ENOMEM;
    int64_t *woff = off + Q;
    for (int64_t c = 0; c < C; c++)
        for (int64_t r = 0; r < 4; r++)
            for (int64_t s = 0; s < 4; s++) {
                const int64_t ph = (r + 1) & 1, pw = (s + 1) & 1;
                const int64_t da = (r - 1 - ph) / 2, db = (s - 1 - pw) / 2;
                off[(c * 4 + r) * 4 + s] =
                    (c * 4 + ph * 2 + pw) * pg.plane + (da + 1) * pg.Wp + db + 1;
            }
    for (int64_t k = 0; k < K; k++) woff[k] = k * Q;
    if (P < rnr) {
        const int st = forward_small(y, x, w, b, g, ck, &pg, off, woff, nthreads);
        free(off);
        return st;
    }
    int nt = fm_team_size(nthreads, 2.0 * (double)N * K * P * Q);
    if (nt > tasks) nt = (int)tasks;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        float *xp = (float *)malloc((size_t)pg.img * sizeof(float));
        float *bp = (float *)calloc((size_t)(Q * rnr), sizeof(float));
        seg_t *seg = (seg_t *)malloc((size_t)(rnr + 1) * sizeof(seg_t));
        const int ok = xp && bp && seg;
        if (!ok) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
        int64_t cur = -1; /* image whose phase planes xp holds */
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < tasks; t++) {
            if (!ok) continue;
            const int64_t n = t / panels, p0 = (t % panels) * rnr;
            const int64_t nc = P - p0 < rnr ? P - p0 : rnr;
            if (n != cur) {
                phase_planes(xp, x + n * C * g->H * g->W, g, &pg);
                cur = n;
            }
            int64_t ns = 0; /* the panel's pixels as runs within output rows */
            for (int64_t j = 0; j < nc;) {
                const int64_t p = p0 + j, oh = p / OW, ow = p % OW;
                const int64_t len = OW - ow < nc - j ? OW - ow : nc - j;
                seg[ns++] = (seg_t){oh * pg.Wp + ow, j, len, 0};
                j += len;
            }
            for (int64_t q = 0; q < Q; q++) {
                const float *src = xp + off[q];
                float *dst = bp + q * rnr;
                for (int64_t u = 0; u < ns; u++)
                    copy_run(dst + seg[u].dst, src + seg[u].src, seg[u].len);
            }
            float *yn = y + n * K * P + p0;
            ck->rows(K, nc, Q, w, woff, bp, yn, P, 0.0f);
            if (b)
                for (int64_t k = 0; k < K; k++)
                    for (int64_t j = 0; j < nc; j++) yn[k * P + j] += b[k];
        }
        free(xp);
        free(bp);
        free(seg);
    }
    free(off);
    return st;
}
