/* hnsw_search_tmpl.h -- HNSW graph walks and the query entry point, one ISA
 * level and dtype. Included by hnsw_simd.c with T and SUF defined, after
 * hnsw_dist_tmpl.h.
 *
 * Orders: every comparison of two (distance, node) pairs is lexicographic, so
 * equal distances are broken by the lower node index and a walk's result does
 * not depend on heap internals (the NumPy twin, reference/hnsw.py, makes the
 * same choices with heapq).
 *
 * search_layer is the paper's ef-bounded beam search (Algorithm 2): a min-heap
 * of candidates to expand and a max-heap of the best `ef` nodes found; it stops
 * when the nearest unexpanded candidate is worse than the worst kept result of
 * a full result set. The candidate heap is stored negated in the same max-heap
 * code. Per expansion the unvisited neighbours are collected first (their
 * vectors prefetched), then measured. */
#define PAIR FM_CAT(hnsw_pair_, SUF)
#define CTX FM_CAT(hnsw_ctx_, SUF)
#define DIST FM_CAT(hnsw_dist_, SUF)

typedef struct {
    T d;
    int32_t id;
} PAIR;

/* a > b in (distance, index) order */
static inline int FM_CAT(pair_gt_, SUF)(PAIR a, PAIR b) {
    return a.d > b.d || (a.d == b.d && a.id > b.id);
}
#define PGT FM_CAT(pair_gt_, SUF)

static inline PAIR FM_CAT(pair_neg_, SUF)(PAIR a) {
    PAIR r = {-a.d, -a.id};
    return r;
}
#define PNEG FM_CAT(pair_neg_, SUF)

