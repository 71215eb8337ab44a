/* distance_simd_tmpl.h -- direct pairwise-distance tile kernel, one ISA level.
 * Included by distance_simd.c with T (float/double) and SUF (f32/f64) defined.
 *
 * Layout: Y is packed into panels of P = NV*VL rows stored transposed
 * (panel[k*P + lane] = Y[panel_row0 + lane, k], zero-padded), so each lane of
 * a vector accumulates one (x, y) pair over k in plain sequential order: no
 * horizontal sums, any d, and the same summation order as the scalar
 * reference. A block is MR x-rows times one panel: MR*NV accumulators.
 * Sums run in chunks of DCHUNK features (distance_simd.c: 256 for float32, all
 * of d for float64) whose totals add up in double, so float32 distances over
 * many features keep float32 accuracy (a float32 sum over 10^6 squares loses
 * ~0.2%); with d <= DCHUNK the result is the plain sequential float32 sum.
 */
#define V FM_CAT(fm_v, SUF)
#define VL FM_CAT(FM_VL_, SUF)
#define VLOAD FM_CAT(fm_vload_, SUF)
#define VSET1 FM_CAT(fm_vset1_, SUF)
#define VABS FM_CAT(fm_vabs_, SUF)
#define VMAX FM_CAT(fm_vmax_, SUF)
#define P (NV * VL)

static inline __attribute__((always_inline)) void FM_CAT(dist_block_, SUF)(
    T *restrict acc_out, const T *const xr[MR], const T *restrict panel, int64_t d,
    const int metric) {
    V acc[MR][NV];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = VSET1(0);
    for (int64_t k = 0; k < d; k++) {
        V y[NV];
        for (int v = 0; v < NV; v++) y[v] = VLOAD(panel + k * P + v * VL);
        for (int r = 0; r < MR; r++) {
            const V xb = VSET1(xr[r][k]);
            for (int v = 0; v < NV; v++) {
                const V t = xb - y[v];
                switch (metric) {
                case FM_METRIC_EUCLIDEAN:
                case FM_METRIC_SQEUCLIDEAN: acc[r][v] += t * t; break;
                case FM_METRIC_MANHATTAN: acc[r][v] += VABS(t); break;
                case FM_METRIC_CHEBYSHEV: acc[r][v] = VMAX(acc[r][v], VABS(t)); break;
                case FM_METRIC_HAMMING: acc[r][v] -= __builtin_convertvector(xb != y[v], V); break;
                default: break;
                }
            }
        }
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) memcpy(acc_out + r * P + v * VL, &acc[r][v], sizeof(V));
}

static void FM_CAT(dist_tile_, SUF)(T *out, int64_t ldo, const T *X, int64_t ldx, int64_t nr,
                                    const T *packed, int64_t m, int64_t pa, int64_t pb, int64_t d,
                                    const int metric) {
    T acc[MR * P];
    double tot[MR * P];
    const int64_t kc = d < (int64_t)DCHUNK ? d : (int64_t)DCHUNK;
    for (int64_t pnl = pa; pnl < pb; pnl++) {
        const T *panel = packed + pnl * P * d;
        const int64_t j0 = pnl * P;
        const int64_t nc = m - j0 < P ? m - j0 : P;
        for (int64_t r0 = 0; r0 < nr; r0 += MR) {
            const int64_t rows = nr - r0 < MR ? nr - r0 : MR;
            const T *xr[MR];
            for (int r = 0; r < MR; r++) xr[r] = X + (r0 + (r < rows ? r : 0)) * ldx;
            if (d <= kc) { /* one chunk: the sequential sum in T */
                FM_CAT(dist_block_, SUF)(acc, xr, panel, d, metric);
            } else {
                for (int q = 0; q < MR * P; q++) tot[q] = 0.0;
                for (int64_t k0 = 0; k0 < d; k0 += kc) {
                    const int64_t len = d - k0 < kc ? d - k0 : kc;
                    const T *xk[MR];
                    for (int r = 0; r < MR; r++) xk[r] = xr[r] + k0;
                    FM_CAT(dist_block_, SUF)(acc, xk, panel + k0 * P, len, metric);
                    if (metric == FM_METRIC_CHEBYSHEV) {
                        for (int q = 0; q < MR * P; q++)
                            tot[q] = tot[q] > acc[q] ? tot[q] : acc[q];
                    } else {
                        for (int q = 0; q < MR * P; q++) tot[q] += (double)acc[q];
                    }
                }
                for (int q = 0; q < MR * P; q++) acc[q] = (T)tot[q];
            }
            for (int64_t r = 0; r < rows; r++) {
                T *o = out + (r0 + r) * ldo + j0;
                const T *a = acc + r * P;
                if (metric == FM_METRIC_EUCLIDEAN) {
                    for (int64_t j = 0; j < nc; j++) o[j] = SQRT(a[j]);
                } else if (metric == FM_METRIC_HAMMING) {
                    const T inv = (T)1 / (T)d;
                    for (int64_t j = 0; j < nc; j++) o[j] = a[j] * inv;
                } else {
                    for (int64_t j = 0; j < nc; j++) o[j] = a[j];
                }
            }
        }
    }
}

/* Computes rows [0, nr) of X against panels [pa, pb) of the packed Y. */
static void FM_ISA_FN(FM_CAT(fm_dist_tile_, SUF))(T *out, int64_t ldo, const T *X,
                                                  int64_t ldx, int64_t nr, const T *packed,
                                                  int64_t m, int64_t pa, int64_t pb, int64_t d,
                                                  int metric) {
    switch (metric) { /* one specialised copy of the tile loop per metric */
    case FM_METRIC_EUCLIDEAN:
        FM_CAT(dist_tile_, SUF)(out, ldo, X, ldx, nr, packed, m, pa, pb, d, FM_METRIC_EUCLIDEAN);
        break;
    case FM_METRIC_SQEUCLIDEAN:
        FM_CAT(dist_tile_, SUF)(out, ldo, X, ldx, nr, packed, m, pa, pb, d, FM_METRIC_SQEUCLIDEAN);
        break;
    case FM_METRIC_MANHATTAN:
        FM_CAT(dist_tile_, SUF)(out, ldo, X, ldx, nr, packed, m, pa, pb, d, FM_METRIC_MANHATTAN);
        break;
    case FM_METRIC_CHEBYSHEV:
        FM_CAT(dist_tile_, SUF)(out, ldo, X, ldx, nr, packed, m, pa, pb, d, FM_METRIC_CHEBYSHEV);
        break;
    case FM_METRIC_HAMMING:
        FM_CAT(dist_tile_, SUF)(out, ldo, X, ldx, nr, packed, m, pa, pb, d, FM_METRIC_HAMMING);
        break;
    default: break;
    }
}


#undef V
#undef VL
#undef VLOAD
#undef VSET1
#undef VABS
#undef VMAX
#undef P
