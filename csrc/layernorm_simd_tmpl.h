/* layernorm_simd_tmpl.h -- layer / group norm range kernels for one element
 * type at one ISA level; included by layernorm_simd.c with T, SUF, V (GNU
 * vector of T) and VL defined. Kernels are named <name>_<SUF>_<level>
 * (fm_ln_fwd_f32_avx2, ...).
 *
 * Sums run in vector lanes over chunks of LN_FLUSH values, each chunk's lanes
 * added in a fixed order and then into a float64 total: the order depends only
 * on the row length, never on threads.
 */
#define F(name) FM_CAT3(name, _, SUF)
#define IF_(name) FM_ISA_FN(F(name))
#define LD(p) FM_CAT(fm_vload_, SUF)(p)
#define ST(p, v) FM_CAT(fm_vstore_, SUF)(p, v)
#define HSUM(v) FM_CAT(fm_vhsum_, SUF)(v)

/* Returns sum(x - c) over m values; with sq != NULL also *sq = sum((x - c)^2). */
static inline __attribute__((always_inline)) double F(ln_sum)(const T *x, int64_t m, T c,
                                                              double *sq) {
    double tot = 0, tot2 = 0;
    int64_t i = 0;
    while (i < m) {
        int64_t e = i + LN_FLUSH < m ? i + LN_FLUSH : m;
        V a0 = {0}, a1 = {0}, q0 = {0}, q1 = {0};
        for (; i + 2 * VL <= e; i += 2 * VL) {
            V d0 = LD(x + i) - c, d1 = LD(x + i + VL) - c;
            a0 += d0;
            a1 += d1;
            if (sq) {
                q0 += d0 * d0;
                q1 += d1 * d1;
            }
        }
        for (; i + VL <= e; i += VL) {
            V d0 = LD(x + i) - c;
            a0 += d0;
            if (sq) q0 += d0 * d0;
        }
        T s = HSUM(a0 + a1), s2 = HSUM(q0 + q1);
        for (; i < e; i++) {
            T d = x[i] - c;
            s += d;
            s2 += d * d;
        }
        tot += (double)s;
        tot2 += (double)s2;
    }
    if (sq) *sq = tot2;
    return tot;
}

/* Two passes: the mean, then squared deviations around the rounded mean (its
 * rounding offset d is taken back out: var = mean((x - mu)^2) - d^2). */
void IF_(fm_ln_row_stats)(T *mean, T *rstd, const T *x, int64_t m, double eps) {
    double mu = F(ln_sum)(x, m, (T)0, NULL) / (double)m;
    T muT = (T)mu;
    double q;
    double d = F(ln_sum)(x, m, muT, &q) / (double)m;
    double var = q / (double)m - d * d;
    if (var < 0) var = 0;
    *mean = (T)(mu);
    *rstd = (T)(1.0 / sqrt(var + eps));
}

/* y = (x - mu) * a, optionally times w[j], plus c + b[j] (w, b may be NULL):
 * centred first, so a large mean costs no accuracy. */
static inline __attribute__((always_inline)) void F(ln_apply)(T *y, const T *x, const T *w,
                                                              const T *b, int64_t n, T a, T mu,
                                                              T c) {
    int64_t j = 0;
    if (w && b) {
        for (; j + VL <= n; j += VL) ST(y + j, ((LD(x + j) - mu) * a) * LD(w + j) + LD(b + j));
        for (; j < n; j++) y[j] = ((x[j] - mu) * a) * w[j] + b[j];
    } else if (w) {
        for (; j + VL <= n; j += VL) ST(y + j, ((LD(x + j) - mu) * a) * LD(w + j));
        for (; j < n; j++) y[j] = ((x[j] - mu) * a) * w[j];
    } else if (b) {
        for (; j + VL <= n; j += VL) ST(y + j, (LD(x + j) - mu) * a + LD(b + j));
        for (; j < n; j++) y[j] = (x[j] - mu) * a + b[j];
    } else {
        for (; j + VL <= n; j += VL) ST(y + j, (LD(x + j) - mu) * a + c);
        for (; j < n; j++) y[j] = (x[j] - mu) * a + c;
    }
}

