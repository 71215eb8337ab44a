/* kdtree.h -- k-d tree: the family's public C API. */
#ifndef FASTML_KDTREE_H
#define FASTML_KDTREE_H

#include "distance.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- nearest neighbours: k-d tree (kdtree.c, kdtree_simd.c; brute force is
 * the knn family, knn.h). Metrics: euclidean, sqeuclidean, manhattan, chebyshev,
 * minkowski (p >= 1). Tie rule: results are ordered by (distance, training
 * index); among equal distances the lower index comes first. nthreads: the
 * most threads to use (queries are the parallel tasks; the build runs the top
 * levels of the tree as tasks). ------------------------------------------- */
/* A built tree (arrays owned by the caller; see kdtree.c for the layout). */
typedef struct {
    const void *data;     /* T[n*d + 64]: tree order, leaves feature-major, spare tail */
    const int64_t *idx;   /* [n]: tree position -> training row */
    const int64_t *nodes; /* [nnodes*4]: start, end, right child (0: leaf), split dim */
    const void *splits;   /* T[nnodes*2]: left child's max, right child's min on dim */
    const void *bounds;   /* T[nnodes*2*d]: tight box per node (lo row, hi row) */
    int64_t n, d, nnodes, max_leaf;
} fm_kdtree;
FM_API int64_t fm_kdtree_node_count(int64_t n, int64_t leaf_size);
FM_API int64_t fm_kdtree_max_leaf(int64_t n, int64_t leaf_size);
FM_API int fm_kdtree_build_f32(float *data, int64_t *idx, int64_t *nodes, float *splits,
                               float *bounds, const float *X, int64_t n, int64_t d,
                               int64_t leaf_size, int nthreads);
FM_API int fm_kdtree_build_f64(double *data, int64_t *idx, int64_t *nodes, double *splits,
                               double *bounds, const double *X, int64_t n, int64_t d,
                               int64_t leaf_size, int nthreads);
/* dist (nq, k) may be NULL; ind (nq, k); rows sorted by (distance, index). */
FM_API int fm_kdtree_query_f32(float *dist, int64_t *ind, const fm_kdtree *t, const float *Q,
                               int64_t nq, int64_t k, int metric, double p, int nthreads);
FM_API int fm_kdtree_query_f64(double *dist, int64_t *ind, const fm_kdtree *t, const double *Q,
                               int64_t nq, int64_t k, int metric, double p, int nthreads);
/* Count pass (counts != NULL) or fill pass at offsets (nq + 1 prefix sums);
 * r holds nr = 1 or nq radii; dist may be NULL unless sort. */
FM_API int fm_kdtree_radius_f32(int64_t *counts, int64_t *ind, float *dist,
                                const int64_t *offsets, const fm_kdtree *t, const float *Q,
                                int64_t nq, const double *r, int64_t nr, int metric, double p,
                                int sort, int nthreads);
FM_API int fm_kdtree_radius_f64(int64_t *counts, int64_t *ind, double *dist,
                                const int64_t *offsets, const fm_kdtree *t, const double *Q,
                                int64_t nq, const double *r, int64_t nr, int metric, double p,
                                int sort, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_KDTREE_H */
