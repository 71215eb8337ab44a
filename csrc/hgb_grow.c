/* hgb_grow.c -- leaf-wise growth of one gradient boosting tree (see hgb.h).
 *
 * Rows: `rows` is a partition of 0..n-1; every node owns a contiguous range
 * of it and keeps its rows ascending (stable partitions), so gathers of codes
 * and gradients walk memory forwards.
 *
 * Threads: one parallel region per tree. Every thread runs the whole growth
 * loop on its own copy of the control state (open leaves, slot bookkeeping,
 * feature draws, node array and row partition: the same decisions in the same
 * order) and owns a contiguous block of features: it builds, subtracts and
 * scans only its block's histograms. The one synchronisation per split is
 * the exchange of the threads' best splits (a barrier, team_wait; double-
 * buffered, so one barrier per round is enough); every thread reduces them in
 * feature order.
 * No thread idles between small steps, and no parallel region is opened per
 * node. The partition of a node's rows is done by every thread on its own
 * copy (O(rows), against O(rows * features / threads) for the histograms).
 *
 * Histograms: one per open leaf, d x nbins bins of (sum g, sum h, count),
 * from a pool in the caller's workspace. A split builds the histogram of the
 * child with fewer rows and gets the other by subtracting it from the
 * parent's, in the parent's slot. When the pool is empty the open leaf with
 * the smallest gain gives its slot up and is rebuilt from rows if it is ever
 * split. Histograms are built row-wise over row-major codes: a thread streams
 * the node's rows (prefetching the codes and gradients of rows ahead) and adds
 * each row's gradient pair to its features' bins, one pass per block of
 * features whose bins fit in L2; sums run in row order, so the tree does not
 * depend on nthreads.
 *
 * Growth: the open leaf with the largest gain is split next (ties: the
 * lowest node index) until max_leaf_nodes leaves exist or no leaf has a
 * positive gain; children at max_depth, or with fewer than 2 *
 * min_samples_leaf rows, become leaves. Monotonic constraints bound the
 * children's values by the midpoint of the split's two values.
 */
#include <math.h>
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

static size_t hist_bins(int64_t d, const fm_hgb_params *p) { return (size_t)(d * p->nbins); }

FM_API int64_t fm_hgb_work_size(int64_t n, int64_t d, const fm_hgb_params *p) {
    return (int64_t)(hist_bins(d, p) * sizeof(hgb_bin) * (size_t)p->hist_pool +
                     (size_t)n * sizeof(int32_t) + 64);
}

/* ---- histograms -------------------------------------------------------------- */

/* (sum g, sum h) of one bin as one 16-byte vector: a row's update is one
 * load-add-store instead of two (the loop is bound by stores). GCC/Clang
 * vector extension; aligned(8) because bins are 24-byte records. */
typedef double hgb_v2d __attribute__((vector_size(16), aligned(8)));

/* rows ahead whose codes and gradients are prefetched in a gathered build:
 * a node's rows are ascending but sparse, so every row's codes are a cache
 * miss the hardware prefetcher cannot predict */
#define HIST_PREFETCH 24

static inline void prefetch_row(const uint8_t *codes, const float *g, const float *h,
                                int64_t r, int64_t d, int64_t f0, int64_t nf) {
    const uint8_t *c = codes + r * d + f0;
    __builtin_prefetch(c);
    if ((((uintptr_t)c) & 63) + (uintptr_t)nf > 64) __builtin_prefetch(c + nf - 1);
    __builtin_prefetch(g + r);
    if (h) __builtin_prefetch(h + r);
}

/* bytes of histogram one pass over the rows updates: the bins of a block of
 * features stay in L2 (wide data: 200 features x 256 bins x 24 bytes is
 * 1.2 MB, and a row's updates land anywhere in it) */
#define HIST_BLOCK_BYTES 196608

