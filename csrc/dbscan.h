/* dbscan.h -- density clustering (DBSCAN, HDBSCAN): the family's public C API.
 *
 * Neighbourhoods come from the k-d tree's radius search (kdtree.h) as a CSR
 * graph; core distances from its k-nearest search. This family turns them
 * into clusters: core flags, the expansion of clusters from core points, and
 * the minimum spanning tree of the mutual-reachability graph. */
#ifndef FASTML_DBSCAN_H
#define FASTML_DBSCAN_H

#include "distance.h"

#ifdef __cplusplus
extern "C" {
#endif

/* core[i] = 1 when the weight of row i's neighbourhood, sum of w[j] over
 * j in indices[indptr[i]:indptr[i+1]] (w NULL: weight 1 each), is >=
 * min_samples; else 0. Sums run in neighbour order (thread-count independent). */
FM_API int fm_dbscan_core(uint8_t *core, const int64_t *indptr, const int64_t *indices,
                          const double *w, int64_t n, double min_samples, int nthreads);

/* labels[i] in {-1 (noise), 0, 1, ...}: clusters are grown from core points in
 * row order (a cluster's number is the order of its first core point); a core
 * point adds its whole neighbourhood, a non-core point joins the first cluster
 * that reaches it and expands nothing. Only core rows' neighbourhoods are read
 * (other rows may be empty). Returns the number of clusters (>= 0) or FM_E*. */
FM_API int64_t fm_dbscan_expand(int64_t *labels, const uint8_t *core, const int64_t *indptr,
                                const int64_t *indices, int64_t n, int nthreads);

/* Minimum spanning tree of the mutual-reachability graph by Prim's algorithm:
 *   mr(a, b) = max(core[a], core[b], dist(x_a, x_b) / alpha)
 * over the rows of X (n, d) (metric: euclidean, manhattan, chebyshev or
 * minkowski with p), or of a dense distance matrix D (n, n) (the _dense
 * variant). Edge e joins src[e] (in the tree) and dst[e] (added), weight
 * w[e] = mr(src, dst); edges come in the order Prim adds them, from row 0,
 * each the lightest edge leaving the tree (ties: lowest row). n - 1 edges. */
FM_API int fm_dbscan_mst_f64(int64_t *src, int64_t *dst, double *w, const double *X,
                             const double *core, int64_t n, int64_t d, int metric, double p,
                             double alpha, int nthreads);
FM_API int fm_dbscan_mst_dense_f64(int64_t *src, int64_t *dst, double *w, const double *D,
                                   const double *core, int64_t n, double alpha, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_DBSCAN_H */
