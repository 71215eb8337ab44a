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

/* ---- entry points ------------------------------------------------------------ */
static void KQ(kq_setup)(KQ(kq_tree) *kt, const fm_kdtree *t, double p) {
    kt->data = (const T *)t->data;
    kt->idx = t->idx;
    kt->nodes = t->nodes;
    kt->splits = (const T *)t->splits;
    kt->boxes = (const T *)t->bounds;
    kt->d = t->d;
    kt->p = (T)p;
    kt->scale = (T)1 - (T)(4 * (t->d + 64)) * EPS;
}

/* offsets of q to the root box and the root's reduced bound */
static T KQ(kq_root)(T *off, const fm_kdtree *t, const T *q, const int metric, T p) {
    const T *lo = (const T *)t->bounds, *hi = lo + t->d;
    T rd = 0;
    for (int64_t k = 0; k < t->d; k++) {
        const T o = q[k] < lo[k] ? lo[k] - q[k] : (q[k] > hi[k] ? q[k] - hi[k] : 0);
        off[k] = o;
        if (metric == FM_METRIC_CHEBYSHEV) rd = rd > o ? rd : o;
        else rd += KQ(kq_term)(o, metric, p);
    }
    return rd;
}

static int KQ(kq_metric_ok)(int metric) {
    return metric == FM_METRIC_EUCLIDEAN || metric == FM_METRIC_SQEUCLIDEAN ||
           metric == FM_METRIC_MANHATTAN || metric == FM_METRIC_CHEBYSHEV ||
           metric == FM_METRIC_MINKOWSKI;
}

/* final distances of one query into its output rows (dist may be NULL) */
KQ_INLINE void KQ(kq_emit)(T *dist, int64_t *ind, int64_t i, T *restrict D, int64_t *restrict I,
                           int64_t k, const int metric, T p) {
    KQ(topk_finish)(D, I, k);
    int64_t *restrict oi = ind + i * k;
    for (int64_t j = 0; j < k; j++) oi[j] = I[j];
    if (dist) {
        T *restrict out = dist + i * k;
        for (int64_t j = 0; j < k; j++) out[j] = KQ(kq_final)(D[j], metric, p);
    }
}

/* Queries are processed in the order of the leaf they fall in, so that
 * consecutive queries (of one thread's chunk) touch the same leaves and nodes:
 * far fewer cache misses than input order. Results do not depend on it. */
#define KQ_ORDER_MIN 2048
/* From d = 4 the grouped search pays off with fewer queries (groups of one or
 * two still gain from the shared full-box test: 1.4x at d = 8-16, nq = 1000) */
#define KQ_GROUP_MIN 512
/* search stack: at most one pending far child per level of the tree, whose
 * depth is below 64 for any n < 2^63 (children halve the count) */
#define KQ_DEPTH 66
#define KQ_SCRATCH_K 256 /* top-k in private scratch up to this k */
#define KQ_AHEAD 4       /* prefetch distance in queries */

/* home[i] = the leaf that query Q[i0 + i] falls in (by split midpoints), for
 * i < m <= 8: the m descents advance level by level together, so their cache
 * misses overlap instead of forming one dependent chain per query. */
static void KQ(kq_home_leaves)(int64_t *home, const KQ(kq_tree) *t, const T *Q, int64_t i0,
                               int64_t m) {
    int64_t node[8] = {0};
    for (int more = 1; more;) {
        more = 0;
        for (int64_t j = 0; j < m; j++) {
            const int64_t *nd = t->nodes + 4 * node[j];
            if (nd[2] == 0) continue;
            const T lhi = t->splits[2 * node[j]], rlo = t->splits[2 * node[j] + 1];
            node[j] = Q[(i0 + j) * t->d + nd[3]] <= lhi + (rlo - lhi) / 2 ? node[j] + 1 : nd[2];
            more = 1;
        }
    }
    for (int64_t j = 0; j < m; j++) home[j] = node[j];
}

