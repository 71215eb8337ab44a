/* hgb_boost.c -- one boosting iteration in one parallel region (see hgb.h,
 * fm_hgb_boost_iter): the loss gradients of all K classes, the K root
 * histograms in one pass over the rows, the K trees grown one after the
 * other by the team of hgb_grow.c, and their shrunk leaf values added to the
 * raw scores.
 *
 * The trees equal those of fm_hgb_gradients + K calls of fm_hgb_grow + the
 * leaf update done elsewhere: every histogram bin sums its rows in row order
 * (the root pass walks the rows in blocks, in order, and updates the K
 * classes' histograms block by block), tree k gets a pool of the same
 * hist_pool slots (its root slot plus hist_pool - 1 shared ones), and the
 * leaf values are multiplied by `shrink` before they are added, as before.
 * The root pass reads each row's codes once for all K classes instead of
 * once per class, and no parallel region is opened per tree.
 *
 * When the K trees keep every thread busy (K a multiple of the team size, or
 * at least twice it), the threads grow whole trees instead of sharing each
 * one: a thread takes the next class, grows its tree alone (no barrier, no
 * serial tail while a partner idles) on a pool of hist_pool slots of its own
 * and adds the leaves to raw[:, k]. A tree grown alone on as many slots is
 * the tree the team grows, so nothing depends on who grows it.
 */
#include <stdlib.h>
#include <string.h>

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

#include "hgb_impl.h"

/* bytes of codes per block of the root pass: a block of rows stays in L2
 * while the classes' histograms take their turns (each histogram is loaded
 * once per block, so blocks are as long as L2 allows) */
#define ROOT_BLOCK_BYTES 262144

/* this thread's features of the K root histograms (slot k = class k) */
static void build_roots(grower *w, int64_t K, const float *g, const float *h, int hc) {
    const int64_t n = w->n, d = w->c.d, nb = w->c.p->nbins, f0 = w->f0, nf = w->f1 - w->f0;
    for (int64_t k = 0; k < K; k++)
        memset(hgb_slot(w, (int32_t)k) + f0 * nb, 0, (size_t)(nf * nb) * sizeof(hgb_bin));
    int64_t B = ROOT_BLOCK_BYTES / d;
    B = B < 256 ? 256 : B;
    for (int64_t r0 = 0; r0 < n; r0 += B) {
        const int64_t m = n - r0 < B ? n - r0 : B;
        for (int64_t k = 0; k < K; k++)
            hgb_hist_rows(hgb_slot(w, (int32_t)k) + f0 * nb, w->codes_rm + r0 * d,
                          g + k * n + r0, hc ? NULL : h + k * n + r0, NULL, m, d, f0, nf, nb);
    }
    if (hc)
        for (int64_t k = 0; k < K; k++) {
            hgb_bin *hb = hgb_slot(w, (int32_t)k) + f0 * nb;
            for (int64_t i = 0; i < nf * nb; i++) hb[i].cnt = (uint32_t)hb[i].h;
        }
}

typedef struct {
    double *raw;
    int64_t K, k;
} leaf_add;

/* raw[r, k] += the leaf's value for the leaf's rows of one segment */
static void add_leaf(void *ctx, const fm_hgb_node *leaf, int64_t pos, const int32_t *rows,
                     int64_t m) {
    (void)pos;
    const leaf_add *a = ctx;
    double *raw = a->raw;
    const int64_t K = a->K, k = a->k;
    const double v = leaf->value;
    for (int64_t i = 0; i < m; i++) {
        /* raw is (n, K): with many classes a row's score is a cache miss */
        if (i + 16 < m) __builtin_prefetch(raw + (int64_t)rows[i + 16] * K + k, 1);
        raw[(int64_t)rows[i] * K + k] += v;
    }
}

/* Solo team: thread t takes the next tree k (any thread grows the same
 * tree: alone, on the same number of pool slots as a team would), grows it
 * from class k's root histogram (slot k of the shared pool; threads 1.. copy
 * it into their own pools) and adds its leaves to raw[:, k]. */
static void solo_trees(hgb_team *tm, int t, int64_t *next, fm_hgb_node *nodes,
                       uint32_t *catbits, int64_t *nnodes, double *raw, const float *g,
                       const float *h, double shrink, const uint64_t *seeds, int64_t K,
                       int32_t hp, void *work) {
    const int64_t n = tm->gw[t].n, nmax = tm->nmax;
    const size_t slot_bins = (size_t)(tm->gw[t].c.d * tm->gw[t].c.p->nbins);
    for (;;) {
        const int64_t k = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
        if (k >= K) break;
        fm_hgb_node *nd = nodes + k * nmax;
        uint32_t *cb = catbits + k * nmax * 8;
        grower *w;
        int32_t root;
        if (t == 0) { /* the caller's pool: root slot k, free slots K .. K + hp - 2 */
            w = hgb_solo_begin(tm, t, g + k * n, h + k * n, seeds[k], (hgb_bin *)work,
                               (int32_t)K, hp - 1);
            root = (int32_t)k;
        } else { /* its own pool: the root copied into slot 0, free slots 1 .. hp - 1 */
            hgb_bin *pool = tm->xpool + (size_t)(t - 1) * (size_t)hp * slot_bins;
            memcpy(pool, (hgb_bin *)work + (size_t)k * slot_bins, slot_bins * sizeof(hgb_bin));
            w = hgb_solo_begin(tm, t, g + k * n, h + k * n, seeds[k], pool, 1, hp - 1);
            root = 0;
        }
        const int64_t nn = hgb_grow_tree(w, nd, cb, root);
        nnodes[k] = nn;
        for (int64_t i = 0; i < nn; i++) nd[i].value *= shrink;
        leaf_add la = {raw, K, k};
        hgb_leaf_ranges(w, nd, nn, 0, 1, add_leaf, &la);
    }
}

