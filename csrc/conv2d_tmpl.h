/* conv2d_tmpl.h -- conv2d forward/backward for one dtype. Included by conv2d.c
 * with T (float/double) and SUF (f32/f64) defined.
 *
 * Per chunk of nb images and per group:
 *   col  (CRS, nb*P)  im2col panel, CRS = C/groups*R*S, P = OH*OW, the nb
 *                     images side by side so one GEMM has a wide N = nb*P
 *   y    = w_g (Kg, CRS) @ col          -> tmp (Kg, nb*P), scattered to NCHW
 *   dw_g += dy_g (Kg, nb*P) @ col^T     (chunks accumulate in a fixed order)
 *   dcol = w_g^T (CRS, Kg) @ dy_g       -> col2im, one (image, channel) plane
 *                                          per task, so no atomics
 * GEMMs run on the BLAS thread pool from serial code; the panel copies run in
 * our OpenMP regions. Results do not depend on the thread count: every output
 * element is written by one task, and nb depends only on the geometry.
 */
#define FN(name) FM_CAT(name, SUF)
#define GEMM FM_CAT(fm_gemm_, SUF)

/* col[q, j*P + p] = x[n0+j, c0 + c, ih, iw] (0 outside), q = (c*R + r)*S + s. */
static void FN(im2col_)(T *restrict col, const T *restrict x, const fm_conv2d_geom *g,
                        int64_t n0, int64_t nb, int64_t c0) {
    const int64_t Cg = g->C / g->groups, R = g->R, S = g->S, H = g->H, W = g->W;
    const int64_t OH = g->OH, OW = g->OW, P = OH * OW, CRS = Cg * R * S;
    const int64_t sh = g->stride_h, sw = g->stride_w;
    _Pragma("omp parallel for collapse(2) schedule(static) num_threads(fm_threads_for((double)CRS * nb * P))")
    for (int64_t j = 0; j < nb; j++) {
        for (int64_t q = 0; q < CRS; q++) {
            const int64_t c = q / (R * S), r = (q / S) % R, s = q % S;
            const T *xp = x + ((n0 + j) * g->C + c0 + c) * H * W;
            T *dst = col + q * (nb * P) + j * P;
            const int64_t offw = s * g->dil_w - g->pad_w, offh = r * g->dil_h - g->pad_h;
            int64_t lo, hi;
            valid_range(&lo, &hi, offw, sw, W, OW);
            for (int64_t oh = 0; oh < OH; oh++, dst += OW) {
                const int64_t ih = oh * sh + offh;
                if (ih < 0 || ih >= H || lo >= hi) {
                    for (int64_t ow = 0; ow < OW; ow++) dst[ow] = 0;
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

/* dx[n0+j, c0 + c] = sum over (r, s) of dcol scattered back; one plane per task. */
static void FN(col2im_)(T *restrict dx, const T *restrict dcol, const fm_conv2d_geom *g,
                        int64_t n0, int64_t nb, int64_t c0) {
    const int64_t Cg = g->C / g->groups, R = g->R, S = g->S, H = g->H, W = g->W;
    const int64_t OH = g->OH, OW = g->OW, P = OH * OW, CRS = Cg * R * S;
    const int64_t sh = g->stride_h, sw = g->stride_w;
    _Pragma("omp parallel for collapse(2) schedule(static) num_threads(fm_threads_for((double)CRS * nb * P))")
    for (int64_t j = 0; j < nb; j++) {
        for (int64_t c = 0; c < Cg; c++) {
            T *xp = dx + ((n0 + j) * g->C + c0 + c) * H * W;
            memset(xp, 0, (size_t)(H * W) * sizeof(T));
            for (int64_t r = 0; r < R; r++) {
                const int64_t offh = r * g->dil_h - g->pad_h;
                for (int64_t s = 0; s < S; s++) {
                    const int64_t offw = s * g->dil_w - g->pad_w;
                    const T *src = dcol + ((c * R + r) * S + s) * (nb * P) + j * P;
                    int64_t lo, hi;
                    valid_range(&lo, &hi, offw, sw, W, OW);
                    for (int64_t oh = 0; oh < OH; oh++) {
                        const int64_t ih = oh * sh + offh;
                        if (ih < 0 || ih >= H) continue;
                        T *d = xp + ih * W + offw;
                        const T *sp = src + oh * OW;
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

FM_API int FN(fm_conv2d_forward_)(T *y, const T *x, const T *w, const T *b,
                                  const fm_conv2d_geom *g) {
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, K = g->K;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S, N = g->N;
    const int64_t nb = chunk_images(g);
    T *col = (T *)malloc((size_t)(CRS * nb * P) * sizeof(T));
    T *tmp = nb > 1 ? (T *)malloc((size_t)(Kg * nb * P) * sizeof(T)) : NULL;
    if (!col || (nb > 1 && !tmp)) {
        free(col);
        free(tmp);
        return FM_ENOMEM;
    }
    int st = FM_OK;
    for (int64_t n0 = 0; n0 < N && st == FM_OK; n0 += nb) {
        const int64_t m = N - n0 < nb ? N - n0 : nb;
        for (int64_t gi = 0; gi < G && st == FM_OK; gi++) {
            FN(im2col_)(col, x, g, n0, m, gi * Cg);
            const T *wg = w + gi * Kg * CRS;
            T *yg = y + n0 * K * P + gi * Kg * P;
            /* one image: straight into y (Kg, P); several: tmp (Kg, m*P) */
            T *dst = m > 1 ? tmp : yg;
            st = GEMM(0, 0, Kg, m * P, CRS, (T)1, wg, CRS, col, m * P, (T)0, dst, m * P);
            if (st != FM_OK) break;
            if (m == 1 && !b) continue;
            _Pragma("omp parallel for collapse(2) schedule(static) num_threads(fm_threads_for((double)Kg * m * P))")
            for (int64_t j = 0; j < m; j++) {
                for (int64_t k = 0; k < Kg; k++) {
                    T *o = yg + j * K * P + k * P;
                    const T *s = m > 1 ? tmp + k * m * P + j * P : o;
                    const T bk = b ? b[gi * Kg + k] : (T)0;
                    for (int64_t p = 0; p < P; p++) o[p] = s[p] + bk;
                }
            }
        }
    }
    free(col);
    free(tmp);
    return st;
}

FM_API int FN(fm_conv2d_backward_)(T *dx, T *dw, T *db, const T *dy, const T *x, const T *w,
                                   const fm_conv2d_geom *g) {
    const int64_t G = g->groups, Cg = g->C / G, Kg = g->K / G, K = g->K;
    const int64_t P = g->OH * g->OW, CRS = Cg * g->R * g->S, N = g->N;
    if (db) { /* db[k] = sum over images and pixels, float64 accumulation */
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for((double)N * K * P))")
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
    const int64_t nb = chunk_images(g);
    T *col = (T *)malloc((size_t)(CRS * nb * P) * sizeof(T));
    T *dyt = nb > 1 ? (T *)malloc((size_t)(Kg * nb * P) * sizeof(T)) : NULL;
    if (!col || (nb > 1 && !dyt)) {
        free(col);
        free(dyt);
        return FM_ENOMEM;
    }
    int st = FM_OK;
    for (int64_t n0 = 0; n0 < N && st == FM_OK; n0 += nb) {
        const int64_t m = N - n0 < nb ? N - n0 : nb;
        for (int64_t gi = 0; gi < G && st == FM_OK; gi++) {
            const T *dyg = dy + n0 * K * P + gi * Kg * P;
            const T *dym = dyg; /* dy of the group as (Kg, m*P) */
            if (m > 1) {
                _Pragma("omp parallel for collapse(2) schedule(static) num_threads(fm_threads_for((double)Kg * m * P))")
                for (int64_t k = 0; k < Kg; k++)
                    for (int64_t j = 0; j < m; j++)
                        memcpy(dyt + k * m * P + j * P, dyg + j * K * P + k * P,
                               (size_t)P * sizeof(T));
                dym = dyt;
            }
            const T *wg = w + gi * Kg * CRS;
            if (dw) {
                FN(im2col_)(col, x, g, n0, m, gi * Cg);
                st = GEMM(0, 1, Kg, CRS, m * P, (T)1, dym, m * P, col, m * P,
                          n0 == 0 ? (T)0 : (T)1, dw + gi * Kg * CRS, CRS);
                if (st != FM_OK) break;
            }
            if (dx) { /* col is free again: reuse it for dcol */
                st = GEMM(1, 0, CRS, m * P, Kg, (T)1, wg, CRS, dym, m * P, (T)0, col, m * P);
                if (st != FM_OK) break;
                FN(col2im_)(dx, col, g, n0, m, gi * Cg);
            }
        }
    }
    free(col);
    free(dyt);
    return st;
}

#undef FN
#undef GEMM
