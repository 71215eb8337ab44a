/* dbscan_simd.c -- Prim's row update for the mutual-reachability MST, compiled
 * once per ISA level (simd.h). The candidates are stored feature-major, so one
 * vector holds VL candidates and the d features are accumulated in a register;
 * the distance is the exact metric (square root taken per vector), so weights
 * equal max(core_a, core_b, dist / alpha) as computed pair by pair. Ends with
 * this level's table (dbscan.c picks one).
 *
 * No contraction into fused multiply-adds here: each pair distance is then the
 * correctly rounded sum of squares in feature order, the same number at every
 * ISA level and in every lane (vector body or tail), and the same as scalar
 * code such as scikit-learn's computes; tied mutual-reachability weights then
 * tie exactly and are broken by row, independent of the ISA and thread count.
 *
 * The tail of a block (fewer than VL candidates) is computed by the same vector
 * code: the blocks are separated by FM_DBSCAN_PAD spare columns, so the last
 * vector reads only this block's own storage; lanes past the end are dropped. */
#pragma GCC optimize("fp-contract=off")
#include <math.h>
#include <stdint.h>

#include "dbscan_impl.h"
#include "simd.h"
#if defined(__SSE2__)
#include <immintrin.h>
#endif

typedef fm_vf64 V;
#define VL FM_VL_f64

static inline __attribute__((always_inline)) V v_sqrt(V a) {
#if defined(FM_ISA_AVX512)
    return (V)_mm512_sqrt_pd((__m512d)a);
#elif defined(FM_ISA_AVX2)
    return (V)_mm256_sqrt_pd((__m256d)a);
#elif defined(__SSE2__)
    return (V)_mm_sqrt_pd((__m128d)a);
#else
    double t[VL];
    memcpy(t, &a, sizeof a);
    for (int i = 0; i < VL; i++) t[i] = sqrt(t[i]);
    memcpy(&a, t, sizeof a);
    return a;
#endif
}

static inline __attribute__((always_inline)) V v_min(V a, V b) {
    const fm_vi64 m = a < b;
    return (V)(((fm_vi64)a & m) | ((fm_vi64)b & ~m));
}

/* distance from q to one candidate (scalar path: tails and minkowski) */
static inline double one_dist(const double *XT, int64_t ld, int64_t j, int64_t d,
                              const double *q, int metric, double p) {
    double a = 0;
    for (int64_t k = 0; k < d; k++) {
        const double t = fabs(XT[k * ld + j] - q[k]);
        if (metric == FM_METRIC_MANHATTAN) a += t;
        else if (metric == FM_METRIC_CHEBYSHEV) a = a > t ? a : t;
        else if (metric == FM_METRIC_MINKOWSKI) a += pow(t, p);
        else a += t * t;
    }
    if (metric == FM_METRIC_EUCLIDEAN) return sqrt(a);
    if (metric == FM_METRIC_MINKOWSKI) return pow(a, 1.0 / p);
    return a;
}

static inline __attribute__((always_inline)) V vec_dist(const double *XT, int64_t ld, int64_t j,
                                                        int64_t d, const double *q,
                                                        const int metric) {
    V a = fm_vset1_f64(0);
    for (int64_t k = 0; k < d; k++) {
        const V t = fm_vload_f64(XT + k * ld + j) - q[k];
        if (metric == FM_METRIC_MANHATTAN) a += fm_vabs_f64(t);
        else if (metric == FM_METRIC_CHEBYSHEV) a = fm_vmax_f64(a, fm_vabs_f64(t));
        else a += t * t;
    }
    return metric == FM_METRIC_EUCLIDEAN ? v_sqrt(a) : a;
}

