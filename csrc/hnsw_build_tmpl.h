/* hnsw_build_tmpl.h -- HNSW insertion (the paper's Algorithm 1), one ISA
 * level and dtype. Included by hnsw_simd.c with T and SUF defined, after
 * hnsw_search_tmpl.h (whose helpers and macros it uses and then undefines).
 *
 * A node q of level L: greedy descent from the entry point down to level
 * L + 1; then at each level l = min(L, top) .. 0 a beam search of width
 * ef_construction, the paper's neighbour-selection heuristic (Algorithm 4)
 * keeps at most M of the found nodes as q's links, and each kept node s links
 * back to q -- appended while s has fewer than Mmax links (M, or 2M at level
 * 0), else s's links plus q are pruned by the same heuristic to Mmax. The
 * next level starts from the nearest node found.
 *
 * During one call the distance of every level-0 link to its owner is kept in
 * a scratch array (ld0, [n x 2M], freed at the end): pruning a full level-0
 * list then reads its 2M distances instead of recomputing them. They are the
 * same numbers: the search measured DIST(q, s) and DIST is symmetric bit for
 * bit (the same element-wise squares or products, summed in the same order),
 * so the graph does not change. */

/* Algorithm 4 without extensions: walk the candidates c[0..nc) (ascending by
 * (distance to the base, index)) and keep one when it is nearer to the base
 * than to every node kept before it; at most m are kept, in place, in order.
 * Fewer than m candidates are all kept. */
static int64_t FM_CAT(hnsw_select_, SUF)(const fm_hnsw *g, PAIR *cand, int64_t nc, int64_t m) {
    if (nc < m) return nc;
    int64_t r = 0;
    for (int64_t i = 0; i < nc && r < m; i++) {
        const PAIR e = cand[i];
        const T *ve = VEC(g, e.id);
        int good = 1;
        for (int64_t j = 0; j < r; j++) {
            if (DIST(ve, VEC(g, cand[j].id), g->d, g->metric) < e.d) {
                good = 0;
                break;
            }
        }
        if (good) cand[r++] = e;
    }
    return r;
}

/* s gains a link to q at level l (under s's lock); ld0: the level-0 link
 * distances (NULL: recomputed). */
static void FM_CAT(hnsw_link_back_, SUF)(CTX *c, const fm_hnsw *g, int32_t s, PAIR q, int64_t l,
                                        hnsw_lock *locks, T *ld0) {
    const int64_t mmax = l ? g->M : 2 * g->M;
    const T *vs = VEC(g, s);
    T *ds = l == 0 && ld0 ? ld0 + (int64_t)s * mmax : NULL;
    hnsw_lock_node(locks, s);
    int32_t *ll = hnsw_links(g, s, l);
    const int32_t cnt = ll[0];
    if (cnt < mmax) {
        ll[1 + cnt] = q.id;
        if (ds) ds[cnt] = q.d;
        ll[0] = cnt + 1;
    } else {
        PAIR *p = c->pick;
        int64_t np = 0;
        p[np++] = q;
        for (int32_t j = 1; j <= cnt; j++) {
            PAIR e = {ds ? ds[j - 1] : DIST(vs, VEC(g, ll[j]), g->d, g->metric), ll[j]};
            int64_t t = np++; /* insertion sort: lists are short (<= 2M + 1) */
            while (t > 0 && PGT(p[t - 1], e)) {
                p[t] = p[t - 1];
                t--;
            }
            p[t] = e;
        }
        const int64_t r = FM_CAT(hnsw_select_, SUF)(g, p, np, mmax);
        for (int64_t j = 0; j < r; j++) ll[1 + j] = p[j].id;
        if (ds)
            for (int64_t j = 0; j < r; j++) ds[j] = p[j].d;
        ll[0] = (int32_t)r;
    }
    hnsw_unlock_node(locks, s);
}

