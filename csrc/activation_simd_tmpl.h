/* activation_simd_tmpl.h -- element-wise activations, softmax rows and
 * cross-entropy rows for one element type; included by activation_simd.c with
 *   T (float/double), SUF (f32/f64), V/VI (value / same-width int vector), VL,
 *   EXP_DEG, EXPM1_DEG (Taylor degrees), MANT (mantissa bits), EBIAS,
 *   EXP_LO/EXP_HI (arguments below give 0, above give +inf), RMAGIC (1.5 * 2^MANT).
 *
 * exp: n = round(x / ln2), r = x - n ln2 (two-constant Cody-Waite split, |r| <=
 * ln2/2), Taylor polynomial of degree EXP_DEG on r (truncation < 0.1 ulp), then
 * scaled by 2^n as two factors 2^(n/2) 2^(n - n/2) so results stay right down to
 * subnormals. expm1 uses its own Taylor series for |x| < 1/2 (no cancellation).
 * NaN propagates. No -ffast-math: every operation is IEEE. Tails are run through
 * the same vector code on a zero-padded copy.
 */
#define F(name) FM_CAT3(name, _, SUF)
#define IF_(name) FM_ISA_FN(F(name))

/* Bitwise select: m is all-ones where a is wanted. */
static inline __attribute__((always_inline)) V F(sel)(VI m, V a, V b) {
    return (V)(((VI)a & m) | ((VI)b & ~m));
}

static inline __attribute__((always_inline)) V F(vexp)(V x) {
    static const T c[EXP_DEG + 1] = {
        1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
#if EXP_DEG > 7
        1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600,
        1.0 / 6227020800.0,
#endif
    };
    const V lo = {0}, hi = {0};
    V xc = F(sel)(x < lo + (T)EXP_LO, lo + (T)EXP_LO, x);
    xc = F(sel)(xc > hi + (T)EXP_HI, hi + (T)EXP_HI, xc);
    V t = xc * (T)1.4426950408889634 + (T)RMAGIC;
    V fx = t - (T)RMAGIC;                         /* round to nearest */
    V r = xc - fx * (T)6.93145751953125E-1;      /* ln2 = hi + lo, hi exact */
    r = r - fx * (T)1.42860682030941723212E-6;
    V p = lo + c[EXP_DEG];
    for (int k = EXP_DEG - 1; k >= 0; k--) p = p * r + c[k];
    VI n = __builtin_convertvector(fx, VI);
    VI n1 = n >> 1, n2 = n - n1;
    V s1 = (V)((n1 + EBIAS) << MANT), s2 = (V)((n2 + EBIAS) << MANT);
    V y = p * s1 * s2;
    y = F(sel)(x > hi + (T)EXP_HI, hi + (T)INFINITY, y);
    return F(sel)(x != x, x, y);
}

/* expm1 for x <= 0 arguments used here (elu, tanh); exact series near 0. */
static inline __attribute__((always_inline)) V F(vexpm1)(V x) {
    static const T c[EXPM1_DEG + 1] = {
        0, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
        1.0 / 362880,
#if EXPM1_DEG > 9
        1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0,
        1.0 / 87178291200.0, 1.0 / 1307674368000.0,
#endif
    };
    const V z = {0};
    V p = z + c[EXPM1_DEG];
    for (int k = EXPM1_DEG - 1; k >= 0; k--) p = p * x + c[k];
    V e = F(vexp)(x) - (T)1;
    return F(sel)(FM_CAT(fm_vabs_, SUF)(x) < z + (T)0.5, p, e);
}

