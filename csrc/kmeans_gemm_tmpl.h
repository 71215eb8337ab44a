/* kmeans_gemm_tmpl.h -- k-means assignment through dot products (high d), one
 * ISA level and dtype. Included by kmeans_simd.c with T, SUF, VI and
 * KM_BCAST(p) (a vector of *p) defined.
 *
 * The distance of row x to centre c is ranked by v_c = |c|^2 - 2 x.c (|x|^2
 * is common to the row). A tile of rows is read in panels of MR rows straight
 * from X (broadcasts); the centres are packed once per step into blocks of NR = 2 VL
 * centres (cp[b][j][l], padding centres get |c|^2 = +inf). A register tile of
 * MR rows x NR centres accumulates the dot products over all d features, and
 * its epilogue folds v straight into a per-row running top-2 kept per lane
 * (best, second best, index of best): the dot products never reach memory.
 * Centres are visited in increasing index with a strict '<', so each lane
 * keeps the lowest index on ties; the lane merge (a butterfly of top-2
 * merges) does the same.
 *
 * The caller (kmeans_tmpl.h) turns (best, second) into an exact answer: rows
 * whose gap is within the rounding bound are re-decided by direct distances.
 */
#define GV FM_CAT(fm_v, SUF)
#define GVL FM_CAT(FM_VL_, SUF)
#define GVLOAD FM_CAT(fm_vload_, SUF)
#define GNR (2 * GVL)
#if defined(FM_ISA_AVX512)
#define GMR 8 /* 16 accumulators of 32 */
#elif defined(FM_ISA_AVX2)
#define GMR 6 /* 12 accumulators of 16 */
#else
#define GMR 4
#endif
#define KM_RT 96 /* rows per tile (a multiple of every GMR) */

typedef struct {
    GV b1[2], b2[2];
    VI arg[2];
} FM_CAT(km_top2_, SUF);

/* Centres (k x d) -> blocks of GNR centres, cp[b*d*GNR + j*GNR + l]; hp[c] =
 * |c|^2 in T (summed in double), +inf for the padding up to a block. */
void FM_ISA_FN(FM_CAT(fm_kmeans_pack_centres_, SUF))(T *restrict cp, T *restrict hp,
                                                      const T *restrict C, int64_t k,
                                                      int64_t d) {
    const int64_t nb = (k + GNR - 1) / GNR;
    for (int64_t b = 0; b < nb; b++) {
        T *dst = cp + b * d * GNR;
        for (int64_t l = 0; l < GNR; l++) {
            const int64_t c = b * GNR + l;
            if (c < k) {
                double s = 0;
                for (int64_t j = 0; j < d; j++) {
                    dst[j * GNR + l] = C[c * d + j];
                    s += (double)C[c * d + j] * (double)C[c * d + j];
                }
                hp[c] = (T)s;
            } else {
                for (int64_t j = 0; j < d; j++) dst[j * GNR + l] = 0;
                hp[c] = (T)INFINITY;
            }
        }
    }
}

/* Centres packed per block (cp, hp as above). */
int64_t FM_ISA_FN(FM_CAT(fm_kmeans_packed_len_, SUF))(int64_t k, int64_t d) {
    return (k + GNR - 1) / GNR * GNR * (d > 0 ? d : 1);
}

/* Scratch elements (T) for fm_kmeans_tile_assign at this d. */
int64_t FM_ISA_FN(FM_CAT(fm_kmeans_tile_scratch_, SUF))(int64_t d) {
    (void)d;
    return KM_RT * (int64_t)sizeof(FM_CAT(km_top2_, SUF)) / (int64_t)sizeof(T);
}

int FM_ISA_FN(FM_CAT(fm_kmeans_tile_rows_, SUF))(void) { return KM_RT; }

