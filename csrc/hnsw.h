/* hnsw.h -- approximate nearest neighbours: the HNSW graph (Malkov & Yashunin,
 * "Efficient and robust approximate nearest neighbor search using Hierarchical
 * Navigable Small World graphs"), the family's public C API.
 *
 * Layout (arrays owned by the caller, so a pickle is a few array copies):
 *   vecs       T [n x d], row i the vector of node i, contiguous rows (no
 *              padding); the base is 64-byte aligned, so every row starts on a
 *              cache line whenever d * sizeof(T) is a multiple of 64.
 *   links0     int32 [n x (1 + 2M)]: node i's level-0 list, its count then up
 *              to 2M links.
 *   levels     uint8 [n]: the node's top level (0: only in level 0; <= 64).
 *   upper      int32: for a node i and a level 1 <= l <= levels[i], its list
 *              is (1 + M) ints at (upper_off[i] + l - 1) * (1 + M): count,
 *              then up to M links. upper_off = exclusive prefix sum of levels.
 * Links at level l only point to nodes whose level is >= l.
 *
 * Metric ids: FM_HNSW_L2 (squared euclidean), FM_HNSW_IP (1 - <x, y>; cosine
 * is this on rows normalised by the caller). Distances returned are these. */
#ifndef FASTML_HNSW_H
#define FASTML_HNSW_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { FM_HNSW_L2 = 0, FM_HNSW_IP = 1 };

typedef struct {
    void *vecs;               /* vectors of nodes [0, n + rows being added) */
    int32_t *links0;          /* level-0 lists of the same nodes */
    int32_t *upper;           /* lists of levels >= 1 */
    const int64_t *upper_off; /* [n]: first list of node i in `upper`, in lists */
    const uint8_t *levels;    /* [n] */
    int64_t n;                /* nodes in the graph */
    int64_t d, M;             /* dimension, links per upper level (2M at level 0) */
    int64_t entry, max_level; /* entry point (-1: empty graph) and its level */
    int metric;               /* FM_HNSW_L2 or FM_HNSW_IP */
} fm_hnsw;

/* Inserts the m rows of X as nodes g->n .. g->n + m - 1: their vectors are
 * copied into vecs, links0/levels/upper_off/upper must already cover them. Updates
 * g->n, g->entry and g->max_level. With nthreads > 1 nodes are inserted
 * concurrently (per-node spinlocks), so the graph depends on the schedule;
 * with one thread it depends only on the inputs. */
FM_API int fm_hnsw_add_f32(fm_hnsw *g, const float *X, int64_t m, int64_t ef_construction,
                           int nthreads);
FM_API int fm_hnsw_add_f64(fm_hnsw *g, const double *X, int64_t m, int64_t ef_construction,
                           int nthreads);
/* k approximate nearest nodes of each of the nq rows of Q (beam width
 * max(ef, k)), rows sorted by (distance, index). A row that reached fewer than
 * k nodes is padded with index -1 and distance +inf. Queries run in parallel. */
FM_API int fm_hnsw_search_f32(float *dist, int64_t *ind, const fm_hnsw *g, const float *Q,
                              int64_t nq, int64_t k, int64_t ef, int nthreads);
FM_API int fm_hnsw_search_f64(double *dist, int64_t *ind, const fm_hnsw *g, const double *Q,
                              int64_t nq, int64_t k, int64_t ef, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_HNSW_H */