static inline __attribute__((always_inline)) V F(act_fwd_v)(V x, int kind, T alpha) {
    const V z = {0};
    switch (kind) {
    case 0: /* relu; NaN propagates */
        return F(sel)(x < z, z, x);
    case 1: /* leaky relu */
        return F(sel)(x > z, x, x * alpha);
    case 2: /* elu */
        return F(sel)(x > z, x, alpha * F(vexpm1)(F(sel)(x > z, z, x)));
    case 3: { /* sigmoid: exp of -|x| only */
        V e = F(vexp)(-FM_CAT(fm_vabs_, SUF)(x));
        V inv = (T)1 / ((T)1 + e);
        return F(sel)(x >= z, inv, e * inv);
    }
    default: { /* tanh = sign(x) * -em / (2 + em), em = expm1(-2|x|) */
        V ax = FM_CAT(fm_vabs_, SUF)(x);
        V em = F(vexpm1)((T)-2 * ax);
        V t = -em / ((T)2 + em);
        VI sign = (VI)x & (VI)(-z);                /* sign bit of x (-z is -0.0) */
        return F(sel)(x != x, x, (V)((VI)t | sign));
    }
    }
}

/* dx from dy and the saved forward input x / output y. */
static inline __attribute__((always_inline)) V F(act_bwd_v)(V dy, V x, V y, int kind, T alpha) {
    const V z = {0};
    switch (kind) {
    case 0: return F(sel)(y > z, dy, z);
    case 1: return F(sel)(x > z, dy, dy * alpha);
    case 2: return F(sel)(x > z, dy, dy * (y + alpha));
    case 3: return dy * y * ((T)1 - y);
    default: return dy * ((T)1 - y * y);
    }
}

void IF_(fm_act_fwd)(T *y, const T *x, int64_t n, int kind, T alpha) {
    int64_t i = 0;
    for (; i + VL <= n; i += VL) FM_CAT(fm_vstore_, SUF)(y + i, F(act_fwd_v)(FM_CAT(fm_vload_, SUF)(x + i), kind, alpha));
    if (i < n) {
        T buf[VL] = {0};
        memcpy(buf, x + i, (size_t)(n - i) * sizeof(T));
        V r = F(act_fwd_v)(FM_CAT(fm_vload_, SUF)(buf), kind, alpha);
        memcpy(buf, &r, sizeof r);
        memcpy(y + i, buf, (size_t)(n - i) * sizeof(T));
    }
}

/* x or y may be NULL when the activation does not read it. */
void IF_(fm_act_bwd)(T *dx, const T *dy, const T *x, const T *y, int64_t n, int kind, T alpha) {
    const T *xs = x ? x : dy, *ys = y ? y : dy;
    int64_t i = 0;
    for (; i + VL <= n; i += VL)
        FM_CAT(fm_vstore_, SUF)(dx + i, F(act_bwd_v)(FM_CAT(fm_vload_, SUF)(dy + i),
                                                     FM_CAT(fm_vload_, SUF)(xs + i),
                                                     FM_CAT(fm_vload_, SUF)(ys + i), kind, alpha));
    if (i < n) {
        T b0[VL] = {0}, b1[VL] = {0}, b2[VL] = {0};
        size_t m = (size_t)(n - i) * sizeof(T);
        memcpy(b0, dy + i, m);
        memcpy(b1, xs + i, m);
        memcpy(b2, ys + i, m);
        V r = F(act_bwd_v)(FM_CAT(fm_vload_, SUF)(b0), FM_CAT(fm_vload_, SUF)(b1),
                           FM_CAT(fm_vload_, SUF)(b2), kind, alpha);
        memcpy(b0, &r, sizeof r);
        memcpy(dx + i, b0, m);
    }
}

/* Row max and sum(exp(x - max)) of one row of length c; e (may alias nothing)
 * receives exp(x - max) when non-NULL. Fixed summation order (lane sums, then
 * lanes in order, then the tail), so results do not depend on threads. */
