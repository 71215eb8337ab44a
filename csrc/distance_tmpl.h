/* distance_tmpl.h -- pairwise distances for one dtype; included by distance.c
 * with T, SUF, SQRT, POW and FABS defined (names fm_pairwise_f32, ...). See
 * distance.c for the paths. */
#define PUB(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)

FM_API void PUB(fm_sqnorms_)(T *out, const T *X, int64_t n, int64_t d, int nthreads) {
    (void)nthreads; /* unused in a serial build */
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)n * d))
    for (int64_t i = 0; i < n; i++) {
        const T *x = X + i * d;
        double s = 0; /* float32 too: a float32 sum over many features drifts */
        for (int64_t k = 0; k < d; k++) s += (double)x[k] * x[k];
        out[i] = (T)s;
    }
}

/* Y (m, d) -> panels of P rows, transposed and zero-padded (distance_simd_tmpl.h);
 * called inside a parallel region (orphaned omp for). */
static void IN(pack_panels_)(T *packed, const T *Y, int64_t m, int64_t d, int64_t npanels,
                             int P) {
#pragma omp for schedule(static)
    for (int64_t pnl = 0; pnl < npanels; pnl++) {
        T *dst = packed + pnl * P * d;
        for (int64_t l = 0; l < P; l++) {
            const int64_t j = pnl * P + l;
            if (j < m) {
                const T *y = Y + j * d;
                for (int64_t k = 0; k < d; k++) dst[k * P + l] = y[k];
            } else {
                for (int64_t k = 0; k < d; k++) dst[k * P + l] = 0;
            }
        }
    }
}

static int IN(direct_simd_)(T *out, const T *X, const T *Y, int64_t n, int64_t m, int64_t d,
                            int metric, int nthreads) {
    const FM_CAT3(fm_dist_tile_, SUF, _fn) tile = K->IN(tile_);
    const int P = K->IN(panel_);
    const int64_t npanels = (m + P - 1) / P;
    T *packed = (T *)malloc((size_t)(npanels * P * d) * sizeof(T));
    if (!packed) return FM_ENOMEM;
    const int nt = fm_team_size(nthreads, (double)n * m * d);
    (void)nt; /* unused in a serial build */
#pragma omp parallel num_threads(nt)
    {
        IN(pack_panels_)(packed, Y, m, d, npanels, P);
        const int64_t nrc = (n + ROW_CHUNK - 1) / ROW_CHUNK;
        const int64_t npc = (npanels + PANEL_CHUNK - 1) / PANEL_CHUNK;
#pragma omp for schedule(dynamic, 1)
        for (int64_t task = 0; task < nrc * npc; task++) {
            const int64_t rc = task / npc, pc = task % npc;
            const int64_t i0 = rc * ROW_CHUNK;
            const int64_t nr = n - i0 < ROW_CHUNK ? n - i0 : ROW_CHUNK;
            const int64_t pa = pc * PANEL_CHUNK;
            const int64_t pb = pa + PANEL_CHUNK < npanels ? pa + PANEL_CHUNK : npanels;
            tile(out + i0 * m, m, X + i0 * d, d, nr, packed, m, pa, pb, d, metric);
        }
    }
    free(packed);
    return FM_OK;
}

static void IN(minkowski_)(T *out, const T *X, const T *Y, int64_t n, int64_t m, int64_t d,
                           double p, int nthreads) {
    const T tp = (T)p, inv = (T)(1.0 / p);
    (void)nthreads; /* unused in a serial build */
#pragma omp parallel for schedule(dynamic, 16) num_threads(fm_team_size(nthreads, 20.0 * n * m * d))
    for (int64_t i = 0; i < n; i++) {
        const T *x = X + i * d;
        for (int64_t j = 0; j < m; j++) {
            const T *y = Y + j * d;
            T s = 0;
            for (int64_t k = 0; k < d; k++) s += POW(FABS(x[k] - y[k]), tp);
            out[i * m + j] = POW(s, inv);
        }
    }
}

FM_API int PUB(fm_pairwise_direct_)(T *out, const T *X, const T *Y, int64_t n, int64_t m,
                                    int64_t d, int metric, double p, int nthreads) {
    if (metric == FM_METRIC_MINKOWSKI) {
        IN(minkowski_)(out, X, Y, n, m, d, p, nthreads);
        return FM_OK;
    }
    if (metric == FM_METRIC_COSINE) return FM_EINVAL;
    return IN(direct_simd_)(out, X, Y, n, m, d, metric, nthreads);
}

