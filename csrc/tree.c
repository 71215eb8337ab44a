/* tree.c -- decision-tree growth on binned features, and tree traversal
 * (tree_tmpl.h, one copy per dtype). The split search of one node is in
 * tree_split.c.
 *
 * Growth (fm_tree_build) is histogram-based: features are pre-binned once
 * (uint8 codes, column-major Xb[f*n + i], at most 256 bins; the Python side
 * picks bin edges between distinct values, so features with <= 256 distinct
 * values split exactly like a sorting-based tree). Nodes grow depth-first
 * from an explicit stack (node ids in pre-order, like scikit-learn). At each
 * node the features are visited in a random order (xorshift64*, seeded by the
 * caller) until max_features non-constant ones were evaluated; for each, one
 * pass over the node's samples builds a histogram of (count, class weights) or
 * (count, w, w*y), and a scan over its occupied bins finds the split that
 * maximises the impurity-improvement proxy:
 *   gini     sum_c L_c^2 / W_L + sum_c R_c^2 / W_R
 *   entropy  sum_c L_c ln L_c - W_L ln W_L  + (same for R)
 *   mse      S_L^2 / W_L + S_R^2 / W_R       (S = sum w*y)
 * Ties keep the first (feature order, then lowest bin). For features with
 * more distinct values than bins, the chosen edge is then refined exactly
 * within its two neighbouring bins (sorted raw values, see below), so a
 * split that a sorting-based tree would find near that edge is found
 * exactly. The samples are then partitioned stably. Cost per node:
 * O(n_node * features_tried + bins). A node is a leaf at max_depth, below the
 * sample / weight minima, or when its impurity is at rounding level
 * (leaf_cutoff).
 *
 * Growth is sequential: forests call fm_tree_build from several threads
 * (each with its own tree), with the GIL released. apply and bin run row
 * blocks in parallel (nthreads).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree_internal.h"

#define TREE_BIN_ROWS 16 /* rows binned at once (tree_tmpl.h) */
/* Leaf cut-offs, see leaf_cutoff(): classification as scikit-learn (pure
 * nodes have impurity exactly 0); squared error relative to the node. */
#define TREE_CLS_EPS DBL_EPSILON
#define TREE_MSE_REL_EPS (2.0 * DBL_EPSILON)

static int tree_grow(fm_tree *t) {
    int64_t cap = t->capacity ? 2 * t->capacity : 64;
    int64_t nv = t->n_values;
#define GROW(ptr, T, per)                                                   \
    do {                                                                    \
        void *p_ = realloc(t->ptr, (size_t)(cap * (per)) * sizeof(T));      \
        if (!p_) return FM_ENOMEM;                                          \
        t->ptr = (T *)p_;                                                   \
    } while (0)
    GROW(feature, int32_t, 1);
    GROW(bin, int32_t, 1);
    GROW(left, int64_t, 1);
    GROW(right, int64_t, 1);
    GROW(n_samples, int64_t, 1);
    GROW(impurity, double, 1);
    GROW(threshold, double, 1);
    GROW(weighted_n, double, 1);
    GROW(value, double, nv);
#undef GROW
    t->capacity = cap;
    return FM_OK;
}

FM_API void fm_tree_free(fm_tree *t) {
    free(t->feature);
    free(t->bin);
    free(t->missing_left);
    free(t->left);
    free(t->right);
    free(t->n_samples);
    free(t->impurity);
    free(t->threshold);
    free(t->weighted_n);
    free(t->value);
    memset(t, 0, sizeof *t);
}

/* A node is a leaf once its impurity is at the rounding level of its own
 * computation. Gini / entropy of a pure node are exactly 0 (cut-off
 * DBL_EPSILON, scikit-learn's). The squared error is E[y^2] - E[y]^2 from
 * one pass, whose rounding error grows like nn * eps * E[y^2]: the cut-off is
 * that, relative to the node's own mean square, so a constant target of any
 * magnitude is one leaf and a small-variance target of any scale splits (an
 * absolute 1e-7 here left targets of std < 3e-4 unsplit). */
static double leaf_cutoff(int crit, const double *nt, int64_t nn) {
    if (crit != FM_CRIT_MSE) return TREE_CLS_EPS;
    return nt[0] > 0 ? TREE_MSE_REL_EPS * (double)nn * (nt[2] / nt[0]) : 0;
}

/* Node `node` from the rows of `it`: its totals, impurity and value. */
static void init_node(fm_tree *t, const grower *g, int64_t node, const stack_item *it,
                      const double *nt, double W, double imp) {
    t->feature[node] = -1;
    t->bin[node] = 0;
    t->threshold[node] = -2.0;
    t->left[node] = t->right[node] = -1;
    t->n_samples[node] = it->end - it->start;
    t->weighted_n[node] = W;
    t->impurity[node] = imp;
    if (g->cls)
        memcpy(t->value + node * t->n_values, nt, (size_t)g->S * sizeof(double));
    else
        t->value[node] = W > 0 ? nt[1] / W : 0;
}

