/* linkage_simd_tmpl.h -- the linkage scans at one ISA level (float64; T, SUF
 * given by linkage_simd.c). Each pass walks the packed columns of CT in steps
 * of LINKAGE_U vectors: one accumulator per vector, the features (rows of CT)
 * in the inner loop, so one column's sum runs over the features in order, as
 * a plain scalar loop would. Minima are lexicographic in (value, key): equal
 * values go to the smaller key whatever the lane or thread that saw them.
 */
#define FN(name) FM_ISA_FN(FM_CAT(name, SUF))
#define IN(name) FM_CAT3(name, SUF, FM_ISA_NAME)
#define LINKAGE_VL FM_VL_f64
#define LINKAGE_U 4

static inline __attribute__((always_inline)) fm_vf64 IN(linkage_sel_)(fm_vi64 m, fm_vf64 a,
                                                                      fm_vf64 b) {
    return (fm_vf64)(((fm_vi64)a & m) | ((fm_vi64)b & ~m));
}

static inline __attribute__((always_inline)) fm_vf64 IN(linkage_iota_)(void) {
    fm_vf64 io;
    for (int l = 0; l < LINKAGE_VL; l++) io[l] = (double)l;
    return io;
}

typedef struct {
    fm_vf64 v, k, p;
} IN(linkage_vbest_);

static inline __attribute__((always_inline)) void IN(linkage_take_)(IN(linkage_vbest_) * b,
                                                                    fm_vf64 v, fm_vf64 k,
                                                                    fm_vf64 p) {
    const fm_vi64 m = (v < b->v) | ((v == b->v) & (k < b->k));
    b->v = IN(linkage_sel_)(m, v, b->v);
    b->k = IN(linkage_sel_)(m, k, b->k);
    b->p = IN(linkage_sel_)(m, p, b->p);
}

static void IN(linkage_reduce_)(fm_linkage_best *best, const IN(linkage_vbest_) * b) {
    for (int l = 0; l < LINKAGE_VL; l++)
        if (linkage_better(b->v[l], b->k[l], best)) {
            best->v = b->v[l];
            best->key = b->k[l];
            best->pos = (int64_t)b->p[l];
        }
}

/* acc[u] (u < LINKAGE_U) += per-feature terms of columns j .. j + U VL - 1:
 * (CT - x)^2, |CT - x| or CT x for metric EUCLIDEAN, MANHATTAN, COSINE. */
static inline __attribute__((always_inline)) void IN(linkage_accumulate_)(
    fm_vf64 *acc, const double *CT, int64_t ld, const double *x, int64_t d, int metric, int64_t j) {
    for (int u = 0; u < LINKAGE_U; u++) acc[u] = (fm_vf64){0};
    if (metric == FM_LINKAGE_MANHATTAN) {
        for (int64_t k = 0; k < d; k++) {
            const double *row = CT + k * ld + j;
            const fm_vf64 xk = fm_vset1_f64(x[k]);
#pragma GCC unroll 4
            for (int u = 0; u < LINKAGE_U; u++)
                acc[u] += fm_vabs_f64(fm_vload_f64(row + u * LINKAGE_VL) - xk);
        }
    } else if (metric == FM_LINKAGE_COSINE) {
        for (int64_t k = 0; k < d; k++) {
            const double *row = CT + k * ld + j;
            const fm_vf64 xk = fm_vset1_f64(x[k]);
#pragma GCC unroll 4
            for (int u = 0; u < LINKAGE_U; u++) acc[u] += fm_vload_f64(row + u * LINKAGE_VL) * xk;
        }
    } else {
        for (int64_t k = 0; k < d; k++) {
            const double *row = CT + k * ld + j;
            const fm_vf64 xk = fm_vset1_f64(x[k]);
#pragma GCC unroll 4
            for (int u = 0; u < LINKAGE_U; u++) {
                const fm_vf64 t = fm_vload_f64(row + u * LINKAGE_VL) - xk;
                acc[u] += t * t;
            }
        }
    }
}

