/* linkage.h -- hierarchical (agglomerative) clustering: the linkage family's C API.
 *
 * All entry points work in float64 and take `int nthreads` last. A merge list M
 * is (n - 1) x 3 doubles, one row per merge in the order the algorithm made it:
 * (a, b, distance), a and b being cluster representatives (sample indices, see
 * each function). The caller sorts M stably by distance and labels it with
 * fm_linkage_label_f64 into SciPy's linkage-matrix format.
 *
 * Metrics (`metric`): FM_LINKAGE_EUCLIDEAN, FM_LINKAGE_MANHATTAN, and
 * FM_LINKAGE_COSINE (X's rows must already be unit-normalised: d = 1 - <u, v>,
 * clipped to [0, 2]).
 * Methods of the Lance-Williams chain (`method`): FM_LINKAGE_COMPLETE,
 * FM_LINKAGE_AVERAGE, FM_LINKAGE_WEIGHTED, FM_LINKAGE_WARD.
 *
 * Ties are broken as SciPy's nearest-neighbour chain and minimum-spanning-tree
 * loops break them: the earlier chain element first, then the smallest index.
 * Results do not depend on nthreads (every reduction is a lexicographic
 * (value, index) minimum).
 */
#ifndef FASTML_LINKAGE_H
#define FASTML_LINKAGE_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FM_LINKAGE_EUCLIDEAN 0
#define FM_LINKAGE_MANHATTAN 1
#define FM_LINKAGE_COSINE 2

#define FM_LINKAGE_COMPLETE 1
#define FM_LINKAGE_AVERAGE 2
#define FM_LINKAGE_WEIGHTED 3
#define FM_LINKAGE_WARD 4

/* D (n (n - 1) / 2) <- condensed pairwise distances of X's rows (n, d), C order:
 * D[n i - i (i + 1) / 2 + j - i - 1] = dist(x_i, x_j) for i < j. */
FM_API int fm_linkage_pdist_f64(double *D, const double *X, int64_t n, int64_t d, int metric,
                                int nthreads);

/* Nearest-neighbour chain with Lance-Williams updates on a condensed matrix D
 * (destroyed). M row k = (x, y, dist) with x < y; cluster y lives on as the
 * merged cluster, x is dropped (SciPy's convention). n >= 2. */
FM_API int fm_linkage_chain_f64(double *M, double *D, int64_t n, int method, int nthreads);

/* Ward's linkage without a distance matrix: the nearest-neighbour chain over
 * cluster centroids and sizes (O(n d) memory, O(n^2 d) time). Same merge list
 * convention and tie order as fm_linkage_chain_f64 with FM_LINKAGE_WARD on
 * the Euclidean distances of X (n, d), n >= 2. */
FM_API int fm_linkage_ward_f64(double *M, const double *X, int64_t n, int64_t d, int nthreads);

/* Single linkage by Prim's algorithm from sample 0 (MST-LINKAGE-CORE): M row k
 * = (current, new, dist of new to the tree), computing distances from X on the
 * fly (metric EUCLIDEAN or MANHATTAN; O(n d) memory). */
FM_API int fm_linkage_mst_f64(double *M, const double *X, int64_t n, int64_t d, int metric,
                              int nthreads);
/* The same on a condensed distance matrix D (n (n - 1) / 2). */
FM_API int fm_linkage_mst_condensed_f64(double *M, const double *D, int64_t n, int nthreads);

/* Z (n - 1, 4), columns 0..2 a merge list sorted by distance: relabels columns
 * 0 and 1 in place to cluster ids (n + k for the k-th merge) and writes the
 * sizes to column 3. ordered = 1: the smaller id first (SciPy); 0: keep the
 * row's order (scikit-learn's single linkage). */
FM_API int fm_linkage_label_f64(double *Z, int64_t n, int ordered, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_LINKAGE_H */