FM_API int fm_hgb_boost_iter(fm_hgb_node *nodes, uint32_t *catbits, int64_t *nnodes,
                             int32_t *rows, void *work, float *g, float *h, double *raw,
                             const double *y, const double *sw, int loss, double alpha,
                             double shrink, const uint64_t *seeds, const uint8_t *codes_rm,
                             const uint8_t *codes_cm, int64_t n, int64_t d, int64_t K,
                             const int32_t *nbins_nm, const uint8_t *has_missing,
                             const uint8_t *is_cat, const int8_t *monotonic,
                             const uint8_t *groups, int64_t ngroups, const fm_hgb_params *p,
                             int nthreads) {
    if (n < 1 || d < 1 || K < 1 || n > INT32_MAX || p->nbins < 3 || p->nbins > 256 ||
        p->max_leaf_nodes < 2 || p->min_samples_leaf < 1 || p->hist_pool < 3 || ngroups < 0 ||
        (ngroups > 0 && !groups) || loss < 0 || loss > FM_HGB_MULTINOMIAL ||
        (loss != FM_HGB_MULTINOMIAL && K != 1))
        return FM_EINVAL;
    (void)rows;
    int T = fm_team_size(nthreads, 2.0 * (double)n * (double)d); /* as fm_hgb_grow */
    if (T > d) T = (int)d;
    /* K trees that keep every thread busy: the threads grow whole trees */
    const int solo = T > 1 && (K % T == 0 || K >= 2 * T);
    hgb_team tm;
    if (!hgb_team_init(&tm, T, work, p->hist_pool - 1 + K, solo ? p->hist_pool : 0, codes_rm,
                       codes_cm, n, d, nbins_nm, has_missing, is_cat, monotonic, groups,
                       ngroups, p))
        return FM_ENOMEM;
    const int64_t nmax = tm.nmax;
    int64_t next_tree = 0;
#pragma omp parallel num_threads(T)
    {
        int t = 0, Ta = 1;
#if FASTML_HAVE_OPENMP
        t = omp_get_thread_num();
        Ta = omp_get_num_threads(); /* may be fewer than asked for */
#endif
        const int64_t a = hgb_seg_base(n, Ta, t), b = hgb_seg_base(n, Ta, t + 1);
        for (int64_t r = a; r < b; r++) hgb_grad_row(g, h, raw, y, sw, n, K, loss, alpha, r);
        hgb_team_wait(&tm.bar, Ta, &tm.gw[t].sense); /* all gradients written */
        if (solo) {
            grower *w = hgb_team_begin(&tm, t, Ta, g, h, 0, 0, 0, NULL, NULL);
            build_roots(w, K, g, h, p->hess_const);
            hgb_team_wait(&tm.bar, Ta, &w->sense); /* all root histograms built */
            solo_trees(&tm, t, &next_tree, nodes, catbits, nnodes, raw, g, h, shrink, seeds, K,
                       (int32_t)p->hist_pool, work);
        }
        for (int64_t k = 0; !solo && k < K; k++) {
            fm_hgb_node *nd = nodes + k * nmax;
            uint32_t *cb = catbits + k * nmax * 8;
            grower *w = hgb_team_begin(&tm, t, Ta, g + k * n, h + k * n, seeds[k], (int32_t)K,
                                       (int32_t)p->hist_pool - 1, &nd, &cb);
            if (k == 0) build_roots(w, K, g, h, p->hess_const);
            const int64_t nn = hgb_grow_tree(w, nd, cb, (int32_t)k);
            if (t == 0) {
                nnodes[k] = nn;
                for (int64_t i = 0; i < nn; i++) nd[i].value *= shrink;
            }
            hgb_team_wait(&tm.bar, Ta, &w->sense); /* thread 0's tree and rows are final */
            leaf_add la = {raw, K, k};
            hgb_leaf_ranges(tm.gw, nodes + k * nmax, nnodes[k], t, Ta, add_leaf, &la);
            hgb_team_wait(&tm.bar, Ta, &w->sense); /* rows read before the next tree */
        }
    }
    hgb_team_free(&tm);
    return FM_OK;
}