/* the rows of features f0 .. f0+nf-1 (one block) */
static void hist_rows_block(hgb_bin *hb, const uint8_t *codes, const float *g, const float *h,
                            const int32_t *rows, int64_t m, int64_t d, int64_t f0, int64_t nf,
                            int64_t nb) {
    for (int64_t i = 0; i < m; i++) {
        int64_t r = i;
        if (rows) {
            r = rows[i];
            if (i + HIST_PREFETCH < m)
                prefetch_row(codes, g, h, rows[i + HIST_PREFETCH], d, f0, nf);
        }
        const uint8_t *c = codes + r * d + f0;
        /* hess_const (h == NULL): the h slot counts rows (exact in double) */
        const hgb_v2d gh = {g[r], h ? h[r] : 1.0};
        for (int64_t f = 0; f < nf; f++) {
            hgb_bin *e = hb + f * nb + c[f];
            *(hgb_v2d *)&e->g += gh;
            if (h) e->cnt++;
        }
    }
}

/* the rows of a thread's features f0..f1: rows[i] (rows == NULL: row i), in
 * blocks of features whose bins fit in L2; every bin still sums its rows in
 * row order */
void hgb_hist_rows(hgb_bin *hb, const uint8_t *codes, const float *g, const float *h,
                   const int32_t *rows, int64_t m, int64_t d, int64_t f0, int64_t nf,
                   int64_t nb) {
    int64_t fb = HIST_BLOCK_BYTES / (nb * (int64_t)sizeof(hgb_bin));
    fb = fb < 1 ? 1 : fb;
    if (nf > fb) fb = (nf + (nf + fb - 1) / fb - 1) / ((nf + fb - 1) / fb); /* even blocks */
    for (int64_t b0 = 0; b0 < nf; b0 += fb)
        hist_rows_block(hb + b0 * nb, codes, g, h, rows, m, d, f0 + b0,
                        nf - b0 < fb ? nf - b0 : fb, nb);
}

/* this thread's features of the histogram of rows (rows == NULL: all n rows,
 * the root, without the index gather) */
static void build_hist(const grower *w, hgb_bin *hist, const int32_t *rows, int64_t m) {
    const int64_t d = w->c.d, nb = w->c.p->nbins;
    const int hc = w->c.p->hess_const;
    hgb_bin *hb = hist + w->f0 * nb;
    const int64_t nbins = (w->f1 - w->f0) * nb;
    memset(hb, 0, (size_t)nbins * sizeof(hgb_bin));
    hgb_hist_rows(hb, w->codes_rm, w->g, hc ? NULL : w->h, rows, m, d, w->f0, w->f1 - w->f0, nb);
    if (hc)
        for (int64_t i = 0; i < nbins; i++) hb[i].cnt = (uint32_t)hb[i].h;
}

/* parent <- parent - child (the other child's histogram, in place; this
 * thread's features) */
static void subtract_hist(const grower *w, hgb_bin *parent, const hgb_bin *child) {
    const int64_t nb = w->c.p->nbins;
    for (int64_t i = w->f0 * nb; i < w->f1 * nb; i++) {
        parent[i].g -= child[i].g;
        parent[i].h -= child[i].h;
        parent[i].cnt -= child[i].cnt;
    }
}

hgb_bin *hgb_slot(const grower *w, int32_t s) {
    return w->pool + (size_t)s * hist_bins(w->c.d, w->c.p);
}

/* a free pool slot, taking one from the open leaf with the smallest gain
 * when none is free (the pool holds >= 3 slots, so one always exists) */
static int32_t acquire_slot(grower *w) {
    if (w->nfree > 0) return w->free_slots[--w->nfree];
    int64_t victim = -1;
    for (int64_t i = 0; i < w->nopen; i++)
        if (w->open[i].slot >= 0 &&
            (victim < 0 || w->open[i].split.gain < w->open[victim].split.gain))
            victim = i;
    int32_t s = w->open[victim].slot;
    w->open[victim].slot = -1;
    return s;
}