/* max-heap of h[0..*n) by PGT */
static inline void FM_CAT(heap_push_, SUF)(PAIR *h, int64_t *n, PAIR x) {
    int64_t i = (*n)++;
    while (i > 0) {
        int64_t p = (i - 1) >> 1;
        if (!PGT(x, h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

static inline void FM_CAT(heap_pop_, SUF)(PAIR *h, int64_t *n) {
    int64_t m = --(*n), i = 0;
    if (m == 0) return;
    PAIR x = h[m];
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= m) break;
        if (c + 1 < m && PGT(h[c + 1], h[c])) c++;
        if (!PGT(h[c], x)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}
/* The top of a non-empty max-heap replaced by x (a pop and a push in one
 * sift): the same set as push-then-pop whenever x is below the top. */
static inline void FM_CAT(heap_replace_, SUF)(PAIR *h, int64_t n, PAIR x) {
    int64_t i = 0;
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && PGT(h[c + 1], h[c])) c++;
        if (!PGT(h[c], x)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}
#define HPUSH FM_CAT(heap_push_, SUF)
#define HPOP FM_CAT(heap_pop_, SUF)
#define HREPLACE FM_CAT(heap_replace_, SUF)

/* One thread's scratch for a whole call (no allocation per search). */
typedef struct {
    hnsw_visited vis;
    PAIR *cand, *res, *sorted, *pick; /* candidates, results, sorted results, pruning */
    int64_t ncand, capcand, nres;
    int32_t *ids; /* a list copied under its lock, then the unvisited part */
} CTX;

static void FM_CAT(ctx_free_, SUF)(CTX *c) {
    free(c->vis.mark);
    free(c->cand);
    free(c->res);
    free(c->sorted);
    free(c->pick);
    free(c->ids);
}

static int FM_CAT(ctx_init_, SUF)(CTX *c, int64_t n, int64_t ef, int64_t M) {
    memset(c, 0, sizeof *c);
    c->capcand = ef + 64;
    int bad = visited_init(&c->vis, n);
    c->cand = (PAIR *)malloc((size_t)c->capcand * sizeof(PAIR));
    c->res = (PAIR *)malloc((size_t)(ef + 1) * sizeof(PAIR));
    c->sorted = (PAIR *)malloc((size_t)(ef + 1) * sizeof(PAIR));
    c->pick = (PAIR *)malloc((size_t)(2 * M + 2) * sizeof(PAIR));
    c->ids = (int32_t *)malloc((size_t)(2 * M + 2) * sizeof(int32_t));
    if (bad || !c->cand || !c->res || !c->sorted || !c->pick || !c->ids) {
        FM_CAT(ctx_free_, SUF)(c);
        return -1;
    }
    return 0;
}

static inline const T *FM_CAT(hnsw_vec_, SUF)(const fm_hnsw *g, int64_t i) {
    return (const T *)g->vecs + i * g->d;
}
#define VEC FM_CAT(hnsw_vec_, SUF)

/* The list of node i at level l: a pointer to (count, links...), copied into
 * c->ids under the node's lock when `locks` is given (construction). */
static inline const int32_t *FM_CAT(hnsw_read_, SUF)(CTX *c, const fm_hnsw *g, int64_t i,
                                                     int64_t l, hnsw_lock *locks) {
    const int32_t *ll = hnsw_links(g, i, l);
    if (!locks) return ll;
    hnsw_lock_node(locks, i);
    memcpy(c->ids, ll, (size_t)(ll[0] + 1) * sizeof(int32_t));
    hnsw_unlock_node(locks, i);
    return c->ids;
}

/* Prefetches every cache line of [p, p + bytes) (p need not be aligned). */
static inline void FM_CAT(hnsw_prefetch_, SUF)(const void *p, int64_t bytes) {
    const uintptr_t a = (uintptr_t)p & ~(uintptr_t)63, e = (uintptr_t)p + (uintptr_t)bytes;
    for (uintptr_t o = a; o < e; o += 64) __builtin_prefetch((const void *)o);
}

/* Greedy walk at level l from `cur` to a local minimum of the distance to q.
 * Nodes already measured in this descent (stamped in c->vis by
 * hnsw_descend_) are skipped: cur only decreases, and a measured node was
 * >= cur when measured (or became cur), so it can never beat cur again; the
 * walk ends where it would without the stamps, with fewer distances. */
static PAIR FM_CAT(hnsw_greedy_, SUF)(CTX *c, const fm_hnsw *g, const T *q, PAIR cur, int64_t l,
                                      hnsw_lock *locks) {
    const int64_t vbytes = g->d * (int64_t)sizeof(T);
    uint16_t *mark = c->vis.mark;
    const uint16_t epoch = c->vis.epoch;
    int32_t unv[g->M + 1];
    for (int changed = 1; changed;) {
        changed = 0;
        const int32_t *ll = FM_CAT(hnsw_read_, SUF)(c, g, cur.id, l, locks);
        int32_t nu = 0;
        for (int32_t j = 1, cnt = ll[0]; j <= cnt; j++) {
            const int32_t e = ll[j];
            if (mark[e] == epoch) continue;
            mark[e] = epoch;
            __builtin_prefetch(VEC(g, e));
            unv[nu++] = e;
        }
        for (int32_t t = 0; t < nu; t++) {
            if (t + 1 < nu) FM_CAT(hnsw_prefetch_, SUF)(VEC(g, unv[t + 1]), vbytes);
            PAIR e = {DIST(q, VEC(g, unv[t]), g->d, g->metric), unv[t]};
            if (PGT(cur, e)) {
                cur = e;
                changed = 1;
            }
        }
    }
    return cur;
}

/* Beam search at level l from ep: leaves the best <= ef nodes in c->res (a
 * max-heap, c->nres). `self` (>= 0 during construction) is never reported.
 * Returns -1 when the candidate heap cannot grow. */
static int FM_CAT(hnsw_search_layer_, SUF)(CTX *c, const fm_hnsw *g, const T *q, PAIR ep,
                                           int64_t ef, int64_t l, hnsw_lock *locks,
                                           int64_t self) {
    const int64_t d = g->d, vbytes = d * (int64_t)sizeof(T);
    const int64_t lbytes = 4 * (1 + (l ? g->M : 2 * g->M)); /* one list at level l */
    const int64_t head = vbytes < 128 ? vbytes : 128;       /* prefetched on collection */
    const int metric = g->metric;
    uint16_t *mark = c->vis.mark;
    visited_next(&c->vis, g->n);
    const uint16_t epoch = c->vis.epoch;
    int32_t unv[2 * g->M + 1];
    c->ncand = c->nres = 0;
    mark[ep.id] = epoch;
    if (ep.id != self) HPUSH(c->res, &c->nres, ep);
    HPUSH(c->cand, &c->ncand, PNEG(ep));
    while (c->ncand) {
        PAIR cur = PNEG(c->cand[0]);
        if (c->nres >= ef && PGT(cur, c->res[0])) break;
        HPOP(c->cand, &c->ncand);
        if (c->ncand) /* the likely next expansion: its list, while we measure */
            FM_CAT(hnsw_prefetch_, SUF)(hnsw_links(g, -c->cand[0].id, l), lbytes);
        const int32_t *ll = FM_CAT(hnsw_read_, SUF)(c, g, cur.id, l, locks);
        int32_t nu = 0;
        for (int32_t j = 1, cnt = ll[0]; j <= cnt; j++) {
            const int32_t e = ll[j];
            if (mark[e] == epoch) continue;
            mark[e] = epoch;
            FM_CAT(hnsw_prefetch_, SUF)(VEC(g, e), head);
            unv[nu++] = e;
        }
        for (int32_t t = 0; t < nu; t++) {
            if (t + 1 < nu) FM_CAT(hnsw_prefetch_, SUF)(VEC(g, unv[t + 1]), vbytes);
            const int32_t e = unv[t];
            PAIR pe = {DIST(q, VEC(g, e), d, metric), e};
            if (c->nres < ef || PGT(c->res[0], pe)) {
                if (c->ncand == c->capcand) {
                    PAIR *bigger = (PAIR *)realloc(c->cand, (size_t)(2 * c->capcand) * sizeof(PAIR));
                    if (!bigger) return -1;
                    c->cand = bigger;
                    c->capcand *= 2;
                }
                HPUSH(c->cand, &c->ncand, PNEG(pe));
                if (c->cand[0].id == -e) /* the new next expansion */
                    FM_CAT(hnsw_prefetch_, SUF)(hnsw_links(g, e, l), lbytes);
                if (e == self) continue;
                if (c->nres < ef)
                    HPUSH(c->res, &c->nres, pe);
                else /* full: pe replaces the worst kept */
                    HREPLACE(c->res, c->nres, pe);
            }
        }
    }
    return 0;
}

/* c->res emptied into c->sorted in ascending order; returns the count. */
static int64_t FM_CAT(hnsw_drain_, SUF)(CTX *c) {
    const int64_t n = c->nres;
    for (int64_t i = n - 1; i >= 0; i--) {
        c->sorted[i] = c->res[0];
        HPOP(c->res, &c->nres);
    }
    return n;
}

/* From the entry point down to level 1, greedily; the start for level `to`. */
static PAIR FM_CAT(hnsw_descend_, SUF)(CTX *c, const fm_hnsw *g, const T *q, int64_t entry,
                                       int64_t from, int64_t to, hnsw_lock *locks) {
    PAIR cur = {DIST(q, VEC(g, entry), g->d, g->metric), (int32_t)entry};
    if (from <= to) return cur;
    visited_next(&c->vis, g->n);
    c->vis.mark[entry] = c->vis.epoch;
    for (int64_t l = from; l > to; l--) cur = FM_CAT(hnsw_greedy_, SUF)(c, g, q, cur, l, locks);
    return cur;
}

static int FM_ISA_FN(FM_CAT(fm_hnsw_search_, SUF))(T *dist, int64_t *ind, const fm_hnsw *g,
                                                   const T *Q, int64_t nq, int64_t k,
                                                   int64_t ef, int nthreads) {
    if (ef < k) ef = k;
    const int64_t d = g->d;
    const int team = fm_team_size(nthreads, (double)nq * (double)ef * (double)d * 16.0);
    int err = 0;
#pragma omp parallel num_threads(team) if (team > 1)
    {
        CTX c;
        const int ok = FM_CAT(ctx_init_, SUF)(&c, g->n, ef, g->M) == 0;
        if (!ok) {
#pragma omp atomic write
            err = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 4)
        for (int64_t i = 0; i < nq; i++) {
            if (!ok) continue;
            const T *q = Q + i * d;
            int64_t got = 0;
            if (g->entry >= 0) {
                PAIR ep = FM_CAT(hnsw_descend_, SUF)(&c, g, q, g->entry, g->max_level, 0, NULL);
                if (FM_CAT(hnsw_search_layer_, SUF)(&c, g, q, ep, ef, 0, NULL, -1)) {
#pragma omp atomic write
                    err = FM_ENOMEM;
                    continue;
                }
                got = FM_CAT(hnsw_drain_, SUF)(&c);
            }
            for (int64_t j = 0; j < k; j++) {
                dist[i * k + j] = j < got ? c.sorted[j].d : (T)INFINITY;
                ind[i * k + j] = j < got ? c.sorted[j].id : -1;
            }
        }
        if (ok) FM_CAT(ctx_free_, SUF)(&c);
    }
    return err;
}