/* order[nq..2nq) holds keys in [0, nkeys); writes the stable sorted positions to order[0..nq) */
static void KQ(kq_counting_sort)(int64_t *order, int64_t nq, int64_t nkeys) {
    int64_t *cnt = (int64_t *)calloc((size_t)nkeys + 1, sizeof(int64_t));
    if (!cnt) {
        for (int64_t i = 0; i < nq; i++) order[i] = i;
        return;
    }
    const int64_t *key = order + nq;
    for (int64_t i = 0; i < nq; i++) cnt[key[i] + 1]++;
    for (int64_t b = 0; b < nkeys; b++) cnt[b + 1] += cnt[b];
    for (int64_t i = 0; i < nq; i++) order[cnt[key[i]]++] = i;
    free(cnt);
}

static int FM_ISA_FN(KQ(fm_kdtree_query))(T *dist, int64_t *ind, const fm_kdtree *t,
                                          const T *Q, int64_t nq, int64_t k, int metric,
                                          double p, int nthreads) {
    if (!KQ(kq_metric_ok)(metric)) return FM_EINVAL;
    KQ(kq_tree) kt;
    KQ(kq_setup)(&kt, t, p);
    const int rmetric = metric == FM_METRIC_EUCLIDEAN ? FM_METRIC_SQEUCLIDEAN : metric;
    KQ(kq_knn_fn) fn = rmetric == FM_METRIC_MANHATTAN   ? KQ(kq_knn_l1)
                       : rmetric == FM_METRIC_CHEBYSHEV ? KQ(kq_knn_linf)
                       : rmetric == FM_METRIC_MINKOWSKI ? KQ(kq_knn_lp)
                       : t->d == 2                      ? KQ(kq_knn_l2_d2)
                       : t->d == 3                      ? KQ(kq_knn_l2_d3)
                                                        : KQ(kq_knn_l2);
    const int64_t d = t->d;
    double lg = 1;
    for (int64_t m = t->n; m > 1; m >>= 1) lg += 1;
    const int nt = fm_team_size(nthreads, (double)nq * ((double)d * 16.0 * lg + 4.0 * (double)k));
    int failed = 0;
    /* queries sharing a home leaf are searched as a group (kdtree_group_tmpl.h) */
    KQ(kq_group_fn) gfn = d > KG_DMAX                       ? NULL
                          : rmetric == FM_METRIC_MANHATTAN   ? KQ(kq_group_l1)
                          : rmetric == FM_METRIC_CHEBYSHEV   ? KQ(kq_group_linf)
                          : rmetric == FM_METRIC_MINKOWSKI   ? NULL
                          : d == 2                           ? KQ(kq_group_l2_d2)
                          : d == 3                           ? KQ(kq_group_l2_d3)
                          : d == 8                           ? KQ(kq_group_l2_d8)
                                                             : KQ(kq_group_l2);
    const int grouped = gfn && k <= TOPK_SMALL &&
                        (nq >= KQ_ORDER_MIN || (d >= 4 && nq >= KQ_GROUP_MIN));
    int64_t *order = nq >= KQ_ORDER_MIN || grouped
                         ? (int64_t *)malloc((size_t)((grouped ? 3 : 2) * nq + 1) * sizeof(int64_t))
                         : NULL;
    int64_t *gstart = order + 2 * nq, ng = 0; /* group g: sorted positions [gstart[g], gstart[g+1]) */
    _Pragma("omp parallel num_threads(nt)")
    {
        /* off[d] | acc[max_leaf + 64] | soff[KQ_DEPTH * d] | D[k]; and I[k]. The top-k
         * lives in this private scratch (in L1) and is copied to the output row
         * at the end: rows are visited in leaf order, i.e. at random, and the
         * many stores of insertions into a row whose cache lines are still
         * being fetched would stall on the store queue. Beyond KQ_SCRATCH_K
         * the output rows are used directly (O(k) per query either way). */
        const int scratch = k <= KQ_SCRATCH_K;
        const int64_t wlen = d + t->max_leaf + 64 + KQ_DEPTH * d;
        T *work = (T *)malloc((size_t)(wlen + (scratch || !dist ? k : 0)) * sizeof(T));
        int64_t *iwork = scratch ? (int64_t *)malloc((size_t)k * sizeof(int64_t)) : NULL;
        KQ(kq_frame) *stk = (KQ(kq_frame) *)malloc(KQ_DEPTH * sizeof(KQ(kq_frame)));
        KQ_RI *rank = (KQ_RI *)malloc((size_t)(t->max_leaf + 64) * sizeof(KQ_RI));
        T *sd = (T *)malloc((size_t)t->max_leaf * sizeof(T));
        int64_t *si = (int64_t *)malloc((size_t)t->max_leaf * sizeof(int64_t));
        T *gD = grouped ? (T *)malloc((size_t)(KG_MAX * k) * sizeof(T)) : NULL;
        int64_t *gI = grouped ? (int64_t *)malloc((size_t)(KG_MAX * k) * sizeof(int64_t)) : NULL;
        if (!work || !stk || !rank || !sd || !si || (scratch && !iwork) ||
            (grouped && (!gD || !gI))) {
            _Pragma("omp atomic write")
            failed = 1;
        }
        KQ(kq_knn) s;
        s.off = work;
        s.acc = work ? work + d : NULL;
        s.soff = work ? work + d + t->max_leaf + 64 : NULL;
        s.stk = stk;
        s.rank = rank;
        s.sd = sd;
        s.si = si;
        s.k = k;
        if (order) {
            _Pragma("omp for schedule(static)")
            for (int64_t i = 0; i < nq; i += 8)
                KQ(kq_home_leaves)(order + nq + i, &kt, Q, i, nq - i < 8 ? nq - i : 8);
            _Pragma("omp single")
            {
                KQ(kq_counting_sort)(order, nq, t->nnodes);
                if (grouped) { /* runs of one home leaf, cut at KG_MAX queries */
                    for (int64_t ii = 0; ii < nq; ii++)
                        if (ii == 0 || order[nq + order[ii]] != order[nq + order[ii - 1]] ||
                            ii - gstart[ng - 1] == KG_MAX)
                            gstart[ng++] = ii;
                    gstart[ng] = nq;
                }
            }
        }
        if (grouped) {
            _Pragma("omp for schedule(dynamic, 4)")
            for (int64_t gi = 0; gi < ng; gi++) {
                if (failed) continue;
                if (gi + 1 < ng) /* the next group's rows (queries are visited at random) */
                    for (int64_t ii = gstart[gi + 1]; ii < gstart[gi + 2]; ii++)
                        __builtin_prefetch(Q + order[ii] * d);
                KQ(kq_group) g;
                g.n = gstart[gi + 1] - gstart[gi];
                for (int64_t c = 0; c < d; c++) g.qc[c] = 0;
                for (int64_t j = 0; j < KG_MAX; j++) {
                    const int in = j < g.n;
                    g.q[j] = in ? Q + order[gstart[gi] + j] * d : Q;
                    for (int64_t c = 0; c < d; c++) {
                        g.qs[c][j] = in ? g.q[j][c] : 0;
                        g.qc[c] += g.qs[c][j];
                    }
                    g.w[j] = in ? (T)INFINITY : -(T)INFINITY;
                    g.first[j] = 1;
                }
                for (int64_t c = 0; c < d; c++) g.qc[c] /= (T)g.n;
                for (int64_t j = 0; j < g.n; j++) KQ(topk_init)(gD + j * k, gI + j * k, k);
                gfn(&kt, &s, &g, gD, gI);
                for (int64_t j = 0; j < g.n; j++)
                    KQ(kq_emit)(dist, ind, order[gstart[gi] + j], gD + j * k, gI + j * k, k,
                                metric, kt.p);
            }
        } else {
        _Pragma("omp for schedule(dynamic, 16)")
        for (int64_t ii = 0; ii < nq; ii++) {
            if (failed) continue;
            const int64_t i = order ? order[ii] : ii;
            if (order && ii + KQ_AHEAD < nq) /* the query rows are visited at random */
                __builtin_prefetch(Q + order[ii + KQ_AHEAD] * d);
            s.q = Q + i * d;
            s.D = scratch || !dist ? work + wlen : dist + i * k;
            s.I = scratch ? iwork : ind + i * k;
            KQ(topk_init)(s.D, s.I, k);
            const T rd = KQ(kq_root)(s.off, t, s.q, rmetric, kt.p);
            fn(&kt, &s, rd);
            if (scratch) KQ(kq_emit)(dist, ind, i, s.D, s.I, k, metric, kt.p);
            else {
                KQ(topk_finish)(s.D, s.I, k);
                if (dist && (metric == FM_METRIC_EUCLIDEAN || metric == FM_METRIC_MINKOWSKI))
                    for (int64_t j = 0; j < k; j++) s.D[j] = KQ(kq_final)(s.D[j], metric, kt.p);
            }
        }
        }
        free(work);
        free(stk);
        free(iwork);
        free(rank);
        free(sd);
        free(si);
        free(gD);
        free(gI);
    }
    free(order);
    return failed ? FM_ENOMEM : FM_OK;
}

