/* loss_simd_tmpl.h -- element-wise losses for one element type at one ISA
 * level, vectorised (included by loss_simd.c with the parameters of
 * activation_vmath_tmpl.h), then the cross-entropy rows (loss_ce_simd_tmpl.h).
 * Loss ids and formulas as in loss.c. Each kernel switches on the loss id
 * once, outside its loop, so every loss gets its own specialised loop.
 * Kernels are named <name>_<SUF>_<level> (fm_loss_el_f32_avx2, ...). */
#define F(name) FM_CAT3(name, _, SUF)
#define IF_(name) FM_ISA_FN(F(name))
#define LD(p) FM_CAT(fm_vload_, SUF)(p)
#define ST(p, v) FM_CAT(fm_vstore_, SUF)(p, v)

#include "activation_vmath_tmpl.h"
#include "activation_rows_tmpl.h"

static inline __attribute__((always_inline)) V F(loss_v)(const int kind, V x, V y, T prm) {
    const V z = {0}, one = z + (T)1;
    switch (kind) {
    case 0: { V d = x - y; return d * d; }
    case 1: return FM_CAT(fm_vabs_, SUF)(x - y);
    case 2: {
        V a = FM_CAT(fm_vabs_, SUF)(x - y);
        return F(sel)(a <= z + prm, (T)0.5 * a * a, prm * (a - (T)0.5 * prm));
    }
    case 3: {
        V lx = F(vlog)(x), l1x = F(vlog1p)(-x);
        lx = F(sel)(lx < z - (T)100, z - (T)100, lx);
        l1x = F(sel)(l1x < z - (T)100, z - (T)100, l1x);
        return -(y * lx + (one - y) * l1x);
    }
    case 4: {
        V mx = F(sel)(x > z, x, z);
        return mx - x * y + F(vlog1p)(F(vexp)(-FM_CAT(fm_vabs_, SUF)(x)));
    }
    case 5: { V h = prm - y * x; return F(sel)(h > z, h, z); }
    case 6: { V h = prm - x; return F(sel)(y == one, x, F(sel)(h > z, h, z)); }
    case 7: return F(sel)(y > z, y * (F(vlog)(y) - x), z);
    default: return F(vexp)(y) * (y - x);
    }
}

static inline __attribute__((always_inline)) V F(lgrad_v)(const int kind, V x, V y, T prm) {
    const V z = {0}, one = z + (T)1;
    switch (kind) {
    case 0: return (T)2 * (x - y);
    case 1: { V d = x - y; return F(sel)(d > z, one, F(sel)(d < z, -one, z)); }
    case 2: {
        V d = x - y;
        return F(sel)(d > z + prm, z + prm, F(sel)(d < z - prm, z - prm, d));
    }
    case 3: {
        V den = (one - x) * x;
        return (x - y) / F(sel)(den > z + (T)1e-12, den, z + (T)1e-12);
    }
    case 4: {
        V e = F(vexp)(-FM_CAT(fm_vabs_, SUF)(x));
        V inv = one / (one + e);
        return F(sel)(x >= z, inv, e * inv) - y;
    }
    case 5: return F(sel)(prm - y * x > z, -y, z);
    case 6: return F(sel)(y == one, one, F(sel)(prm - x > z, -one, z));
    case 7: return -y;
    default: return -F(vexp)(y);
    }
}

/* Load up to VL elements (zero-padded past n - i). */
static inline __attribute__((always_inline)) V F(load_part)(const T *p, int64_t m) {
    T buf[VL] = {0};
    memcpy(buf, p, (size_t)m * sizeof(T));
    return LD(buf);
}

static inline __attribute__((always_inline)) void F(el_loop)(T *out, const T *x, const T *y,
                                                              int64_t n, const int kind, T prm) {
    int64_t i = 0;
    for (; i + VL <= n; i += VL) ST(out + i, F(loss_v)(kind, LD(x + i), LD(y + i), prm));
    if (i < n) {
        V r = F(loss_v)(kind, F(load_part)(x + i, n - i), F(load_part)(y + i, n - i), prm);
        memcpy(out + i, &r, (size_t)(n - i) * sizeof(T));
    }
}

