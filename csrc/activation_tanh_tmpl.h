/* activation_tanh_tmpl.h -- the float tanh kernel for one element type at one
 * ISA level: included by activation_simd_tmpl.h (after activation_vmath_tmpl.h)
 * and by recurrent_simd.c (the LSTM / RNN cells), with T, SUF, V, VI, F(name)
 * and F(sel) defined and <immintrin.h> included on x86. */
/* min(c, v) for tanh_rational, NaN in v passing through (vminps returns
 * its second operand when either is NaN); one instruction where the bitwise
 * select costs a compare and two logic operations (15% of the tanh loop). */
static inline __attribute__((always_inline)) V F(minf_c)(T c, V v) {
#if defined(FM_ISA_AVX512)
    return (V)_mm512_min_ps((__m512)((V){0} + c), (__m512)v);
#elif defined(FM_ISA_AVX2)
    return (V)_mm256_min_ps((__m256)((V){0} + c), (__m256)v);
#elif defined(__SSE2__)
    return (V)_mm_min_ps((__m128)((V){0} + c), (__m128)v);
#else
    const V cv = (V){0} + c;
    return F(sel)(cv < v, cv, v);
#endif
}

/* float tanh as |x| P(x^2) / Q(x^2) on |x| <= 9 (beyond, tanh rounds to 1 in
 * float), P and Q of degree 4 in x^2: a weighted least-squares fit to the
 * relative error (max 2e-8 with exact coefficients; 5 ulp as evaluated in
 * float, vs 2.6 ulp for the expm1 form below at twice the cost: ten FMAs and
 * a division instead of an exp polynomial, its 2^n scaling and a division).
 * NaN passes through the clamps unchanged; the sign is copied back. */
static inline __attribute__((always_inline)) V F(tanh_rational)(V x) {
    const V z = {0};
    const V ax = F(minf_c)((T)9, FM_CAT(fm_vabs_, SUF)(x));
    const V s = ax * ax;
    V p = s * (T)1.3354283012745327e-08 + (T)2.0608813429134898e-05;
    p = p * s + (T)0.0034955721348524094;
    p = p * s + (T)0.1338101178407669;
    p = p * s + (T)1;
    V q = s * (T)7.776404231663037e-07 + (T)0.00032856082543730736;
    q = q * s + (T)0.02587692067027092;
    q = q * s + (T)0.4671432673931122;
    q = q * s + (T)1;
    const V t = F(minf_c)((T)1, ax * p / q);
    return (V)((VI)t | ((VI)x & (VI)(-z))); /* copysign(t, x); -z is -0.0 */
}

