/* tree_internal.h -- internal: the pieces of tree growth shared by tree.c
 * (the grower: node stack, leaf rule, node arrays) and tree_split.c (node
 * totals, split search, refinement, partition). */
#ifndef FASTML_TREE_INTERNAL_H
#define FASTML_TREE_INTERNAL_H

#include "tree.h"

typedef struct {
    int64_t start, end, depth, parent;
    int is_left;
} stack_item;

typedef struct {
    double v;
    int64_t i;
} val_idx;

/* The grower's inputs, options and work space (one per fm_tree_build). */
typedef struct {
    const uint8_t *Xb;
    const double *edges, *Xf, *y, *w;
    const int64_t *eoff;
    const uint8_t *refine;
    int64_t n, d, S, SN, min_samples_leaf, max_features;
    double min_weight_leaf;
    int crit, cls;
    int64_t *samples, *rbuf, *cnt;
    double *hist, *tot, *lst;
    int32_t *feats;
    val_idx *pairs;
} grower;

/* A split candidate: proxy (larger is better), feature, bin or refined threshold. */
typedef struct {
    double proxy, thr;
    int32_t f, b;
    int refined;
} split;

/* Impurity of a node from its stats (S values): class weights or (w, wy, wyy). */
double fm_tree_node_impurity(int crit, const double *st, int64_t S);
/* Class weights or (w, wy, wyy) of rows samples[start:end] into nt (SN values). */
void fm_tree_node_totals(const grower *g, double *nt, int64_t start, int64_t end);
/* Best bin edge over features in random order (Fisher-Yates steps from *rs)
 * until max_features non-constant ones were evaluated; .f < 0: none. */
split fm_tree_best_bin_split(grower *g, uint64_t *rs, const stack_item *it, const double *nt,
                             double W);
/* Exact rescan of the best edge's two bins on raw values (g->Xf). */
void fm_tree_refine_split(grower *g, split *best, const stack_item *it, const double *nt,
                          double W);
/* Stable partition of the node's rows by the split; returns the first right row. */
int64_t fm_tree_partition(grower *g, const split *sp, const stack_item *it);
/* Weighted impurity decrease of the partitioned node, as scikit-learn. */
double fm_tree_impurity_decrease(grower *g, const stack_item *it, int64_t mid, double W,
                                 double W_all, double imp);

#endif /* FASTML_TREE_INTERNAL_H */
