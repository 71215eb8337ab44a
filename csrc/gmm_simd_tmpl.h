/* gmm_simd_tmpl.h -- E-step rows for one element type at one ISA level
 * (included by gmm_simd.c through vmath_instantiate.h, with the parameters of
 * activation_vmath_tmpl.h). Named fm_gmm_rows_<SUF>_<level>.
 *
 * Per row: lp_j = c_j - 0.5 ||y_j * S_j - B_j||^2 for every component (two
 * vector accumulators over the d values, a scalar tail, lanes summed
 * pairwise), the row maximum m is subtracted and kept in lse (a row with no
 * finite lp_j gets lse = -inf and uniform resp); then the block's
 * (rows x k) shifted values go through one vectorised exp (arguments <= 0),
 * and each row gets lse = m + log(sum_j e_j) and resp_j = e_j / sum_j e_j.
 */
#define F(name) FM_CAT3(name, _, SUF)
#define LD(p) FM_CAT(fm_vload_, SUF)(p)
#define ST(p, v) FM_CAT(fm_vstore_, SUF)(p, v)

#include "activation_vmath_tmpl.h"

/* ||y * s - b||^2 over d values (s NULL: ||y - b||^2). */
static inline T F(gmm_sqnorm)(const T *restrict y, const T *restrict s, const T *restrict b,
                              int64_t d) {
    V a0 = {0}, a1 = {0};
    int64_t t = 0;
    if (s) {
        for (; t + 2 * VL <= d; t += 2 * VL) {
            const V u = LD(y + t) * LD(s + t) - LD(b + t);
            const V w = LD(y + t + VL) * LD(s + t + VL) - LD(b + t + VL);
            a0 += u * u;
            a1 += w * w;
        }
        for (; t + VL <= d; t += VL) {
            const V u = LD(y + t) * LD(s + t) - LD(b + t);
            a0 += u * u;
        }
    } else {
        for (; t + 2 * VL <= d; t += 2 * VL) {
            const V u = LD(y + t) - LD(b + t);
            const V w = LD(y + t + VL) - LD(b + t + VL);
            a0 += u * u;
            a1 += w * w;
        }
        for (; t + VL <= d; t += VL) {
            const V u = LD(y + t) - LD(b + t);
            a0 += u * u;
        }
    }
    T r = FM_CAT(fm_vhsum_, SUF)(a0 + a1);
    for (; t < d; t++) {
        const T u = (s ? y[t] * s[t] : y[t]) - b[t];
        r += u * u;
    }
    return r;
}

void FM_ISA_FN(F(fm_gmm_rows))(T *resp, T *lse, const T *Y, int64_t ldy, int64_t ks,
                                const T *S, const T *B, const T *c, int64_t lo, int64_t hi,
                                int64_t k, int64_t d, T *buf) {
    const int64_t m = (hi - lo) * k;
    for (int64_t i = lo; i < hi; i++) {
        T *l = buf + (i - lo) * k;
        const T *y = Y + i * ldy;
        T best = -(T)INFINITY;
        for (int64_t j = 0; j < k; j++) {
            const T v = c[j] - (T)0.5 * F(gmm_sqnorm)(y + j * ks, S ? S + j * d : NULL,
                                                       B + j * d, d);
            l[j] = v;
            if (v > best) best = v;
        }
        if (best > -(T)INFINITY) {
            for (int64_t j = 0; j < k; j++) l[j] -= best;
        } else { /* every lp_j is -inf (or NaN): uniform resp, lse = -inf */
            for (int64_t j = 0; j < k; j++) l[j] = 0;
        }
        lse[i] = best;
    }
    for (int64_t t = m; t < m + VL; t++) buf[t] = 0; /* the last vector's padding */
    for (int64_t t = 0; t < m; t += VL) ST(buf + t, F(vexp_le0)(LD(buf + t)));
    for (int64_t i = lo; i < hi; i++) {
        const T *e = buf + (i - lo) * k;
        T s = 0;
        for (int64_t j = 0; j < k; j++) s += e[j];
        lse[i] += (T)log((double)s);
        const T inv = (T)1 / s;
        T *r = resp + i * k;
        for (int64_t j = 0; j < k; j++) r[j] = e[j] * inv;
    }
}

#undef F
#undef LD
#undef ST
