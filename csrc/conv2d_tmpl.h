/* conv2d_tmpl.h -- conv2d forward/backward for one dtype. Included by conv2d.c
 * with T (float/double) and SUF (f32/f64) defined.
 *
 * Work unit: a block of nb images x output rows [oh0, oh1) (a band; several
 * images only when one image is narrow, then always all rows), per group:
 *   col  (CRS, nb*Pb)  im2col panel, CRS = C/groups*R*S, Pb = (oh1-oh0)*OW;
 *                      bands keep it cache-sized, several narrow images side
 *                      by side keep the GEMM wide
 *   y    = w_g (Kg, CRS) @ col         straight into y (ldc = P) for one
 *                                      image, else via tmp, scattered to NCHW
 *   dw_g += dy_g (Kg, nb*Pb) @ col^T   blocks accumulate in a fixed order
 *   dcol = w_g^T (CRS, Kg) @ dy_g      -> col2im, one (image, channel) plane
 *                                      per task, so no atomics
 * The GEMMs run on the BLAS thread pool; everything else here is serial on
 * purpose: OpenMP workers keep spinning for a while after a region and took the
 * second core from the BLAS pool that runs right after (measured: 2-3x slower
 * per block with threaded panel copies), and the copies are ~15% of the work.
 * The blocking depends only on the geometry and no inner dimension is split,
 * but fm_gemm_* gives each of nthreads threads one block of rows or columns and
 * the BLAS's summation order depends on the block's shape: results may differ
 * between thread counts in the last bits (~1e-15 relative).
 */
#define FN(name) FM_CAT(name, SUF)
#define GEMM FM_CAT(fm_gemm_, SUF)

/* col[q, j*Pb + (oh-oh0)*OW + ow] = x[n0+j, c0+c, ih, iw] (0 outside),
 * q = (c*R + r)*S + s. */
static void FN(im2col_)(T *restrict col, const T *restrict x, const fm_conv2d_geom *g,
                        const conv_block *b, int64_t c0) {
    const int64_t Cg = g->C / g->groups, R = g->R, S = g->S, H = g->H, W = g->W;
    const int64_t OW = g->OW, CRS = Cg * R * S, nb = b->nb, oh0 = b->oh0, oh1 = b->oh1;
    const int64_t Pb = (oh1 - oh0) * OW, sh = g->stride_h, sw = g->stride_w;
    for (int64_t j = 0; j < nb; j++) {
        for (int64_t q = 0; q < CRS; q++) {
            const int64_t c = q / (R * S), r = (q / S) % R, s = q % S;
            const T *xp = x + ((b->n0 + j) * g->C + c0 + c) * H * W;
            T *dst = col + q * (nb * Pb) + j * Pb;
            const int64_t offw = s * g->dil_w - g->pad_w, offh = r * g->dil_h - g->pad_h;
            int64_t lo, hi;
            valid_range(&lo, &hi, offw, sw, W, OW);
            for (int64_t oh = oh0; oh < oh1; oh++, dst += OW) {
                const int64_t ih = oh * sh + offh;
                if (ih < 0 || ih >= H || lo >= hi) {
                    memset(dst, 0, (size_t)OW * sizeof(T));
                    continue;
                }
                const T *src = xp + ih * W + offw;
                for (int64_t ow = 0; ow < lo; ow++) dst[ow] = 0;
                if (sw == 1) {
                    memcpy(dst + lo, src + lo, (size_t)(hi - lo) * sizeof(T));
                } else {
                    for (int64_t ow = lo; ow < hi; ow++) dst[ow] = src[ow * sw];
                }
                for (int64_t ow = hi; ow < OW; ow++) dst[ow] = 0;
            }
        }
    }
}

/* dx[n0+j, c0+c] += dcol scattered back (planes zeroed at the first band);
 * one plane per task. */
static void FN(col2im_)(T *restrict dx, const T *restrict dcol, const fm_conv2d_geom *g,
                        const conv_block *b, int64_t c0) {
    const int64_t Cg = g->C / g->groups, R = g->R, S = g->S, H = g->H, W = g->W;
    const int64_t OW = g->OW, nb = b->nb, oh0 = b->oh0, oh1 = b->oh1;
    const int64_t Pb = (oh1 - oh0) * OW, sh = g->stride_h, sw = g->stride_w;
    for (int64_t j = 0; j < nb; j++) {
        for (int64_t c = 0; c < Cg; c++) {
            T *xp = dx + ((b->n0 + j) * g->C + c0 + c) * H * W;
            if (oh0 == 0) memset(xp, 0, (size_t)(H * W) * sizeof(T));
            for (int64_t r = 0; r < R; r++) {
                const int64_t offh = r * g->dil_h - g->pad_h;
                for (int64_t s = 0; s < S; s++) {
                    const int64_t offw = s * g->dil_w - g->pad_w;
                    const T *src = dcol + ((c * R + r) * S + s) * (nb * Pb) + j * Pb;
                    int64_t lo, hi;
                    valid_range(&lo, &hi, offw, sw, W, OW);
                    for (int64_t oh = oh0; oh < oh1; oh++) {
                        const int64_t ih = oh * sh + offh;
                        if (ih < 0 || ih >= H) continue;
                        T *d = xp + ih * W + offw;
                        const T *sp = src + (oh - oh0) * OW;
                        if (sw == 1) {
                            for (int64_t ow = lo; ow < hi; ow++) d[ow] += sp[ow];
                        } else {
                            for (int64_t ow = lo; ow < hi; ow++) d[ow * sw] += sp[ow];
                        }
                    }
                }
            }
        }
    }
}

