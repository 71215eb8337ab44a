/* kdtree_query_tmpl.h -- k-d tree queries for one dtype at one ISA level.
 * Included by kdtree_simd.c with T, SUF, SQRT, POW and EPS defined; the
 * algorithm (layout, incremental bounds, tie rule, top-k) is described in
 * kdtree.c. Searches are specialised per metric (and k-nearest for d = 2, 3):
 * each kq_*_body / kq_knn_search is inlined into a per-metric function, so the
 * metric (and d) is a compile-time constant inside the leaf scan. */
#define KQ_CAT_(a, b) a##_##b
#define KQ_CAT(a, b) KQ_CAT_(a, b)
#define KQ(name) KQ_CAT(name, SUF)
#define KQ_INLINE static inline __attribute__((always_inline))
#define KQ_RI FM_CAT3(int, KQ_IBITS, _t) /* integer of T's size (vector compare lanes) */


typedef struct {
    const T *data;
    const int64_t *idx, *nodes;
    const T *splits;
    const T *boxes; /* [nnodes, 2, d] */
    int64_t d;
    int64_t nnodes;
    int64_t scan; /* k-nearest: a node of at most `scan` points has all its leaves
                   * scanned without box tests (>= max_leaf; see kq_scan_size) */
    T p, scale; /* minkowski order; prune when bound * scale > k-th distance */
} KQ(kq_tree);

/* a far child waiting on the search stack (its offsets are stored alongside) */
typedef struct {
    int64_t node;
    T rd;
} KQ(kq_frame);

typedef struct {
    const T *q;
    T *off, *acc; /* per-dimension offsets to the node's box; leaf distances */
    T *soff;      /* [KQ_DEPTH, d] offsets of the stacked nodes */
    KQ(kq_frame) *stk; /* [KQ_DEPTH] */
    T *D;         /* k slots (sorted buffer or max-heap) */
    int64_t *I;
    KQ_RI *rank;  /* [max_leaf + 64]: ranks within the first leaf */
    T *sd;        /* [max_leaf]: the first leaf sorted by rank */
    int64_t *si;
    int64_t k;
} KQ(kq_knn);

typedef struct {
    const T *q;
    T *off, *acc;
    T rr, r;       /* prefilter on reduced distance; exact test on the distance */
    int64_t cnt;   /* points found so far */
    int64_t *ind;  /* fill pass: output positions (NULL: count only) */
    T *dist;
} KQ(kq_rad);

/* contribution of one coordinate offset t >= 0 to the reduced distance */
KQ_INLINE T KQ(kq_term)(T t, const int metric, T p) {
    switch (metric) {
    case FM_METRIC_MANHATTAN:
    case FM_METRIC_CHEBYSHEV: return t;
    case FM_METRIC_MINKOWSKI: return POW(t, p);
    default: return t * t;
    }
}

/* reduced bound after one offset changes from o to o2 (o2 >= o) */
KQ_INLINE T KQ(kq_update)(T rd, T o, T o2, const int metric, T p) {
    if (metric == FM_METRIC_CHEBYSHEV) return rd > o2 ? rd : o2;
    /* (t - t is exactly 0: no branch needed when o2 == o, except to skip pow) */
    if (metric == FM_METRIC_MINKOWSKI && o2 == o) return rd;
    return rd + (KQ(kq_term)(o2, metric, p) - KQ(kq_term)(o, metric, p));
}

KQ_INLINE T KQ(kq_final)(T v, const int metric, T p) {
    if (metric == FM_METRIC_EUCLIDEAN) return SQRT(v);
    if (metric == FM_METRIC_MINKOWSKI) return POW(v, (T)1 / p);
    return v;
}

/* reduced distance from q to the box (lo row, hi row) */
KQ_INLINE T KQ(kq_box_bound)(const T *lo, int64_t d, const T *q, const int metric, T p) {
    const T *hi = lo + d;
    T rd = 0;
    for (int64_t k = 0; k < d; k++) {
        const T o = q[k] < lo[k] ? lo[k] - q[k] : (q[k] > hi[k] ? q[k] - hi[k] : 0);
        if (metric == FM_METRIC_CHEBYSHEV) rd = rd > o ? rd : o;
        else rd += KQ(kq_term)(o, metric, p);
    }
    return rd;
}

/* acc[j] = reduced distance from q to the leaf's j-th point (feature-major
 * block `base` of cnt points). One vector of points at a time with all d
 * features accumulated in a register (no store/load chain through acc); the
 * last vector may read up to VL-1 values past the block: the tree's data array
 * carries KD_PAD spare rows for that, and lanes >= cnt are never used. The
 * summation order over features is the same as the scalar formula's. */
#define KQ_V FM_CAT(fm_v, SUF)
#define KQ_VL FM_CAT(FM_VL_, SUF)
#define KQ_VI FM_CAT(fm_vi, KQ_IBITS)
/* reduced distances from q to the points j0 .. j0 + VL - 1 of a leaf block */
KQ_INLINE KQ_V KQ(kq_vdist)(const T *restrict base, int64_t cnt, int64_t j0, int64_t d,
                            const T *restrict q, const int metric) {
    KQ_V a = FM_CAT(fm_vset1_, SUF)(0);
    for (int64_t k = 0; k < d; k++) {
        const KQ_V t = FM_CAT(fm_vload_, SUF)(base + k * cnt + j0) - q[k];
        if (metric == FM_METRIC_MANHATTAN) a += FM_CAT(fm_vabs_, SUF)(t);
        else if (metric == FM_METRIC_CHEBYSHEV)
            a = FM_CAT(fm_vmax_, SUF)(a, FM_CAT(fm_vabs_, SUF)(t));
        else a += t * t;
    }
    return a;
}