static void release_slot(grower *w, int32_t s) {
    if (s >= 0) w->free_slots[w->nfree++] = s;
}

/* ---- row partition ------------------------------------------------------------ */

/* Stable partition of rows[0..m) by lut[code] (1: left); returns the left
 * count. Serial: every thread partitions its own copy. */
static int64_t partition(grower *w, int32_t *rows, int64_t m, const uint8_t *col,
                         const uint8_t *lut) {
    int32_t *tmp = w->tmp;
    int64_t nl = 0, nr = 0;
    /* branch-free: the side of a row is data, not control flow (a split
     * sends rows both ways about equally often, so a branch on it would
     * mispredict on every other row); both stores are made, one is kept */
    for (int64_t i = 0; i < m; i++) {
        const int32_t r = rows[i];
        if (i + HIST_PREFETCH < m) __builtin_prefetch(col + rows[i + HIST_PREFETCH]);
        const int64_t left = lut[col[r]];
        rows[nl] = r;
        tmp[nr] = r;
        nl += left;
        nr += 1 - left;
    }
    memcpy(rows + nl, tmp, (size_t)nr * sizeof(int32_t));
    return nl;
}

static void split_lut(uint8_t *lut, const hgb_split *s, int missing_bin) {
    for (int c = 0; c < 256; c++) {
        if (s->is_cat) lut[c] = (uint8_t)((s->bits[c >> 5] >> (c & 31)) & 1u);
        else lut[c] = (uint8_t)(c == missing_bin ? s->missing_left : c <= s->bin);
    }
}

/* ---- growth ------------------------------------------------------------------- */

