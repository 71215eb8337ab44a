/* knn_scan_tmpl.h -- the fused brute-force candidate scan for one dtype at one
 * ISA level (included by knn_simd.c with T, SUF, SC_MR defined; see knn_impl.h
 * for the contract and knn.c for how its candidates become the answer).
 *
 * Keys of SC_MR queries x one panel of P = 2 VL database points are accumulated
 * in registers over the features (sequential order, as the scalar formula)
 * and compared there with each query's threshold; only the lanes at or below
 * it leave the registers, appended to the query's candidate buffer. A buffer
 * that could overflow is cut to its best kk by (key, index) with a
 * quickselect, and the threshold becomes the kk-th key: an amortised O(1)
 * per candidate for any k (a sorted buffer costs O(k), a heap O(log k) with a
 * mispredicted branch per level). Keys never go through memory, so the scan
 * is bound by the arithmetic, not by the (queries x points) key matrix.
 *
 * Work items are (query tile, database slice): one slice when the tiles alone
 * keep every thread busy, else the points are split into one slice per thread
 * and each slice's best kk per query are merged at the end. The kept set is
 * the kk best (key, index) pairs whatever the split, so the answer does not
 * depend on the thread count. */
#define SC_(name) FM_CAT3(name, _, SUF)
#define SV FM_CAT(fm_v, SUF)
#define SVL FM_CAT(FM_VL_, SUF)
#define SP (2 * SVL)

/* (a, ia) before (b, ib) in the package's order */
#define SC_LESS(a, ia, b, ib) ((a) < (b) || (!((b) < (a)) && (ia) < (ib)))

/* Moves the m best (key, index) pairs of D/I[0..cnt) into slots [0, m), m <= cnt
 * (quickselect, Hoare partition around a median-of-three pivot pair). */
static void SC_(knn_cand_cut)(T *restrict D, int64_t *restrict I, int64_t cnt, int64_t m) {
    int64_t lo = 0, hi = cnt - 1;
    const int64_t kth = m - 1;
    while (hi > lo) {
        const int64_t mid = lo + (hi - lo) / 2;
        /* median of lo, mid, hi moved to mid */
#define SC_SWAP(a, b)                                                                       \
    do {                                                                                    \
        const T td = D[a];                                                                  \
        D[a] = D[b];                                                                        \
        D[b] = td;                                                                          \
        const int64_t ti = I[a];                                                            \
        I[a] = I[b];                                                                        \
        I[b] = ti;                                                                          \
    } while (0)
        if (SC_LESS(D[mid], I[mid], D[lo], I[lo])) SC_SWAP(mid, lo);
        if (SC_LESS(D[hi], I[hi], D[mid], I[mid])) {
            SC_SWAP(hi, mid);
            if (SC_LESS(D[mid], I[mid], D[lo], I[lo])) SC_SWAP(mid, lo);
        }
        const T pd = D[mid];
        const int64_t pi = I[mid];
        int64_t i = lo, j = hi;
        for (;;) {
            while (SC_LESS(D[i], I[i], pd, pi)) i++;
            while (SC_LESS(pd, pi, D[j], I[j])) j--;
            if (i >= j) break;
            SC_SWAP(i, j);
            i++;
            j--;
        }
        /* [lo, j] <= pivot <= [j + 1, hi] (indices are distinct: a strict order) */
        if (kth <= j) hi = j;
        else lo = j + 1;
#undef SC_SWAP
    }
}

/* the largest key among D[0..m) (after a cut: the m-th best) */
static inline T SC_(knn_cand_max)(const T *D, int64_t m) {
    T w = D[0];
    for (int64_t j = 1; j < m; j++) w = D[j] > w ? D[j] : w;
    return w;
}

/* One SC_MR-row group against panels [p0, p1): keys in registers, hits appended.
 * q[r]: the rows (length dd); cnt/thr/CD/CI: the rows' buffers (cap each). */
