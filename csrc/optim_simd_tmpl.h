/* optim_simd_tmpl.h -- NAdam, RAdam, Adamax and Rprop range kernels for one dtype (T, SUF,
 * SQRT, FMA), included by optim_simd.c once per dtype and ISA level (with -mfma the
 * explicit fma() calls become vfmadd instructions and the loops vectorise; the baseline
 * level calls libm's fma, slower but the same numbers). The order of operations (and
 * the fused multiply-adds) follows torch.optim's single-tensor CPU code, so float64
 * results match torch to the last bit (up to torch's MKL sqrt, which is not correctly
 * rounded): lerp is fma(w, end - self, self) for w < 0.5 and
 * fma(-(end - self), 1 - w, end) otherwise, addcmul is fma(value * a, b, self),
 * addcdiv is self + (value * a) / b, add(alpha) is fma(alpha, b, self). */
#define PUB(name) FM_ISA_FN(FM_CAT(name, SUF))

/* torch's lerp(self, end, w) with a scalar weight */
static inline __attribute__((always_inline)) T FM_CAT(lerp_, SUF)(T self, T end, T w,
                                                                  T one_minus_w, int small) {
    const T d = end - self;
    return small ? FMA(w, d, self) : FMA(-d, one_minus_w, end);
}

/* The loop bodies take the flags as arguments and are always inlined into loops where
 * the flags are constants (wdm: 0 no weight decay, 1 L2 on the gradient, 2 decoupled;
 * small: the lerp branch), so every specialised loop is branch-free and vectorises. */
#define INL static inline __attribute__((always_inline))
#define SPECIALISE(call)                                                                      \
    do {                                                                                      \
        if (small) {                                                                          \
            if (wdm == 0) call(1, 0); else if (wdm == 1) call(1, 1); else call(1, 2);         \
        } else {                                                                              \
            if (wdm == 0) call(0, 0); else if (wdm == 1) call(0, 1); else call(0, 2);         \
        }                                                                                     \
    } while (0)

INL void FM_CAT(nadam_loop_, SUF)(T *p, T *m, T *v, const T *g, int64_t n, T w1, T omw1,
                                  T b2, T c2, T e, T wdt, T decay, T bc, T cg, T cm,
                                  const int small, const int wdm) {
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i], pi = p[i];
        if (wdm == 2) pi *= decay;
        if (wdm == 1) gi = FMA(wdt, pi, gi);
        const T mi = FM_CAT(lerp_, SUF)(m[i], gi, w1, omw1, small);
        const T vi = FMA(c2 * gi, gi, v[i] * b2);
        m[i] = mi;
        v[i] = vi;
        const T den = SQRT(vi / bc) + e;
        pi = pi + (cg * gi) / den;
        p[i] = pi + (cm * mi) / den;
    }
}

static void PUB(fm_nadam_)(T *p, T *m, T *v, const T *g, int64_t n, double lr, double beta1,
                          double beta2, double eps, double wd, int decoupled, double bc2,
                          double coef_g, double coef_m) {
    const T w1 = (T)(1 - beta1), omw1 = (T)1 - w1, b2 = (T)beta2, c2 = (T)(1 - beta2);
    const int small = (1 - beta1) < 0.5, wdm = wd == 0 ? 0 : decoupled ? 2 : 1;
    const T e = (T)eps, wdt = (T)wd, decay = (T)(1 - lr * wd), bc = (T)bc2;
    const T cg = (T)coef_g, cm = (T)coef_m;
#define CALL(S, W)                                                                            \
    FM_CAT(nadam_loop_, SUF)(p, m, v, g, n, w1, omw1, b2, c2, e, wdt, decay, bc, cg, cm, S, W)
    SPECIALISE(CALL);
#undef CALL
}

INL void FM_CAT(radam_loop_, SUF)(T *p, T *m, T *v, const T *g, int64_t n, T w1, T omw1,
                                  T b2, T c2, T e, T wdt, T decay, T l, T b1c, T b2s, T r,
                                  const int rectify, const int small, const int wdm) {
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i], pi = p[i];
        if (wdm == 2) pi *= decay;
        if (wdm == 1) gi = FMA(wdt, pi, gi);
        const T mi = FM_CAT(lerp_, SUF)(m[i], gi, w1, omw1, small);
        const T vi = FMA(c2 * gi, gi, v[i] * b2);
        m[i] = mi;
        v[i] = vi;
        T upd = (mi / b1c) * l;
        if (rectify) {
            const T inv = (T)1 / (SQRT(vi) + e); /* scalar / tensor is reciprocal() * scalar */
            upd = (upd * (inv * b2s)) * r;
        }
        p[i] = pi - upd;
    }
}

