/* tree.h -- decision trees: the family's public C API. */
#ifndef FASTML_TREE_H
#define FASTML_TREE_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- decision trees (tree.c, tree_split.c) -------------------------------- */
enum fm_tree_criterion {
    FM_CRIT_GINI = 0,
    FM_CRIT_ENTROPY = 1,
    FM_CRIT_MSE = 2,
    FM_CRIT_POISSON = 3, /* exact builder only */
    FM_CRIT_MAE = 4      /* exact builder only */
};

/* A grown tree as flat node arrays (n_nodes entries each; value has n_values
 * per node). feature = -1 marks a leaf; an inner node sends a sample left iff
 * its bin code <= bin (the caller maps bins to thresholds). value holds the
 * weighted class counts (classification) or the weighted mean (regression). */
typedef struct fm_tree {
    int64_t n_nodes, capacity, n_values, max_depth;
    int32_t *feature, *bin; /* bin = -1: split refined on raw values */
    uint8_t *missing_left;  /* exact builder: NaN goes left (NULL: right) */
    int64_t *left, *right, *n_samples;
    double *impurity, *weighted_n, *value, *threshold; /* threshold -2 at leaves */
} fm_tree;

/* Grow a tree on binned features Xb (d x n, column-major uint8 codes; feature
 * f's sorted bin upper edges are edges[eoff[f]:eoff[f+1]], at most 255),
 * targets y (class index 0..n_classes-1 as double, or the regression target),
 * weights w (n, or NULL = 1; rows with w == 0 are left out). Xf (d x n raw
 * values as float64) and refine[d] (1 = more distinct values than bins) may be
 * NULL; with them a chosen edge is refined exactly on raw values.
 * criterion: FM_CRIT_*; max_features: features (non-constant in the node)
 * evaluated per node, drawn in random order from `seed`. On success the caller
 * owns *tree and releases it with fm_tree_free. A node is a leaf when its
 * impurity is at rounding level: <= DBL_EPSILON for gini/entropy, and for
 * squared error <= 2 eps n_node mean(y^2) over the node (scale-free).
 * Growth is sequential (forests grow trees from several threads): nthreads is
 * accepted for the uniform API and not used. */
FM_API int fm_tree_build(fm_tree *tree, const uint8_t *Xb, const double *edges,
                         const int64_t *eoff, const double *Xf, const uint8_t *refine,
                         const double *y, const double *w, int64_t n, int64_t d, int criterion,
                         int64_t n_classes,
                         int64_t max_depth, int64_t min_samples_split, int64_t min_samples_leaf,
                         double min_weight_leaf, int64_t max_features,
                         double min_impurity_decrease, uint64_t seed, int nthreads);
FM_API void fm_tree_free(fm_tree *tree);
/* Exact growth (tree_exact*.c): splits searched over the sorted values of X
 * (d x n float32, column-major X[f*n + i]) with scikit-learn's candidate,
 * threshold and criterion rules. y: n x n_outputs row-major (class index per
 * output with n_classes[k] classes for gini/entropy; n_classes NULL for the
 * regression criteria mse, poisson, mae); w: n weights or NULL (rows with
 * w == 0 are left out). splitter 0 = best, 1 = random (one uniform threshold
 * per feature). max_leaf_nodes > 0 grows best-first, else depth-first.
 * value holds n_outputs * max(n_classes) per node: class weights, or the
 * mean (median for mae) per output. bin is NULL. order: see
 * fm_tree_presort_exact: given, the builder keeps presorted lists (see
 * tree_exact_sorted.c), else it chooses; the tree does not depend on it. nthreads: the most threads
 * to use (features of large nodes, then independent subtrees); the tree does
 * not depend on it. */
FM_API int fm_tree_build_exact(fm_tree *tree, const float *X, const double *y, const double *w,
                               int64_t n, int64_t d, int64_t n_outputs,
                               const int64_t *n_classes, int criterion, int splitter,
                               int64_t max_depth, int64_t min_samples_split,
                               int64_t min_samples_leaf, double min_weight_leaf,
                               int64_t max_features, int64_t max_leaf_nodes,
                               double min_impurity_decrease, const int32_t *order,
                               const uint32_t *rank, const float *uniq,
                               const int64_t *nuniq, const uint64_t *near, uint64_t seed,
                               int nthreads);
/* rank, uniq (d x n), nuniq (d) and near (d x (n / 64 + 1)), from
 * fm_tree_rank_exact, or NULL: the dense ranks of every feature's distinct
 * values (NaN: rank nuniq[f]), uniq[f*n + r] the value of rank r, bit r of
 * near[f] set when that value is within the split threshold (1e-7, float) of
 * the value of rank r - 1; shared by the trees of an ensemble grown on the
 * same X (order: fm_tree_presort_exact's). The per-node path then sorts ranks
 * instead of float keys (tree_exact_rank.c); the tree does not depend on them. */
FM_API int fm_tree_rank_exact(uint32_t *rank, float *uniq, int64_t *nuniq, uint64_t *near,
                              const float *X, const int32_t *order, int64_t n, int64_t d,
                              int nthreads);
/* order (d x n, row-major): per feature, the rows 0..n-1 stably sorted by
 * X[f*n + i] (NaN last), as fm_tree_presort_exact computes it; shared by the
 * trees of an ensemble grown on the same X. NULL: the builder sorts itself. */
FM_API int fm_tree_presort_exact(int32_t *order, const float *X, int64_t n, int64_t d,
                                 int nthreads);
/* out[i] = leaf reached by row i of X (n x d): left iff x[feature] <= threshold;
 * a NaN goes left iff missing_left[node] (missing_left NULL: right).
 * nthreads: the most threads to use (rows are independent). */
FM_API int fm_tree_apply_f32(int64_t *out, const float *X, int64_t n, int64_t d,
                             const int32_t *feature, const double *threshold, const int64_t *left,
                             const int64_t *right, const uint8_t *missing_left, int nthreads);
FM_API int fm_tree_apply_f64(int64_t *out, const double *X, int64_t n, int64_t d,
                             const int32_t *feature, const double *threshold, const int64_t *left,
                             const int64_t *right, const uint8_t *missing_left, int nthreads);
/* out[f*n + i] = number of edges of feature f below X[i, f] (uint8 bin codes,
 * column-major); feature f's sorted edges are edges[offsets[f]:offsets[f+1]],
 * at most 255 per feature. nthreads: the most threads to use. */
FM_API int fm_tree_bin_f32(uint8_t *out, const float *X, int64_t n, int64_t d,
                           const double *edges, const int64_t *offsets, int nthreads);
FM_API int fm_tree_bin_f64(uint8_t *out, const double *X, int64_t n, int64_t d,
                           const double *edges, const int64_t *offsets, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_TREE_H */
