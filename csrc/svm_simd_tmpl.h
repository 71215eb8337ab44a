/* svm_simd_tmpl.h -- kernel-row pieces at one ISA level, float64 but for
 * rbf_f32; included by svm_simd.c (once per element type).
 *
 * dots: four rows of X per pass, one vector accumulator each, so every load of
 * the query row xa feeds four FMAs; the d % VL tail runs in scalar code after
 * the horizontal sums (the same order for every row, whatever its position).
 * rbf: the exponent is formed exactly as libsvm does, sqa + sq - 2 dot, then
 * the vector exp of activation_vmath_tmpl.h (< 1 ulp).
 * rbf_f32 (the float pass): the same exponent in double, rounded to float, and
 * the float vector exp, stored as float -- for rows that are kept as float32
 * anyway (the working-set solver's cache): twice the lanes of the double exp.
 */
#if MANT == 23
#define F(name) FM_CAT3(name, _, SUF)

#include "activation_vmath_tmpl.h"

void FM_ISA_FN(fm_svm_rbf_f32)(float *out, const double *v, const double *sq, double sqa,
                               double gamma, int64_t n) {
    /* exponents a block at a time (a vectorised double -> float loop), then the
     * float exp over the block: no scalar stores feeding a vector load */
    enum { BLK = 256 };
    T e[BLK] __attribute__((aligned(64)));
    for (int64_t t0 = 0; t0 < n; t0 += BLK) {
        const int64_t nb = n - t0 < BLK ? n - t0 : BLK;
        const double *vb = v + t0, *sb = sq + t0;
        for (int64_t k = 0; k < nb; k++) e[k] = (T)(((sqa + sb[k]) - 2.0 * vb[k]) * -gamma);
        int64_t k = 0;
        for (; k + VL <= nb; k += VL) fm_vstore_f32(out + t0 + k, F(vexp)(fm_vload_f32(e + k)));
        if (k < nb) {
            for (int64_t j = nb; j < k + VL; j++) e[j] = (T)0;
            fm_vstore_f32(e + k, F(vexp)(fm_vload_f32(e + k)));
            for (int64_t j = k; j < nb; j++) out[t0 + j] = e[j];
        }
    }
}

#undef F
#endif

#if MANT == 52
#define F(name) FM_CAT3(name, _, SUF)

#include "activation_vmath_tmpl.h"

static inline double F(svm_dot1)(const double *restrict a, const double *restrict b, int64_t d) {
    V acc = {0};
    int64_t k = 0;
    for (; k + VL <= d; k += VL) acc += fm_vload_f64(a + k) * fm_vload_f64(b + k);
    double s = fm_vhsum_f64(acc);
    for (; k < d; k++) s += a[k] * b[k];
    return s;
}

void FM_ISA_FN(fm_svm_dots)(double *out, const double *X, int64_t ldx, const double *xa,
                            const int64_t *rows, int64_t n, int64_t d) {
    int64_t t = 0;
    for (; t + 4 <= n; t += 4) {
        const double *x0 = X + (rows ? rows[t] : t) * ldx;
        const double *x1 = X + (rows ? rows[t + 1] : t + 1) * ldx;
        const double *x2 = X + (rows ? rows[t + 2] : t + 2) * ldx;
        const double *x3 = X + (rows ? rows[t + 3] : t + 3) * ldx;
        V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        int64_t k = 0;
        for (; k + VL <= d; k += VL) {
            const V q = fm_vload_f64(xa + k);
            a0 += q * fm_vload_f64(x0 + k);
            a1 += q * fm_vload_f64(x1 + k);
            a2 += q * fm_vload_f64(x2 + k);
            a3 += q * fm_vload_f64(x3 + k);
        }
        double s0 = fm_vhsum_f64(a0), s1 = fm_vhsum_f64(a1);
        double s2 = fm_vhsum_f64(a2), s3 = fm_vhsum_f64(a3);
        for (; k < d; k++) {
            s0 += xa[k] * x0[k];
            s1 += xa[k] * x1[k];
            s2 += xa[k] * x2[k];
            s3 += xa[k] * x3[k];
        }
        out[t] = s0;
        out[t + 1] = s1;
        out[t + 2] = s2;
        out[t + 3] = s3;
    }
    for (; t < n; t++) out[t] = F(svm_dot1)(xa, X + (rows ? rows[t] : t) * ldx, d);
}

