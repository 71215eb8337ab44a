/* enet_simd.c -- elastic-net coordinate descent, built once per ISA level.
 *
 * Minimises 0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2 over w (p,) for
 * centred data given transposed, XT (p, n) row-major, so feature j is the
 * contiguous row XT[j]. Sweeps of p updates (cyclic, or each on a feature
 * drawn from scikit-learn's generator when random) keep the residual
 * R = y - X w (n,):
 *
 *   tmp  = x_j . R + w_j ||x_j||^2          (x_j . residual without feature j)
 *   w_j' = soft(tmp, l1) / (||x_j||^2 + l2) (0 if positive and tmp < 0)
 *   R   += (w_j - w_j') x_j
 *
 * Stops after a sweep with max|dw| / max|w| <= tol (or w == 0, or the last
 * sweep) whose duality gap is <= tol ||y||^2 -- the rule and the gap formula
 * of the NumPy twin (fastml/_kernels/reference/enet.py) and scikit-learn.
 * Each dot product uses four vector accumulators combined in a fixed order:
 * deterministic at a given ISA level (levels differ only in rounding).
 */
#include <math.h>
#include <stdint.h>

#include "enet_impl.h"
#include "simd.h"
#include "sk_rand.h"

#define L FM_VL_f64

static inline double dot_f64(const double *restrict a, const double *restrict b, int64_t n) {
    fm_vf64 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    int64_t i = 0;
    for (; i + 4 * L <= n; i += 4 * L) {
        s0 += fm_vload_f64(a + i) * fm_vload_f64(b + i);
        s1 += fm_vload_f64(a + i + L) * fm_vload_f64(b + i + L);
        s2 += fm_vload_f64(a + i + 2 * L) * fm_vload_f64(b + i + 2 * L);
        s3 += fm_vload_f64(a + i + 3 * L) * fm_vload_f64(b + i + 3 * L);
    }
    for (; i + L <= n; i += L) s0 += fm_vload_f64(a + i) * fm_vload_f64(b + i);
    s0 = (s0 + s1) + (s2 + s3);
    double s = 0.0;
    for (int k = 0; k < L; k++) s += s0[k];
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

/* y += a x */
static inline void axpy_f64(double *restrict y, double a, const double *restrict x, int64_t n) {
    fm_vf64 va = fm_vset1_f64(a);
    int64_t i = 0;
    for (; i + L <= n; i += L) fm_vstore_f64(y + i, fm_vload_f64(y + i) + va * fm_vload_f64(x + i));
    for (; i < n; i++) y[i] += a * x[i];
}

static double enet_gap(const double *w, const double *XT, const double *y, const double *R,
                       double l1, double l2, int positive, int64_t n, int64_t p) {
    double dual = 0.0, wsq = 0.0, l1n = 0.0;
    for (int64_t j = 0; j < p; j++) {
        double v = dot_f64(XT + j * n, R, n) - l2 * w[j];
        if (!positive) v = fabs(v); /* positive: only the upper dual bound binds */
        if (v > dual) dual = v;
        wsq += w[j] * w[j];
        l1n += fabs(w[j]);
    }
    double r2 = dot_f64(R, R, n), cst, gap;
    if (dual > l1) {
        cst = l1 / dual;
        gap = 0.5 * (r2 + r2 * cst * cst);
    } else {
        cst = 1.0;
        gap = r2;
    }
    return gap + l1 * l1n - cst * dot_f64(R, y, n) + 0.5 * l2 * (1.0 + cst * cst) * wsq;
}

/* R (n,) and norms (p,) are caller-provided work space. */
void FM_ISA_FN(fm_enet_cd_f64)(double *restrict w, int64_t *n_iter, double *gap,
                               double *restrict R, double *restrict norms,
                               const double *restrict XT, const double *restrict y, double l1,
                               double l2, double tol, int64_t max_iter, int positive, int random,
                               uint32_t seed, int64_t n, int64_t p) {
    for (int64_t j = 0; j < p; j++) norms[j] = dot_f64(XT + j * n, XT + j * n, n);
    for (int64_t i = 0; i < n; i++) R[i] = y[i];
    for (int64_t j = 0; j < p; j++)
        if (w[j] != 0.0) axpy_f64(R, -w[j], XT + j * n, n);
    double tol_gap = tol * dot_f64(y, y, n);
    double g = tol_gap + 1.0;
    int64_t it = 0;
    for (it = 1; it <= max_iter; it++) {
        double w_max = 0.0, d_max = 0.0;
        for (int64_t f = 0; f < p; f++) {
            const int64_t j = random ? fm_sk_rand_index(p, &seed) : f;
            if (norms[j] == 0.0) continue;
            const double *xj = XT + j * n;
            double wj = w[j];
            double tmp = dot_f64(xj, R, n) + wj * norms[j];
            double nw = 0.0;
            if (!(positive && tmp < 0)) nw = copysign(fmax(fabs(tmp) - l1, 0.0), tmp) / (norms[j] + l2);
            w[j] = nw;
            double delta = wj - nw;
            if (delta != 0.0) axpy_f64(R, delta, xj, n);
            if (fabs(delta) > d_max) d_max = fabs(delta);
            if (fabs(nw) > w_max) w_max = fabs(nw);
        }
        if (w_max == 0.0 || d_max / w_max <= tol || it == max_iter) {
            g = enet_gap(w, XT, y, R, l1, l2, positive, n, p);
            if (g <= tol_gap) break;
        }
    }
    *n_iter = it > max_iter ? max_iter : it;
    *gap = g;
}

/* The same sweeps on the Gram form: G = X^T X (p, p, symmetric, row-major),
 * c = X^T y, yy = y.y. H = G w is kept instead of the residual, so
 * x_j . R = c_j - H_j and a sweep costs O(p^2) whatever n; the duality gap
 * uses R.R = yy - 2 c.w + w.H and R.y = yy - c.w. Same updates, same stopping
 * rule as fm_enet_cd_f64 (the iterates agree to rounding). H (p,) is work space. */
static double enet_gap_gram(const double *w, const double *H, const double *c, double yy,
                            double l1, double l2, int positive, int64_t p) {
    double dual = 0.0, wsq = 0.0, l1n = 0.0, cw = 0.0, wh = 0.0;
    for (int64_t j = 0; j < p; j++) {
        double v = c[j] - H[j] - l2 * w[j];
        if (!positive) v = fabs(v);
        if (v > dual) dual = v;
        wsq += w[j] * w[j];
        l1n += fabs(w[j]);
        cw += c[j] * w[j];
        wh += w[j] * H[j];
    }
    double r2 = yy - 2.0 * cw + wh, ry = yy - cw, cst, gap;
    if (r2 < 0.0) r2 = 0.0; /* rounding: R.R is a sum of squares */
    if (dual > l1) {
        cst = l1 / dual;
        gap = 0.5 * (r2 + r2 * cst * cst);
    } else {
        cst = 1.0;
        gap = r2;
    }
    return gap + l1 * l1n - cst * ry + 0.5 * l2 * (1.0 + cst * cst) * wsq;
}

void FM_ISA_FN(fm_enet_cd_gram_f64)(double *restrict w, int64_t *n_iter, double *gap,
                                    double *restrict H, const double *restrict G,
                                    const double *restrict c, double yy, double l1, double l2,
                                    double tol, int64_t max_iter, int positive, int random,
                                    uint32_t seed, int64_t p) {
    for (int64_t i = 0; i < p; i++) H[i] = 0.0;
    for (int64_t j = 0; j < p; j++)
        if (w[j] != 0.0) axpy_f64(H, w[j], G + j * p, p);
    const double tol_gap = tol * yy;
    double g = tol_gap + 1.0;
    int64_t it = 0;
    for (it = 1; it <= max_iter; it++) {
        double w_max = 0.0, d_max = 0.0;
        for (int64_t f = 0; f < p; f++) {
            const int64_t j = random ? fm_sk_rand_index(p, &seed) : f;
            const double gjj = G[j * p + j];
            if (gjj == 0.0) continue;
            double wj = w[j];
            double tmp = c[j] - H[j] + wj * gjj;
            double nw = 0.0;
            if (!(positive && tmp < 0)) nw = copysign(fmax(fabs(tmp) - l1, 0.0), tmp) / (gjj + l2);
            w[j] = nw;
            double delta = nw - wj;
            if (delta != 0.0) axpy_f64(H, delta, G + j * p, p);
            if (fabs(delta) > d_max) d_max = fabs(delta);
            if (fabs(nw) > w_max) w_max = fabs(nw);
        }
        if (w_max == 0.0 || d_max / w_max <= tol || it == max_iter) {
            g = enet_gap_gram(w, H, c, yy, l1, l2, positive, p);
            if (g <= tol_gap) break;
        }
    }
    *n_iter = it > max_iter ? max_iter : it;
    *gap = g;
}

/* This level's table (fm_enet_impl_<level>), picked by enet.c. */
const fm_enet_impl FM_ISA_FN(fm_enet_impl) = {
    .cd_f64 = FM_ISA_FN(fm_enet_cd_f64),
    .cd_gram_f64 = FM_ISA_FN(fm_enet_cd_gram_f64),
};