/* Rows ahead the forward prefetches (one line per 64 bytes): a training step
 * on (32,128,512), x not in cache, forward 0.61-0.64 -> 0.51-0.54 ms at one
 * thread. */
#define LN_FWD_PF 2
void IF_(fm_ln_fwd)(T *y, T *mean, T *rstd, const T *x, const T *w, const T *b, int64_t rows,
                    int64_t n, double eps) {
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * n;
        if (r + LN_FWD_PF < rows) /* a later row comes in while this one is computed */
            for (int64_t j = 0; j < n; j += 64 / (int64_t)sizeof(T))
                __builtin_prefetch(xr + LN_FWD_PF * n + j, 0, 3);
        IF_(fm_ln_row_stats)(mean + r, rstd + r, xr, n, eps);
        F(ln_apply)(y + r * n, xr, w, b, n, rstd[r], mean[r], (T)0);
    }
}

/* One row of the backward: s = (sum g, sum g * xhat), g = dy * w. */
static inline __attribute__((always_inline)) void F(ln_bwd_sums)(double *s, const T *dy,
                                                                 const T *x, const T *w,
                                                                 int64_t n, T mu, T rs) {
    double s1 = 0, s2 = 0;
    int64_t j = 0;
    while (j < n) {
        int64_t e = j + LN_FLUSH < n ? j + LN_FLUSH : n;
        V a1 = {0}, a2 = {0};
        for (; j + VL <= e; j += VL) {
            V d = LD(dy + j), xh = (LD(x + j) - mu) * rs;
            V g = w ? d * LD(w + j) : d;
            a1 += g;
            a2 += g * xh;
        }
        T t1 = HSUM(a1), t2 = HSUM(a2);
        for (; j < e; j++) {
            T d = dy[j], xh = (x[j] - mu) * rs, g = w ? d * w[j] : d;
            t1 += g;
            t2 += g * xh;
        }
        s1 += (double)t1;
        s2 += (double)t2;
    }
    s[0] = s1;
    s[1] = s2;
}

/* Rows per dx / dw / db pass. One: dw and db are read and written per row (from
 * L1), and the pass reads one row of dy and x that the sums pass just brought
 * in. In a training step on (32,128,512) (x and dy not in cache) the backward
 * took 0.77-0.86 ms at one thread against 1.06-1.26 ms with 4 rows per pass
 * (which keep 8 input, 4 output and the prefetch streams in flight). */
#define LN_QUAD 1
/* rows ahead whose dy and x a pass prefetches (2 measured best for one row
 * per pass; 4 and 8 were 5-15% slower) */
#define LN_PF 2

/* Rows [0, q) (q <= LN_QUAD, row i at offset i * n) in one pass over the
 * columns: dx = rs * g + k * xhat + c per row (dx may be NULL), and dw += the
 * q rows' dy * xhat, db += their dy, summed over the rows first (dw/db are
 * loaded and stored once per q rows). */
static inline __attribute__((always_inline)) void F(ln_bwd_quad)(
    T *dx, T *dw, T *db, const T *dy, const T *x, const T *w, int64_t n, int q, const T *mu,
    const T *rs, const T *k, const T *c, int64_t ahead) {
    int64_t j = 0;
    for (; j + VL <= n; j += VL) {
        V aw = {0}, ab = {0}, wv = w ? LD(w + j) : (V){0};
        /* rows LN_PF.. ahead are requested while this pass stores: the sums
         * passes that follow read from cache instead of waiting on memory */
        for (int i = 0; i < ahead; i++) {
            __builtin_prefetch(dy + (LN_PF + i) * n + j, 0, 2);
            __builtin_prefetch(x + (LN_PF + i) * n + j, 0, 2);
        }
        for (int i = 0; i < q; i++) {
            V d = LD(dy + i * n + j), xh = (LD(x + i * n + j) - mu[i]) * rs[i];
            if (dx) ST(dx + i * n + j, (w ? d * wv : d) * rs[i] + (xh * k[i] + c[i]));
            aw += d * xh;
            ab += d;
        }
        if (dw) ST(dw + j, LD(dw + j) + aw);
        if (db) ST(db + j, LD(db + j) + ab);
    }
    for (; j < n; j++) {
        T aw = 0, ab = 0;
        for (int i = 0; i < q; i++) {
            T d = dy[i * n + j], xh = (x[i * n + j] - mu[i]) * rs[i];
            if (dx) dx[i * n + j] = (w ? d * w[j] : d) * rs[i] + (xh * k[i] + c[i]);
            aw += d * xh;
            ab += d;
        }
        if (dw) dw[j] += aw;
        if (db) db[j] += ab;
    }
}

