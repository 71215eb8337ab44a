/* activation_vmath_tmpl.h -- vector exp, expm1 and log for one element type
 * (GNU vectors); included inside activation_simd_tmpl.h and loss_simd_tmpl.h
 * with T, SUF, V, VI, VL, EXP_DEG, EXPM1_LO, LOG_DEG, MANT, EBIAS, EXP_LO,
 * EXP_HI, RMAGIC, TINY_MIN, TINY_SCALE, TINY_EXP and F(name) defined.
 *
 * exp: n = round(x / ln2), r = x - n ln2 (two-constant Cody-Waite split, |r| <=
 * ln2/2), Taylor polynomial of degree EXP_DEG on r (truncation < 0.1 ulp), then
 * scaled by 2^n as two factors 2^(n/2) 2^(n - n/2) so results stay right down to
 * subnormals.
 * log: x = 2^e m with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s),
 * s = (m - 1) / (m + 1), |s| <= 0.172, odd series to degree 2 LOG_DEG + 1.
 * NaN propagates; log(0) = -inf, log(x < 0) = NaN, log(inf) = inf.
 * No -ffast-math: every operation is IEEE.
 */
/* Bitwise select: m is all-ones where a is wanted. */
static inline __attribute__((always_inline)) V F(sel)(VI m, V a, V b) {
    return (V)(((VI)a & m) | ((VI)b & ~m));
}

static const T F(exp_c)[EXP_DEG + 1] = {
    1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
#if EXP_DEG > 7
    1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600,
    1.0 / 6227020800.0,
#endif
};

static inline __attribute__((always_inline)) V F(vexp)(V x) {
    const T *c = F(exp_c);
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

/* exp(x) for the arguments of softmax and cross-entropy, x - max or x - lse
 * (<= 0 up to rounding; valid up to EXP_HI / 2): the same reduction and
 * polynomial as vexp, but no overflow side and one 2^n factor, with
 * n >= 1 - EBIAS so 2^n stays normal; below (1 - EBIAS) ln 2 (-87.3 in float)
 * the result is flushed to 0 instead of going subnormal (terms < 1.2e-38
 * beside a row maximum of exp(0) = 1). NaN propagates. About 20 vector
 * operations instead of vexp's ~32. */
static inline __attribute__((always_inline)) V F(vexp_le0)(V x) {
    const T *c = F(exp_c);
    const V z = {0};
    const T xlo = (T)((1 - EBIAS) * 0.6931471805599453);
    const VI under = x < z + xlo;
    const V xc = F(sel)(under, z + xlo, x);
    V t = xc * (T)1.4426950408889634 + (T)RMAGIC;
    V fx = t - (T)RMAGIC;
    V r = xc - fx * (T)6.93145751953125E-1;
    r = r - fx * (T)1.42860682030941723212E-6;
    V p = z + c[EXP_DEG];
    for (int k = EXP_DEG - 1; k >= 0; k--) p = p * r + c[k];
    VI n = __builtin_convertvector(fx, VI);
    V y = p * (V)((n + EBIAS) << MANT);
    return (V)((VI)y & ~under);
}

/* expm1 with the same reduction as exp: expm1(x) = 2^n expm1(r) + (2^n - 1),
 * expm1(r) by its Taylor series (degree EXP_DEG + 1). Exact-form for n = 0, so
 * there is no cancellation near 0; for n != 0 |result| > 0.29 and the sum is
 * benign. One polynomial instead of exp plus a separate small-x branch. */
static inline __attribute__((always_inline)) V F(vexpm1)(V x) {
    static const T c[EXP_DEG + 2] = {
        0, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
#if EXP_DEG > 7
        1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0,
        1.0 / 87178291200.0,
#endif
    };
    const V z = {0};
    /* below EXPM1_LO, expm1 is -1 to working precision (2^n underflows harmlessly) */
    V xc = F(sel)(x < z + (T)EXPM1_LO, z + (T)EXPM1_LO, x);
    xc = F(sel)(xc > z + (T)EXP_HI, z + (T)EXP_HI, xc);
    V t = xc * (T)1.4426950408889634 + (T)RMAGIC;
    V fx = t - (T)RMAGIC;
    V r = xc - fx * (T)6.93145751953125E-1;
    r = r - fx * (T)1.42860682030941723212E-6;
    V p = z + c[EXP_DEG + 1];
    for (int k = EXP_DEG; k >= 1; k--) p = p * r + c[k];
    p = p * r; /* expm1(r) */
    VI n = __builtin_convertvector(fx, VI);
    VI n1 = n >> 1, n2 = n - n1;
    V sc = (V)((n1 + EBIAS) << MANT) * (V)((n2 + EBIAS) << MANT); /* 2^n */
    V y = sc * p + (sc - (T)1);
    y = F(sel)(x > z + (T)EXP_HI, z + (T)INFINITY, y);
    return F(sel)(x != x, x, y);
}

/* Natural log, see the header comment. */
static inline __attribute__((always_inline)) V F(vlog)(V x) {
    const V z = {0};
    VI tiny = x < z + (T)TINY_MIN;               /* subnormal (or <= 0): pre-scale */
    V xs = F(sel)(tiny, x * (T)TINY_SCALE, x);
    VI xi = (VI)xs;
    const VI one = (VI){0} + 1;
    VI e = (xi >> MANT) & ((one << (8 * (int)sizeof(T) - 1 - MANT)) - 1);
    e = e - EBIAS - (tiny & TINY_EXP);
    V m = (V)((xi & ((one << MANT) - 1)) | ((one * EBIAS) << MANT)); /* [1, 2) */
    VI big = m > z + (T)1.4142135623730951;
    m = F(sel)(big, m * (T)0.5, m);
    e = e - big;                                 /* big is -1 where true */
    V s = (m - (T)1) / (m + (T)1);
    V s2 = s * s;
    V p = z + (T)(1.0 / (2 * LOG_DEG + 1));
    for (int k = LOG_DEG - 1; k >= 0; k--) p = p * s2 + (T)(1.0 / (2 * k + 1));
    V fe = __builtin_convertvector(e, V);
    V r = fe * (T)6.93145751953125E-1 + ((T)2 * s * p + fe * (T)1.42860682030941723212E-6);
    r = F(sel)(x == z, z - (T)INFINITY, r);
    r = F(sel)(x == z + (T)INFINITY, x, r);
    return F(sel)((x < z) | (x != x), z + (T)NAN, r);
}

/* log(1 + u) with the rounding of 1 + u corrected: log(m) + (u - (m - 1)) / m. */
static inline __attribute__((always_inline)) V F(vlog1p)(V u) {
    V m = (T)1 + u;
    V r = F(vlog)(m) + (u - (m - (T)1)) / m;
    const V z = {0};
    r = F(sel)(m == z, z - (T)INFINITY, r); /* u == -1 (the correction would be 0/0) */
    return F(sel)(m == z + (T)INFINITY, m, F(sel)(u == z, u, r));
}
