/* pool2d_simd_tmpl.h -- max/avg pooling over (NC, H, W) planes, one ISA level.
 * Included by pool2d_simd.c with T and SUF defined; each kernel is named
 * <name><SUF>_<level> (e.g. fm_maxpool2d_fwd_f32_avx512).
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
 * anything, an earlier NaN included (the last NaN wins, as in PyTorch). */
static inline __attribute__((always_inline)) void IN(max_row_)(
    T *restrict yo, int32_t *restrict ao, const T *restrict xr, int32_t kbase, int64_t lo,
    int64_t hi, const int64_t sw) {
    for (int64_t ow = lo; ow < hi; ow++) {
        const T v = xr[ow * sw], b = yo[ow];
        const int upd = (v > b) | (v != v);
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

/* ---- stride-2 max pooling with explicit vectors -------------------------
 * For VL consecutive outputs the inputs of window column c are every other
 * element from x + 2*ow0 - pad_w + c: the even lanes of two adjacent vector
 * loads (one shuffle; odd c: the odd lanes of the pair at c - 1, so no load
 * reaches past the window's last column). best/idx stay in registers across the whole window. */
#define MV FM_CAT(fm_v, SUF)
#define MVL FM_CAT(FM_VL_, SUF)
#define MLOAD FM_CAT(fm_vload_, SUF)
#define MSET1 FM_CAT(fm_vset1_, SUF)
#if FM_VBYTES == 64
#define EVEN_f32 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define EVEN_f64 0, 2, 4, 6, 8, 10, 12, 14
#define ODD_f32 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define ODD_f64 1, 3, 5, 7, 9, 11, 13, 15
#define LANE2_f32 {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}
#define LANE2_f64 {0, 2, 4, 6, 8, 10, 12, 14}
#elif FM_VBYTES == 32
#define EVEN_f32 0, 2, 4, 6, 8, 10, 12, 14
#define EVEN_f64 0, 2, 4, 6
#define ODD_f32 1, 3, 5, 7, 9, 11, 13, 15
#define ODD_f64 1, 3, 5, 7
#define LANE2_f32 {0, 2, 4, 6, 8, 10, 12, 14}
#define LANE2_f64 {0, 2, 4, 6}
#else
#define EVEN_f32 0, 2, 4, 6
#define EVEN_f64 0, 2
#define ODD_f32 1, 3, 5, 7
#define ODD_f64 1, 3
#define LANE2_f32 {0, 2, 4, 6}
#define LANE2_f64 {0, 2}
#endif
/* integer lanes as wide as T's, and VL int32 lanes for the argmax store */
typedef FM_CAT(fm_vi, FM_CAT(IBITS_, SUF)) FM_CAT(mvi_, SUF);
typedef int32_t FM_CAT(mvi32_, SUF) __attribute__((vector_size(MVL * 4)));
#define MVI FM_CAT(mvi_, SUF)

/* Outputs [o0, o1) of one row, scalar (window edges and row tails). */
static inline void IN(max_s2_scalar_)(T *restrict yo, int32_t *restrict ao, const T *restrict x,
                                      int64_t o0, int64_t o1, int64_t hs, int64_t he, int64_t W,
                                      int64_t pw, int64_t kw) {
    for (int64_t ow = o0; ow < o1; ow++) {
        const int64_t w0 = 2 * ow - pw;
        T b = -(T)INFINITY;
        int32_t bi = (int32_t)(hs * W + (w0 < 0 ? 0 : w0));
        for (int64_t ih = hs; ih < he; ih++)
            for (int64_t c = 0; c < kw; c++) {
                const int64_t iw = w0 + c;
                if (iw < 0 || iw >= W) continue;
                const T v = x[ih * W + iw];
                if ((v > b) | (v != v)) {
                    b = v;
                    bi = (int32_t)(ih * W + iw);
                }
            }
        yo[ow] = b;
        ao[ow] = bi;
    }
}

/* Outputs [ow, ow + VL) of one row; every load in bounds (checked by caller). */
static inline __attribute__((always_inline)) void IN(max_s2_block_)(
    T *restrict yo, int32_t *restrict ao, const T *restrict x, int64_t ow, int64_t hs,
    int64_t he, int64_t W, int64_t pw, const int64_t kw, const MVI lane2) {
    const int64_t w0 = 2 * ow - pw;
    MV best = MSET1(-(T)INFINITY);
    MVI idx = lane2 + (FM_CAT(IT_, SUF))(hs * W + w0);
    for (int64_t ih = hs; ih < he; ih++) {
        const T *p = x + ih * W + w0;
        for (int64_t c = 0; c < kw; c++) {
            /* column c: even (c even) or odd lanes of the pair at c & ~1 */
            const T *q = p + (c & ~(int64_t)1);
            const MV lo = MLOAD(q), hi = MLOAD(q + MVL);
            const MV v = (c & 1) ? __builtin_shufflevector(lo, hi, FM_CAT(ODD_, SUF))
                                 : __builtin_shufflevector(lo, hi, FM_CAT(EVEN_, SUF));
            /* = (v > best) | (v is NaN): two compares */
            const MVI upd = (v > best) | (v != v);
            best = (MV)(((MVI)v & upd) | ((MVI)best & ~upd));
            idx = ((lane2 + (FM_CAT(IT_, SUF))(ih * W + w0 + c)) & upd) | (idx & ~upd);
        }
    }
    memcpy(yo + ow, &best, sizeof best);
    const FM_CAT(mvi32_, SUF) i32 = __builtin_convertvector(idx, FM_CAT(mvi32_, SUF));
    memcpy(ao + ow, &i32, sizeof i32);
}

static inline __attribute__((always_inline)) void IN(max_s2_plane_)(
    T *restrict y, int32_t *restrict am, const T *restrict x, const fm_pool2d_geom *g,
    const int64_t kh, const int64_t kw) {
    const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW, pw = g->pad_w;
    /* vector blocks start at ow0 in [vlo, vhi): 2*ow0 - pw >= 0 and the last
     * load, at 2*ow0 - pw + ((kw-1) & ~1) + 2*VL - 1, inside the row */
    const int64_t vlo = (pw + 1) / 2;
    const int64_t last = W - 2 * MVL - ((kw - 1) & ~(int64_t)1) + pw; /* 2*ow0 <= last */
    const int64_t vhi = last < 0 ? 0 : last / 2 + 1;
    const int vec = vlo < vhi && vlo + MVL <= OW;
    const MVI lane2 = (MVI)FM_CAT(LANE2_, SUF);
    for (int64_t oh = 0; oh < OH; oh++) {
        T *yo = y + oh * OW;
        int32_t *ao = am + oh * OW;
        const int64_t h0 = oh * g->stride_h - g->pad_h;
        const int64_t hs = h0 < 0 ? 0 : h0, he = h0 + kh < H ? h0 + kh : H;
        int64_t vend = vlo < OW ? vlo : OW; /* outputs [vlo, vend) done by vectors */
        if (vec) {
            int64_t ow = vlo;
            for (; ow + MVL <= OW && ow < vhi; ow += MVL)
                IN(max_s2_block_)(yo, ao, x, ow, hs, he, W, pw, kw, lane2);
            vend = ow;
            /* one more block overlapping the previous one covers the tail */
            const int64_t lastv = vhi - 1 < OW - MVL ? vhi - 1 : OW - MVL;
            if (vend < OW && lastv + MVL > vend) {
                IN(max_s2_block_)(yo, ao, x, lastv, hs, he, W, pw, kw, lane2);
                vend = lastv + MVL;
            }
        }
        IN(max_s2_scalar_)(yo, ao, x, 0, vlo < OW ? vlo : OW, hs, he, W, pw, kw);
        IN(max_s2_scalar_)(yo, ao, x, vend, OW, hs, he, W, pw, kw);
    }
}

void FN(fm_maxpool2d_fwd_)(T *y, int32_t *argmax, const T *x, const fm_pool2d_geom *g,
                          int nthreads) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    _Pragma("omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)g->NC * OHW * g->kh * g->kw))")
    for (int64_t i = 0; i < g->NC; i++) {
        T *y_ = y + i * OHW;
        int32_t *a_ = argmax + i * OHW;
        const T *x_ = x + i * HW;
        if (g->stride_w == 1) IN(max_plane_)(y_, a_, x_, g, 1);
        else if (g->stride_w == 2 && g->kh == 2 && g->kw == 2) IN(max_s2_plane_)(y_, a_, x_, g, 2, 2);
        else if (g->stride_w == 2 && g->kh == 3 && g->kw == 3) IN(max_s2_plane_)(y_, a_, x_, g, 3, 3);
        else if (g->stride_w == 2) IN(max_s2_plane_)(y_, a_, x_, g, g->kh, g->kw);
        else IN(max_plane_)(y_, a_, x_, g, g->stride_w);
    }
}

/* dx = 0, then dx[argmax] += dy per plane (overlapping windows accumulate in a
 * fixed order; a plane is one task, so no atomics). */
void FN(fm_maxpool2d_bwd_)(T *dx, const T *dy, const int32_t *argmax, const fm_pool2d_geom *g,
                          int nthreads) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    _Pragma("omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)g->NC * (HW + OHW)))")
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

/* One window's mean summed in double (the slow path of avg_plane_). */
static T IN(avg_window_f64_)(const T *restrict x, const fm_pool2d_geom *g, int64_t h0,
                             int64_t w0, T inv) {
    double s = 0;
    for (int64_t r = 0; r < g->kh; r++) {
        const int64_t ih = h0 + r;
        if (ih < 0 || ih >= g->H) continue;
        for (int64_t c = 0; c < g->kw; c++) {
            const int64_t iw = w0 + c;
            if (iw >= 0 && iw < g->W) s += (double)x[ih * g->W + iw];
        }
    }
    return (T)(s * (double)inv);
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
        for (int64_t ow = 0; ow < OW; ow++) {
            yo[ow] *= inv[ow];
            /* the running sum of a float window can overflow (values near
             * FLT_MAX) where the mean does not: redo that window in double */
            if (sizeof(T) < sizeof(double) && !__builtin_isfinite(yo[ow]))
                yo[ow] = IN(avg_window_f64_)(x, g, h0, ow * sw - g->pad_w, inv[ow]);
        }
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

int FN(fm_avgpool2d_fwd_)(T *y, const T *x, const fm_pool2d_geom *g, int cip, int nthreads) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    int st = FM_OK;
    _Pragma("omp parallel num_threads(fm_team_size(nthreads, (double)g->NC * OHW * g->kh * g->kw))")
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

int FN(fm_avgpool2d_bwd_)(T *dx, const T *dy, const fm_pool2d_geom *g, int cip, int nthreads) {
    const int64_t HW = g->H * g->W, OHW = g->OH * g->OW;
    int st = FM_OK;
    _Pragma("omp parallel num_threads(fm_team_size(nthreads, (double)g->NC * OHW * g->kh * g->kw))")
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
#undef MV
#undef MVL
#undef MLOAD
#undef MSET1
#undef MVI