/* Fold v (lane l = centre cv[l]) into a lane-wise running top-2. */
static inline __attribute__((always_inline)) void FM_CAT(km_fold_, SUF)(GV *b1, GV *b2, VI *arg,
                                                                         GV v, VI cv) {
    const VI m1 = (VI)(v < *b1);
    const VI m2 = (VI)(v < *b2);
    /* new second = m1 ? old best : (m2 ? v : old second) */
    *b2 = (GV)(((VI)*b1 & m1) | (((VI)v & m2 & ~m1) | ((VI)*b2 & ~m2 & ~m1)));
    *b1 = (GV)(((VI)v & m1) | ((VI)*b1 & ~m1));
    *arg = (cv & m1) | (*arg & ~m1);
}

/* Lane-wise merge of two running top-2 lists (b1 <= b2 with index a1 of b1),
 * the lower index winning equal values. */
static inline __attribute__((always_inline)) void FM_CAT(km_merge_, SUF)(GV *b1, GV *b2, VI *a1,
                                                                          GV c1, GV c2, VI ca) {
    const VI lt = (VI)(c1 < *b1) | ((VI)(c1 == *b1) & (VI)(ca < *a1));
    const GV lo = (GV)(((VI)c1 & lt) | ((VI)*b1 & ~lt)); /* the new best */
    const GV hi = (GV)(((VI)*b1 & lt) | ((VI)c1 & ~lt)); /* the loser of the bests */
    const VI m2 = (VI)(c2 < *b2);
    const GV s2 = (GV)(((VI)c2 & m2) | ((VI)*b2 & ~m2));
    const VI mh = (VI)(hi < s2);
    *b2 = (GV)(((VI)hi & mh) | ((VI)s2 & ~mh));
    *a1 = (ca & lt) | (*a1 & ~lt);
    *b1 = lo;
}

/* One panel of GMR rows (xr[i]: row i) against centre block b: dot
 * products, then the fold. */
static inline __attribute__((always_inline)) void FM_CAT(km_micro_, SUF)(
    FM_CAT(km_top2_, SUF) *restrict st, const T *const *xr, const T *restrict cb,
    const T *restrict hb, VI cv0, int64_t d) {
    GV acc0[GMR], acc1[GMR];
    _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++) {
        acc0[i] = (GV){0};
        acc1[i] = (GV){0};
    }
    for (int64_t j = 0; j < d; j++) {
        const GV c0v = GVLOAD(cb + j * GNR), c1v = GVLOAD(cb + j * GNR + GVL);
        _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++) {
            const GV a = KM_BCAST(xr[i] + j);
            acc0[i] += a * c0v;
            acc1[i] += a * c1v;
        }
    }
    const GV h0 = GVLOAD(hb), h1 = GVLOAD(hb + GVL);
    _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++) {
        FM_CAT(km_fold_, SUF)(&st[i].b1[0], &st[i].b2[0], &st[i].arg[0], h0 - 2 * acc0[i], cv0);
        FM_CAT(km_fold_, SUF)(&st[i].b1[1], &st[i].b2[1], &st[i].arg[1], h1 - 2 * acc1[i],
                              cv0 + GVL);
    }
}

/* km_micro_ for a last block whose real centres fit its first GVL lanes (k %
 * GNR in [1, GVL]): the padding half is not computed (its lanes stay +inf). */
static inline __attribute__((always_inline)) void FM_CAT(km_micro_half_, SUF)(
    FM_CAT(km_top2_, SUF) *restrict st, const T *const *xr, const T *restrict cb,
    const T *restrict hb, VI cv0, int64_t d) {
    GV acc0[GMR];
    _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++) acc0[i] = (GV){0};
    for (int64_t j = 0; j < d; j++) {
        const GV c0v = GVLOAD(cb + j * GNR);
        _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++)
            acc0[i] += KM_BCAST(xr[i] + j) * c0v;
    }
    const GV h0 = GVLOAD(hb);
    _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++)
        FM_CAT(km_fold_, SUF)(&st[i].b1[0], &st[i].b2[0], &st[i].arg[0], h0 - 2 * acc0[i], cv0);
}

/* Rows [0, nr) of X (nr <= KM_RT, row stride d) against all k centres (cp, hp
 * packed by fm_kmeans_pack_centres): best[i] = min_c v_c, second[i] = the
 * next smallest v (+inf if k == 1), arg[i] = the lowest c attaining best. */