KQ_INLINE void KQ(kq_leaf)(T *restrict acc, const T *restrict base, int64_t cnt, int64_t d,
                           const T *restrict q, const int metric, T p) {
    if (metric == FM_METRIC_MINKOWSKI) { /* pow is scalar anyway */
        for (int64_t j = 0; j < cnt; j++) acc[j] = 0;
        for (int64_t k = 0; k < d; k++) {
            const T *restrict row = base + k * cnt;
            const T qk = q[k];
            for (int64_t j = 0; j < cnt; j++) {
                const T t = row[j] - qk;
                acc[j] += POW(t < 0 ? -t : t, p);
            }
        }
        return;
    }
    for (int64_t j0 = 0; j0 < cnt; j0 += KQ_VL)
        FM_CAT(fm_vstore_, SUF)(acc + j0, KQ(kq_vdist)(base, cnt, j0, d, q, metric));
}
#undef KQ_V
#undef KQ_VL
#undef KQ_VI

#include "topk_tmpl.h"
#include "kdtree_knn_tmpl.h"

/* ---- radius ---------------------------------------------------------------- */
typedef void (*KQ(kq_rad_fn))(const KQ(kq_tree) *, KQ(kq_rad) *, int64_t, T);

KQ_INLINE void KQ(kq_rad_body)(const KQ(kq_tree) *t, KQ(kq_rad) *s, int64_t node, T rd,
                               const int metric, const int final_metric, KQ(kq_rad_fn) self) {
    const int64_t *nd = t->nodes + 4 * node;
    const int64_t right = nd[2];
    if (right == 0) {
        const int64_t st = nd[0], cnt = nd[1] - st;
        KQ(kq_leaf)(s->acc, t->data + st * t->d, cnt, t->d, s->q, metric, t->p);
        for (int64_t j = 0; j < cnt; j++) {
            if (s->acc[j] <= s->rr) {
                const T fd = KQ(kq_final)(s->acc[j], final_metric, t->p);
                if (fd <= s->r) {
                    if (s->ind) {
                        s->ind[s->cnt] = t->idx[st + j];
                        if (s->dist) s->dist[s->cnt] = fd;
                    }
                    s->cnt++;
                }
            }
        }
        return;
    }
    const int64_t dim = nd[3];
    const T lhi = t->splits[2 * node], rlo = t->splits[2 * node + 1];
    const T qd = s->q[dim], od = s->off[dim];
    const T oL = qd > lhi ? qd - lhi : od, oR = qd < rlo ? rlo - qd : od;
    const T rL = KQ(kq_update)(rd, od, oL, metric, t->p);
    const T rR = KQ(kq_update)(rd, od, oR, metric, t->p);
    if (rL * t->scale <= s->rr) { /* left then right: output in tree order */
        s->off[dim] = oL;
        self(t, s, node + 1, rL);
    }
    if (rR * t->scale <= s->rr) {
        s->off[dim] = oR;
        self(t, s, right, rR);
    }
    s->off[dim] = od;
}

#define KQ_RAD_VARIANT(NAME, METRIC, FINAL)                                                 \
    static void KQ(NAME)(const KQ(kq_tree) * t, KQ(kq_rad) * s, int64_t node, T rd) {       \
        KQ(kq_rad_body)(t, s, node, rd, METRIC, FINAL, KQ(NAME));                           \
    }
KQ_RAD_VARIANT(kq_rad_l2, FM_METRIC_SQEUCLIDEAN, FM_METRIC_EUCLIDEAN)
KQ_RAD_VARIANT(kq_rad_sq, FM_METRIC_SQEUCLIDEAN, FM_METRIC_SQEUCLIDEAN)
KQ_RAD_VARIANT(kq_rad_l1, FM_METRIC_MANHATTAN, FM_METRIC_MANHATTAN)
KQ_RAD_VARIANT(kq_rad_linf, FM_METRIC_CHEBYSHEV, FM_METRIC_CHEBYSHEV)
KQ_RAD_VARIANT(kq_rad_lp, FM_METRIC_MINKOWSKI, FM_METRIC_MINKOWSKI)

/* ---- entry points (kdtree_search_tmpl.h) -------------------------------------- */
#include "kdtree_search_tmpl.h"

#undef KQ_CAT_
#undef KQ_CAT
#undef KQ
#undef KQ_INLINE
#undef KQ_RI
#undef KQ_KNN_VARIANT
#undef KQ_RAD_VARIANT
#undef KQ_ORDER_MIN
#undef KQ_GROUP_MIN
#undef KQ_DEPTH
#undef KQ_SCRATCH_K
#undef KQ_AHEAD
#undef KG_MAX
#undef KG_DMAX
