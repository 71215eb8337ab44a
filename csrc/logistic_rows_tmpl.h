/* logistic_rows_tmpl.h -- binary logistic rows for one X type (TX, XSUF,
 * LDX), float64 arithmetic; included by logistic_simd_tmpl.h.
 *
 * Rows go in chunks small enough to stay in L1/L2 between the two uses of
 * each row: the chunk's logits (4 rows at a time sharing the loads of w), the
 * loss / gradient weights / curvature of the chunk as vectors over rows, then
 * the gradient sum_r d_r X_r (4 rows at a time). Every sum has a fixed order. */
#define FX(name) FM_CAT3(name, _, XSUF)

/* x_r . w for 4 rows r = 0..3 at stride p. */
static inline void FX(lg_dot4)(double *z, const TX *x, int64_t p, const double *w) {
    V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    int64_t j = 0;
    for (; j + VL <= p; j += VL) {
        const V wv = LD(w + j);
        a0 += LDX(x + j) * wv;
        a1 += LDX(x + p + j) * wv;
        a2 += LDX(x + 2 * p + j) * wv;
        a3 += LDX(x + 3 * p + j) * wv;
    }
    double s0 = fm_vhsum_f64(a0), s1 = fm_vhsum_f64(a1), s2 = fm_vhsum_f64(a2),
           s3 = fm_vhsum_f64(a3);
    for (; j < p; j++) {
        s0 += (double)x[j] * w[j];
        s1 += (double)x[p + j] * w[j];
        s2 += (double)x[2 * p + j] * w[j];
        s3 += (double)x[3 * p + j] * w[j];
    }
    z[0] = s0;
    z[1] = s1;
    z[2] = s2;
    z[3] = s3;
}

static inline double FX(lg_dot1)(const TX *x, int64_t p, const double *w) {
    V a0 = {0};
    int64_t j = 0;
    for (; j + VL <= p; j += VL) a0 += LDX(x + j) * LD(w + j);
    double s0 = fm_vhsum_f64(a0);
    for (; j < p; j++) s0 += (double)x[j] * w[j];
    return s0;
}

/* g += d[0] x_0 + ... + d[3] x_3 (rows at stride p). */
static inline void FX(lg_axpy4)(double *g, const double *d, const TX *x, int64_t p) {
    const V d0 = (V){0} + d[0], d1 = (V){0} + d[1], d2 = (V){0} + d[2], d3 = (V){0} + d[3];
    int64_t j = 0;
    for (; j + VL <= p; j += VL) {
        V a = LD(g + j);
        a += d0 * LDX(x + j);
        a += d1 * LDX(x + p + j);
        a += d2 * LDX(x + 2 * p + j);
        a += d3 * LDX(x + 3 * p + j);
        ST(g + j, a);
    }
    for (; j < p; j++) {
        double a = g[j];
        a += d[0] * (double)x[j];
        a += d[1] * (double)x[p + j];
        a += d[2] * (double)x[2 * p + j];
        a += d[3] * (double)x[3 * p + j];
        g[j] = a;
    }
}

static inline void FX(lg_axpy1)(double *g, double d, const TX *x, int64_t p) {
    const V dv = (V){0} + d;
    int64_t j = 0;
    for (; j + VL <= p; j += VL) ST(g + j, LD(g + j) + dv * LDX(x + j));
    for (; j < p; j++) g[j] += d * (double)x[j];
}

#ifndef LG_CHUNK
#define LG_CHUNK 64 /* rows per chunk at most (a multiple of every VL) */
#endif

static void FM_ISA_FN(FM_CAT(fm_lg_bin_rows_, XSUF))(double *acc, double *curv, const void *Xv,
                                                      const double *ypm, const double *sn,
                                                      const double *w, double b, int64_t rows,
                                                      int64_t p) {
    const TX *X = (const TX *)Xv;
    double z[LG_CHUNK], d[LG_CHUNK];
    int64_t ch = (int64_t)(32768 / ((size_t)p * sizeof(TX))); /* a chunk of ~32 KB */
    ch = ch < 4 ? 4 : ch > LG_CHUNK ? LG_CHUNK : ch;
    V lsum = {0};
    double gb = 0.0;
    double *gw = acc + 1;
    for (int64_t r0 = 0; r0 < rows; r0 += ch) {
        const int64_t m = rows - r0 < ch ? rows - r0 : ch;
        const TX *xr = X + r0 * p;
        int64_t r = 0;
        for (; r + 4 <= m; r += 4) FX(lg_dot4)(z + r, xr + r * p, p, w);
        for (; r < m; r++) z[r] = FX(lg_dot1)(xr + r * p, p, w);
        int64_t i = 0;
        V ls, dv, cv;
        for (; i + VL <= m; i += VL) {
            lg_terms(LD(z + i) + b, LD(ypm + r0 + i), LD(sn + r0 + i), &ls, &dv, &cv);
            lsum += ls;
            ST(d + i, dv);
            if (curv) ST(curv + r0 + i, cv);
        }
        if (i < m) { /* the tail, padded with weight-0 rows */
            double zt[VL], yt[VL], st[VL], dt[VL], ct[VL];
            for (int l = 0; l < VL; l++) {
                const int in = i + l < m;
                zt[l] = in ? z[i + l] : 0.0;
                yt[l] = in ? ypm[r0 + i + l] : 1.0;
                st[l] = in ? sn[r0 + i + l] : 0.0;
            }
            lg_terms(LD(zt) + b, LD(yt), LD(st), &ls, &dv, &cv);
            lsum += ls;
            ST(dt, dv);
            ST(ct, cv);
            for (int64_t l = 0; i + l < m; l++) {
                d[i + l] = dt[l];
                if (curv) curv[r0 + i + l] = ct[l];
            }
        }
        for (r = 0; r + 4 <= m; r += 4) {
            FX(lg_axpy4)(gw, d + r, xr + r * p, p);
            gb += d[r] + d[r + 1] + d[r + 2] + d[r + 3];
        }
        for (; r < m; r++) {
            FX(lg_axpy1)(gw, d[r], xr + r * p, p);
            gb += d[r];
        }
    }
    acc[0] += fm_vhsum_f64(lsum);
    acc[1 + p] += gb;
}

#undef FX
