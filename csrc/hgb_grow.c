/* hgb_grow.c -- leaf-wise growth of one gradient boosting tree (see hgb.h).
 *
 * Rows: a partition of 0..n-1, kept in S segments (hgb_team.c): segment u
 * holds the rows of the u-th block of 0..n-1, every node owns a contiguous
 * range of every segment and keeps its rows ascending (stable partitions), so
 * gathers of codes and gradients walk memory forwards and a node's segments,
 * taken in order, are its rows in row order. S = 1 with every thread on its
 * own copy (the team's default: a thread partitions a whole node, no barrier)
 * or S = team size on one shared copy (a thread splits only its segment, then
 * the team waits: one more barrier per split, which measured slower at load
 * 4-9 and level on a quiet machine at 100k x 20).
 *
 * Threads: one parallel region per tree. Every thread runs the whole growth
 * loop on its own copy of the control state (open leaves, slot bookkeeping,
 * feature draws, node array: the same decisions in the same order) and owns
 * a contiguous block of features: it builds, subtracts and scans only its
 * block's histograms. The one synchronisation per split is the exchange of
 * the threads' best splits (a barrier, team_wait; double-buffered, so one
 * barrier per round is enough); every thread reduces them in feature order.
 * No thread idles between small steps, and no parallel region is opened per
 * node.

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

#include "hgb_impl.h"

static size_t hist_bins(int64_t d, const fm_hgb_params *p) { return (size_t)(d * p->nbins); }

FM_API int64_t fm_hgb_work_size(int64_t n, int64_t d, const fm_hgb_params *p) {
    (void)n;
    return (int64_t)(hist_bins(d, p) * sizeof(hgb_bin) * (size_t)p->hist_pool + 64);
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

static const int32_t *seg_of(const grower *w, int64_t node, int u) {
    return w->seg + 2 * (node * w->S + u);
}

/* this thread's features of node `node`'s histogram (node < 0: all n rows,
 * the root, without the index gather); the node's segments are summed in
 * segment order, i.e. its rows in row order */
static void build_hist(const grower *w, hgb_bin *hist, int64_t node) {
    const int64_t d = w->c.d, nb = w->c.p->nbins;
    const int hc = w->c.p->hess_const;
    hgb_bin *hb = hist + w->f0 * nb;
    const int64_t nbins = (w->f1 - w->f0) * nb;
    const float *h = hc ? NULL : w->h;
    memset(hb, 0, (size_t)nbins * sizeof(hgb_bin));
    if (node < 0) {
        hgb_hist_rows(hb, w->codes_rm, w->g, h, NULL, w->n, d, w->f0, w->f1 - w->f0, nb);
    } else {
        for (int u = 0; u < w->S; u++) {
            const int32_t *sg = seg_of(w, node, u);
            hgb_hist_rows(hb, w->codes_rm, w->g, h, w->srows + sg[0], sg[1], d, w->f0,
                          w->f1 - w->f0, nb);
        }
    }
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

/* Stable partition of one segment's range rows[0..m) by lut[code] (1:
 * left), tmp[0..m) scratch; returns the left count. */
static int64_t partition_seg(int32_t *rows, int32_t *tmp, int64_t m, const uint8_t *col,
                             const uint8_t *lut) {
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

/* Split node `node`'s rows into children li (left) and ri: every thread
 * partitions its own segment (alone: all of them) and records the
 * children's ranges of it, then waits for the team. Returns the left count. */
static int64_t partition(grower *w, int64_t node, int64_t li, int64_t ri, const uint8_t *col,
                         const uint8_t *lut) {
    const int S = w->S;
    const int all = w->T == 1 || S == 1; /* alone, or every thread on its own copy */
    const int u0 = all ? 0 : w->tid, u1 = all ? S : w->tid + 1;
    for (int u = u0; u < u1; u++) {
        const int32_t *sg = seg_of(w, node, u);
        const int32_t st = sg[0], c = sg[1];
        const int32_t nl = (int32_t)partition_seg(w->srows + st, w->stmp + st, c, col, lut);
        int32_t *l = w->seg + 2 * (li * S + u), *r = w->seg + 2 * (ri * S + u);
        l[0] = st;
        l[1] = nl;
        r[0] = st + nl;
        r[1] = c - nl;
    }
    if (S > 1) hgb_team_wait(w->bar, w->T, &w->sense); /* every segment partitioned */
    int64_t nl = 0;
    for (int u = 0; u < S; u++) nl += seg_of(w, li, u)[1];
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
    { /* this thread's segment of the partition: its rows, in order */
        const int us = w->S == 1 ? 0 : w->tid;
        const int64_t a = hgb_seg_base(n, w->S, us), b = hgb_seg_base(n, w->S, us + 1);
        for (int64_t i = a; i < b; i++) w->srows[i] = (int32_t)i;
        w->seg[2 * us] = (int32_t)a;
        w->seg[2 * us + 1] = (int32_t)(b - a);
    }
    double G = 0.0, H = 0.0;
    for (int64_t i = 0; i < n; i++) G += w->g[i];
    if (p->hess_const) H = (double)n;
    else for (int64_t i = 0; i < n; i++) H += w->h[i];
    new_node(nodes, 0.0, 0, n, 0); /* a lone root predicts 0, as in scikit-learn */
    if (n < 2 * msl || H < p->min_hessian) return nnodes;
    if (w->ngroups) memset(w->node_groups, 1, (size_t)w->ngroups);
    leaf_t root = {0, root_slot >= 0 ? root_slot : acquire_slot(w), G, H, 0.0, -INFINITY,
                   INFINITY, {0}};
    if (root_slot < 0) build_hist(w, hgb_slot(w, root.slot), -1);
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
        const int64_t li = nnodes, ri = nnodes + 1;
        const int64_t nl = partition(w, P.node, li, ri, w->codes_cm + (int64_t)s->feature * n,
                                     lut);
        const int64_t nr = pn->count - nl;
        const int depth = pn->depth + 1;
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
        build_hist(w, hgb_slot(w, small->slot), small->node);
        if (P.slot >= 0) {
            large->slot = P.slot;
            subtract_hist(w, hgb_slot(w, large->slot), hgb_slot(w, small->slot));
        } else {
            large->slot = acquire_slot(w);
            build_hist(w, hgb_slot(w, large->slot), large->node);
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

