/* hgb_grow.c -- leaf-wise growth of one gradient boosting tree (see hgb.h).
 *
 * Rows: `rows` is a partition of 0..n-1; every node owns a contiguous range
 * of it and keeps its rows ascending (stable partitions), so gathers of codes
 * and gradients walk memory forwards.
 *
 * Histograms: one per open leaf, d x nbins bins of (sum g, sum h, count),
 * from a pool in the caller's workspace. A split builds the histogram of the
 * child with fewer rows and gets the other by subtracting it from the
 * parent's, in the parent's slot. When the pool is empty the open leaf with
 * the smallest gain gives its slot up and is rebuilt from rows if it is ever
 * split. Histograms are built row-wise over row-major codes: each thread owns
 * a contiguous block of features (its bins), streams the node's rows and adds
 * each row's gradient pair to its features' bins; sums run in row order, so
 * the tree does not depend on nthreads.
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

#include "hgb_impl.h"

typedef struct {
    int32_t node, slot; /* slot: histogram pool index or -1 */
    double G, H, value, lo, hi;
    hgb_split split;
} leaf_t;

typedef struct {
    hgb_ctx c;
    const uint8_t *codes_rm, *codes_cm;
    const float *g, *h;
    int64_t n;
    hgb_bin *pool;
    int32_t *free_slots, nfree;
    int32_t *rows, *tmp;
    hgb_split *per_feature;
    uint8_t *mask;
    int32_t *perm;
    const uint8_t *groups;  /* interaction constraints (ngroups, d) or NULL */
    int64_t ngroups;
    uint8_t *node_groups;   /* per node: the groups it may still use (ngroups each) */
    uint64_t rng;
    leaf_t *open;
    int64_t nopen;
    int nthreads;
} grower;

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

