/* kdtree_knn_tmpl.h -- k-nearest search for one dtype at one ISA level:
 * the first-leaf rank fill, the leaf step, the single-query search and (via
 * kdtree_group_tmpl.h) the grouped search for d <= 32. Included by
 * kdtree_query_tmpl.h, which defines the tree/state structs and the leaf scan;
 * the algorithm is described in kdtree.c. */
#define KQ_V FM_CAT(fm_v, SUF)
#define KQ_VL FM_CAT(FM_VL_, SUF)
#define KQ_VI FM_CAT(fm_vi, KQ_IBITS)

/* First leaf of a k-nearest search (all k slots empty): writes the best
 * min(k, cnt) points to the first slots, sorted, and returns 1; returns 0
 * (nothing written) when two distances are equal, left to the insertions and
 * their tie rule. Inserting each point in turn would cost about
 * k + k ln(cnt / k) shifting insertions, each with a mispredicted branch;
 * instead every point's rank (the number of smaller distances) is counted
 * with vector compares, vectorised over the points ranked, and the points are
 * scattered to their ranks. Distinct distances give ranks 0..cnt-1, whose sum
 * is cnt(cnt-1)/2; any tie makes the sum smaller. acc[cnt..] is padded with
 * +inf to a whole vector; rk has room for max_leaf + KQ_VL ranks, sd and si
 * for max_leaf points. */
KQ_INLINE int KQ(kq_rank_place)(T *restrict D, int64_t *restrict I, int64_t k, T *restrict acc,
                                const int64_t *restrict ix, int64_t cnt, KQ_RI *restrict rk,
                                T *restrict sd, int64_t *restrict si) {
    const int64_t nv = (cnt + KQ_VL - 1) / KQ_VL;
    for (int64_t j = cnt; j < nv * KQ_VL; j++) acc[j] = (T)INFINITY;
    for (int64_t v = 0; v < nv; v++) {
        const KQ_V x = FM_CAT(fm_vload_, SUF)(acc + v * KQ_VL);
        KQ_VI r = {0};
        for (int64_t i = 0; i < cnt; i++) r -= x > acc[i]; /* true lanes are -1 */
        memcpy(rk + v * KQ_VL, &r, sizeof r);
    }
    int64_t sum = 0;
    for (int64_t j = 0; j < cnt; j++) sum += rk[j];
    if (sum != cnt * (cnt - 1) / 2) return 0;
    for (int64_t j = 0; j < cnt; j++) { /* scatter (no branch), then the best k */
        sd[rk[j]] = acc[j];
        si[rk[j]] = ix[j];
    }
    const int64_t m = cnt < k ? cnt : k;
    for (int64_t j = 0; j < m; j++) {
        D[j] = sd[j];
        I[j] = si[j];
    }
    return 1;
}

/* ---- k nearest ------------------------------------------------------------- */
/* For d >= 4: is node's tight box within the bound w? (For small d the O(1)
 * bound is nearly as tight and the extra test costs more than it saves.) */
KQ_INLINE int KQ(kq_box_ok)(const KQ(kq_tree) *t, const T *q, int64_t node, T w, int64_t d,
                            const int metric) {
    if (d < 4) return 1;
    return KQ(kq_box_bound)(t->boxes + 2 * d * node, d, q, metric, t->p) * t->scale <= w;
}

/* bit l set when lane l of a is <= lane l of w: one compare and a mask move on x86
 * (the portable lane loop compiles to a chain of extracts) */
KQ_INLINE uint64_t KQ(kq_vle)(KQ_V a, KQ_V w) {
#if defined(FM_ISA_AVX512) && defined(__AVX512F__)
#if KQ_IBITS == 64
    return _mm512_cmp_pd_mask(a, w, _CMP_LE_OQ);
#else
    return _mm512_cmp_ps_mask(a, w, _CMP_LE_OQ);
#endif
#elif defined(FM_ISA_AVX2) && defined(__AVX2__)
#if KQ_IBITS == 64
    return (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(a, w, _CMP_LE_OQ));
#else
    return (uint64_t)_mm256_movemask_ps(_mm256_cmp_ps(a, w, _CMP_LE_OQ));
#endif
#elif defined(__SSE2__)
#if KQ_IBITS == 64
    return (uint64_t)_mm_movemask_pd(_mm_cmple_pd(a, w));
#else
    return (uint64_t)_mm_movemask_ps(_mm_cmple_ps(a, w));
#endif
#else
    const KQ_VI m = a <= w;
    uint64_t bits = 0;
    for (int l = 0; l < KQ_VL; l++) bits |= (uint64_t)(m[l] & 1) << l;
    return bits;
#endif
}

