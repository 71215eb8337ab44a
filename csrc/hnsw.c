/* hnsw.c -- HNSW entry points: dispatch to this machine's ISA level.
 *
 * The engine (hnsw_simd.c with hnsw_dist_tmpl.h, hnsw_search_tmpl.h and
 * hnsw_build_tmpl.h) is compiled once per level: the graph walks are
 * dominated by one short distance per visited node, so the distance kernel is
 * inlined into them rather than called through a pointer. */
#include "hnsw_impl.h"

FM_FAMILY_IMPLS(hnsw)
static const fm_hnsw_impl *K = &fm_hnsw_impl_baseline;

void fm_hnsw_select(int level) { K = FM_FAMILY_PICK(hnsw, level); }

FM_API int fm_hnsw_add_f32(fm_hnsw *g, const float *X, int64_t m, int64_t ef_construction,
                           int nthreads) {
    return K->add_f32(g, X, m, ef_construction, nthreads);
}

FM_API int fm_hnsw_add_f64(fm_hnsw *g, const double *X, int64_t m, int64_t ef_construction,
                           int nthreads) {
    return K->add_f64(g, X, m, ef_construction, nthreads);
}

FM_API int fm_hnsw_search_f32(float *dist, int64_t *ind, const fm_hnsw *g, const float *Q,
                              int64_t nq, int64_t k, int64_t ef, int nthreads) {
    return K->search_f32(dist, ind, g, Q, nq, k, ef, nthreads);
}

FM_API int fm_hnsw_search_f64(double *dist, int64_t *ind, const fm_hnsw *g, const double *Q,
                              int64_t nq, int64_t k, int64_t ef, int nthreads) {
    return K->search_f64(dist, ind, g, Q, nq, k, ef, nthreads);
}