/* Links node i (vector and empty lists in place) into the graph. */
static int FM_CAT(hnsw_insert_, SUF)(CTX *c, fm_hnsw *g, int64_t i, int64_t efc,
                                     hnsw_lock *locks, hnsw_lock *top, T *ld0) {
    const T *q = VEC(g, i);
    const int64_t L = g->levels[i];
    if (top) hnsw_acquire(top);
    const int64_t entry = g->entry, maxl = g->max_level;
    const int hold = L > maxl; /* a new top level: keep the entry point locked */
    if (!hold && top) hnsw_release(top);
    PAIR cur = FM_CAT(hnsw_descend_, SUF)(c, g, q, entry, maxl, L, locks);
    for (int64_t l = L < maxl ? L : maxl; l >= 0; l--) {
        if (FM_CAT(hnsw_search_layer_, SUF)(c, g, q, cur, efc, l, locks, i)) {
            if (hold && top) hnsw_release(top);
            return FM_ENOMEM;
        }
        const int64_t nf = FM_CAT(hnsw_drain_, SUF)(c);
        if (nf == 0) continue;
        cur = c->sorted[0];
        const int64_t r = FM_CAT(hnsw_select_, SUF)(g, c->sorted, nf, g->M);
        int32_t *own = hnsw_links(g, i, l);
        hnsw_lock_node(locks, i);
        for (int64_t j = 0; j < r; j++) own[1 + j] = c->sorted[j].id;
        if (l == 0 && ld0)
            for (int64_t j = 0; j < r; j++) ld0[i * 2 * g->M + j] = c->sorted[j].d;
        own[0] = (int32_t)r;
        hnsw_unlock_node(locks, i);
        for (int64_t j = 0; j < r; j++) {
            PAIR back = {c->sorted[j].d, (int32_t)i};
            FM_CAT(hnsw_link_back_, SUF)(c, g, c->sorted[j].id, back, l, locks, ld0);
        }
    }
    if (hold) {
        g->entry = i;
        g->max_level = L;
        if (top) hnsw_release(top);
    }
    return 0;
}

/* The level-0 link distances of a graph whose first n0 nodes are linked (the
 * rest get theirs as they are inserted); NULL when there is no memory. */
static T *FM_CAT(hnsw_link_dists_, SUF)(const fm_hnsw *g, int64_t n0, int team) {
    const int64_t w = 2 * g->M;
    T *ld0 = (T *)malloc((size_t)(g->n * w) * sizeof(T));
    if (!ld0) return NULL;
#pragma omp parallel for schedule(static) num_threads(team) if (team > 1 && n0 > 1024)
    for (int64_t i = 0; i < n0; i++) {
        const int32_t *ll = hnsw_links(g, i, 0);
        for (int32_t j = 0; j < ll[0]; j++)
            ld0[i * w + j] = DIST(VEC(g, i), VEC(g, ll[1 + j]), g->d, g->metric);
    }
    return ld0;
}

static int FM_ISA_FN(FM_CAT(fm_hnsw_add_, SUF))(fm_hnsw *g, const T *X, int64_t m, int64_t efc,
                                                int nthreads) {
    const int64_t n0 = g->n, n1 = n0 + m, d = g->d;
    if (m <= 0) return 0;
    memcpy((T *)g->vecs + n0 * d, X, (size_t)(m * d) * sizeof(T)); /* vectors in place */
    for (int64_t i = n0; i < n1; i++) /* lists empty */
        for (int64_t l = 0; l <= g->levels[i]; l++) hnsw_links(g, i, l)[0] = 0;
    int64_t start = n0;
    if (g->entry < 0) {
        g->entry = n0;
        g->max_level = g->levels[n0];
        start++;
    }
    g->n = n1;
    const int team = fm_team_size(nthreads, (double)(n1 - start) * (double)efc * (double)d * 8.0);
    hnsw_lock *locks = NULL, *top = NULL; /* one thread: no locks */
    if (team > 1) {
        locks = (hnsw_lock *)calloc((size_t)n1 + 1, sizeof(hnsw_lock));
        if (!locks) return FM_ENOMEM;
        top = locks + n1;
    }
    T *ld0 = FM_CAT(hnsw_link_dists_, SUF)(g, n0, team); /* NULL (no memory): recomputed */
    int err = 0;
#pragma omp parallel num_threads(team) if (team > 1)
    {
        CTX c;
        const int ok = FM_CAT(ctx_init_, SUF)(&c, n1, efc, g->M) == 0;
        if (!ok) {
#pragma omp atomic write
            err = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 8)
        for (int64_t i = start; i < n1; i++) {
            if (!ok) continue;
            if (FM_CAT(hnsw_insert_, SUF)(&c, g, i, efc, locks, top, ld0)) {
#pragma omp atomic write
                err = FM_ENOMEM;
            }
        }
        if (ok) FM_CAT(ctx_free_, SUF)(&c);
    }
    free(ld0);
    free(locks);
    return err;
}

#undef PAIR
#undef CTX
#undef DIST
#undef PGT
#undef PNEG
#undef HPUSH
#undef HPOP
#undef HREPLACE
#undef VEC
