/* hgb.h -- the histogram gradient boosting engine: binning, gradients, leaf-wise
 * tree growth on uint8 bin codes, and a predictor over a flat node array.
 *
 * Data layout: X is float64 row-major (n, d). Codes come in two copies made
 * by one binning pass: row-major (n, d) for histograms (one row's codes are
 * contiguous, so a row's d updates are independent and the gradient pair is
 * loaded once) and column-major (d, n) for partitioning (one feature's codes
 * are contiguous). Bin `missing_bin` (= max_bins) holds NaN. */
#ifndef FASTML_HGB_H
#define FASTML_HGB_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One tree node; a tree is a contiguous run of nodes, root first. The
 * predictor reads value/threshold/feature/left/right/missing_left/is_cat/cat;
 * the rest records the fit. A sample goes left when x <= threshold (numeric)
 * or when its category's bit is set in row `cat` of the bitset table; NaN
 * goes left iff missing_left. left/right are indices into the node array the
 * predictor is handed (the grower writes them relative to the tree's root). */
typedef struct {
    double value;          /* leaf output (internal nodes: the node's value) */
    double threshold;      /* raw-value threshold of a numeric split */
    int32_t feature;       /* split feature; -1 for a leaf */
    int32_t left, right;   /* children */
    uint8_t missing_left;  /* NaN (and unknown categories) go left */
    uint8_t is_cat;        /* categorical split */
    uint16_t bin;          /* numeric split: codes <= bin go left */
    int32_t cat;           /* categorical split: row of the bitset table */
    int32_t start, count;  /* training rows rows[start .. start + count) */
    int32_t depth;
    double gain;           /* loss reduction of the split (0 for a leaf) */
} fm_hgb_node;

typedef struct {
    int64_t max_leaf_nodes;   /* >= 2 */
    int64_t max_depth;        /* <= 0: unlimited */
    int64_t min_samples_leaf; /* >= 1 */
    double min_hessian;       /* smallest sum of hessians in a child */
    double l2;                /* l2 regularization of leaf values */
    int64_t max_features;     /* features drawn per split (>= d: all) */
    int64_t hist_pool;        /* histograms kept at once (>= 3; workspace size) */
    uint64_t seed;            /* feature draws */
    int32_t hess_const;       /* hessians are all 1: h is ignored, counts stand in */
    int32_t nbins;            /* histogram bins per feature, missing bin included */
} fm_hgb_params;

/* Bin X (n, d) row-major float64 into codes_rm (n, d) and codes_cm (d, n).
 * Numeric feature f: code = number of thresholds thr[f * tstride + j]
 * (j < nthr[f], increasing) strictly below x; NaN -> missing_bin. Categorical
 * feature (is_cat[f]): thr holds the known categories, increasing; code = the
 * index of x among them; NaN and unknown values -> missing_bin. */
FM_API int fm_hgb_bin_f64(uint8_t *codes_rm, uint8_t *codes_cm, const double *X, int64_t n,
                          int64_t d, const double *thr, const int32_t *nthr, int64_t tstride,
                          const uint8_t *is_cat, int32_t missing_bin, int nthreads);

/* Losses for fm_hgb_gradients (sample weights multiply g and h). */
enum {
    FM_HGB_SQUARED = 0, FM_HGB_ABSOLUTE = 1, FM_HGB_GAMMA = 2, FM_HGB_POISSON = 3,
    FM_HGB_QUANTILE = 4, FM_HGB_LOGISTIC = 5, FM_HGB_MULTINOMIAL = 6
};
/* g, h: (K, n) float32 gradients and hessians of the loss at raw (n, K)
 * row-major for targets y (n) (class index for the multinomial loss);
 * w (n) or NULL; alpha: the quantile. */
FM_API int fm_hgb_gradients(float *g, float *h, const double *raw, const double *y,
                            const double *w, int64_t n, int64_t K, int loss, double alpha,
                            int nthreads);

/* Grow one tree on codes (both layouts, see fm_hgb_bin_f64) and gradients g
 * (n) / hessians h (n; ignored when params->hess_const). Per feature:
 * nbins_nm (bins used by non-missing values), has_missing (the training data
 * has NaN in f), is_cat, monotonic (-1, 0, 1). nodes: room for
 * 2 * max_leaf_nodes - 1 nodes; catbits (same rows, 8 uint32 each) receive the
 * left-category bin bitsets of categorical splits (node.cat = the node's own
 * index). rows (n) receives the row partition (each node's rows ascending).
 * Interaction constraints: groups (ngroups, d) uint8 membership (NULL /
 * ngroups 0: none; every feature must be in some group). The root may split
 * on any feature; a child keeps the groups of its parent that contain the
 * parent's split feature and may split only on features of those groups
 * (max_features then draws ceil(max_features * n_allowed / d) of them).
 * work: fm_hgb_work_size(n, d, params) bytes of scratch, reused across trees
 * (its histograms are not zeroed up front, so no pages are touched twice).
 * Returns the node count (> 0) or a negative FM_E* status. */
FM_API int64_t fm_hgb_grow(fm_hgb_node *nodes, uint32_t *catbits, int32_t *rows,
                           void *work, const uint8_t *codes_rm, const uint8_t *codes_cm,
                           const float *g, const float *h, int64_t n, int64_t d, const int32_t *nbins_nm,
                           const uint8_t *has_missing, const uint8_t *is_cat,
                           const int8_t *monotonic, const uint8_t *groups, int64_t ngroups,
                           const fm_hgb_params *params, int nthreads);

FM_API int64_t fm_hgb_work_size(int64_t n, int64_t d, const fm_hgb_params *params);

/* One boosting iteration of K trees in one call: g, h (K, n) <- the
 * gradients of `loss` at raw (n, K) (as fm_hgb_gradients, sample weights sw
 * or NULL); tree k is grown on g[k], h[k] with feature-draw seed seeds[k]
 * (as fm_hgb_grow) into nodes[k * nmax ..] / catbits[k * nmax * 8 ..]
 * (nmax = 2 * max_leaf_nodes - 1), its node count in nnodes[k]; every node
 * value is multiplied by `shrink` and raw[r, k] += the value of r's leaf.
 * rows (n): not used (the partition is kept in the team's scratch). work:
 * fm_hgb_work_size(n, d, params with hist_pool + K - 1) bytes. The trees and
 * raw equal those of the separate calls. Returns FM_OK or a negative FM_E*. */
FM_API int fm_hgb_boost_iter(fm_hgb_node *nodes, uint32_t *catbits, int64_t *nnodes,
                             int32_t *rows, void *work, float *g, float *h, double *raw,
                             const double *y, const double *sw, int loss, double alpha,
                             double shrink, const uint64_t *seeds, const uint8_t *codes_rm,
                             const uint8_t *codes_cm, int64_t n, int64_t d, int64_t K,
                             const int32_t *nbins_nm, const uint8_t *has_missing,
                             const uint8_t *is_cat, const int8_t *monotonic,
                             const uint8_t *groups, int64_t ngroups, const fm_hgb_params *p,
                             int nthreads);

/* raw (n, K) += the outputs of trees t = 0 .. ntrees-1 (root nodes[roots[t]],
 * tree t adds to column t % K) for X (n, d) row-major float64; catbits rows
 * are raw-category bitsets (category c < 256 goes left iff bit c is set).
 * Trees are summed in order per row: the result does not depend on nthreads. */
FM_API int fm_hgb_predict(double *raw, const double *X, int64_t n, int64_t d,
                          const fm_hgb_node *nodes, const uint32_t *catbits,
                          const int64_t *roots, int64_t ntrees, int64_t K, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_HGB_H */