void IF_(fm_ln_bwd)(T *dx, T *dw, T *db, const T *dy, const T *x, const T *mean, const T *rstd,
                    const T *w, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r += LN_QUAD) {
        const int q = rows - r < LN_QUAD ? (int)(rows - r) : LN_QUAD;
        T k[LN_QUAD] = {0}, c[LN_QUAD] = {0};
        for (int i = 0; dx && i < q; i++) {
            /* dx = rs * g + k * xhat + c, k = -rs * mean(g xhat), c = -rs * mean(g) */
            double s[2];
            F(ln_bwd_sums)(s, dy + (r + i) * n, x + (r + i) * n, w, n, mean[r + i],
                           rstd[r + i]);
            k[i] = (T)(-(double)rstd[r + i] * s[1] / (double)n);
            c[i] = (T)(-(double)rstd[r + i] * s[0] / (double)n);
        }
        int64_t ahead = rows - r - LN_PF < q ? rows - r - LN_PF : q;
        if (ahead < 0) ahead = 0;
        if (q == LN_QUAD && ahead == LN_QUAD) /* constants: per-row scalars stay in registers */
            F(ln_bwd_quad)(dx ? dx + r * n : NULL, dw, db, dy + r * n, x + r * n, w, n, LN_QUAD,
                           mean + r, rstd + r, k, c, LN_QUAD);
        else
            F(ln_bwd_quad)(dx ? dx + r * n : NULL, dw, db, dy + r * n, x + r * n, w, n, q,
                           mean + r, rstd + r, k, c, ahead);
    }
}

#undef LN_QUAD
#undef LN_PF
#undef LN_FWD_PF

void IF_(fm_ln_axpc)(T *y, const T *x, int64_t m, T a, T mu, T c) {
    F(ln_apply)(y, x, NULL, NULL, m, a, mu, c);
}

/* s[0] = sum(dy), s[1] = sum(dy * (x - c)): centred, so no cancellation later */
void IF_(fm_ln_dsums)(double *s, const T *dy, const T *x, int64_t m, T c) {
    double s0 = 0, s1 = 0;
    int64_t i = 0;
    while (i < m) {
        int64_t e = i + LN_FLUSH < m ? i + LN_FLUSH : m;
        V a0 = {0}, a1 = {0};
        for (; i + VL <= e; i += VL) {
            V d = LD(dy + i);
            a0 += d;
            a1 += d * (LD(x + i) - c);
        }
        T t0 = HSUM(a0), t1 = HSUM(a1);
        for (; i < e; i++) {
            t0 += dy[i];
            t1 += dy[i] * (x[i] - c);
        }
        s0 += (double)t0;
        s1 += (double)t1;
    }
    s[0] = s0;
    s[1] = s1;
}

void IF_(fm_ln_axbyc)(T *dx, const T *dy, const T *x, int64_t m, T a, T bx, T mu, T c) {
    int64_t i = 0;
    for (; i + VL <= m; i += VL) ST(dx + i, LD(dy + i) * a + ((LD(x + i) - mu) * bx + c));
    for (; i < m; i++) dx[i] = dy[i] * a + ((x[i] - mu) * bx + c);
}

#undef F
#undef IF_
#undef LD
#undef ST
#undef HSUM
