/* activation_extra_tmpl.h -- the smooth / piecewise activations beyond relu,
 * leaky relu, elu, sigmoid and tanh, for one element type at one ISA level;
 * included by activation_simd_tmpl.h after activation_vmath_tmpl.h and
 * activation_tanh_tmpl.h (T, SUF, V, VI, VL, F(name), F(sel) defined).
 *
 * kind: 5 gelu (erf), 6 gelu (tanh approximation), 7 silu, 8 softplus (a = beta,
 * b = threshold), 9 mish, 10 hardswish, 11 selu, 12 softsign, 13 logsigmoid,
 * 14 hardtanh (a = min_val, b = max_val). Formulas follow torch's CPU kernels;
 * every backward reads the forward input x (selu also y).
 */
#define ABS_(v) FM_CAT(fm_vabs_, SUF)(v)
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* tanh for both types: the float rational form, or sign(x) * -em / (2 + em)
 * with em = expm1(-2|x|) in double (as activation kind 4). */
static inline __attribute__((always_inline)) V F(vtanh)(V x) {
    if (sizeof(T) == sizeof(float)) return F(tanh_rational)(x);
    const V z = {0};
    V em = F(vexpm1)((T)-2 * ABS_(x));
    V t = -em / ((T)2 + em);
    VI sign = (VI)x & (VI)(-z);
    return F(sel)(x != x, x, (V)((VI)t | sign));
}

/* erfc(-u) = 1 + erf(u), accurate in relative terms on both sides. float:
 * erfc(a) = t exp(-a^2 + P(t)), t = 1 / (1 + a / 2) (a Chebyshev fit with
 * relative error < 1.2e-7 for a >= 0), reflected as 2 - erfc(|u|) for u > 0;
 * double: libm's erfc per lane. */
static inline __attribute__((always_inline)) V F(verfc_neg)(V u) {
    if (sizeof(T) == sizeof(double)) {
        V r;
        for (int l = 0; l < VL; l++) r[l] = (T)erfc(-(double)u[l]);
        return r;
    }
    const V z = {0};
    V a = ABS_(u);
    V t = (T)1 / ((T)1 + (T)0.5 * a);
    V p = t * (T)0.17087277 + (T)-0.82215223;
    p = p * t + (T)1.48851587;
    p = p * t + (T)-1.13520398;
    p = p * t + (T)0.27886807;
    p = p * t + (T)-0.18628806;
    p = p * t + (T)0.09678418;
    p = p * t + (T)0.37409196;
    p = p * t + (T)1.00002368;
    p = p * t + (T)-1.26551223;
    V e = t * F(vexp)(p - a * a);
    return F(sel)(u > z, (T)2 - e, e);
}

static inline __attribute__((always_inline)) V F(vsigmoid)(V x) {
    const V z = {0};
    V e = F(vexp)(-ABS_(x));
    V inv = (T)1 / ((T)1 + e);
    return F(sel)(x >= z, inv, e * inv);
}

/* tanh(softplus(x)) = n (n + 2) / (n (n + 2) + 2), n = exp(x) (x clamped at
 * 20, where the ratio is 1 to working precision in both types). */
static inline __attribute__((always_inline)) V F(tanh_softplus)(V x) {
    const V z = {0};
    V n = F(vexp)(F(sel)(x > z + (T)20, z + (T)20, x));
    V q = n * (n + (T)2);
    return q / (q + (T)2);
}

static inline __attribute__((always_inline)) V F(act_fwd_extra)(V x, int kind, T a, T b) {
    const V z = {0};
    switch (kind) {
    case 5: /* gelu: x Phi(x) = x / 2 * erfc(-x / sqrt 2) */
        return (T)0.5 * x * F(verfc_neg)(x * (T)0.70710678118654752440);
    case 6: { /* gelu, tanh approximation */
        V in = (T)0.79788456080286535588 * (x + (T)0.044715 * x * x * x);
        return (T)0.5 * x * ((T)1 + F(vtanh)(in));
    }
    case 7: return x * F(vsigmoid)(x); /* silu */
    case 8: { /* softplus: log1p(exp(beta x)) / beta, x where beta x > threshold */
        V zx = x * a;
        V sp = F(sel)(zx > z, zx, z) + F(vlog1p)(F(vexp)(-ABS_(zx)));
        return F(sel)(zx > z + b, x, sp / a);
    }
    case 9: return x * F(tanh_softplus)(x); /* mish */
    case 10: { /* hardswish: x * min(max(x + 3, 0), 6) / 6 */
        V r = x + (T)3;
        r = F(sel)(r < z, z, r);
        r = F(sel)(r > z + (T)6, z + (T)6, r);
        return x * r / (T)6;
    }
    case 11: /* selu */
        return F(sel)(x > z, x * (T)SELU_SCALE,
                      F(vexpm1)(F(sel)(x > z, z, x)) * (T)(SELU_ALPHA * SELU_SCALE));
    case 12: return x / ((T)1 + ABS_(x)); /* softsign */
    case 13: /* logsigmoid: min(x, 0) - log1p(exp(-|x|)) */
        return F(sel)(x < z, x, z) - F(vlog1p)(F(vexp)(-ABS_(x)));
    default: { /* hardtanh: clamp(x, a, b); NaN passes */
        V r = F(sel)(x < z + a, z + a, x);
        return F(sel)(r > z + b, z + b, r);
    }
    }
}

static inline __attribute__((always_inline)) V F(act_bwd_extra)(V dy, V x, V y, int kind, T a,
                                                                T b) {
    const V z = {0};
    switch (kind) {
    case 5: { /* Phi(x) + x phi(x) */
        V cdf = (T)0.5 * F(verfc_neg)(x * (T)0.70710678118654752440);
        V pdf = F(vexp)((T)-0.5 * x * x) * (T)0.39894228040143267794;
        return dy * (cdf + x * pdf);
    }
    case 6: {
        const T kb = (T)0.79788456080286535588, kk = (T)0.044715;
        V x2 = x * x;
        V t = F(vtanh)(kb * (x + kk * x2 * x));
        V left = (T)0.5 * x, right = (T)1 + t;
        V rd = left * ((T)1 - t * t) * (kb * ((T)1 + (T)3 * kk * x2));
        return dy * ((T)0.5 * right + rd);
    }
    case 7: {
        V s = F(vsigmoid)(x);
        return dy * s * ((T)1 + x * ((T)1 - s));
    }
    case 8: {
        V zx = x * a;
        return F(sel)(zx > z + b, dy, dy * F(vsigmoid)(zx));
    }
    case 9: {
        V tsp = F(tanh_softplus)(x);
        return dy * (tsp + x * F(vsigmoid)(x) * ((T)1 - tsp * tsp));
    }
    case 10: {
        V mid = dy * (x / (T)3 + (T)0.5);
        return F(sel)(x <= z - (T)3, z, F(sel)(x < z + (T)3, mid, dy)); /* torch 2.x */
    }
    case 11:
        return F(sel)(x > z, dy * (T)SELU_SCALE, dy * (y + (T)(SELU_ALPHA * SELU_SCALE)));
    case 12: {
        V d = (T)1 + ABS_(x);
        return dy / (d * d);
    }
    case 13: { /* sigmoid(-x) */
        V e = F(vexp)(-ABS_(x));
        V inv = (T)1 / ((T)1 + e);
        return dy * F(sel)(x < z, inv, e * inv);
    }
    default:
        return F(sel)((x <= z + a) | (x >= z + b), z, dy);
    }
}

#undef ABS_
#undef SELU_ALPHA
#undef SELU_SCALE