/* One leaf [st, st + cnt) for query q with top-k (D, I) and k-th distance w;
 * returns the new w. The first leaf of a query (*first) fills its empty
 * buffer by rank. Later leaves test their points against w into a bit mask
 * without branches (most points fail, at unpredictable places), then take
 * one iteration per candidate, re-tested as w shrinks. */
KQ_INLINE T KQ(kq_leaf_take)(const KQ(kq_tree) *t, const KQ(kq_knn) *s, T *restrict D,
                             int64_t *restrict I, T w, int *first, const T *restrict q,
                             int64_t st, int64_t cnt, int64_t d, const int metric) {
    const int64_t k = s->k;
    T *restrict acc = s->acc;
    const int64_t *ix = t->idx + st;
    const T *base = t->data + st * d;
    if (!*first && cnt <= 64 && metric != FM_METRIC_MINKOWSKI) {
        /* the usual case: distances and their mask in one pass */
        const KQ_V wv = FM_CAT(fm_vset1_, SUF)(w);
        uint64_t bits = 0;
        for (int64_t j0 = 0; j0 < cnt; j0 += KQ_VL) {
            const KQ_V a = KQ(kq_vdist)(base, cnt, j0, d, q, metric);
            FM_CAT(fm_vstore_, SUF)(acc + j0, a);
            bits |= KQ(kq_vle)(a, wv) << j0;
        }
        if (cnt < 64) bits &= (UINT64_C(1) << cnt) - 1; /* lanes past the leaf */
        while (bits) {
            const int64_t j = __builtin_ctzll(bits);
            bits &= bits - 1;
            if (acc[j] <= w) {
                KQ(topk_push)(D, I, k, acc[j], ix[j]);
                w = KQ(topk_worst)(D, k);
            }
        }
        return w;
    }
    KQ(kq_leaf)(acc, base, cnt, d, q, metric, t->p);
    if (*first) {
        *first = 0;
        if (KQ(kq_rank_place)(D, I, k, acc, ix, cnt, s->rank, s->sd, s->si))
            return KQ(topk_worst)(D, k);
    }
    for (int64_t j0 = 0; j0 < cnt; j0 += 64) {
        const int64_t e = cnt - j0 < 64 ? cnt - j0 : 64;
        uint64_t bits = 0;
        const KQ_V wv = FM_CAT(fm_vset1_, SUF)(w);
        for (int64_t j = 0; j < e; j += KQ_VL)
            bits |= KQ(kq_vle)(FM_CAT(fm_vload_, SUF)(acc + j0 + j), wv) << j;
        if (e < 64) bits &= (UINT64_C(1) << e) - 1; /* lanes past the leaf */
        while (bits) {
            const int64_t j = j0 + __builtin_ctzll(bits);
            bits &= bits - 1;
            if (acc[j] <= w) {
                KQ(topk_push)(D, I, k, acc[j], ix[j]);
                w = KQ(topk_worst)(D, k);
            }
        }
    }
    return w;
}

/* Every leaf of the subtree at `node`, without box tests (see kq_scan_size):
 * node ids are in preorder, so the subtree is the run of ids from `node` whose
 * points start before the node's end. */
KQ_INLINE T KQ(kq_subtree_take)(const KQ(kq_tree) *t, const KQ(kq_knn) *s, T *restrict D,
                                int64_t *restrict I, T w, int *first, const T *restrict q,
                                int64_t node, int64_t d, const int metric) {
    const int64_t end = t->nodes[4 * node + 1];
    for (int64_t id = node; id < t->nnodes; id++) {
        const int64_t *nd = t->nodes + 4 * id;
        if (nd[0] >= end) break;
        if (nd[2] == 0) w = KQ(kq_leaf_take)(t, s, D, I, w, first, q, nd[0], nd[1] - nd[0], d,
                                             metric);
    }
    return w;
}

/* Depth-first search with an explicit stack. A far child whose bound is within
 * the current k-th distance is pushed with its own copy of the offset vector
 * (d values; for d >= 4 the O(d) box test is paid per node anyway), so nothing
 * is restored on the way back; it is re-tested when popped, since the k-th
 * distance w only shrinks. w lives in a register and is re-read from the top-k
 * after each insertion. */