static inline __attribute__((always_inline)) double F(sum_loop)(const T *x, const T *y,
                                                                 int64_t n, const int kind,
                                                                 T prm) {
    V acc = {0};
    int64_t i = 0;
    for (; i + VL <= n; i += VL) acc += F(loss_v)(kind, LD(x + i), LD(y + i), prm);
    double s = 0;
    for (int l = 0; l < VL; l++) s += (double)acc[l];
    if (sizeof(T) < sizeof(double) && !__builtin_isfinite(s)) {
        /* a float lane sum overflowed (terms near FLT_MAX) or a term is not
         * finite: sum the terms in double instead (rare, so the fast path keeps
         * float lanes) */
        s = 0;
        for (i = 0; i + VL <= n; i += VL) {
            V r = F(loss_v)(kind, LD(x + i), LD(y + i), prm);
            for (int l = 0; l < VL; l++) s += (double)r[l];
        }
    }
    if (i < n) {
        V r = F(loss_v)(kind, F(load_part)(x + i, n - i), F(load_part)(y + i, n - i), prm);
        for (int l = 0; i + l < n; l++) s += (double)r[l];
    }
    return s;
}

static inline __attribute__((always_inline)) void F(grad_loop)(T *dx, const T *dout,
                                                                int64_t dstride, const T *x,
                                                                const T *y, int64_t n,
                                                                const int kind, T prm) {
    int64_t i = 0;
    if (dstride == 0) {
        T d = dout[0];
        for (; i + VL <= n; i += VL) ST(dx + i, F(lgrad_v)(kind, LD(x + i), LD(y + i), prm) * d);
        if (i < n) {
            V r = F(lgrad_v)(kind, F(load_part)(x + i, n - i), F(load_part)(y + i, n - i), prm) * d;
            memcpy(dx + i, &r, (size_t)(n - i) * sizeof(T));
        }
    } else {
        for (; i + VL <= n; i += VL)
            ST(dx + i, F(lgrad_v)(kind, LD(x + i), LD(y + i), prm) * LD(dout + i));
        if (i < n) {
            V r = F(lgrad_v)(kind, F(load_part)(x + i, n - i), F(load_part)(y + i, n - i), prm) *
                  F(load_part)(dout + i, n - i);
            memcpy(dx + i, &r, (size_t)(n - i) * sizeof(T));
        }
    }
}

#define KINDS_(CALL) \
    switch (kind) {  \
    case 0: CALL(0); break; case 1: CALL(1); break; case 2: CALL(2); break;  \
    case 3: CALL(3); break; case 4: CALL(4); break; case 5: CALL(5); break;  \
    case 6: CALL(6); break; case 7: CALL(7); break; default: CALL(8); break; \
    }

void IF_(fm_loss_el)(T *out, const T *x, const T *y, int64_t n, int kind, T prm) {
#define CALL_(K) F(el_loop)(out, x, y, n, K, prm)
    KINDS_(CALL_)
#undef CALL_
}

double IF_(fm_loss_sum)(const T *x, const T *y, int64_t n, int kind, T prm) {
    double s = 0;
#define CALL_(K) s = F(sum_loop)(x, y, n, K, prm)
    KINDS_(CALL_)
#undef CALL_
    return s;
}

/* dout is read at i * dstride (dstride 0 or 1). */
void IF_(fm_loss_grad)(T *dx, const T *dout, int64_t dstride, const T *x, const T *y, int64_t n,
                       int kind, T prm) {
#define CALL_(K) F(grad_loop)(dx, dout, dstride, x, y, n, K, prm)
    KINDS_(CALL_)
#undef CALL_
}

#undef KINDS_
#undef LD
#undef ST

#include "loss_ce_simd_tmpl.h"

#undef FM_COL_BLOCKS
#undef FM_SMALL_C
#undef F
#undef IF_