FM_API int FN(fm_conv2d_forward_)(T *y, const T *x, const T *w, const T *bias,
                                  const fm_conv2d_geom *g, int nthreads) {
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, K = g->K;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S;
    conv_plan pl;
    plan_blocks(&pl, g);
    T *col = (T *)malloc((size_t)(CRS * pl.cols) * sizeof(T));
    T *tmp = pl.nb > 1 ? (T *)malloc((size_t)(Kg * pl.cols) * sizeof(T)) : NULL;
    if (!col || (pl.nb > 1 && !tmp)) {
        free(col);
        free(tmp);
        return FM_ENOMEM;
    }
    int st = FM_OK;
    conv_block b;
    for (int64_t blk = 0; st == FM_OK && next_block(&b, &pl, g, blk); blk++) {
        const int64_t m = b.nb, Pb = (b.oh1 - b.oh0) * g->OW;
        for (int64_t gi = 0; gi < G && st == FM_OK; gi++) {
            FN(im2col_)(col, x, g, &b, gi * Cg);
            T *yg = y + b.n0 * K * P + gi * Kg * P + b.oh0 * g->OW;
            if (m == 1) { /* straight into y: rows of Pb columns, stride P */
                st = GEMM(0, 0, Kg, Pb, CRS, (T)1, w + gi * Kg * CRS, CRS, col, Pb, (T)0, yg, P,
                          nthreads);
            } else {
                st = GEMM(0, 0, Kg, m * Pb, CRS, (T)1, w + gi * Kg * CRS, CRS, col, m * Pb,
                          (T)0, tmp, m * Pb, nthreads);
            }
            if (st != FM_OK || (m == 1 && !bias)) continue;
            for (int64_t j = 0; j < m; j++) {
                for (int64_t k = 0; k < Kg; k++) {
                    T *o = yg + j * K * P + k * P;
                    const T *s = m > 1 ? tmp + k * m * Pb + j * Pb : o;
                    const T bk = bias ? bias[gi * Kg + k] : (T)0;
                    for (int64_t p = 0; p < Pb; p++) o[p] = s[p] + bk;
                }
            }
        }
    }
    free(col);
    free(tmp);
    return st;
}

FM_API int FN(fm_conv2d_backward_)(T *dx, T *dw, T *db, const T *dy, const T *x, const T *w,
                                   const fm_conv2d_geom *g, int nthreads) {
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, K = g->K;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S, N = g->N;
    if (db) { /* db[k] = sum over images and pixels, float64 across images */
        for (int64_t k = 0; k < K; k++) {
            double acc = 0;
            for (int64_t n = 0; n < N; n++) {
                const T *d = dy + (n * K + k) * P;
                T part = 0;
                _Pragma("omp simd reduction(+:part)")
                for (int64_t p = 0; p < P; p++) part += d[p];
                acc += (double)part;
            }
            db[k] = (T)acc;
        }
    }
    if (!dx && !dw) return FM_OK;
    conv_plan pl;
    plan_blocks(&pl, g);
    T *col = (T *)malloc((size_t)(CRS * pl.cols) * sizeof(T));
    T *dyt = pl.nb > 1 ? (T *)malloc((size_t)(Kg * pl.cols) * sizeof(T)) : NULL;
    if (!col || (pl.nb > 1 && !dyt)) {
        free(col);
        free(dyt);
        return FM_ENOMEM;
    }
    int st = FM_OK;
    conv_block b;
    for (int64_t blk = 0; st == FM_OK && next_block(&b, &pl, g, blk); blk++) {
        const int64_t m = b.nb, Pb = (b.oh1 - b.oh0) * g->OW;
        for (int64_t gi = 0; gi < G && st == FM_OK; gi++) {
            /* dy of the group and block as a (Kg, m*Pb) matrix with leading dim ld */
            const T *dyg = dy + b.n0 * K * P + gi * Kg * P + b.oh0 * g->OW;
            const T *dym = dyg;
            int64_t ld = P;
            if (m > 1) {
                for (int64_t k = 0; k < Kg; k++)
                    for (int64_t j = 0; j < m; j++)
                        memcpy(dyt + k * m * P + j * P, dyg + j * K * P + k * P,
                               (size_t)P * sizeof(T));
                dym = dyt;
                ld = m * P;
            }
            if (dw) {
                FN(im2col_)(col, x, g, &b, gi * Cg);
                st = GEMM(0, 1, Kg, CRS, m * Pb, (T)1, dym, ld, col, m * Pb,
                          blk == 0 ? (T)0 : (T)1, dw + gi * Kg * CRS, CRS, nthreads);
                if (st != FM_OK) break;
            }
            if (dx) { /* col is free again: reuse it for dcol */
                st = GEMM(1, 0, CRS, m * Pb, Kg, (T)1, w + gi * Kg * CRS, CRS, dym, ld, (T)0,
                          col, m * Pb, nthreads);
                if (st != FM_OK) break;
                FN(col2im_)(dx, col, g, &b, gi * Cg);
            }
        }
    }
    free(col);
    free(dyt);
    return st;
}

#undef FN
#undef GEMM