/* Count pass (counts != NULL): counts[i] = points within r of query i.
 * Fill pass (counts == NULL): writes ind/dist (dist may be NULL) at
 * [offsets[i], offsets[i+1]), in tree order or sorted by (dist, ind). r has nr
 * entries: 1 (shared) or nq. Within means distance <= r. */
static int FM_ISA_FN(KQ(fm_kdtree_radius))(int64_t *counts, int64_t *ind, T *dist,
                                           const int64_t *offsets, const fm_kdtree *t,
                                           const T *Q, int64_t nq, const double *r, int64_t nr,
                                           int metric, double p, int sort, int nthreads) {
    if (!KQ(kq_metric_ok)(metric)) return FM_EINVAL;
    if (!counts && (!ind || !offsets)) return FM_EINVAL;
    if (sort && !counts && !dist) return FM_EINVAL;
    KQ(kq_tree) kt;
    KQ(kq_setup)(&kt, t, p);
    const int rmetric = metric == FM_METRIC_EUCLIDEAN ? FM_METRIC_SQEUCLIDEAN : metric;
    KQ(kq_rad_fn) fn = metric == FM_METRIC_EUCLIDEAN    ? KQ(kq_rad_l2)
                       : metric == FM_METRIC_MANHATTAN ? KQ(kq_rad_l1)
                       : metric == FM_METRIC_CHEBYSHEV ? KQ(kq_rad_linf)
                       : metric == FM_METRIC_MINKOWSKI ? KQ(kq_rad_lp)
                                                       : KQ(kq_rad_sq);
    const int64_t d = t->d;
    const T slack = (T)1 + (T)(4 * (d + 64)) * EPS;
    double lg = 1;
    for (int64_t m = t->n; m > 1; m >>= 1) lg += 1;
    const int nt = fm_team_size(nthreads, (double)nq * (double)d * 16.0 * lg);
    int failed = 0;
    _Pragma("omp parallel num_threads(nt)")
    {
        T *work = (T *)malloc((size_t)(d + t->max_leaf + 64) * sizeof(T));
        if (!work) {
            _Pragma("omp atomic write")
            failed = 1;
        }
        KQ(kq_rad) s;
        s.off = work;
        s.acc = work ? work + d : NULL;
        _Pragma("omp for schedule(dynamic, 16)")
        for (int64_t i = 0; i < nq; i++) {
            if (!work) continue;
            const T ri = (T)r[nr == 1 ? 0 : i];
            s.q = Q + i * d;
            s.r = ri;
            s.rr = (metric == FM_METRIC_EUCLIDEAN ? ri * ri
                    : metric == FM_METRIC_MINKOWSKI ? POW(ri, kt.p)
                                                    : ri) * slack;
            s.cnt = 0;
            s.ind = counts ? NULL : ind + offsets[i];
            s.dist = counts ? NULL : (dist ? dist + offsets[i] : NULL);
            const T rd = KQ(kq_root)(s.off, t, s.q, rmetric, kt.p);
            fn(&kt, &s, 0, rd);
            if (counts) counts[i] = s.cnt;
            else if (sort) KQ(topk_sort_pairs)(s.dist, s.ind, s.cnt);
        }
        free(work);
    }
    return failed ? FM_ENOMEM : FM_OK;
}

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
