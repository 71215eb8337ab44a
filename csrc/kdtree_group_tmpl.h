/* kdtree_group_tmpl.h -- k-nearest search for a group of queries that share a
 * home leaf, d <= KG_DMAX (included by kdtree_knn_tmpl.h; see kdtree.c).
 *
 * At d = 3 a single query visits ~40 inner nodes and ~10 leaves for k = 10,
 * and the per-node work (loads, bound update, an unpredictable branch) costs
 * as much as the leaf scans; at d = 8-16 the O(d) box test at each node does. Queries processed in leaf order come in runs with
 * the same home leaf, whose searches visit nearly the same nodes; the group
 * walks the tree once: at each node the tight box's bound is computed for all
 * queries of the group at once (vectorised across queries, coordinates stored
 * per dimension), the node is skipped when no query needs it, and a leaf is
 * scanned only for the queries whose bound admits it. The full box is tighter
 * than the single query's O(1) bound (about 25% fewer leaf scans at d = 3),
 * and its cost is shared by the group. Each query keeps its own top-k and
 * k-th distance; the answer is exact, so it does not depend on the grouping. */
#define KG_MAX 16  /* queries per group (a multiple of every vector length) */
#define KG_DMAX 32 /* largest d searched in groups, the range where algorithm="auto" picks
                    * the tree (single-query time / grouped time, measured at k = 10 on
                    * 64 clusters: 1.3x at d = 3, 2.1x at d = 8-16, 2.2-2.4x at d = 24-32) */
#define KG_NV (KG_MAX / KQ_VL)

typedef struct {
    int64_t n;            /* queries in the group, <= KG_MAX */
    const T *q[KG_MAX];   /* their rows */
    T qs[KG_DMAX][KG_MAX]; /* coordinates by dimension (slots >= n: 0) */
    T w[KG_MAX];          /* k-th distance per query (slots >= n: -inf) */
    T qc[KG_DMAX];        /* centroid: child order */
    int first[KG_MAX];
} KQ(kq_group);

/* metric: squared euclidean, manhattan or chebyshev (not minkowski: pow);
 * DC: d as a compile-time constant, or 0 */
KQ_INLINE void KQ(kq_group_search)(const KQ(kq_tree) *t, KQ(kq_knn) *s, KQ(kq_group) *g,
                                   T *restrict D, int64_t *restrict I, const int metric,
                                   const int64_t DC) {
    const int64_t d = DC ? DC : t->d;
    const int64_t k = s->k;
    const T scale = t->scale;
    int64_t *restrict stk = (int64_t *)s->stk; /* node ids only */
    int64_t sp = 0, node = 0;
    for (;;) {
        /* reduced distance from each query of the group to the node's tight box,
         * a vector of queries at a time */
        const T *lo = t->boxes + 2 * d * node, *hi = lo + d;
        KQ_V b[KG_NV];
        uint64_t need = 0; /* bit j: query j needs the node */
        for (int v = 0; v < KG_NV; v++) {
            KQ_V acc = FM_CAT(fm_vset1_, SUF)(0);
            for (int64_t c = 0; c < d; c++) {
                const KQ_V x = FM_CAT(fm_vload_, SUF)(g->qs[c] + v * KQ_VL);
                const KQ_V o = FM_CAT(fm_vmax_, SUF)(
                    FM_CAT(fm_vmax_, SUF)(lo[c] - x, x - hi[c]), FM_CAT(fm_vset1_, SUF)(0));
                if (metric == FM_METRIC_MANHATTAN) acc += o;
                else if (metric == FM_METRIC_CHEBYSHEV) acc = FM_CAT(fm_vmax_, SUF)(acc, o);
                else acc += o * o;
            }
            b[v] = acc * scale;
            need |= KQ(kq_vle)(b[v], FM_CAT(fm_vload_, SUF)(g->w + v * KQ_VL)) << (v * KQ_VL);
        }
        if (need) {
            const int64_t *nd = t->nodes + 4 * node;
            if (nd[2] != 0 && nd[1] - nd[0] > t->scan) { /* nearer child (for the centroid)
                                                          * next, the other stacked */
                const int64_t dim = nd[3];
                const T lhi = t->splits[2 * node], rlo = t->splits[2 * node + 1];
                const int left_first = g->qc[dim] <= lhi + (rlo - lhi) / 2;
                stk[sp++] = left_first ? nd[2] : node + 1;
                node = left_first ? node + 1 : nd[2];
                continue;
            }
            do { /* the leaf, for each query that needs it */
                const int j = __builtin_ctzll(need);
                need &= need - 1;
                g->w[j] = nd[2] == 0 ? KQ(kq_leaf_take)(t, s, D + j * k, I + j * k, g->w[j],
                                                        &g->first[j], g->q[j], nd[0],
                                                        nd[1] - nd[0], d, metric)
                                     : KQ(kq_subtree_take)(t, s, D + j * k, I + j * k, g->w[j],
                                                           &g->first[j], g->q[j], node, d,
                                                           metric);
            } while (need);
        }
        if (sp == 0) return;
        node = stk[--sp];
    }
}

typedef void (*KQ(kq_group_fn))(const KQ(kq_tree) *, KQ(kq_knn) *, KQ(kq_group) *, T *,
                                int64_t *);
#define KQ_GROUP_VARIANT(NAME, METRIC, DC)                                                  \
    static void KQ(NAME)(const KQ(kq_tree) * t, KQ(kq_knn) * s, KQ(kq_group) * g, T * D,     \
                         int64_t * I) {                                                     \
        KQ(kq_group_search)(t, s, g, D, I, METRIC, DC);                                     \
    }
KQ_GROUP_VARIANT(kq_group_l2, FM_METRIC_SQEUCLIDEAN, 0)
KQ_GROUP_VARIANT(kq_group_l2_d2, FM_METRIC_SQEUCLIDEAN, 2)
KQ_GROUP_VARIANT(kq_group_l2_d3, FM_METRIC_SQEUCLIDEAN, 3)
KQ_GROUP_VARIANT(kq_group_l2_d8, FM_METRIC_SQEUCLIDEAN, 8)
KQ_GROUP_VARIANT(kq_group_l1, FM_METRIC_MANHATTAN, 0)
KQ_GROUP_VARIANT(kq_group_linf, FM_METRIC_CHEBYSHEV, 0)
#undef KQ_GROUP_VARIANT
#undef KG_NV
