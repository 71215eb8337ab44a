/* pool2d_simd_tmpl.h -- max/avg pooling over (NC, H, W) planes, one ISA level.
 * Included by pool2d_simd.c with T and SUF defined.
 *
 * One pass over the input: for each output row, the window offsets (r, c) are
 * the outer loops and the output width the inner, contiguous loop (the row of
 * y doubles as the accumulator and stays in L1), so the compiler vectorises
 * over the output width at this file's ISA. Stride 1 and 2 get copies with a
 * constant stride (2x2/s2 and 3x3/s2 are the common pools). Planes are the
 * parallel tasks: no reductions cross threads.
 */
#define FN(name) FM_ISA_FN(FM_CAT(name, SUF))
#define IN(name) FM_CAT3(name, SUF, FM_ISA_NAME)

/* Output columns [lo, hi) whose input column ow*sw + off lies in [0, W). */
static inline void IN(pool_range_)(int64_t *lo, int64_t *hi, int64_t off, int64_t sw, int64_t W,
                                   int64_t OW) {
    int64_t l = off >= 0 ? 0 : (-off + sw - 1) / sw;
    int64_t h = W - off <= 0 ? 0 : (W - 1 - off) / sw + 1;
    if (h > OW) h = OW;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* The max update: strictly greater wins (first max on ties), and a NaN beats
 * any number (the first NaN wins). */
static inline __attribute__((always_inline)) void IN(max_row_)(
    T *restrict yo, int32_t *restrict ao, const T *restrict xr, int32_t kbase, int64_t lo,
    int64_t hi, const int64_t sw) {
    for (int64_t ow = lo; ow < hi; ow++) {
        const T v = xr[ow * sw], b = yo[ow];
        const int upd = (v > b) | ((v != v) & (b == b));
        yo[ow] = upd ? v : b;
        ao[ow] = upd ? kbase + (int32_t)(ow * sw) : ao[ow];
    }
}

static inline __attribute__((always_inline)) void IN(max_plane_)(
    T *restrict y, int32_t *restrict am, const T *restrict x, const fm_pool2d_geom *g,
    const int64_t sw) {
    const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
    for (int64_t oh = 0; oh < OH; oh++) {
        T *yo = y + oh * OW;
        int32_t *ao = am + oh * OW;
        const int64_t h0 = oh * g->stride_h - g->pad_h;
        const int64_t hs = h0 < 0 ? 0 : h0;
        for (int64_t ow = 0; ow < OW; ow++) { /* PyTorch: index of the first in-bounds cell */
            const int64_t w0 = ow * sw - g->pad_w;
            yo[ow] = -(T)INFINITY;
            ao[ow] = (int32_t)(hs * W + (w0 < 0 ? 0 : w0));
        }
        for (int64_t r = 0; r < g->kh; r++) {
            const int64_t ih = h0 + r;
            if (ih < 0 || ih >= H) continue;
            for (int64_t c = 0; c < g->kw; c++) {
                const int64_t off = c - g->pad_w;
                int64_t lo, hi;
                IN(pool_range_)(&lo, &hi, off, sw, W, OW);
                IN(max_row_)(yo, ao, x + ih * W + off, (int32_t)(ih * W + off), lo, hi, sw);
            }
        }
    }
}

void FN(fm_maxpool2d_fwd_)(T *y, int32_t *argmax, const T *x, const fm_pool2d_geom *g) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for((double)g->NC * OHW * g->kh * g->kw))")
    for (int64_t i = 0; i < g->NC; i++) {
        T *y_ = y + i * OHW;
        int32_t *a_ = argmax + i * OHW;
        const T *x_ = x + i * HW;
        if (g->stride_w == 1) IN(max_plane_)(y_, a_, x_, g, 1);
        else if (g->stride_w == 2) IN(max_plane_)(y_, a_, x_, g, 2);
        else IN(max_plane_)(y_, a_, x_, g, g->stride_w);
    }
}

/* dx = 0, then dx[argmax] += dy per plane (overlapping windows accumulate in a
 * fixed order; a plane is one task, so no atomics). */
void FN(fm_maxpool2d_bwd_)(T *dx, const T *dy, const int32_t *argmax, const fm_pool2d_geom *g) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for((double)g->NC * (HW + OHW)))")
    for (int64_t i = 0; i < g->NC; i++) {
        T *restrict d = dx + i * HW;
        const T *restrict s = dy + i * OHW;
        const int32_t *restrict a = argmax + i * OHW;
        memset(d, 0, (size_t)HW * sizeof(T));
        for (int64_t k = 0; k < OHW; k++) d[a[k]] += s[k];
    }
}

