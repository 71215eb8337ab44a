/* activation_simd_tmpl.h -- element-wise activations and softmax rows for one
 * element type at one ISA level; included by activation_simd.c with
 *   T (float/double), SUF (f32/f64), V/VI (value / same-width int vector), VL,
 *   and the math constants listed in activation_vmath_tmpl.h.
 *
 * The vector exp / expm1 / log are in activation_vmath_tmpl.h, the row helpers
 * shared with the cross-entropy rows in activation_rows_tmpl.h. Tails run
 * through the same vector code on a zero-padded copy. Kernels are named
 * <name>_<SUF>_<level> (fm_act_fwd_f32_avx2, ...).
 */
#define F(name) FM_CAT3(name, _, SUF)
#define IF_(name) FM_ISA_FN(F(name))

#include "activation_vmath_tmpl.h"

#include "activation_tanh_tmpl.h" /* float tanh: tanh_rational */

#include "activation_extra_tmpl.h" /* kinds 5-14 */

static inline __attribute__((always_inline)) V F(act_fwd_v)(V x, int kind, T alpha, T beta) {
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
    case 4: { /* tanh */
        if (sizeof(T) == sizeof(float)) return F(tanh_rational)(x);
        /* double: tanh = sign(x) * -em / (2 + em), em = expm1(-2|x|) */
        V ax = FM_CAT(fm_vabs_, SUF)(x);
        V em = F(vexpm1)((T)-2 * ax);
        V t = -em / ((T)2 + em);
        VI sign = (VI)x & (VI)(-z);                /* sign bit of x (-z is -0.0) */
        return F(sel)(x != x, x, (V)((VI)t | sign));
    }
    default: return F(act_fwd_extra)(x, kind, alpha, beta);
    }
}

/* dx from dy and the saved forward input x / output y. */
static inline __attribute__((always_inline)) V F(act_bwd_v)(V dy, V x, V y, int kind, T alpha,
                                                            T beta) {
    const V z = {0};
    switch (kind) {
    case 0: return F(sel)(y <= z, z, dy); /* torch: NaN passes the gradient */
    case 1: return F(sel)(x > z, dy, dy * alpha);
    case 2: return F(sel)(x > z, dy, dy * (y + alpha));
    case 3: return dy * y * ((T)1 - y);
    case 4: return dy * ((T)1 - y * y);
    default: return F(act_bwd_extra)(dy, x, y, kind, alpha, beta);
    }
}

static inline __attribute__((always_inline)) void F(act_fwd_loop)(T *y, const T *x, int64_t n,
                                                                  const int kind, T alpha, T beta) {
    int64_t i = 0;
    for (; i + VL <= n; i += VL) FM_CAT(fm_vstore_, SUF)(y + i, F(act_fwd_v)(FM_CAT(fm_vload_, SUF)(x + i), kind, alpha, beta));
    if (i < n) {
        T buf[VL] = {0};
        memcpy(buf, x + i, (size_t)(n - i) * sizeof(T));
        V r = F(act_fwd_v)(FM_CAT(fm_vload_, SUF)(buf), kind, alpha, beta);
        memcpy(buf, &r, sizeof r);
        memcpy(y + i, buf, (size_t)(n - i) * sizeof(T));
    }
}

static inline __attribute__((always_inline)) void F(act_bwd_loop)(T *dx, const T *dy, const T *x,
                                                                  const T *y, int64_t n,
                                                                  const int kind, T alpha, T beta) {
    const T *xs = x ? x : dy, *ys = y ? y : dy;
    int64_t i = 0;
    for (; i + VL <= n; i += VL)
        FM_CAT(fm_vstore_, SUF)(dx + i, F(act_bwd_v)(FM_CAT(fm_vload_, SUF)(dy + i),
                                                     FM_CAT(fm_vload_, SUF)(xs + i),
                                                     FM_CAT(fm_vload_, SUF)(ys + i), kind, alpha,
                                                     beta));
    if (i < n) {
        T b0[VL] = {0}, b1[VL] = {0}, b2[VL] = {0};
        size_t m = (size_t)(n - i) * sizeof(T);
        memcpy(b0, dy + i, m);
        memcpy(b1, xs + i, m);
        memcpy(b2, ys + i, m);
        V r = F(act_bwd_v)(FM_CAT(fm_vload_, SUF)(b0), FM_CAT(fm_vload_, SUF)(b1),
                           FM_CAT(fm_vload_, SUF)(b2), kind, alpha, beta);
        memcpy(b0, &r, sizeof r);
        memcpy(dx + i, b0, m);
    }
}