/* the vector loop for one metric (a constant after inlining) */
static inline __attribute__((always_inline)) int64_t
prim_body(double *restrict minr, int64_t *restrict src, const double *restrict XT, int64_t ld,
          int64_t m, int64_t d, const double *restrict q, double cq,
          const double *restrict core, const int64_t *restrict id, int64_t cur,
          const int metric, double p, double alpha) {
    const V vcq = fm_vset1_f64(cq), va = fm_vset1_f64(alpha);
    const int scale = alpha != 1.0;
    V best = fm_vset1_f64(INFINITY);
    int64_t j = 0;
    if (metric != FM_METRIC_MINKOWSKI) {
        for (; j + VL <= m; j += VL) {
            V r = vec_dist(XT, ld, j, d, q, metric);
            if (scale) r = r / va;
            r = fm_vmax_f64(fm_vmax_f64(vcq, fm_vload_f64(core + j)), r);
            const V old = fm_vload_f64(minr + j);
            const fm_vi64 lt = r < old;
            const V nw = (V)(((fm_vi64)r & lt) | ((fm_vi64)old & ~lt));
            fm_vstore_f64(minr + j, nw);
            fm_vi64 s;
            memcpy(&s, src + j, sizeof s);
            s = (s & ~lt) | (lt & cur);
            memcpy(src + j, &s, sizeof s);
            best = v_min(best, nw);
        }
    }
    double b[VL], bv = INFINITY;
    memcpy(b, &best, sizeof best);
    for (int i = 0; i < VL; i++) bv = b[i] < bv ? b[i] : bv;
    if (metric != FM_METRIC_MINKOWSKI && j < m) { /* the tail, lanes < m kept */
        V r = vec_dist(XT, ld, j, d, q, metric);
        if (scale) r = r / va;
        double t[VL];
        memcpy(t, &r, sizeof r);
        for (int64_t i = 0; j + i < m; i++) {
            const double c = core[j + i];
            double v = cq > t[i] ? cq : t[i];
            v = c > v ? c : v;
            if (v < minr[j + i]) {
                minr[j + i] = v;
                src[j + i] = cur;
            }
            bv = minr[j + i] < bv ? minr[j + i] : bv;
        }
        j = m;
    }
    for (; j < m; j++) { /* minkowski: scalar throughout */
        double r = one_dist(XT, ld, j, d, q, metric, p);
        if (scale) r = r / alpha;
        r = cq > r ? cq : r;
        r = core[j] > r ? core[j] : r;
        if (r < minr[j]) {
            minr[j] = r;
            src[j] = cur;
        }
        bv = minr[j] < bv ? minr[j] : bv;
    }
    int64_t at = -1, bid = INT64_MAX;
    for (int64_t i = 0; i < m; i++)
        if (minr[i] == bv && id[i] < bid) {
            bid = id[i];
            at = i;
        }
    return at;
}

static int64_t FM_ISA_FN(prim_f64)(double *minr, int64_t *src, const double *XT, int64_t ld,
                                   int64_t m, int64_t d, const double *q, double cq,
                                   const double *core, const int64_t *id, int64_t cur,
                                   int metric, double p, double alpha) {
    switch (metric) {
    case FM_METRIC_MANHATTAN:
        return prim_body(minr, src, XT, ld, m, d, q, cq, core, id, cur, FM_METRIC_MANHATTAN, p,
                         alpha);
    case FM_METRIC_CHEBYSHEV:
        return prim_body(minr, src, XT, ld, m, d, q, cq, core, id, cur, FM_METRIC_CHEBYSHEV, p,
                         alpha);
    case FM_METRIC_MINKOWSKI:
        return prim_body(minr, src, XT, ld, m, d, q, cq, core, id, cur, FM_METRIC_MINKOWSKI, p,
                         alpha);
    default:
        return prim_body(minr, src, XT, ld, m, d, q, cq, core, id, cur, FM_METRIC_EUCLIDEAN, p,
                         alpha);
    }
}

/* This level's table (fm_dbscan_impl_<level>), picked by dbscan.c. */
const fm_dbscan_impl FM_ISA_FN(fm_dbscan_impl) = {
    .prim_f64 = FM_ISA_FN(prim_f64),
};