static uint64_t next_rand(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* the features node `node` may split on under the interaction constraints
 * (into w->mask); returns how many */
static int64_t allowed_features(grower *w, int32_t node) {
    const int64_t d = w->c.d, ng = w->ngroups;
    const uint8_t *ok = w->node_groups + (int64_t)node * ng;
    memset(w->mask, 0, (size_t)d);
    for (int64_t gi = 0; gi < ng; gi++) {
        if (!ok[gi]) continue;
        const uint8_t *row = w->groups + gi * d;
        for (int64_t f = 0; f < d; f++) w->mask[f] |= row[f];
    }
    int64_t m = 0;
    for (int64_t f = 0; f < d; f++) m += w->mask[f] != 0;
    return m;
}

/* a child keeps its parent's groups that contain the parent's split feature */
static void child_groups(grower *w, int32_t child, int32_t parent, int32_t feature) {
    const int64_t ng = w->ngroups, d = w->c.d;
    uint8_t *dst = w->node_groups + (int64_t)child * ng;
    const uint8_t *src = w->node_groups + (int64_t)parent * ng;
    for (int64_t gi = 0; gi < ng; gi++) dst[gi] = src[gi] && w->groups[gi * d + feature];
}

/* features allowed at node's next split: all, the interaction-allowed ones,
 * and/or max_features drawn at random among them */
static const uint8_t *draw_features(grower *w, int32_t node) {
    const int64_t d = w->c.d, k = w->c.p->max_features;
    if (w->ngroups == 0) {
        if (k >= d) return NULL;
        int32_t *perm = w->perm;
        for (int64_t f = 0; f < d; f++) perm[f] = (int32_t)f;
        memset(w->mask, 0, (size_t)d);
        for (int64_t i = 0; i < k; i++) {
            int64_t j = i + (int64_t)(next_rand(&w->rng) % (uint64_t)(d - i));
            int32_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
            w->mask[perm[i]] = 1;
        }
        return w->mask;
    }
    const int64_t m = allowed_features(w, node);
    if (k >= d) return m == d ? NULL : w->mask;
    const int64_t ke = (k * m + d - 1) / d; /* ceil(k * m / d) >= 1 */
    int32_t *perm = w->perm;
    int64_t a = 0;
    for (int64_t f = 0; f < d; f++)
        if (w->mask[f]) perm[a++] = (int32_t)f;
    memset(w->mask, 0, (size_t)d);
    for (int64_t i = 0; i < ke; i++) {
        int64_t j = i + (int64_t)(next_rand(&w->rng) % (uint64_t)(m - i));
        int32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        w->mask[perm[i]] = 1;
    }
    return w->mask;
}

static void new_node(fm_hgb_node *nd, double value, int64_t start, int64_t count, int depth) {
    memset(nd, 0, sizeof(*nd));
    nd->value = value;
    nd->feature = -1;
    nd->left = nd->right = -1;
    nd->cat = -1;
    nd->start = (int32_t)start;
    nd->count = (int32_t)count;
    nd->depth = depth;
}

/* This thread's best split of leaf L (its histogram is in its slot). */
static void find_local(grower *w, const leaf_t *L, const fm_hgb_node *nodes,
                       double value_for_gain, hgb_split *out) {
    hgb_find_split(out, w->per_feature, hgb_slot(w, L->slot), &w->c, draw_features(w, L->node),
                   L->G, L->H, nodes[L->node].count, value_for_gain, L->lo, L->hi, w->f0,
                   w->f1);
}

/* Publish this thread's best splits of up to two leaves, wait for the team
 * and reduce every thread's in thread (= feature) order into best[0..2).
 * Round r uses buffer r % 2: a thread can only overwrite a buffer after all
 * threads have passed the next round's barrier, i.e. finished reading it. */
static void exchange(grower *w, const hgb_split local[2], hgb_split best[2]) {
    if (w->T == 1) { /* alone (possibly after go_serial): no buffer, no barrier */
        best[0] = local[0];
        best[1] = local[1];
        return;
    }
    hgb_split *x = w->xchg + (w->round++ & 1) * 2 * (int64_t)w->T;
    x[2 * w->tid] = local[0];
    x[2 * w->tid + 1] = local[1];
    hgb_team_wait(w->bar, w->T, &w->sense);
    for (int k = 0; k < 2; k++) {
        best[k].gain = -1.0;
        best[k].feature = -1;
        for (int t = 0; t < w->T; t++)
            if (x[2 * t + k].gain > best[k].gain) best[k] = x[2 * t + k];
    }
}

/* keep leaf L open when its split has a positive gain, else release its slot */
static void keep_or_release(grower *w, leaf_t *L, const hgb_split *s) {
    L->split = *s;
    if (L->split.gain > 0.0) w->open[w->nopen++] = *L;
    else release_slot(w, L->slot);
}

/* Once every open leaf is small (its histograms cost less than a barrier
 * saves), thread 0 finishes the tree alone: the pool already holds all
 * features of every open leaf's histogram, and the decision is taken from
 * replicated state, so all threads take it at the same step (and the tree
 * is the same as with any other team). */
static int go_serial(const grower *w, const fm_hgb_node *nodes) {
    int64_t big = 0;
    for (int64_t i = 0; i < w->nopen; i++)
        big = nodes[w->open[i].node].count > big ? nodes[w->open[i].node].count : big;
    return 2.0 * (double)big * (double)w->c.d < 2.0e5;
}

/* Grow one tree. root_slot >= 0: the root's histogram is already in that
 * pool slot (all features); -1: take a slot and build it here. */
int64_t hgb_grow_tree(grower *w, fm_hgb_node *nodes, uint32_t *catbits, int32_t root_slot) {
    const fm_hgb_params *p = w->c.p;
    const int64_t n = w->n, msl = p->min_samples_leaf;
    const int missing_bin = p->nbins - 1;
    int64_t nnodes = 1, nleaves = 1;
    for (int64_t i = 0; i < n; i++) w->rows[i] = (int32_t)i;
    double G = 0.0, H = 0.0;
    for (int64_t i = 0; i < n; i++) G += w->g[i];
    if (p->hess_const) H = (double)n;
    else for (int64_t i = 0; i < n; i++) H += w->h[i];
    new_node(nodes, 0.0, 0, n, 0); /* a lone root predicts 0, as in scikit-learn */
    if (n < 2 * msl || H < p->min_hessian) return nnodes;
    if (w->ngroups) memset(w->node_groups, 1, (size_t)w->ngroups);
    leaf_t root = {0, root_slot >= 0 ? root_slot : acquire_slot(w), G, H, 0.0, -INFINITY,
                   INFINITY, {0}};
    if (root_slot < 0) build_hist(w, hgb_slot(w, root.slot), NULL, n);
    hgb_split loc[2], best[2];
    find_local(w, &root, nodes, 0.0, &loc[0]);
    loc[1].gain = -1.0;
    exchange(w, loc, best);
    keep_or_release(w, &root, &best[0]);
    uint8_t lut[256];
    while (w->nopen > 0) {
        if (w->T > 1 && go_serial(w, nodes)) {
            if (w->tid > 0) return nnodes; /* thread 0 finishes the tree */
            w->T = 1;
            w->f0 = 0;
            w->f1 = w->c.d;
        }
        int64_t bi = 0;
        for (int64_t i = 1; i < w->nopen; i++)
            if (w->open[i].split.gain > w->open[bi].split.gain) bi = i;
        leaf_t P = w->open[bi];
        w->open[bi] = w->open[--w->nopen];
        const hgb_split *s = &P.split;
        fm_hgb_node *pn = nodes + P.node;
        split_lut(lut, s, missing_bin);
        const int64_t nl = partition(w, w->rows + pn->start, pn->count,
                                     w->codes_cm + (int64_t)s->feature * n, lut);
        const int64_t nr = pn->count - nl;
        const int depth = pn->depth + 1;
        const int64_t li = nnodes, ri = nnodes + 1;
        nnodes += 2;
        nleaves += 1;
        new_node(nodes + li, s->vl, pn->start, nl, depth);
        new_node(nodes + ri, s->vr, pn->start + nl, nr, depth);
        pn->feature = s->feature;
        pn->left = (int32_t)li;
        pn->right = (int32_t)ri;
        pn->bin = (uint16_t)s->bin;
        pn->is_cat = s->is_cat;
        pn->gain = s->gain;
        pn->missing_left = w->c.has_missing[s->feature] ? s->missing_left : (uint8_t)(nl > nr);
        if (s->is_cat) {
            pn->cat = P.node;
            memcpy(catbits + 8 * (int64_t)P.node, s->bits, sizeof(s->bits));
        }
        if (nleaves >= p->max_leaf_nodes) { release_slot(w, P.slot); break; }
        if (w->ngroups) {
            child_groups(w, (int32_t)li, P.node, s->feature);
            child_groups(w, (int32_t)ri, P.node, s->feature);
        }
        int split_l = nl >= 2 * msl, split_r = nr >= 2 * msl;
        if (p->max_depth > 0 && depth >= p->max_depth) split_l = split_r = 0;
        if (!split_l && !split_r) { release_slot(w, P.slot); continue; }
        double llo = P.lo, lhi = P.hi, rlo = P.lo, rhi = P.hi;
        const int mono = w->c.monotonic ? w->c.monotonic[s->feature] : 0;
        if (mono) {
            const double mid = 0.5 * (s->vl + s->vr);
            if (mono > 0) { lhi = mid; rlo = mid; }
            else { llo = mid; rhi = mid; }
        }
        leaf_t Lc = {(int32_t)li, -1, s->gl, s->hl, s->vl, llo, lhi, {0}};
        leaf_t Rc = {(int32_t)ri, -1, P.G - s->gl, P.H - s->hl, s->vr, rlo, rhi, {0}};
        leaf_t *small = nl <= nr ? &Lc : &Rc, *large = nl <= nr ? &Rc : &Lc;
        small->slot = acquire_slot(w);
        build_hist(w, hgb_slot(w, small->slot), w->rows + nodes[small->node].start,
                   nodes[small->node].count);
        if (P.slot >= 0) {
            large->slot = P.slot;
            subtract_hist(w, hgb_slot(w, large->slot), hgb_slot(w, small->slot));
        } else {
            large->slot = acquire_slot(w);
            build_hist(w, hgb_slot(w, large->slot), w->rows + nodes[large->node].start,
                       nodes[large->node].count);
        }
        loc[0].gain = loc[1].gain = -1.0;
        if (split_l) find_local(w, &Lc, nodes, Lc.value, &loc[0]);
        if (split_r) find_local(w, &Rc, nodes, Rc.value, &loc[1]);
        exchange(w, loc, best);
        if (split_l) keep_or_release(w, &Lc, &best[0]);
        else release_slot(w, Lc.slot);
        if (split_r) keep_or_release(w, &Rc, &best[1]);
        else release_slot(w, Rc.slot);
    }
    return nnodes;
}

/* per-thread scratch of a grower; rows/tmp/nodes/catbits are set by the caller */
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

int hgb_team_init(hgb_team *tm, int T, int32_t *rows, void *work, int64_t slots,
                  const uint8_t *codes_rm, const uint8_t *codes_cm, int64_t n, int64_t d,
                  const int32_t *nbins_nm, const uint8_t *has_missing, const uint8_t *is_cat,
                  const int8_t *monotonic, const uint8_t *groups, int64_t ngroups,
                  const fm_hgb_params *p) {
    memset(tm, 0, sizeof(*tm));
    tm->T = T;
    tm->nmax = 2 * p->max_leaf_nodes - 1;
    tm->gw = calloc((size_t)T, sizeof(grower));
    tm->xchg = malloc((size_t)(4 * T) * sizeof(hgb_split));
    /* threads 1.. keep their own partition, nodes and bitsets */
    tm->extra = (size_t)(2 * n) * sizeof(int32_t) + (size_t)tm->nmax * sizeof(fm_hgb_node) +
                (size_t)tm->nmax * 8 * sizeof(uint32_t);
    tm->priv = T > 1 ? malloc(tm->extra * (size_t)(T - 1)) : NULL;
    int ok = tm->gw && tm->xchg && (T == 1 || tm->priv);
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
        if (t == 0) {
            w->rows = rows;
            w->tmp = (int32_t *)(w->pool + hist_bins(d, p) * (size_t)slots);
        } else {
            w->rows = (int32_t *)(tm->priv + (size_t)(t - 1) * tm->extra);
            w->tmp = w->rows + n;
        }
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
    memset(tm, 0, sizeof(*tm));
}

grower *hgb_team_begin(hgb_team *tm, int t, int Ta, const float *g, const float *h,
                       uint64_t seed, int32_t slot0, int32_t nslots, fm_hgb_node **nodes,
                       uint32_t **catbits) {
    grower *w = tm->gw + t;
    w->tid = t;
    w->T = Ta;
    w->f0 = w->c.d * t / Ta;
    w->f1 = w->c.d * (t + 1) / Ta;
    w->g = g;
    w->h = h;
    w->rng = seed;
    w->nopen = 0;
    w->nfree = 0;
    for (int32_t s = nslots - 1; s >= 0; s--) w->free_slots[w->nfree++] = slot0 + s;
    if (t > 0) {
        char *base = tm->priv + (size_t)(t - 1) * tm->extra + (size_t)(2 * w->n) * sizeof(int32_t);
        *nodes = (fm_hgb_node *)base;
        *catbits = (uint32_t *)(*nodes + tm->nmax);
    }
    return w;
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
    if (!hgb_team_init(&tm, T, rows, work, p->hist_pool, codes_rm, codes_cm, n, d, nbins_nm,
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
    }
    hgb_team_free(&tm);
    return out;
}