void FN(fm_linkage_dist_row_)(double *out, const double *CT, int64_t ld, const double *x,
                              int64_t d, int metric, int64_t lo, int64_t hi) {
    for (int64_t j = lo; j < hi; j += LINKAGE_U * LINKAGE_VL) {
        fm_vf64 acc[LINKAGE_U];
        double tmp[LINKAGE_U * LINKAGE_VL];
        IN(linkage_accumulate_)(acc, CT, ld, x, d, metric, j);
        for (int u = 0; u < LINKAGE_U; u++) fm_vstore_f64(tmp + u * LINKAGE_VL, acc[u]);
        const int64_t cnt = hi - j < LINKAGE_U * LINKAGE_VL ? hi - j : LINKAGE_U * LINKAGE_VL;
        double *o = out + (j - lo);
        if (metric == FM_LINKAGE_EUCLIDEAN) {
            for (int64_t l = 0; l < cnt; l++) o[l] = sqrt(tmp[l]);
        } else if (metric == FM_LINKAGE_COSINE) {
            for (int64_t l = 0; l < cnt; l++) {
                const double v = 1.0 - tmp[l];
                o[l] = v < 0.0 ? 0.0 : (v > 2.0 ? 2.0 : v);
            }
        } else {
            for (int64_t l = 0; l < cnt; l++) o[l] = tmp[l];
        }
    }
}

void FN(fm_linkage_ward_scan_)(fm_linkage_best *best, const double *CT, int64_t ld,
                               const double *sz, const double *key, const double *c, double nc,
                               int64_t d, double self, double prio, int64_t lo, int64_t hi) {
    const fm_vf64 inf = fm_vset1_f64(INFINITY), io = IN(linkage_iota_)();
    IN(linkage_vbest_) b = {inf, inf, (fm_vf64){0}};
    for (int64_t j = lo; j < hi; j += LINKAGE_U * LINKAGE_VL) {
        fm_vf64 acc[LINKAGE_U];
        IN(linkage_accumulate_)(acc, CT, ld, c, d, FM_LINKAGE_EUCLIDEAN, j);
        for (int u = 0; u < LINKAGE_U; u++) {
            const int64_t j0 = j + u * LINKAGE_VL;
            const fm_vf64 s = fm_vload_f64(sz + j0), pos = io + (double)j0;
            fm_vf64 kk = fm_vload_f64(key + j0);
            fm_vf64 v = acc[u] * ((2.0 * nc) * s / (nc + s));
            const fm_vi64 skip = (kk == self) | (pos >= (double)hi);
            v = IN(linkage_sel_)(skip, inf, v);
            kk = IN(linkage_sel_)(skip, inf, kk);
            kk = IN(linkage_sel_)(kk == prio, fm_vset1_f64(-1.0), kk);
            IN(linkage_take_)(&b, v, kk, pos);
        }
    }
    IN(linkage_reduce_)(best, &b);
}

void FN(fm_linkage_mst_scan_)(fm_linkage_best *best, double *cur, const double *CT, int64_t ld,
                              const double *key, const double *x, int64_t d, int metric,
                              int64_t lo, int64_t hi) {
    const fm_vf64 inf = fm_vset1_f64(INFINITY), io = IN(linkage_iota_)();
    IN(linkage_vbest_) b = {inf, inf, (fm_vf64){0}};
    for (int64_t j = lo; j < hi; j += LINKAGE_U * LINKAGE_VL) {
        fm_vf64 acc[LINKAGE_U];
        IN(linkage_accumulate_)(acc, CT, ld, x, d, metric, j);
        for (int u = 0; u < LINKAGE_U; u++) {
            const int64_t j0 = j + u * LINKAGE_VL;
            const fm_vf64 pos = io + (double)j0;
            fm_vf64 cu = fm_vload_f64(cur + j0);
            cu = IN(linkage_sel_)(acc[u] < cu, acc[u], cu);
            fm_vstore_f64(cur + j0, cu);
            const fm_vi64 out = pos >= (double)hi;
            IN(linkage_take_)(&b, IN(linkage_sel_)(out, inf, cu),
                              IN(linkage_sel_)(out, inf, fm_vload_f64(key + j0)), pos);
        }
    }
    IN(linkage_reduce_)(best, &b);
}

#undef LINKAGE_U
#undef LINKAGE_VL
#undef FN
#undef IN