static inline __attribute__((always_inline)) void SC_(knn_scan_group)(
    const T *const q[SC_MR], int rows, const T *restrict packed, int64_t n, int64_t p0, int64_t p1,
    int64_t dd, T *restrict CD, int64_t *restrict CI, int64_t *restrict cnt, T *restrict thr,
    int64_t cap, int64_t kk, const int mode) {
    for (int64_t pn = p0; pn < p1; pn++) {
        const T *panel = packed + pn * SP * dd;
        SV a0[SC_MR], a1[SC_MR];
        _Pragma("GCC unroll 8") for (int r = 0; r < SC_MR; r++) {
            a0[r] = FM_CAT(fm_vset1_, SUF)(0);
            a1[r] = FM_CAT(fm_vset1_, SUF)(0);
        }
        for (int64_t c = 0; c < dd; c++) {
            const SV y0 = FM_CAT(fm_vload_, SUF)(panel + c * SP);
            const SV y1 = FM_CAT(fm_vload_, SUF)(panel + c * SP + SVL);
            _Pragma("GCC unroll 8") for (int r = 0; r < SC_MR; r++) {
                const SV xb = FM_CAT(fm_vset1_, SUF)(q[r][c]);
                if (mode == KNN_SCAN_DOT) {
                    a0[r] += xb * y0;
                    a1[r] += xb * y1;
                } else {
                    const SV t0 = xb - y0, t1 = xb - y1;
                    if (mode == KNN_SCAN_L1) {
                        a0[r] += FM_CAT(fm_vabs_, SUF)(t0);
                        a1[r] += FM_CAT(fm_vabs_, SUF)(t1);
                    } else if (mode == KNN_SCAN_LINF) {
                        a0[r] = FM_CAT(fm_vmax_, SUF)(a0[r], FM_CAT(fm_vabs_, SUF)(t0));
                        a1[r] = FM_CAT(fm_vmax_, SUF)(a1[r], FM_CAT(fm_vabs_, SUF)(t1));
                    } else {
                        a0[r] += t0 * t0;
                        a1[r] += t1 * t1;
                    }
                }
            }
        }
        const int64_t j0 = pn * SP, valid = n - j0 < SP ? n - j0 : SP;
        for (int r = 0; r < rows; r++) {
            const SV w = FM_CAT(fm_vset1_, SUF)(thr[r]);
            uint64_t bits = SC_(knn_vle)(a0[r], w) | (SC_(knn_vle)(a1[r], w) << SVL);
            if (valid < SP) bits &= (UINT64_C(1) << valid) - 1; /* padding lanes */
            if (!bits) continue;
            if (cnt[r] + SP > cap) { /* cut to the best kk; the kk-th is the new threshold */
                SC_(knn_cand_cut)(CD + r * cap, CI + r * cap, cnt[r], kk);
                cnt[r] = kk;
                thr[r] = SC_(knn_cand_max)(CD + r * cap, kk);
                const SV w2 = FM_CAT(fm_vset1_, SUF)(thr[r]);
                bits &= SC_(knn_vle)(a0[r], w2) | (SC_(knn_vle)(a1[r], w2) << SVL);
                if (!bits) continue;
            }
            T keys[SP];
            memcpy(keys, &a0[r], sizeof(SV));
            memcpy(keys + SVL, &a1[r], sizeof(SV));
            T *restrict dst = CD + r * cap;
            int64_t *restrict dsi = CI + r * cap;
            int64_t m = cnt[r];
            while (bits) {
                const int l = __builtin_ctzll(bits);
                bits &= bits - 1;
                dst[m] = keys[l];
                dsi[m] = j0 + l;
                m++;
            }
            cnt[r] = m;
        }
    }
}

/* One work item: query rows [i0, i0 + rows) against panels [p0, p1); leaves
 * each row's best min(kk, seen) pairs in OD/OI rows (stride ldo). */
static void SC_(knn_scan_item)(T *OD, int64_t *OI, int64_t ldo, const T *Q, int64_t ldq,
                               int64_t rows, const T *packed, int64_t n, int64_t p0, int64_t p1,
                               int64_t dd, int64_t kk, int64_t cap, T *CD, int64_t *CI,
                               int64_t *cnt, T *thr, const int mode) {
    for (int64_t r = 0; r < rows; r++) {
        cnt[r] = 0;
        thr[r] = (T)INFINITY;
    }
    /* a block of panels stays in L2 while every row group passes over it */
    int64_t bp = (int64_t)(192 * 1024 / (SP * dd * (int64_t)sizeof(T)));
    bp = bp < 1 ? 1 : bp;
    for (int64_t b0 = p0; b0 < p1; b0 += bp) {
        const int64_t b1 = p1 - b0 < bp ? p1 : b0 + bp;
        for (int64_t r0 = 0; r0 < rows; r0 += SC_MR) {
            const int rr = rows - r0 < SC_MR ? (int)(rows - r0) : SC_MR;
            const T *q[SC_MR];
            for (int r = 0; r < SC_MR; r++) q[r] = Q + (r0 + (r < rr ? r : 0)) * ldq;
            SC_(knn_scan_group)(q, rr, packed, n, b0, b1, dd, CD + r0 * cap, CI + r0 * cap,
                                cnt + r0, thr + r0, cap, kk, mode);
        }
    }
    for (int64_t r = 0; r < rows; r++) {
        int64_t m = cnt[r] < kk ? cnt[r] : kk;
        if (cnt[r] > kk) SC_(knn_cand_cut)(CD + r * cap, CI + r * cap, cnt[r], kk);
        memcpy(OD + r * ldo, CD + r * cap, (size_t)m * sizeof(T));
        memcpy(OI + r * ldo, CI + r * cap, (size_t)m * sizeof(int64_t));
        for (; m < kk; m++) { /* a slice with fewer points than kk */
            OD[r * ldo + m] = (T)INFINITY;
            OI[r * ldo + m] = INT64_MAX;
        }
    }
}