/* Divisor of each output column of row oh (PyTorch's avg_pool2d rules). */
static inline void IN(avg_div_)(T *restrict inv, int64_t oh, const fm_pool2d_geom *g, int cip) {
    const int64_t H = g->H, W = g->W;
    int64_t h0 = oh * g->stride_h - g->pad_h, h1 = h0 + g->kh;
    if (h1 > H + g->pad_h) h1 = H + g->pad_h;
    const int64_t hp = h1 - h0;
    if (h0 < 0) h0 = 0;
    if (h1 > H) h1 = H;
    for (int64_t ow = 0; ow < g->OW; ow++) {
        int64_t w0 = ow * g->stride_w - g->pad_w, w1 = w0 + g->kw;
        if (w1 > W + g->pad_w) w1 = W + g->pad_w;
        const int64_t wp = w1 - w0;
        if (w0 < 0) w0 = 0;
        if (w1 > W) w1 = W;
        const int64_t cnt = cip ? hp * wp : (h1 - h0) * (w1 - w0);
        inv[ow] = (T)1 / (T)cnt;
    }
}

static inline __attribute__((always_inline)) void IN(avg_plane_)(
    T *restrict y, const T *restrict x, T *restrict inv, const fm_pool2d_geom *g, int cip,
    const int64_t sw) {
    const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
    for (int64_t oh = 0; oh < OH; oh++) {
        T *yo = y + oh * OW;
        for (int64_t ow = 0; ow < OW; ow++) yo[ow] = 0;
        const int64_t h0 = oh * g->stride_h - g->pad_h;
        for (int64_t r = 0; r < g->kh; r++) {
            const int64_t ih = h0 + r;
            if (ih < 0 || ih >= H) continue;
            for (int64_t c = 0; c < g->kw; c++) {
                const int64_t off = c - g->pad_w;
                int64_t lo, hi;
                IN(pool_range_)(&lo, &hi, off, sw, W, OW);
                const T *restrict xr = x + ih * W + off;
                for (int64_t ow = lo; ow < hi; ow++) yo[ow] += xr[ow * sw];
            }
        }
        IN(avg_div_)(inv, oh, g, cip);
        for (int64_t ow = 0; ow < OW; ow++) yo[ow] *= inv[ow];
    }
}

static inline __attribute__((always_inline)) void IN(avg_plane_bwd_)(
    T *restrict dx, const T *restrict dy, T *restrict gr, const fm_pool2d_geom *g, int cip,
    const int64_t sw) {
    const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
    memset(dx, 0, (size_t)(H * W) * sizeof(T));
    for (int64_t oh = 0; oh < OH; oh++) {
        IN(avg_div_)(gr, oh, g, cip);
        for (int64_t ow = 0; ow < OW; ow++) gr[ow] *= dy[oh * OW + ow];
        const int64_t h0 = oh * g->stride_h - g->pad_h;
        for (int64_t r = 0; r < g->kh; r++) {
            const int64_t ih = h0 + r;
            if (ih < 0 || ih >= H) continue;
            for (int64_t c = 0; c < g->kw; c++) {
                const int64_t off = c - g->pad_w;
                int64_t lo, hi;
                IN(pool_range_)(&lo, &hi, off, sw, W, OW);
                T *restrict d = dx + ih * W + off;
                for (int64_t ow = lo; ow < hi; ow++) d[ow * sw] += gr[ow];
            }
        }
    }
}

int FN(fm_avgpool2d_fwd_)(T *y, const T *x, const fm_pool2d_geom *g, int cip) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    int st = FM_OK;
    _Pragma("omp parallel num_threads(fm_threads_for((double)g->NC * OHW * g->kh * g->kw))")
    {
        T *inv = (T *)malloc((size_t)g->OW * sizeof(T));
        if (!inv) {
            _Pragma("omp atomic write")
            st = FM_ENOMEM;
        }
        _Pragma("omp for schedule(static)")
        for (int64_t i = 0; i < g->NC; i++) {
            if (!inv) continue;
            if (g->stride_w == 1) IN(avg_plane_)(y + i * OHW, x + i * HW, inv, g, cip, 1);
            else if (g->stride_w == 2) IN(avg_plane_)(y + i * OHW, x + i * HW, inv, g, cip, 2);
            else IN(avg_plane_)(y + i * OHW, x + i * HW, inv, g, cip, g->stride_w);
        }
        free(inv);
    }
    return st;
}

int FN(fm_avgpool2d_bwd_)(T *dx, const T *dy, const fm_pool2d_geom *g, int cip) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    int st = FM_OK;
    _Pragma("omp parallel num_threads(fm_threads_for((double)g->NC * OHW * g->kh * g->kw))")
    {
        T *gr = (T *)malloc((size_t)g->OW * sizeof(T));
        if (!gr) {
            _Pragma("omp atomic write")
            st = FM_ENOMEM;
        }
        _Pragma("omp for schedule(static)")
        for (int64_t i = 0; i < g->NC; i++) {
            if (!gr) continue;
            if (g->stride_w == 1) IN(avg_plane_bwd_)(dx + i * HW, dy + i * OHW, gr, g, cip, 1);
            else if (g->stride_w == 2) IN(avg_plane_bwd_)(dx + i * HW, dy + i * OHW, gr, g, cip, 2);
            else IN(avg_plane_bwd_)(dx + i * HW, dy + i * OHW, gr, g, cip, g->stride_w);
        }
        free(gr);
    }
    return st;
}

#undef FN
#undef IN