void FM_ISA_FN(fm_svm_dots_t)(double *out, const double *XT, int64_t ldt, const double *xa,
                              int64_t lo, int64_t hi, int64_t d) {
    int64_t t = lo;
    for (; t + 4 * VL <= hi; t += 4 * VL) {
        V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        const double *p = XT + t;
        for (int64_t k = 0; k < d; k++, p += ldt) {
            const double b = xa[k];
            a0 += b * fm_vload_f64(p);
            a1 += b * fm_vload_f64(p + VL);
            a2 += b * fm_vload_f64(p + 2 * VL);
            a3 += b * fm_vload_f64(p + 3 * VL);
        }
        fm_vstore_f64(out + t, a0);
        fm_vstore_f64(out + t + VL, a1);
        fm_vstore_f64(out + t + 2 * VL, a2);
        fm_vstore_f64(out + t + 3 * VL, a3);
    }
    for (; t < hi; t += VL) {
        V a0 = {0};
        const double *p = XT + t;
        for (int64_t k = 0; k < d; k++, p += ldt) a0 += xa[k] * fm_vload_f64(p);
        fm_vstore_f64(out + t, a0);
    }
}

/* acc[t] += sum_r coef[r] rows[r][off + t], t < n: float rows summed in
 * double, four rows per pass over acc (the working-set solver's gradient). */
void FM_ISA_FN(fm_svm_axpy_rows)(double *restrict acc, const float *const *rows, int64_t off,
                                 const double *coef, int64_t nr, int64_t n) {
    typedef float HF __attribute__((vector_size(VL * sizeof(float))));
    int64_t r = 0;
    for (; r + 4 <= nr; r += 4) {
        const float *r0 = rows[r] + off, *r1 = rows[r + 1] + off;
        const float *r2 = rows[r + 2] + off, *r3 = rows[r + 3] + off;
        const double c0 = coef[r], c1 = coef[r + 1], c2 = coef[r + 2], c3 = coef[r + 3];
        int64_t t = 0;
        for (; t + VL <= n; t += VL) {
            HF f0, f1, f2, f3;
            memcpy(&f0, r0 + t, sizeof f0);
            memcpy(&f1, r1 + t, sizeof f1);
            memcpy(&f2, r2 + t, sizeof f2);
            memcpy(&f3, r3 + t, sizeof f3);
            const V s = (c0 * __builtin_convertvector(f0, V) + c1 * __builtin_convertvector(f1, V)) +
                        (c2 * __builtin_convertvector(f2, V) + c3 * __builtin_convertvector(f3, V));
            fm_vstore_f64(acc + t, fm_vload_f64(acc + t) + s);
        }
        for (; t < n; t++)
            acc[t] += (c0 * (double)r0[t] + c1 * (double)r1[t]) +
                      (c2 * (double)r2[t] + c3 * (double)r3[t]);
    }
    for (; r < nr; r++) {
        const float *r0 = rows[r] + off;
        const double c0 = coef[r];
        for (int64_t t = 0; t < n; t++) acc[t] += c0 * (double)r0[t];
    }
}

void FM_ISA_FN(fm_svm_rbf)(double *v, const double *sq, const int64_t *rows, double sqa,
                           double gamma, int64_t n) {
    double tmp[VL];
    int64_t t = 0;
    if (!rows)
        for (; t + VL <= n; t += VL) {
            V e = (sqa + fm_vload_f64(sq + t)) - 2.0 * fm_vload_f64(v + t);
            fm_vstore_f64(v + t, F(vexp)(e * -gamma));
        }
    for (; t + VL <= n; t += VL) {
        for (int k = 0; k < VL; k++) tmp[k] = sq[rows ? rows[t + k] : t + k];
        V e = (sqa + fm_vload_f64(tmp)) - 2.0 * fm_vload_f64(v + t);
        fm_vstore_f64(v + t, F(vexp)(e * -gamma));
    }
    if (t < n) {
        const int64_t r = n - t;
        for (int k = 0; k < VL; k++) tmp[k] = k < r ? sq[rows ? rows[t + k] : t + k] : 0.0;
        double vv[VL];
        for (int k = 0; k < VL; k++) vv[k] = k < r ? v[t + k] : 0.0;
        V e = (sqa + fm_vload_f64(tmp)) - 2.0 * fm_vload_f64(vv);
        fm_vstore_f64(vv, F(vexp)(e * -gamma));
        for (int64_t k = 0; k < r; k++) v[t + k] = vv[k];
    }
}

#undef F
#endif
