/* hnsw_dist_tmpl.h -- distance of two rows for the HNSW engine, one ISA level.
 * Included by hnsw_simd.c with T (float/double) and SUF (f32/f64) defined.
 *
 * Four vector accumulators over k (in lane order), their sum reduced across
 * lanes, then the scalar tail. The summation order is fixed for a given d and
 * level, so a distance is the same wherever it is computed (construction,
 * queries, any thread). Below 4 vectors only the first accumulator is used and
 * the other three (exact zeros) are not added in: the same value, fewer
 * dependent adds on the short rows where they showed. */
#define V FM_CAT(fm_v, SUF)
#define VL FM_CAT(FM_VL_, SUF)
#define VLOAD FM_CAT(fm_vload_, SUF)
#define VSET1 FM_CAT(fm_vset1_, SUF)


/* sum_k (a_k - b_k)^2 */
static inline __attribute__((always_inline)) T FM_CAT(hnsw_l2_, SUF)(const T *a, const T *b,
                                                                     int64_t d) {
    V s0 = VSET1(0);
    int64_t k = 0;
    if (d >= 4 * VL) {
        V s1 = VSET1(0), s2 = VSET1(0), s3 = VSET1(0);
        for (; k + 4 * VL <= d; k += 4 * VL) {
            V t0 = VLOAD(a + k) - VLOAD(b + k);
            V t1 = VLOAD(a + k + VL) - VLOAD(b + k + VL);
            V t2 = VLOAD(a + k + 2 * VL) - VLOAD(b + k + 2 * VL);
            V t3 = VLOAD(a + k + 3 * VL) - VLOAD(b + k + 3 * VL);
            s0 += t0 * t0;
            s1 += t1 * t1;
            s2 += t2 * t2;
            s3 += t3 * t3;
        }
        for (; k + VL <= d; k += VL) {
            V t = VLOAD(a + k) - VLOAD(b + k);
            s0 += t * t;
        }
        s0 = (s0 + s1) + (s2 + s3);
    } else {
        for (; k + VL <= d; k += VL) {
            V t = VLOAD(a + k) - VLOAD(b + k);
            s0 += t * t;
        }
    }
    T s = FM_CAT(hnsw_hsum_, SUF)(s0);
    for (; k < d; k++) {
        T t = a[k] - b[k];
        s += t * t;
    }
    return s;
}

/* sum_k a_k b_k */
static inline __attribute__((always_inline)) T FM_CAT(hnsw_dot_, SUF)(const T *a, const T *b,
                                                                      int64_t d) {
    V s0 = VSET1(0);
    int64_t k = 0;
    if (d >= 4 * VL) {
        V s1 = VSET1(0), s2 = VSET1(0), s3 = VSET1(0);
        for (; k + 4 * VL <= d; k += 4 * VL) {
            s0 += VLOAD(a + k) * VLOAD(b + k);
            s1 += VLOAD(a + k + VL) * VLOAD(b + k + VL);
            s2 += VLOAD(a + k + 2 * VL) * VLOAD(b + k + 2 * VL);
            s3 += VLOAD(a + k + 3 * VL) * VLOAD(b + k + 3 * VL);
        }
        for (; k + VL <= d; k += VL) s0 += VLOAD(a + k) * VLOAD(b + k);
        s0 = (s0 + s1) + (s2 + s3);
    } else {
        for (; k + VL <= d; k += VL) s0 += VLOAD(a + k) * VLOAD(b + k);
    }
    T s = FM_CAT(hnsw_hsum_, SUF)(s0);
    for (; k < d; k++) s += a[k] * b[k];
    return s;
}

/* The graph's distance: squared euclidean, or 1 - <a, b>. */
static inline __attribute__((always_inline)) T FM_CAT(hnsw_dist_, SUF)(const T *a, const T *b,
                                                                       int64_t d, int metric) {
    if (metric == FM_HNSW_IP) return (T)1 - FM_CAT(hnsw_dot_, SUF)(a, b, d);
    return FM_CAT(hnsw_l2_, SUF)(a, b, d);
}

#undef V
#undef VL
#undef VLOAD
#undef VSET1
