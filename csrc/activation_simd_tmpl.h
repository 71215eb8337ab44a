/* activation_simd_tmpl.h -- element-wise activations, softmax rows and
 * cross-entropy rows for one element type; included by activation_simd.c with
 *   T (float/double), SUF (f32/f64), V/VI (value / same-width int vector), VL,
 *   and the math constants listed in activation_vmath_tmpl.h.
 *
 * The vector exp / expm1 / log are in activation_vmath_tmpl.h. Tails run
 * through the same vector code on a zero-padded copy.
 */
#define F(name) FM_CAT3(name, _, SUF)
#define IF_(name) FM_ISA_FN(F(name))

#include "activation_vmath_tmpl.h"

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

/* sum(a * b) (or sum(a) when b is NULL) in vector lanes, then lanes in order,
 * then the tail: a fixed order (a scalar loop would be latency-bound: without
 * -ffast-math the compiler may not reassociate it). */
static inline T F(vdot)(const T *a, const T *b, int64_t c) {
    V acc = {0};
    int64_t i = 0;
    if (b)
        for (; i + VL <= c; i += VL) acc += FM_CAT(fm_vload_, SUF)(a + i) * FM_CAT(fm_vload_, SUF)(b + i);
    else
        for (; i + VL <= c; i += VL) acc += FM_CAT(fm_vload_, SUF)(a + i);
    T s = 0;
    for (int l = 0; l < VL; l++) s += acc[l];
    for (; i < c; i++) s += b ? a[i] * b[i] : a[i];
    return s;
}

/* softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) sum(dy). */
void IF_(fm_softmax_bwd_rows)(T *dx, const T *dy, const T *y, int64_t rows, int64_t c,
                              int log_) {
    for (int64_t r = 0; r < rows; r++) {
        const T *g = dy + r * c, *yr = y + r * c;
        T *d = dx + r * c;
        T s;
        if (log_) {
            s = F(vdot)(g, NULL, c);
            int64_t i = 0;
            for (; i + VL <= c; i += VL) {
                V ev = F(vexp)(FM_CAT(fm_vload_, SUF)(yr + i));
                FM_CAT(fm_vstore_, SUF)(d + i, FM_CAT(fm_vload_, SUF)(g + i) - ev * s);
            }
            for (; i < c; i++) d[i] = g[i] - (T)exp((double)yr[i]) * s;
        } else {
            s = F(vdot)(g, yr, c);
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