void FM_ISA_FN(FM_CAT(fm_kmeans_tile_assign_, SUF))(T *restrict best, T *restrict second,
                                                     int32_t *restrict arg,
                                                     const T *restrict X, int64_t nr,
                                                     const T *restrict cp,
                                                     const T *restrict hp, int64_t k,
                                                     int64_t d, T *restrict scratch) {
    const int64_t np = (nr + GMR - 1) / GMR, nb = (k + GNR - 1) / GNR;
    FM_CAT(km_top2_, SUF) *st = (FM_CAT(km_top2_, SUF) *)(void *)scratch;
    const T *xr[KM_RT]; /* row pointers; the padding repeats the last row */
    for (int64_t r = 0; r < np * GMR; r++) xr[r] = X + (r < nr ? r : nr - 1) * d;
    for (int64_t r = 0; r < np * GMR; r++)
        for (int h = 0; h < 2; h++) {
            st[r].b1[h] = (GV){0} + (T)INFINITY;
            st[r].b2[h] = st[r].b1[h];
            st[r].arg[h] = (VI){0};
        }
    VI iota;
    for (int l = 0; l < GVL; l++) iota[l] = l;
    for (int64_t b = 0; b < nb; b++) {
        const VI cv0 = iota + (__typeof__(iota[0]))(b * GNR);
        if (k - b * GNR <= GVL) {
            for (int64_t p = 0; p < np; p++)
                FM_CAT(km_micro_half_, SUF)(st + p * GMR, xr + p * GMR, cp + b * d * GNR,
                                            hp + b * GNR, cv0, d);
            continue;
        }
        for (int64_t p = 0; p < np; p++)
            FM_CAT(km_micro_, SUF)(st + p * GMR, xr + p * GMR, cp + b * d * GNR, hp + b * GNR,
                                   cv0, d);
    }
    for (int64_t r = 0; r < nr; r++) { /* merge the 2 x GVL lanes of each row */
        GV b1 = st[r].b1[0], b2 = st[r].b2[0];
        VI a1 = st[r].arg[0];
        FM_CAT(km_merge_, SUF)(&b1, &b2, &a1, st[r].b1[1], st[r].b2[1], st[r].arg[1]);
        for (int sh = GVL / 2; sh >= 1; sh /= 2) { /* butterfly: every lane ends with all */
            VI perm;
            for (int l = 0; l < GVL; l++) perm[l] = l ^ sh;
            FM_CAT(km_merge_, SUF)(&b1, &b2, &a1, __builtin_shuffle(b1, perm),
                                   __builtin_shuffle(b2, perm), __builtin_shuffle(a1, perm));
        }
        best[r] = b1[0];
        second[r] = b2[0];
        arg[r] = (int32_t)a1[0];
    }
}

/* Squared distance |x - c|^2, lanes over features (two chains), tail scalar. */
T FM_ISA_FN(FM_CAT(fm_kmeans_dist2_, SUF))(const T *restrict x, const T *restrict c,
                                            int64_t d) {
    GV a0 = (GV){0}, a1 = (GV){0};
    int64_t j = 0;
    for (; j + 2 * GVL <= d; j += 2 * GVL) {
        const GV t0 = GVLOAD(x + j) - GVLOAD(c + j);
        const GV t1 = GVLOAD(x + j + GVL) - GVLOAD(c + j + GVL);
        a0 += t0 * t0;
        a1 += t1 * t1;
    }
    for (; j + GVL <= d; j += GVL) {
        const GV t0 = GVLOAD(x + j) - GVLOAD(c + j);
        a0 += t0 * t0;
    }
    a0 += a1;
    T s = 0;
    for (int l = 0; l < GVL; l++) s += a0[l];
    for (; j < d; j++) s += (x[j] - c[j]) * (x[j] - c[j]);
    return s;
}

#undef GV
#undef GVL
#undef GVLOAD
#undef GNR
#undef GMR
#undef KM_RT
