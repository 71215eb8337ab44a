/* tree_exact_internal.h -- internal: the pieces of exact tree growth shared by
 * tree_exact.c (growers: depth-first, best-first, subtree tasks, node stores)
 * and tree_exact_split.c (node statistics, criteria, split search, partition). */
#ifndef FASTML_TREE_EXACT_INTERNAL_H
#define FASTML_TREE_EXACT_INTERNAL_H

#include <float.h>
#include <string.h>

#include "tree.h"

/* Values closer than this (float arithmetic) are one value to the split search,
 * and a feature whose range in a node is within it is constant there. */
#define XT_FEATURE_THRESHOLD 1e-7f
#define XT_EPS DBL_EPSILON               /* leaf rule: impurity <= XT_EPS */
#define XT_POISSON_EPS (10 * DBL_EPSILON) /* Poisson: a side sum <= this is rejected */

/* The inputs and options of one build (read-only while growing). */
typedef struct {
    const float *X;       /* d x n, column-major: X[f*n + i] */
    const double *y;      /* n x no, row-major (class index per output, or target) */
    const double *w;      /* n, or NULL (all ones) */
    const int64_t *ncls;  /* no class counts (classification) */
    int64_t n, d, no, stride, nv; /* nv = no * stride values per node */
    int crit, cls, random;
    int64_t msl, mss, max_depth, max_features;
    /* feature draws, as scikit-learn's splitter: its 32-bit xorshift state and
     * feature / known-constant arrays, carried from node to node in growth order */
    uint32_t *rand_state;
    int32_t *features, *constant;
    double mwl, min_impurity_decrease, W_all;
    int64_t *samples;     /* the rows with positive weight, partitioned per node */
    /* presorted mode (tree_exact_sorted.c; ord NULL: sort per node): */
    int32_t *ord;         /* d x m: ord[f*m + pos], pos in a node's [start, end): its rows by f */
    float *vord;          /* d x m: the values X[f, ord[f*m + pos]] (sequential reads) */
    double *yw;           /* one output, gini / mse: n x 2, (y[i], w[i]) side by side */
    int32_t *loc;         /* n: position of row i in the node being split (xt_node_prepare) */
    uint8_t *side, *skip; /* n: row goes left; d: feature constant in the children */
    int64_t m;            /* rows with positive weight */
    /* ranked per-node path (tree_exact_rank.c; rank NULL: float keys): */
    const uint32_t *rank; /* d x n: dense rank of X[f*n + i] (NaN: nuniq[f]) */
    const float *uniq;    /* d x n: uniq[f*n + r] = the value of rank r */
    const int64_t *nuniq; /* d: distinct non-NaN values per feature */
    const uint64_t *near; /* d x nw bits: rank r's value within the threshold of r - 1's */
    int64_t nw;           /* n / 64 + 1 */
    int icnt;             /* two-class gini, integer weights: integer class counts */
} xt_ctx;

/* One thread's scratch space, sized for m active rows. The node-local block
 * (yl, wl, rank, sy, tot) describes the node its owner is splitting; helper
 * threads only read it. */
typedef struct {
    uint32_t *key, *keyb;
    int32_t *k, *kb, *k2;
    float *val, *val2;
    double *yl, *wl;      /* node rows in sample order: targets (nn x no), weights */
    double *ys, *ws, *ys2, *ws2; /* one output: targets / weights in a feature's order (m) */
    int32_t *rank;        /* MAE: rank of each node row's target, per output (no x nn) */
    double *sy;           /* MAE: the node's sorted targets, per output (no x nn) */
    double *fw, *fwy;     /* MAE: Fenwick tree (nn + 1) */
    double *lae, *rae;    /* MAE: prefix / suffix absolute errors (rae = lae + m) */
    double *sl, *sr, *tot, *tmpv; /* nv each */
    int64_t *tmp;         /* partition buffer (m) */
    int32_t *feats;       /* d */
    int64_t *cw;          /* icnt: node row's w0 + 2^32 w1 (class weights), or NULL */
    double W, sq;         /* node weight and sum of w y^2 (regression) */
    int64_t nn;           /* node rows */
} xt_work;

