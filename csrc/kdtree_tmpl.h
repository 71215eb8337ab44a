/* kdtree_tmpl.h -- k-d tree query entry points for one dtype (T, SUF), included
 * by kdtree.c: they call this ISA level's search (kdtree_simd.c) through K. */
#define PUB(name) FM_CAT(name, SUF)

FM_API int PUB(fm_kdtree_query_)(T *dist, int64_t *ind, const fm_kdtree *t, const T *Q,
                                 int64_t nq, int64_t k, int metric, double p, int nthreads) {
    if (k < 1 || k > t->n) return FM_EINVAL;
    return K->PUB(query_)(dist, ind, t, Q, nq, k, metric, p, nthreads);
}

FM_API int PUB(fm_kdtree_radius_)(int64_t *counts, int64_t *ind, T *dist,
                                  const int64_t *offsets, const fm_kdtree *t, const T *Q,
                                  int64_t nq, const double *r, int64_t nr, int metric, double p,
                                  int sort, int nthreads) {
    return K->PUB(radius_)(counts, ind, dist, offsets, t, Q, nq, r, nr, metric, p, sort,
                           nthreads);
}

#undef PUB