/* the rows of a thread's features f0..f1: rows[i] (rows == NULL: row i) */
static void hist_rows(hgb_bin *hb, const uint8_t *codes, const float *g, const float *h,
                      const int32_t *rows, int64_t m, int64_t d, int64_t f0, int64_t nf,
                      int64_t nb) {
    for (int64_t i = 0; i < m; i++) {
        const int64_t r = rows ? rows[i] : i;
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

/* rows == NULL: all n rows (the root), without the index gather */
static void build_hist(const grower *w, hgb_bin *hist, const int32_t *rows, int64_t m) {
    const int64_t d = w->c.d, nb = w->c.p->nbins;
    const int hc = w->c.p->hess_const;
    const uint8_t *codes = w->codes_rm;
    const float *g = w->g, *h = hc ? NULL : w->h;
#pragma omp parallel num_threads(fm_team_size(w->nthreads, 2.0 * m * d))
    {
        int64_t t = 0, T = 1;
#if FASTML_HAVE_OPENMP
        t = omp_get_thread_num();
        T = omp_get_num_threads();
#endif
        const int64_t f0 = d * t / T, f1 = d * (t + 1) / T;
        hgb_bin *hb = hist + f0 * nb;
        const int64_t nbins = (f1 - f0) * nb;
        memset(hb, 0, (size_t)nbins * sizeof(hgb_bin));
        hist_rows(hb, codes, g, h, rows, m, d, f0, f1 - f0, nb);
        if (hc)
            for (int64_t i = 0; i < nbins; i++) hb[i].cnt = (uint32_t)hb[i].h;
    }
}

/* parent <- parent - child (the other child's histogram, in place) */
static void subtract_hist(const grower *w, hgb_bin *parent, const hgb_bin *child) {
    const int64_t nb = w->c.d * w->c.p->nbins;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(w->nthreads, 4.0 * nb))
    for (int64_t i = 0; i < nb; i++) {
        parent[i].g -= child[i].g;
        parent[i].h -= child[i].h;
        parent[i].cnt -= child[i].cnt;
    }
}

static hgb_bin *slot_ptr(const grower *w, int32_t s) {
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

/* Stable partition of rows[0..m) by lut[code] (1: left); returns the left count. */
static int64_t partition(grower *w, int32_t *rows, int64_t m, const uint8_t *col,
                         const uint8_t *lut) {
    int32_t *tmp = w->tmp;
    int T = m > 65536 ? fm_team_size(w->nthreads, 4.0 * m) : 1;
    if (T <= 1) {
        int64_t nl = 0, nr = 0;
        for (int64_t i = 0; i < m; i++) {
            const int32_t r = rows[i];
            if (lut[col[r]]) rows[nl++] = r;
            else tmp[nr++] = r;
        }
        memcpy(rows + nl, tmp, (size_t)nr * sizeof(int32_t));
        return nl;
    }
    /* chunked: count the lefts of each chunk, then place every chunk's rows */
    int64_t cnt[65], nl = 0;
    const int64_t C = 64;
#pragma omp parallel for schedule(static) num_threads(T)
    for (int64_t k = 0; k < C; k++) {
        int64_t a = m * k / C, b = m * (k + 1) / C, c = 0;
        for (int64_t i = a; i < b; i++) c += lut[col[rows[i]]];
        cnt[k] = c;
    }
    int64_t lpos[64], rpos[64];
    for (int64_t k = 0; k < C; k++) { lpos[k] = nl; nl += cnt[k]; }
    for (int64_t k = 0, acc = nl; k < C; k++) {
        rpos[k] = acc;
        acc += (m * (k + 1) / C - m * k / C) - cnt[k];
    }
#pragma omp parallel for schedule(static) num_threads(T)
    for (int64_t k = 0; k < C; k++) {
        int64_t a = m * k / C, b = m * (k + 1) / C, l = lpos[k], r = rpos[k];
        for (int64_t i = a; i < b; i++) {
            const int32_t row = rows[i];
            if (lut[col[row]]) tmp[l++] = row;
            else tmp[r++] = row;
        }
    }
    memcpy(rows, tmp, (size_t)m * sizeof(int32_t));
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

/* Find the split of leaf L (its histogram is in its slot); keep it open when
 * the gain is positive, else release its slot. */
static void consider(grower *w, leaf_t *L, const fm_hgb_node *nodes, double value_for_gain) {
    hgb_find_split(&L->split, w->per_feature, slot_ptr(w, L->slot), &w->c,
                   draw_features(w, L->node),
                   L->G, L->H, nodes[L->node].count, value_for_gain, L->lo, L->hi, w->nthreads);
    if (L->split.gain > 0.0) w->open[w->nopen++] = *L;
    else release_slot(w, L->slot);
}

static int64_t grow(grower *w, fm_hgb_node *nodes, uint32_t *catbits) {
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
    leaf_t root = {0, acquire_slot(w), G, H, 0.0, -INFINITY, INFINITY, {0}};
    build_hist(w, slot_ptr(w, root.slot), NULL, n);
    consider(w, &root, nodes, 0.0);
    uint8_t lut[256];
    while (w->nopen > 0) {
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
        build_hist(w, slot_ptr(w, small->slot), w->rows + nodes[small->node].start,
                   nodes[small->node].count);
        if (P.slot >= 0) {
            large->slot = P.slot;
            subtract_hist(w, slot_ptr(w, large->slot), slot_ptr(w, small->slot));
        } else {
            large->slot = acquire_slot(w);
            build_hist(w, slot_ptr(w, large->slot), w->rows + nodes[large->node].start,
                       nodes[large->node].count);
        }
        if (split_l) consider(w, &Lc, nodes, Lc.value);
        else release_slot(w, Lc.slot);
        if (split_r) consider(w, &Rc, nodes, Rc.value);
        else release_slot(w, Rc.slot);
    }
    return nnodes;
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
    grower w = {{nbins_nm, has_missing, is_cat, monotonic, p, d}, codes_rm, codes_cm, g, h, n};
    w.nthreads = nthreads;
    w.pool = (hgb_bin *)work;
    w.tmp = (int32_t *)(w.pool + hist_bins(d, p) * (size_t)p->hist_pool);
    w.rows = rows;
    w.rng = p->seed;
    w.free_slots = malloc((size_t)p->hist_pool * sizeof(int32_t));
    w.per_feature = malloc((size_t)d * sizeof(hgb_split));
    w.mask = malloc((size_t)d);
    w.perm = malloc((size_t)d * sizeof(int32_t));
    w.open = malloc((size_t)(p->max_leaf_nodes + 1) * sizeof(leaf_t));
    w.groups = groups;
    w.ngroups = groups ? ngroups : 0;
    w.node_groups = w.ngroups ? malloc((size_t)(2 * p->max_leaf_nodes) * (size_t)w.ngroups) : NULL;
    int64_t out = FM_ENOMEM;
    if (w.free_slots && w.per_feature && w.mask && w.perm && w.open &&
        (!w.ngroups || w.node_groups)) {
        for (int32_t s = (int32_t)p->hist_pool - 1; s >= 0; s--) w.free_slots[w.nfree++] = s;
        out = grow(&w, nodes, catbits);
    }
    free(w.free_slots);
    free(w.per_feature);
    free(w.mask);
    free(w.perm);
    free(w.open);
    free(w.node_groups);
    return out;
}