/* A node to grow: rows samples[start:end]; nconst: features known to be
 * constant in it (the first nconst of ctx->constant). */
typedef struct {
    int64_t start, end, depth, parent; /* parent: node handle or -1 */
    int64_t nconst;
    double imp;
    int is_left;
} xt_item;

typedef struct {
    double proxy, thr, il, ir, improvement;
    int64_t pos; /* absolute position of the first right row; = end: no split */
    int32_t f;
    int mleft;      /* missing values (NaN) go left */
    int64_t nconst; /* constant features known to the children */
} xt_split;

int xt_work_alloc(xt_work *wk, const xt_ctx *c, int64_t m);
void xt_work_free(xt_work *wk);
/* Node-local targets, weights and totals of rows [start, end) into wk. */
void xt_node_prepare(const xt_ctx *c, xt_work *wk, int64_t start, int64_t end);
/* Impurity of the prepared node (used for the root). */
double xt_node_impurity(const xt_ctx *c, xt_work *wk, int64_t start, int64_t end);
/* The prepared node's value (class weights, mean, or median) into out (nv). */
void xt_node_value(const xt_ctx *c, xt_work *wk, int64_t start, int64_t end, double *out);
/* Best split of the prepared node (owner wk = works[0]); up to nthreads threads
 * evaluate features. On return the rows are partitioned and sp->pos < end, or
 * sp->pos == end when the node has no valid split. */
void xt_find_split(const xt_ctx *c, xt_work *works, int nthreads, const xt_item *it,
                   double imp, xt_split *sp);

/* The order-preserving 32-bit key of a float (NaN: set 0xFFFFFFFF, sorts last). */
/* The two-class gini split proxy -(wr * impurity_r + wl * impurity_l) from the
 * left class weights (l0, l1), the node totals (t0, t1) and the side weights,
 * in one fixed operation order (the two-class scans of
 * tree_exact_split.c and tree_exact_rank.c share it: the same trees). */
static inline double xt_gini2_proxy(double l0, double l1, double t0, double t1, double wl,
                                    double wr) {
    double sql = 0, sqr = 0;
    sql += l0 * l0;
    sql += l1 * l1;
    const double r0 = t0 - l0, r1 = t1 - l1;
    sqr += r0 * r0;
    sqr += r1 * r1;
    const double il = 1.0 - sql / (wl * wl), ir = 1.0 - sqr / (wr * wr);
    return -wr * ir - wl * il;
}

static inline uint32_t xt_fkey(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
/* Stable sort of (wk->key[q], wk->k[q]), q < nn, by key (radix; insertion when
 * small); *key_out / *k_out: the scratch arrays holding the result. */
void xt_sort_keys(xt_work *wk, int64_t nn, uint32_t **key_out, int32_t **k_out);
/* Presorted mode: fill ctx->ord for the root (gorder: the caller's d x n order
 * of all rows, or NULL: sort here). */
int xt_presort_init(xt_ctx *c, xt_work *works, const int32_t *gorder, int nthreads);
/* Presorted mode: partition the lists of node [start, end) after its split
 * (samples already partitioned, nl rows left; the first nconst features of
 * ctx->constant skipped). */
void xt_presort_partition(const xt_ctx *c, xt_work *works, int nthreads, int64_t start,
                          int64_t end, int64_t nl, int64_t nconst);

/* The split search over a node's rows sorted by feature f (tree_exact_split.c):
 * order (local positions), val (their values, the nmiss missing rows last). */
void xt_scan_sorted(const xt_ctx *c, xt_work *wk, int32_t f, const int32_t *order,
                    const float *val, int64_t nn, int64_t nmiss, int have_ys, xt_split *best);
/* eval_best on the ranked path: 1 (evaluated), 0 (f constant in the node) or
 * -1 (the node's ranks and positions do not pack in 32 bits: use float keys). */
int xt_eval_ranked(const xt_ctx *c, xt_work *wk, int32_t f, int64_t start, int64_t end,
                   xt_split *best);

#endif /* FASTML_TREE_EXACT_INTERNAL_H */