static int SC_(knn_scan_mode)(T *CD, int64_t *CI, const T *Q, int64_t nq, int64_t ldq,
                              const T *packed, int64_t n, int64_t dd, int64_t kk, int nthreads,
                              const int mode) {
    const int64_t QT = KNN_SCAN_QT, panels = (n + SP - 1) / SP;
    const int64_t tiles = (nq + QT - 1) / QT;
    int nt = fm_team_size(nthreads, 2.0 * (double)nq * (double)n * (double)dd);
    int64_t S = 1; /* database slices */
    if (tiles < nt) {
        S = nt;
        if (S > panels) S = panels;
    }
    if (nt > tiles * S) nt = (int)(tiles * S);
    const int64_t rowsmax = nq < QT ? nq : QT;
    /* per-slice results when split: (S, nq, kk) */
    T *SD = NULL;
    int64_t *SI = NULL;
    if (S > 1) {
        SD = (T *)malloc((size_t)(S * nq * kk) * sizeof(T));
        SI = (int64_t *)malloc((size_t)(S * nq * kk) * sizeof(int64_t));
        if (!SD || !SI) {
            free(SD);
            free(SI);
            return FM_ENOMEM;
        }
    }
    const int64_t cap = 2 * kk + SP;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        T *bd = (T *)malloc((size_t)(rowsmax * (cap + 1)) * sizeof(T));
        int64_t *bi = (int64_t *)malloc((size_t)(rowsmax * (cap + 1)) * sizeof(int64_t));
        if (!bd || !bi) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t it = 0; it < tiles * S; it++) {
            if (!bd || !bi) continue;
            const int64_t tile = it / S, s = it % S;
            const int64_t i0 = tile * QT, rows = nq - i0 < QT ? nq - i0 : QT;
            const int64_t p0 = panels * s / S, p1 = panels * (s + 1) / S;
            T *OD = S > 1 ? SD + (s * nq + i0) * kk : CD + i0 * kk;
            int64_t *OI = S > 1 ? SI + (s * nq + i0) * kk : CI + i0 * kk;
            SC_(knn_scan_item)(OD, OI, kk, Q + i0 * ldq, ldq, rows, packed, n, p0, p1, dd, kk,
                               cap, bd + rowsmax, bi + rowsmax, bi, bd, mode);
        }
        free(bd);
        free(bi);
    }
    if (st == FM_OK && S > 1) { /* merge the slices: best kk of S * kk per row */
        T *md = (T *)malloc((size_t)(S * kk) * sizeof(T));
        int64_t *mi = (int64_t *)malloc((size_t)(S * kk) * sizeof(int64_t));
        if (!md || !mi) st = FM_ENOMEM;
        for (int64_t i = 0; st == FM_OK && i < nq; i++) {
            for (int64_t s = 0; s < S; s++) {
                memcpy(md + s * kk, SD + (s * nq + i) * kk, (size_t)kk * sizeof(T));
                memcpy(mi + s * kk, SI + (s * nq + i) * kk, (size_t)kk * sizeof(int64_t));
            }
            SC_(knn_cand_cut)(md, mi, S * kk, kk);
            memcpy(CD + i * kk, md, (size_t)kk * sizeof(T));
            memcpy(CI + i * kk, mi, (size_t)kk * sizeof(int64_t));
        }
        free(md);
        free(mi);
    }
    free(SD);
    free(SI);
    return st;
}

/* the entry point of the table: one specialised scan per mode */
static int FM_ISA_FN(SC_(fm_knn_scan))(T *CD, int64_t *CI, const T *Q, int64_t nq, int64_t ldq,
                                       const T *packed, int64_t n, int64_t dd, int64_t kk,
                                       int mode, int nthreads) {
    switch (mode) {
    case KNN_SCAN_L1:
        return SC_(knn_scan_mode)(CD, CI, Q, nq, ldq, packed, n, dd, kk, nthreads, KNN_SCAN_L1);
    case KNN_SCAN_LINF:
        return SC_(knn_scan_mode)(CD, CI, Q, nq, ldq, packed, n, dd, kk, nthreads, KNN_SCAN_LINF);
    case KNN_SCAN_DOT:
        return SC_(knn_scan_mode)(CD, CI, Q, nq, ldq, packed, n, dd, kk, nthreads, KNN_SCAN_DOT);
    default:
        return SC_(knn_scan_mode)(CD, CI, Q, nq, ldq, packed, n, dd, kk, nthreads, KNN_SCAN_L2);
    }
}

#undef SC_
#undef SV
#undef SVL
#undef SP
#undef SC_LESS