static void PUB(fm_radam_)(T *p, T *m, T *v, const T *g, int64_t n, double lr, double beta1,
                          double beta2, double eps, double wd, int decoupled, double bc1,
                          double bc2_sqrt, double rect) {
    const T w1 = (T)(1 - beta1), omw1 = (T)1 - w1, b2 = (T)beta2, c2 = (T)(1 - beta2);
    const int small = (1 - beta1) < 0.5, wdm = wd == 0 ? 0 : decoupled ? 2 : 1;
    const T e = (T)eps, wdt = (T)wd, decay = (T)(1 - lr * wd), l = (T)lr;
    const T b1c = (T)bc1, b2s = (T)bc2_sqrt, r = (T)rect;
#define CALL(S, W)                                                                            \
    FM_CAT(radam_loop_, SUF)(p, m, v, g, n, w1, omw1, b2, c2, e, wdt, decay, l, b1c, b2s, r, \
                             1, S, W)
#define CALL0(S, W)                                                                           \
    FM_CAT(radam_loop_, SUF)(p, m, v, g, n, w1, omw1, b2, c2, e, wdt, decay, l, b1c, b2s, r, \
                             0, S, W)
    if (rect > 0)
        SPECIALISE(CALL);
    else
        SPECIALISE(CALL0);
#undef CALL
#undef CALL0
}

INL void FM_CAT(adamax_loop_, SUF)(T *p, T *m, T *u, const T *g, int64_t n, T w1, T omw1,
                                   T b2, T e, T wdt, T c, const int small, const int wdm) {
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        const T pi = p[i];
        if (wdm == 1) gi = FMA(wdt, pi, gi);
        const T mi = FM_CAT(lerp_, SUF)(m[i], gi, w1, omw1, small);
        const T a = u[i] * b2, b = (gi < 0 ? -gi : gi) + e;
        const T mx = a > b ? a : b;
        const T ui = ((a != a) | (b != b)) ? a + b : mx; /* NaN propagates */
        m[i] = mi;
        u[i] = ui;
        p[i] = pi + (c * mi) / ui;
    }
}

static void PUB(fm_adamax_)(T *p, T *m, T *u, const T *g, int64_t n, double beta1,
                           double beta2, double eps, double wd, double neg_clr) {
    const T w1 = (T)(1 - beta1), omw1 = (T)1 - w1, b2 = (T)beta2;
    const int small = (1 - beta1) < 0.5, wdm = wd == 0 ? 0 : 1;
    const T e = (T)eps, wdt = (T)wd, c = (T)neg_clr;
#define CALL(S, W) FM_CAT(adamax_loop_, SUF)(p, m, u, g, n, w1, omw1, b2, e, wdt, c, S, W)
    SPECIALISE(CALL);
#undef CALL
}

static void PUB(fm_rprop_)(T *p, T *prev, T *step, const T *g, int64_t n, double etaminus,
                          double etaplus, double step_min, double step_max) {
    const T em = (T)etaminus, ep = (T)etaplus, lo = (T)step_min, hi = (T)step_max;
    for (int64_t i = 0; i < n; i++) {
        const T gi = g[i];
        const T s = gi * prev[i];
        const T f0 = s < 0 ? em : (T)1;
        const T f1 = s > 0 ? ep : f0;
        const T f = s != s ? s : f1;                      /* NaN sign stays NaN */
        const T st0 = step[i] * f;
        const T st1 = st0 < lo ? lo : st0;                /* clamp(min, max), NaN kept */
        const T st = st1 > hi ? hi : st1;
        const T gk = s < 0 ? (T)0 : gi;                   /* a sign flip skips the update */
        const T sg0 = gk < 0 ? (T)-1 : gk;
        const T sg = gk > 0 ? (T)1 : sg0;                 /* sign(), 0 and NaN kept */
        step[i] = st;
        p[i] = p[i] - sg * st;
        prev[i] = gk;
    }
}

#undef PUB
#undef INL
#undef SPECIALISE