/* Depth-first growth from an explicit stack (node ids in pre-order). */
static int grow_tree(fm_tree *t, grower *g, stack_item *stack, int64_t m, double W_all,
                     int64_t max_depth, int64_t min_samples_split, double min_impurity_decrease,
                     uint64_t seed) {
    uint64_t rs = seed ? seed : UINT64_C(0x9E3779B97F4A7C15);
    int64_t sp = 0;
    int st;
    if (m > 0) stack[sp++] = (stack_item){0, m, 0, -1, 0};
    while (sp > 0) {
        stack_item it = stack[--sp];
        if (t->n_nodes == t->capacity && (st = tree_grow(t)) != FM_OK) return st;
        const int64_t node = t->n_nodes++;
        if (it.parent >= 0) {
            if (it.is_left)
                t->left[it.parent] = node;
            else
                t->right[it.parent] = node;
        }
        if (it.depth > t->max_depth) t->max_depth = it.depth;
        double *nt = g->tot;
        fm_tree_node_totals(g, nt, it.start, it.end);
        const int64_t nn = it.end - it.start;
        double W = 0;
        if (g->cls)
            for (int64_t c = 0; c < g->S; c++) W += nt[c];
        else
            W = nt[0];
        const double imp = fm_tree_node_impurity(g->crit, nt, g->SN);
        init_node(t, g, node, &it, nt, W, imp);
        if (it.depth >= max_depth || nn < min_samples_split || nn < 2 * g->min_samples_leaf ||
            W < 2 * g->min_weight_leaf || imp <= leaf_cutoff(g->crit, nt, nn))
            continue;
        split best = fm_tree_best_bin_split(g, &rs, &it, nt, W);
        if (best.f < 0) continue;
        if (g->Xf && g->refine[best.f]) fm_tree_refine_split(g, &best, &it, nt, W);
        const int64_t mid = fm_tree_partition(g, &best, &it);
        if (min_impurity_decrease > 0 &&
            fm_tree_impurity_decrease(g, &it, mid, W, W_all, imp) < min_impurity_decrease)
            continue;
        t->feature[node] = best.f;
        t->bin[node] = best.refined ? -1 : best.b;
        t->threshold[node] = best.thr;
        stack[sp++] = (stack_item){mid, it.end, it.depth + 1, node, 0};
        stack[sp++] = (stack_item){it.start, mid, it.depth + 1, node, 1};
    }
    return FM_OK;
}

FM_API int fm_tree_build(fm_tree *t, const uint8_t *Xb, const double *edges, const int64_t *eoff,
                         const double *Xf, const uint8_t *refine, const double *y,
                         const double *w, int64_t n, int64_t d, int criterion, int64_t n_classes,
                         int64_t max_depth, int64_t min_samples_split, int64_t min_samples_leaf,
                         double min_weight_leaf, int64_t max_features,
                         double min_impurity_decrease, uint64_t seed, int nthreads) {
    (void)nthreads; /* one tree, one thread: forests grow trees in parallel */
    const int cls = criterion != FM_CRIT_MSE;
    grower g = {.Xb = Xb, .edges = edges, .Xf = Xf, .y = y, .w = w, .eoff = eoff,
                .refine = refine, .n = n, .d = d,
                .S = cls ? n_classes : 2,  /* per-bin stats */
                .SN = cls ? n_classes : 3, /* per-node stats (adds wyy) */
                .min_samples_leaf = min_samples_leaf, .max_features = max_features,
                .min_weight_leaf = min_weight_leaf, .crit = criterion, .cls = cls};
    const size_t n1 = (size_t)(n > 0 ? n : 1);
    memset(t, 0, sizeof *t);
    t->n_values = cls ? n_classes : 1;
    g.samples = (int64_t *)malloc(n1 * sizeof(int64_t));
    g.rbuf = (int64_t *)malloc(n1 * sizeof(int64_t));
    g.cnt = (int64_t *)calloc(256, sizeof(int64_t));
    g.hist = (double *)calloc((size_t)(256 * g.S), sizeof(double));
    g.tot = (double *)malloc((size_t)(3 * g.SN) * sizeof(double)); /* node, left, right */
    g.lst = (double *)malloc((size_t)(2 * g.S) * sizeof(double));  /* scan: left, right */
    g.feats = (int32_t *)malloc((size_t)(d > 0 ? d : 1) * sizeof(int32_t));
    g.pairs = Xf ? (val_idx *)malloc(n1 * sizeof(val_idx)) : NULL;
    stack_item *stack = (stack_item *)malloc((size_t)(n + 2) * sizeof(stack_item));
    int st = FM_OK;
    if (!g.samples || !g.rbuf || !g.cnt || !g.hist || !g.tot || !g.lst || !g.feats || !stack ||
        (Xf && !g.pairs)) {
        st = FM_ENOMEM;
    } else {
        int64_t m = 0;
        double W_all = 0;
        for (int64_t i = 0; i < n; i++)
            if (!w || w[i] > 0) {
                g.samples[m++] = i;
                W_all += w ? w[i] : 1.0;
            }
        for (int64_t f = 0; f < d; f++) g.feats[f] = (int32_t)f;
        st = grow_tree(t, &g, stack, m, W_all, max_depth, min_samples_split,
                       min_impurity_decrease, seed);
    }
    free(g.samples);
    free(g.rbuf);
    free(g.cnt);
    free(g.hist);
    free(g.tot);
    free(g.lst);
    free(g.feats);
    free(g.pairs);
    free(stack);
    if (st != FM_OK) fm_tree_free(t);
    return st;
}

#define T float
#define SUF f32
#include "tree_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "tree_tmpl.h"
#undef T
#undef SUF

