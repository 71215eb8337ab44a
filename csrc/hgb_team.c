/* hgb_team.c -- the team that grows a tree (see hgb_grow.c): its barrier,
 * per-thread state and row partitions, and fm_hgb_grow (one tree in
 * one parallel region).
 *
 * Every thread keeps its own copy of the row partition (one segment,
 * hgb_impl.h grower.srows; the grower also supports one shared copy split
 * into a segment per thread, which hgb_team_begin does not choose: see there).
 * The caller's `rows` of fm_hgb_grow is
 * the contiguous partition gathered from thread 0's copy at the end: every
 * node's rows ascending.
 */
#include <stdlib.h>
#include <string.h>

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif
#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#endif

#include "hgb_impl.h"

/* The team's barrier: a sense-reversing counter that spins briefly and then
 * naps in 20 us steps (see team_barrier in hgb_impl.h). */
#define BARRIER_SPINS 4000

void hgb_team_wait(team_barrier *b, int T, int *local_sense) {
    if (T <= 1) return;
    const int s = !*local_sense;
    *local_sense = s;
    if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == T) {
        __atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&b->sense, s, __ATOMIC_RELEASE);
        return;
    }
    for (int i = 0; __atomic_load_n(&b->sense, __ATOMIC_ACQUIRE) != s; i++) {
        if (i < BARRIER_SPINS) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        } else { /* the partner is late (preempted): give the core away */
#if defined(_WIN32)
            Sleep(0);
#else
            const struct timespec nap = {0, 20000};
            nanosleep(&nap, NULL);
#endif
        }
    }
}

/* per-thread scratch of a grower; nodes/catbits are set by the caller */
static int grower_alloc(grower *w, int64_t d, const fm_hgb_params *p, int64_t ngroups) {
    w->free_slots = malloc((size_t)p->hist_pool * sizeof(int32_t));
    w->per_feature = malloc((size_t)d * sizeof(hgb_split));
    w->mask = malloc((size_t)d);
    w->perm = malloc((size_t)d * sizeof(int32_t));
    w->open = malloc((size_t)(p->max_leaf_nodes + 1) * sizeof(leaf_t));
    w->node_groups = ngroups ? malloc((size_t)(2 * p->max_leaf_nodes) * (size_t)ngroups) : NULL;
    return w->free_slots && w->per_feature && w->mask && w->perm && w->open &&
           (!ngroups || w->node_groups);
}

static void grower_free(grower *w) {
    free(w->free_slots);
    free(w->per_feature);
    free(w->mask);
    free(w->perm);
    free(w->open);
    free(w->node_groups);
}

int hgb_team_init(hgb_team *tm, int T, void *work, int64_t slots, int64_t solo,
                  const uint8_t *codes_rm,
                  const uint8_t *codes_cm, int64_t n, int64_t d, const int32_t *nbins_nm,
                  const uint8_t *has_missing, const uint8_t *is_cat, const int8_t *monotonic,
                  const uint8_t *groups, int64_t ngroups, const fm_hgb_params *p) {
    (void)slots;
    memset(tm, 0, sizeof(*tm));
    tm->T = T;
    tm->nmax = 2 * p->max_leaf_nodes - 1;
    tm->gw = calloc((size_t)T, sizeof(grower));
    tm->xchg = malloc((size_t)(4 * T) * sizeof(hgb_split));
    tm->solo = solo;
    tm->part = malloc((size_t)(2 * n * T) * sizeof(int32_t));
    tm->xpool = solo > 0 && T > 1
                    ? malloc((size_t)(T - 1) * (size_t)solo * (size_t)(d * p->nbins) * sizeof(hgb_bin))
                    : NULL;
    tm->seg = malloc((size_t)(tm->nmax * T * 2) * sizeof(int32_t));
    /* threads 1.. keep their own nodes and bitsets */
    tm->extra = (size_t)tm->nmax * sizeof(fm_hgb_node) + (size_t)tm->nmax * 8 * sizeof(uint32_t);
    tm->priv = T > 1 ? malloc(tm->extra * (size_t)(T - 1)) : NULL;
    int ok = tm->gw && tm->xchg && tm->part && tm->seg && (T == 1 || tm->priv) &&
             (solo <= 0 || T == 1 || tm->xpool);
    for (int t = 0; ok && t < T; t++) {
        grower *w = tm->gw + t;
        w->c = (hgb_ctx){nbins_nm, has_missing, is_cat, monotonic, p, d};
        w->codes_rm = codes_rm;
        w->codes_cm = codes_cm;
        w->n = n;
        w->pool = (hgb_bin *)work;
        w->xchg = tm->xchg;
        w->bar = &tm->bar;
        w->groups = groups;
        w->ngroups = groups ? ngroups : 0;
        w->srows = tm->part;
        w->stmp = tm->part + n;
        w->seg = tm->seg;
        ok = grower_alloc(w, d, p, w->ngroups);
    }
    if (!ok) hgb_team_free(tm);
    return ok;
}

void hgb_team_free(hgb_team *tm) {
    for (int t = 0; tm->gw && t < tm->T; t++) grower_free(tm->gw + t);
    free(tm->gw);
    free(tm->xchg);
    free(tm->priv);
    free(tm->part);
    free(tm->seg);
    free(tm->xpool);
    memset(tm, 0, sizeof(*tm));
}

