/* kdtree_search_tmpl.h -- the k-d tree query drivers for one dtype at one ISA
 * level: tree setup, query ordering by home leaf and grouping, the parallel
 * loops of the k-nearest and radius searches (entry points of the level's
 * table). Included by kdtree_query_tmpl.h after the searches it runs. */
static void KQ(kq_setup)(KQ(kq_tree) *kt, const fm_kdtree *t, double p) {
    kt->data = (const T *)t->data;
    kt->idx = t->idx;
    kt->nodes = t->nodes;
    kt->splits = (const T *)t->splits;
    kt->boxes = (const T *)t->bounds;
    kt->d = t->d;
    kt->nnodes = t->nnodes;
    kt->scan = t->max_leaf;
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

/* The k-nearest search scans every leaf of a node of at most `scan` points,
 * without the box tests below it (the tree keeps its build leaf size; radius
 * searches are unchanged). From d ~ 8 on a search reaches many small nodes
 * whose boxes barely prune, and per node it pays an O(d) box test (16 queries
 * at once when grouped) and a stack push, while the leaf scans are streams of
 * vector distance computations: measured with leaf_size on make_classification
 * data (n = 100 000, 1000 queries, k = 10 and 100, 2 threads), blocks of ~2 d^2
 * points were fastest -- query time relative to leaf_size = 30: d = 8 0.5-0.6
 * (128), d = 16 0.3-0.4 (512); below d = 6 the build's leaves are about that
 * size already and the search is unchanged. Capped at KQ_SCAN_MAX. */
#define KQ_SCAN_MAX 512
static int64_t KQ(kq_scan_size)(const fm_kdtree *t) {
    if (t->d < 6) return t->max_leaf; /* the build's leaves (2 d^2 < ~2 leaf_size) */
    const int64_t want = 2 * t->d * t->d < KQ_SCAN_MAX ? 2 * t->d * t->d : KQ_SCAN_MAX;
    return want > t->max_leaf ? want : t->max_leaf;
}

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
            if (nd[2] == 0 || nd[1] - nd[0] <= t->scan) continue;
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

/* One group of queries sharing a home leaf (sorted positions [a, b) of order)
 * searched together; the next group's rows are prefetched (rows are visited
 * at random). */
static void KQ(kq_run_group)(T *dist, int64_t *ind, const KQ(kq_tree) *kt, KQ(kq_knn) *s,
                             KQ(kq_group_fn) gfn, const T *Q, const int64_t *order, int64_t a,
                             int64_t b, int64_t next_end, T *gD, int64_t *gI, int metric) {
    const int64_t d = kt->d, k = s->k;
    for (int64_t ii = b; ii < next_end; ii++) __builtin_prefetch(Q + order[ii] * d);
    KQ(kq_group) g;
    g.n = b - a;
    for (int64_t c = 0; c < d; c++) g.qc[c] = 0;
    for (int64_t j = 0; j < KG_MAX; j++) {
        const int in = j < g.n;
        g.q[j] = in ? Q + order[a + j] * d : Q;
        for (int64_t c = 0; c < d; c++) {
            g.qs[c][j] = in ? g.q[j][c] : 0;
            g.qc[c] += g.qs[c][j];
        }
        g.w[j] = in ? (T)INFINITY : -(T)INFINITY;
        g.first[j] = 1;
    }
    for (int64_t c = 0; c < d; c++) g.qc[c] /= (T)g.n;
    for (int64_t j = 0; j < g.n; j++) KQ(topk_init)(gD + j * k, gI + j * k, k);
    gfn(kt, s, &g, gD, gI);
    for (int64_t j = 0; j < g.n; j++)
        KQ(kq_emit)(dist, ind, order[a + j], gD + j * k, gI + j * k, k, metric, kt->p);
}

/* One query on its own (i: its row); the top-k lives in the thread's scratch
 * (s->D, s->I preset) unless k > KQ_SCRATCH_K (then in the output rows). */
KQ_INLINE void KQ(kq_run_one)(T *dist, int64_t *ind, const KQ(kq_tree) *kt, KQ(kq_knn) *s,
                              KQ(kq_knn_fn) fn, const fm_kdtree *t, const T *Q, int64_t i,
                              int scratch, T *sD, int metric, int rmetric) {
    const int64_t d = kt->d, k = s->k;
    s->q = Q + i * d;
    s->D = scratch || !dist ? sD : dist + i * k;
    if (!scratch) s->I = ind + i * k;
    KQ(topk_init)(s->D, s->I, k);
    const T rd = KQ(kq_root)(s->off, t, s->q, rmetric, kt->p);
    fn(kt, s, rd);
    if (scratch) {
        KQ(kq_emit)(dist, ind, i, s->D, s->I, k, metric, kt->p);
    } else {
        KQ(topk_finish)(s->D, s->I, k);
        if (dist && (metric == FM_METRIC_EUCLIDEAN || metric == FM_METRIC_MINKOWSKI))
            for (int64_t j = 0; j < k; j++) s->D[j] = KQ(kq_final)(s->D[j], metric, kt->p);
    }
}

/* Inside the parallel region: order[0..nq) = the queries sorted by home leaf
 * and, when grouped, gstart[0..*ng] = the groups' starts (runs of one home
 * leaf, cut at KG_MAX queries). *ng is shared, set after the single's barrier. */
static void KQ(kq_order_queries)(int64_t *order, int64_t *gstart, int64_t *ng,
                                 const KQ(kq_tree) *kt, const T *Q, int64_t nq, int64_t nnodes,
                                 int grouped) {
#pragma omp for schedule(static)
    for (int64_t i = 0; i < nq; i += 8)
        KQ(kq_home_leaves)(order + nq + i, kt, Q, i, nq - i < 8 ? nq - i : 8);
#pragma omp single
    {
        KQ(kq_counting_sort)(order, nq, nnodes);
        if (grouped) {
            int64_t n = 0;
            for (int64_t ii = 0; ii < nq; ii++)
                if (ii == 0 || order[nq + order[ii]] != order[nq + order[ii - 1]] ||
                    ii - gstart[n - 1] == KG_MAX)
                    gstart[n++] = ii;
            gstart[n] = nq;
            *ng = n;
        }
    }
}

/* the k-nearest search specialised for this (reduced) metric and d */
static KQ(kq_knn_fn) KQ(kq_pick_knn)(int rmetric, int64_t d) {
    return rmetric == FM_METRIC_MANHATTAN   ? KQ(kq_knn_l1)
           : rmetric == FM_METRIC_CHEBYSHEV ? KQ(kq_knn_linf)
           : rmetric == FM_METRIC_MINKOWSKI ? KQ(kq_knn_lp)
           : d == 2                         ? KQ(kq_knn_l2_d2)
           : d == 3                         ? KQ(kq_knn_l2_d3)
                                            : KQ(kq_knn_l2);
}

/* the grouped search for this metric and d, or NULL (none) */
static KQ(kq_group_fn) KQ(kq_pick_group)(int rmetric, int64_t d) {
    return d > KG_DMAX                       ? NULL
           : rmetric == FM_METRIC_MANHATTAN ? KQ(kq_group_l1)
           : rmetric == FM_METRIC_CHEBYSHEV ? KQ(kq_group_linf)
           : rmetric == FM_METRIC_MINKOWSKI ? NULL
           : d == 2                         ? KQ(kq_group_l2_d2)
           : d == 3                         ? KQ(kq_group_l2_d3)
           : d == 8                         ? KQ(kq_group_l2_d8)
                                            : KQ(kq_group_l2);
}

static int FM_ISA_FN(KQ(fm_kdtree_query))(T *dist, int64_t *ind, const fm_kdtree *t,
                                          const T *Q, int64_t nq, int64_t k, int metric,
                                          double p, int nthreads) {
    if (!KQ(kq_metric_ok)(metric)) return FM_EINVAL;
    KQ(kq_tree) kt;
    KQ(kq_setup)(&kt, t, p);
    kt.scan = KQ(kq_scan_size)(t);
    const int rmetric = metric == FM_METRIC_EUCLIDEAN ? FM_METRIC_SQEUCLIDEAN : metric;
    const KQ(kq_knn_fn) fn = KQ(kq_pick_knn)(rmetric, t->d);
    const int64_t d = t->d;
    double lg = 1;
    for (int64_t m = t->n; m > 1; m >>= 1) lg += 1;
    const int nt = fm_team_size(nthreads, (double)nq * ((double)d * 16.0 * lg + 4.0 * (double)k));
    int failed = 0;
    /* queries sharing a home leaf are searched as a group (kdtree_group_tmpl.h) */
    const KQ(kq_group_fn) gfn = KQ(kq_pick_group)(rmetric, d);
    const int grouped = gfn && k <= TOPK_SMALL &&
                        (nq >= KQ_ORDER_MIN || (d >= 4 && nq >= KQ_GROUP_MIN));
    const int need_order = nq >= KQ_ORDER_MIN || grouped;
    int64_t *order =
        need_order ? (int64_t *)malloc((size_t)((grouped ? 3 : 2) * nq + 1) * sizeof(int64_t))
                   : NULL;
    if (need_order && !order) return FM_ENOMEM; /* never an unsearched (all-zero) result */
    int64_t *gstart = order ? order + 2 * nq : NULL, ng = 0; /* group g: [gstart[g], gstart[g+1]) */
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
        s.I = iwork;
        if (order) KQ(kq_order_queries)(order, gstart, &ng, &kt, Q, nq, t->nnodes, grouped);
        if (grouped) {
            _Pragma("omp for schedule(dynamic, 4)")
            for (int64_t gi = 0; gi < ng; gi++) {
                if (failed) continue;
                KQ(kq_run_group)(dist, ind, &kt, &s, gfn, Q, order, gstart[gi], gstart[gi + 1],
                                 gi + 1 < ng ? gstart[gi + 2] : gstart[gi + 1], gD, gI, metric);
            }
        } else {
            _Pragma("omp for schedule(dynamic, 16)")
            for (int64_t ii = 0; ii < nq; ii++) {
                if (failed) continue;
                if (order && ii + KQ_AHEAD < nq) /* the query rows are visited at random */
                    __builtin_prefetch(Q + order[ii + KQ_AHEAD] * d);
                KQ(kq_run_one)(dist, ind, &kt, &s, fn, t, Q, order ? order[ii] : ii, scratch,
                               work + wlen, metric, rmetric);
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
