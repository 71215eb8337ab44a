/* gmm_simd_tmpl.h -- E-step rows for one element type at one ISA level
 * (included by gmm_simd.c through vmath_instantiate.h, with the parameters of
 * activation_vmath_tmpl.h). Named fm_gmm_rows_<SUF>_<level>.
 *
 * fm_gmm_rows: lp_j = c_j - 0.5 ||y_j * S_j - B_j||^2 for every component (two
 * vector accumulators over the d values, a scalar tail, lanes summed
 * pairwise), the row maximum m is subtracted and kept in lse (a row with no
 * finite lp_j gets lse = -inf and uniform resp); then the block's
 * (rows x k) shifted values go through one vectorised exp (arguments <= 0),
 * and each row gets lse = m + log(sum_j e_j) and resp_j = e_j / sum_j e_j.
 * fm_gmm_rows_tri: the same with lp_j = c_j - 0.5 ||x P_j - B_j||^2, the
 * triangular whitening x P_j done here (gmm_tri2), so a full-covariance
 * E-step is one pass over X and one parallel region.
 */
#define F(name) FM_CAT3(name, _, SUF)
#define LD(p) FM_CAT(fm_vload_, SUF)(p)
#define ST(p, v) FM_CAT(fm_vstore_, SUF)(p, v)

#include "activation_vmath_tmpl.h"

#define GMM_PANEL 4

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

/* The rows' lp values (buf, k per row) -> lse and resp: max-shift (a row with
 * no finite lp gets uniform resp and lse = -inf), one vectorised exp over the
 * block, sums, logs and the normalised responsibilities. */
static void F(gmm_finish)(T *resp, T *lse, int64_t lo, int64_t hi, int64_t k, T *buf) {
    const int64_t m = (hi - lo) * k;
    for (int64_t i = lo; i < hi; i++) {
        T *l = buf + (i - lo) * k;
        T best = -(T)INFINITY;
        for (int64_t j = 0; j < k; j++)
            if (l[j] > best) best = l[j];
        if (best > -(T)INFINITY) {
            for (int64_t j = 0; j < k; j++) l[j] -= best;
        } else {
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

void FM_ISA_FN(F(fm_gmm_rows))(T *resp, T *lse, const T *Y, int64_t ldy, int64_t ks,
                                const T *S, const T *B, const T *c, int64_t lo, int64_t hi,
                                int64_t k, int64_t d, T *buf) {
    for (int64_t i = lo; i < hi; i++) {
        T *l = buf + (i - lo) * k;
        const T *y = Y + i * ldy;
        for (int64_t j = 0; j < k; j++)
            l[j] = c[j] - (T)0.5 * F(gmm_sqnorm)(y + j * ks, S ? S + j * d : NULL, B + j * d, d);
    }
    F(gmm_finish)(resp, lse, lo, hi, k, buf);
}

/* Squared norms ||x0 P - b||^2 and ||x1 P - b||^2 for two rows and one upper
 * triangular P (rows of ldp values, zero padded): panels of GMM_PANEL vectors
 * of output columns, each accumulated over the inputs s that reach it
 * (s < the panel's end), two rows at once for independent FMA chains. */
static inline void F(gmm_tri2)(T *q0, T *q1, const T *restrict x0, const T *restrict x1,
                               const T *restrict P, int64_t ldp, const T *restrict b,
                               int64_t d) {
    V a0 = {0}, a1 = {0};
    for (int64_t c0 = 0; c0 < d; c0 += GMM_PANEL * VL) {
        V y0[GMM_PANEL], y1[GMM_PANEL];
#pragma GCC unroll 8
        for (int v = 0; v < GMM_PANEL; v++) y0[v] = y1[v] = (V){0};
        const int64_t s1 = c0 + GMM_PANEL * VL < d ? c0 + GMM_PANEL * VL : d;
        for (int64_t s = 0; s < s1; s++) {
            const T *pr = P + s * ldp + c0;
            const T u0 = x0[s], u1 = x1[s];
#pragma GCC unroll 8
            for (int v = 0; v < GMM_PANEL; v++) {
                const V p = LD(pr + v * VL);
                y0[v] += u0 * p;
                y1[v] += u1 * p;
            }
        }
#pragma GCC unroll 8
        for (int v = 0; v < GMM_PANEL; v++) {
            const V bb = LD(b + c0 + v * VL);
            const V e0 = y0[v] - bb, e1 = y1[v] - bb;
            a0 += e0 * e0;
            a1 += e1 * e1;
        }
    }
    *q0 = FM_CAT(fm_vhsum_, SUF)(a0);
    *q1 = FM_CAT(fm_vhsum_, SUF)(a1);
}

void FM_ISA_FN(F(fm_gmm_rows_tri))(T *resp, T *lse, const T *X, int64_t ldx, const T *P,
                                    int64_t ldp, const T *B, const T *c, int64_t lo,
                                    int64_t hi, int64_t k, int64_t d, T *buf) {
    for (int64_t i = lo; i < hi; i += 2) {
        const int two = i + 1 < hi;
        T *l0 = buf + (i - lo) * k, *l1 = two ? l0 + k : l0;
        const T *x0 = X + i * ldx, *x1 = two ? x0 + ldx : x0;
        for (int64_t j = 0; j < k; j++) {
            T q0, q1;
            F(gmm_tri2)(&q0, &q1, x0, x1, P + j * d * ldp, ldp, B + j * ldp, d);
            l1[j] = c[j] - (T)0.5 * q1;
            l0[j] = c[j] - (T)0.5 * q0;
        }
    }
    F(gmm_finish)(resp, lse, lo, hi, k, buf);
}

#undef F
#undef LD
#undef ST
#undef GMM_PANEL