/* The kind switch sits outside the loops: one specialised loop per activation
 * (inside the loop the compiler kept the switch and re-broadcast every
 * constant per vector, ~40% of tanh's time). */
void IF_(fm_act_fwd)(T *y, const T *x, int64_t n, int kind, T alpha, T beta) {
    switch (kind) {
    case 0: F(act_fwd_loop)(y, x, n, 0, alpha, beta); break;
    case 1: F(act_fwd_loop)(y, x, n, 1, alpha, beta); break;
    case 2: F(act_fwd_loop)(y, x, n, 2, alpha, beta); break;
    case 3: F(act_fwd_loop)(y, x, n, 3, alpha, beta); break;
    case 4: F(act_fwd_loop)(y, x, n, 4, alpha, beta); break;
    case 5: F(act_fwd_loop)(y, x, n, 5, alpha, beta); break;
    case 6: F(act_fwd_loop)(y, x, n, 6, alpha, beta); break;
    case 7: F(act_fwd_loop)(y, x, n, 7, alpha, beta); break;
    case 8: F(act_fwd_loop)(y, x, n, 8, alpha, beta); break;
    case 9: F(act_fwd_loop)(y, x, n, 9, alpha, beta); break;
    case 10: F(act_fwd_loop)(y, x, n, 10, alpha, beta); break;
    case 11: F(act_fwd_loop)(y, x, n, 11, alpha, beta); break;
    case 12: F(act_fwd_loop)(y, x, n, 12, alpha, beta); break;
    case 13: F(act_fwd_loop)(y, x, n, 13, alpha, beta); break;
    default: F(act_fwd_loop)(y, x, n, 14, alpha, beta); break;
    }
}

/* x or y may be NULL when the activation does not read it. */
void IF_(fm_act_bwd)(T *dx, const T *dy, const T *x, const T *y, int64_t n, int kind, T alpha,
                     T beta) {
    switch (kind) {
    case 0: F(act_bwd_loop)(dx, dy, x, y, n, 0, alpha, beta); break;
    case 1: F(act_bwd_loop)(dx, dy, x, y, n, 1, alpha, beta); break;
    case 2: F(act_bwd_loop)(dx, dy, x, y, n, 2, alpha, beta); break;
    case 3: F(act_bwd_loop)(dx, dy, x, y, n, 3, alpha, beta); break;
    case 4: F(act_bwd_loop)(dx, dy, x, y, n, 4, alpha, beta); break;
    case 5: F(act_bwd_loop)(dx, dy, x, y, n, 5, alpha, beta); break;
    case 6: F(act_bwd_loop)(dx, dy, x, y, n, 6, alpha, beta); break;
    case 7: F(act_bwd_loop)(dx, dy, x, y, n, 7, alpha, beta); break;
    case 8: F(act_bwd_loop)(dx, dy, x, y, n, 8, alpha, beta); break;
    case 9: F(act_bwd_loop)(dx, dy, x, y, n, 9, alpha, beta); break;
    case 10: F(act_bwd_loop)(dx, dy, x, y, n, 10, alpha, beta); break;
    case 11: F(act_bwd_loop)(dx, dy, x, y, n, 11, alpha, beta); break;
    case 12: F(act_bwd_loop)(dx, dy, x, y, n, 12, alpha, beta); break;
    case 13: F(act_bwd_loop)(dx, dy, x, y, n, 13, alpha, beta); break;
    default: F(act_bwd_loop)(dx, dy, x, y, n, 14, alpha, beta); break;
    }
}

#include "activation_rows_tmpl.h"