static void F(row_maxsum)(const T *x, int64_t c, T *e, T *max_out, T *sum_out) {
    T m = x[0];
    int64_t i = 0;
    if (c >= VL) {
        V vm = FM_CAT(fm_vload_, SUF)(x);
        for (i = VL; i + VL <= c; i += VL) {
            V v = FM_CAT(fm_vload_, SUF)(x + i);
            vm = F(sel)(v > vm, v, vm);
        }
        m = vm[0];
        for (int l = 1; l < VL; l++) m = vm[l] > m ? vm[l] : m;
    }
    for (; i < c; i++) m = x[i] > m ? x[i] : m;
    V vs = {0};
    for (i = 0; i + VL <= c; i += VL) {
        V v = F(vexp)(FM_CAT(fm_vload_, SUF)(x + i) - m);
        if (e) FM_CAT(fm_vstore_, SUF)(e + i, v);
        vs += v;
    }
    T s = 0;
    for (int l = 0; l < VL; l++) s += vs[l];
    if (i < c) {
        T buf[VL];
        for (int l = 0; l < VL; l++) buf[l] = (i + l < c) ? x[i + l] - m : (T)-INFINITY;
        V v = F(vexp)(FM_CAT(fm_vload_, SUF)(buf));
        for (int l = 0; i + l < c; l++) {
            if (e) e[i + l] = v[l];
            s += v[l];
        }
    }
    *max_out = m;
    *sum_out = s;
}

/* y = softmax or log-softmax of each row of x (rows x c). */
void IF_(fm_softmax_rows)(T *y, const T *x, int64_t rows, int64_t c, int log_) {
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        T *yr = y + r * c, m, s;
        if (log_) {
            F(row_maxsum)(xr, c, NULL, &m, &s);
            T off = m + (T)log((double)s);
            for (int64_t i = 0; i < c; i++) yr[i] = xr[i] - off;
        } else {
            F(row_maxsum)(xr, c, yr, &m, &s);
            T inv = (T)1 / s;
            for (int64_t i = 0; i < c; i++) yr[i] *= inv;
        }
    }
}

/* softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) sum(dy). */
void IF_(fm_softmax_bwd_rows)(T *dx, const T *dy, const T *y, int64_t rows, int64_t c,
                              int log_) {
    for (int64_t r = 0; r < rows; r++) {
        const T *g = dy + r * c, *yr = y + r * c;
        T *d = dx + r * c;
        T s = 0;
        if (log_) {
            for (int64_t i = 0; i < c; i++) s += g[i];
            int64_t i = 0;
            for (; i + VL <= c; i += VL) {
                V ev = F(vexp)(FM_CAT(fm_vload_, SUF)(yr + i));
                FM_CAT(fm_vstore_, SUF)(d + i, FM_CAT(fm_vload_, SUF)(g + i) - ev * s);
            }
            for (; i < c; i++) d[i] = g[i] - (T)exp((double)yr[i]) * s;
        } else {
            for (int64_t i = 0; i < c; i++) s += g[i] * yr[i];
            for (int64_t i = 0; i < c; i++) d[i] = yr[i] * (g[i] - s);
        }
    }
}

/* loss[r] = lse_r - x[r, t[r]], lse[r] = log sum exp(x[r, :]). */
void IF_(fm_ce_rows)(T *loss, T *lse, const T *x, const int64_t *t, int64_t rows, int64_t c) {
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        T m, s;
        F(row_maxsum)(xr, c, NULL, &m, &s);
        T l = m + (T)log((double)s);
        lse[r] = l;
        loss[r] = l - xr[t[r]];
    }
}

/* dx[r, j] = d_r (exp(x[r, j] - lse[r]) - [j == t[r]]), d_r = dloss[r * dstride]. */
void IF_(fm_ce_bwd_rows)(T *dx, const T *dloss, int64_t dstride, const T *x, const T *lse,
                         const int64_t *t, int64_t rows, int64_t c) {
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        T *d = dx + r * c;
        T dr = dloss[r * dstride], l = lse[r];
        int64_t i = 0;
        for (; i + VL <= c; i += VL)
            FM_CAT(fm_vstore_, SUF)(d + i, F(vexp)(FM_CAT(fm_vload_, SUF)(xr + i) - l) * dr);
        for (; i < c; i++) d[i] = (T)exp((double)(xr[i] - l)) * dr;
        d[t[r]] -= dr;
    }
}

#undef F
#undef IF_