grower *hgb_team_begin(hgb_team *tm, int t, int Ta, const float *g, const float *h,
                       uint64_t seed, int32_t slot0, int32_t nslots, fm_hgb_node **nodes,
                       uint32_t **catbits) {
    grower *w = tm->gw + t;
    w->tid = t;
    w->T = Ta;
    /* one segment per thread measured slower than a copy of the partition
     * per thread at load 4-9 (one more barrier per split), so each thread
     * partitions a whole node on its own copy */
    w->S = 1;
    w->srows = tm->part + 2 * w->n * t;
    w->stmp = w->srows + w->n;
    w->seg = tm->seg + 2 * tm->nmax * t;
    w->f0 = w->c.d * t / Ta;
    w->f1 = w->c.d * (t + 1) / Ta;
    w->g = g;
    w->h = h;
    w->rng = seed;
    w->nopen = 0;
    w->nfree = 0;
    for (int32_t s = nslots - 1; s >= 0; s--) w->free_slots[w->nfree++] = slot0 + s;
    if (t > 0 && nodes) {
        *nodes = (fm_hgb_node *)(tm->priv + (size_t)(t - 1) * tm->extra);
        *catbits = (uint32_t *)(*nodes + tm->nmax);
    }
    return w;
}

grower *hgb_solo_begin(hgb_team *tm, int t, const float *g, const float *h, uint64_t seed,
                       hgb_bin *pool, int32_t slot0, int32_t nslots) {
    grower *w = tm->gw + t;
    const int64_t n = w->n;
    w->tid = 0;
    w->T = 1;
    w->S = 1;
    w->f0 = 0;
    w->f1 = w->c.d;
    w->g = g;
    w->h = h;
    w->rng = seed;
    w->nopen = 0;
    w->nfree = 0;
    for (int32_t s = nslots - 1; s >= 0; s--) w->free_slots[w->nfree++] = slot0 + s;
    w->pool = pool;
    w->srows = tm->part + 2 * n * t;
    w->stmp = w->srows + n;
    w->seg = tm->seg + 2 * tm->nmax * t;
    return w;
}

void hgb_leaf_ranges(const grower *w, const fm_hgb_node *nodes, int64_t nn, int u, int T,
                     void (*fn)(void *ctx, const fm_hgb_node *leaf, int64_t pos,
                                const int32_t *rows, int64_t m),
                     void *ctx) {
    int64_t leaf = -1;
    for (int64_t i = 0; i < nn; i++) {
        if (nodes[i].feature >= 0) continue;
        leaf++;
        if (w->S == 1 && leaf % T != u) continue; /* one copy: the threads share the leaves */
        const int us = w->S == 1 ? 0 : u;
        const int32_t *sg = w->seg + 2 * (i * w->S + us);
        int64_t pos = nodes[i].start; /* the leaf's rows of segments before u come first */
        for (int v = 0; v < us; v++) pos += w->seg[2 * (i * w->S + v) + 1];
        fn(ctx, nodes + i, pos, w->srows + sg[0], sg[1]);
    }
}

static void put_rows(void *ctx, const fm_hgb_node *leaf, int64_t pos, const int32_t *rows,
                     int64_t m) {
    (void)leaf;
    memcpy((int32_t *)ctx + pos, rows, (size_t)m * sizeof(int32_t));
}

FM_API int64_t fm_hgb_grow(fm_hgb_node *nodes, uint32_t *catbits, int32_t *rows, void *work,
                           const uint8_t *codes_rm, const uint8_t *codes_cm, const float *g,
                           const float *h, int64_t n, int64_t d, const int32_t *nbins_nm,
                           const uint8_t *has_missing, const uint8_t *is_cat,
                           const int8_t *monotonic, const uint8_t *groups, int64_t ngroups,
                           const fm_hgb_params *p, int nthreads) {
    if (n < 1 || d < 1 || n > INT32_MAX || p->nbins < 3 || p->nbins > 256 ||
        p->max_leaf_nodes < 2 || p->min_samples_leaf < 1 || p->hist_pool < 3 || ngroups < 0 ||
        (ngroups > 0 && !groups))
        return FM_EINVAL;
    int T = fm_team_size(nthreads, 2.0 * (double)n * (double)d);
    if (T > d) T = (int)d;
    hgb_team tm;
    if (!hgb_team_init(&tm, T, work, p->hist_pool, 0, codes_rm, codes_cm, n, d, nbins_nm,
                       has_missing, is_cat, monotonic, groups, ngroups, p))
        return FM_ENOMEM;
    int64_t out = FM_ENOMEM;
#pragma omp parallel num_threads(T)
    {
        int t = 0, Ta = 1;
#if FASTML_HAVE_OPENMP
        t = omp_get_thread_num();
        Ta = omp_get_num_threads(); /* may be fewer than asked for */
#endif
        fm_hgb_node *nd = nodes;
        uint32_t *cb = catbits;
        grower *w = hgb_team_begin(&tm, t, Ta, g, h, p->seed, 0, (int32_t)p->hist_pool, &nd,
                                   &cb);
        const int64_t r = hgb_grow_tree(w, nd, cb, -1);
        if (t == 0) out = r;
        hgb_team_wait(&tm.bar, Ta, &w->sense); /* thread 0's tree and the segments are final */
        hgb_leaf_ranges(tm.gw, nodes, out, t, Ta, put_rows, rows); /* thread 0's partition */
    }
    hgb_team_free(&tm);
    return out;
}