static inline __attribute__((always_inline)) void F(softmax_cols)(T *y, const T *x, int64_t c,
                                                                   int log_, int nr) {
    V m, s;
    F(cols_maxsum)(x, c, nr, &m, &s);
    if (log_) {
        /* (x - m) - log s: x - m is exact near the max; x - (m + log s) would
         * round m + log s to ulp(m) (1000 -> 6e-5 absolute in float) */
        V ls = F(vlog)(s);
        for (int64_t j = 0; j < c; j++)
            F(col_st)(y, c, j, (F(col_ld)(x, c, j, nr) - m) - ls, nr);
    } else {
        V inv = (T)1 / s;
        for (int64_t j = 0; j < c; j++)
            F(col_st)(y, c, j, F(vexp_le0)(F(col_ld)(x, c, j, nr) - m) * inv, nr);
    }
}

static inline __attribute__((always_inline)) void F(softmax_bwd_cols)(T *dx, const T *dy,
                                                                       const T *y, int64_t c,
                                                                       int log_, int nr) {
    V s = {0};
    if (log_) {
        for (int64_t j = 0; j < c; j++) s += F(col_ld)(dy, c, j, nr);
        for (int64_t j = 0; j < c; j++)
            F(col_st)(dx, c, j, F(col_ld)(dy, c, j, nr) - F(vexp_le0)(F(col_ld)(y, c, j, nr)) * s, nr);
    } else {
        for (int64_t j = 0; j < c; j++) s += F(col_ld)(dy, c, j, nr) * F(col_ld)(y, c, j, nr);
        for (int64_t j = 0; j < c; j++)
            F(col_st)(dx, c, j, F(col_ld)(y, c, j, nr) * (F(col_ld)(dy, c, j, nr) - s), nr);
    }
}

/* y = softmax or log-softmax of each row of x (rows x c). */
void IF_(fm_softmax_rows)(T *y, const T *x, int64_t rows, int64_t c, int log_) {
    if (c <= FM_SMALL_C) {
#define B_(NR) F(softmax_cols)(y + r * c, x + r * c, c, log_, NR)
        FM_COL_BLOCKS(rows, B_);
#undef B_
        return;
    }
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        T *yr = y + r * c, m, s;
        if (log_) {
            F(row_maxsum)(xr, c, NULL, &m, &s);
            T ls = (T)log((double)s); /* (x - m) - log s, see softmax_cols */
            for (int64_t i = 0; i < c; i++) yr[i] = (xr[i] - m) - ls;
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
    if (c <= FM_SMALL_C) {
#define B_(NR) F(softmax_bwd_cols)(dx + r * c, dy + r * c, y + r * c, c, log_, NR)
        FM_COL_BLOCKS(rows, B_);
#undef B_
        return;
    }
    for (int64_t r = 0; r < rows; r++) {
        const T *g = dy + r * c, *yr = y + r * c;
        T *d = dx + r * c;
        T s;
        if (log_) {
            s = F(vdot)(g, NULL, c);
            int64_t i = 0;
            for (; i + VL <= c; i += VL) {
                V ev = F(vexp_le0)(FM_CAT(fm_vload_, SUF)(yr + i));
                FM_CAT(fm_vstore_, SUF)(d + i, FM_CAT(fm_vload_, SUF)(g + i) - ev * s);
            }
            if (i < c) { /* tail through the vector code on a padded copy */
                T b0[VL] = {0}, b1[VL] = {0};
                memcpy(b0, yr + i, (size_t)(c - i) * sizeof(T));
                memcpy(b1, g + i, (size_t)(c - i) * sizeof(T));
                V r = FM_CAT(fm_vload_, SUF)(b1) - F(vexp_le0)(FM_CAT(fm_vload_, SUF)(b0)) * s;
                memcpy(d + i, &r, (size_t)(c - i) * sizeof(T));
            }
        } else {
            s = F(vdot)(g, yr, c);
            for (int64_t i = 0; i < c; i++) d[i] = yr[i] * (g[i] - s);
        }
    }
}

#undef FM_COL_BLOCKS
#undef FM_SMALL_C
#undef F
#undef IF_