KQ_INLINE void KQ(kq_knn_search)(const KQ(kq_tree) *t, KQ(kq_knn) *s, T rd, const int metric,
                                 const int64_t DC) {
    const int64_t d = DC ? DC : t->d, k = s->k; /* DC: d as a compile-time constant, or 0 */
    const T scale = t->scale;
    const T *restrict q = s->q;
    T *restrict off = s->off, *restrict soff = s->soff;
    T *restrict D = s->D;
    int64_t *restrict I = s->I;
    KQ(kq_frame) *restrict stk = s->stk;
    int64_t sp = 0, node = 0;
    int first = k <= TOPK_SMALL; /* the first leaf fills the empty sorted buffer */
    T w = KQ(topk_worst)(D, k);
    for (;;) {
        const int64_t *nd = t->nodes + 4 * node;
        while (nd[2] != 0 && nd[1] - nd[0] > t->scan) { /* inner node: nearer child, push the other */
            const int64_t dim = nd[3], right = nd[2];
            const T lhi = t->splits[2 * node], rlo = t->splits[2 * node + 1];
            const T qd = q[dim], od = off[dim];
            /* = (qd > lhi ? qd - lhi : od) and (qd < rlo ? rlo - qd : od): od is
             * the offset to an interval containing both children's extents, so
             * it never exceeds a positive qd - lhi or rlo - qd (max, no branch) */
            const T tL = qd - lhi, tR = rlo - qd;
            const T oL = tL > od ? tL : od, oR = tR > od ? tR : od;
            const T rL = KQ(kq_update)(rd, od, oL, metric, t->p);
            const T rR = KQ(kq_update)(rd, od, oR, metric, t->p);
            /* nearer child by the split's midpoint: the same order as rL <= rR up
             * to rounding, but known as soon as q[dim] is loaded, so the descent
             * does not wait on the bound arithmetic */
            const int left_first = qd <= lhi + (rlo - lhi) / 2;
            const int64_t n1 = left_first ? node + 1 : right, n2 = left_first ? right : node + 1;
            const T r1 = left_first ? rL : rR, r2 = left_first ? rR : rL;
            const T o1 = left_first ? oL : oR, o2 = left_first ? oR : oL;
            if (r2 * scale <= w) {
                stk[sp].node = n2;
                stk[sp].rd = r2;
                T *so = soff + sp * d;
                for (int64_t c = 0; c < d; c++) so[c] = off[c];
                so[dim] = o2;
                sp++;
            }
            if (!(r1 * scale <= w) || !KQ(kq_box_ok)(t, q, n1, w, d, metric)) goto pop;
            off[dim] = o1;
            rd = r1;
            node = n1;
            nd = t->nodes + 4 * node;
        }
        w = nd[2] == 0
                ? KQ(kq_leaf_take)(t, s, D, I, w, &first, q, nd[0], nd[1] - nd[0], d, metric)
                : KQ(kq_subtree_take)(t, s, D, I, w, &first, q, node, d, metric);
    pop:
        for (;;) {
            if (sp == 0) return;
            sp--;
            if (stk[sp].rd * scale <= w && KQ(kq_box_ok)(t, q, stk[sp].node, w, d, metric)) break;
        }
        node = stk[sp].node;
        rd = stk[sp].rd;
        for (int64_t c = 0; c < d; c++) off[c] = soff[sp * d + c];
    }
}

typedef void (*KQ(kq_knn_fn))(const KQ(kq_tree) *, KQ(kq_knn) *, T);
#define KQ_KNN_VARIANT(NAME, METRIC, DC)                                                    \
    static void KQ(NAME)(const KQ(kq_tree) * t, KQ(kq_knn) * s, T rd) {                     \
        KQ(kq_knn_search)(t, s, rd, METRIC, DC);                                            \
    }
KQ_KNN_VARIANT(kq_knn_l2, FM_METRIC_SQEUCLIDEAN, 0)
KQ_KNN_VARIANT(kq_knn_l2_d2, FM_METRIC_SQEUCLIDEAN, 2)
KQ_KNN_VARIANT(kq_knn_l2_d3, FM_METRIC_SQEUCLIDEAN, 3)
KQ_KNN_VARIANT(kq_knn_l1, FM_METRIC_MANHATTAN, 0)
KQ_KNN_VARIANT(kq_knn_linf, FM_METRIC_CHEBYSHEV, 0)
KQ_KNN_VARIANT(kq_knn_lp, FM_METRIC_MINKOWSKI, 0)
#include "kdtree_group_tmpl.h"

#undef KQ_V
#undef KQ_VL
#undef KQ_VI