/* One row of the euclidean epilogue: o[j] holds -2 x.y on entry. */
static inline __attribute__((always_inline)) void IN(euclid_row_)(
    T *o, const T *x, const T *Y, T a, const T *yn, int64_t m, int64_t d, int metric) {
    /* pass 1 (vectorisable): expand, flag possible cancellation */
    int need = 0;
    for (int64_t j = 0; j < m; j++) {
        const T s = a + yn[j];
        const T v = o[j] + s;
        need |= v < (T)FM_CANCEL_TAU * s;
        o[j] = v < 0 ? 0 : v;
    }
    /* pass 2 (rare): recompute flagged pairs with the direct formula */
    if (need) {
        for (int64_t j = 0; j < m; j++) {
            if (o[j] < (T)FM_CANCEL_TAU * (a + yn[j])) {
                const T *y = Y + j * d;
                double v = 0; /* in double for float32 too, as the norms */
                for (int64_t k = 0; k < d; k++) {
                    const double t = (double)x[k] - y[k];
                    v += t * t;
                }
                o[j] = (T)v;
            }
        }
    }
    if (metric == FM_METRIC_EUCLIDEAN)
        for (int64_t j = 0; j < m; j++) o[j] = SQRT(o[j]);
}

/* out holds -2 x.y (euclidean) or -x.y (cosine) on entry. */
static void IN(gemm_epilogue_)(T *out, const T *X, const T *Y, const T *xn, const T *yn,
                               int64_t n, int64_t m, int64_t d, int metric, int same,
                               int nthreads) {
    (void)nthreads; /* unused in a serial build */
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 4.0 * n * m))
    for (int64_t i = 0; i < n; i++) {
        T *o = out + i * m;
        const T a = xn[i];
        if (metric == FM_METRIC_COSINE) {
            const T na = SQRT(a);
            for (int64_t j = 0; j < m; j++) {
                const T den = na * SQRT(yn[j]);
                T v = den > 0 ? (T)1 + o[j] / den : (T)1;
                o[j] = v < 0 ? 0 : (v > 2 ? 2 : v);
            }
        } else {
            IN(euclid_row_)(o, X + i * d, Y, a, yn, m, d, metric);
        }
        if (same && i < m) o[i] = 0;
    }
}

/* out = alpha X Y^T (BLAS). float32 with d > FM_F32_KCHUNK: one GEMM per chunk of
 * FM_F32_KCHUNK features, the chunk products added in double (by blocks of rows
 * that keep the double buffer near 8 MB), so the expansion of a long float32
 * reduction keeps float32 accuracy instead of drifting with d. */
static int IN(gemm_xyt_)(T *out, const T *X, const T *Y, int64_t n, int64_t m, int64_t d,
                         T alpha, int nthreads) {
    if (sizeof(T) == sizeof(double) || d <= FM_F32_KCHUNK)
        return PUB(fm_gemm_)(0, 1, n, m, d, alpha, X, d, Y, d, (T)0, out, m, nthreads);
    int64_t rb = ((int64_t)1 << 20) / (m > 0 ? m : 1);
    rb = rb < 1 ? 1 : (rb > n ? n : rb);
    double *acc = (double *)malloc((size_t)(rb * m) * sizeof(double));
    if (!acc) return FM_ENOMEM;
    int st = FM_OK;
    for (int64_t i0 = 0; i0 < n && st == FM_OK; i0 += rb) {
        const int64_t nr = n - i0 < rb ? n - i0 : rb, cnt = nr * m;
        T *o = out + i0 * m;
        for (int64_t q = 0; q < cnt; q++) acc[q] = 0.0;
        for (int64_t k0 = 0; k0 < d && st == FM_OK; k0 += FM_F32_KCHUNK) {
            const int64_t len = d - k0 < FM_F32_KCHUNK ? d - k0 : FM_F32_KCHUNK;
            st = PUB(fm_gemm_)(0, 1, nr, m, len, alpha, X + i0 * d + k0, d, Y + k0, d, (T)0, o,
                               m, nthreads);
            for (int64_t q = 0; st == FM_OK && q < cnt; q++) acc[q] += (double)o[q];
        }
        for (int64_t q = 0; q < cnt; q++) o[q] = (T)acc[q];
    }
    free(acc);
    return st;
}

FM_API int PUB(fm_pairwise_)(T *out, const T *X, const T *Y, int64_t n, int64_t m, int64_t d,
                             int metric, double p, int same, int nthreads) {
    const int euclid = metric == FM_METRIC_EUCLIDEAN || metric == FM_METRIC_SQEUCLIDEAN;
    if (metric == FM_METRIC_COSINE || (euclid && d >= K->IN(gemm_min_d_) && fm_have_blas())) {
        T *xn = (T *)malloc((size_t)(n + m) * sizeof(T));
        if (!xn) return FM_ENOMEM;
        T *yn = xn + n;
        PUB(fm_sqnorms_)(xn, X, n, d, nthreads);
        PUB(fm_sqnorms_)(yn, Y, m, d, nthreads);
        int st = IN(gemm_xyt_)(out, X, Y, n, m, d, euclid ? (T)-2 : (T)-1, nthreads);
        if (st == FM_OK) IN(gemm_epilogue_)(out, X, Y, xn, yn, n, m, d, metric, same, nthreads);
        free(xn);
        return st;
    }
    int st = PUB(fm_pairwise_direct_)(out, X, Y, n, m, d, metric, p, nthreads);
    if (st == FM_OK && same)
        for (int64_t i = 0; i < n && i < m; i++) out[i * m + i] = 0;
    return st;
}

#undef PUB
#undef IN
