/* enet.c -- elastic-net coordinate descent: work space + this level's
 * sequential sweep kernel (enet_simd.c, one table per ISA level, picked once
 * by fm_enet_select). One target, one thread: each coordinate update depends
 * on the previous one. */
#include <stdlib.h>

#include "enet_impl.h"

FM_FAMILY_IMPLS(enet)
static const fm_enet_impl *K = &fm_enet_impl_baseline;

void fm_enet_select(int level) { K = FM_FAMILY_PICK(enet, level); }

FM_API int fm_enet_cd_f64(double *w, int64_t *n_iter, double *gap, const double *XT,
                          const double *y, double l1, double l2, double tol, int64_t max_iter,
                          int positive, int random, uint32_t seed, int64_t n, int64_t p,
                          int nthreads) {
    (void)nthreads; /* sequential sweeps */
    if (n < 1 || p < 0 || max_iter < 1 || !(l1 >= 0) || !(l2 >= 0) || !(tol >= 0))
        return FM_EINVAL;
    double *work = malloc(sizeof(double) * (size_t)(n + p + 1));
    if (!work) return FM_ENOMEM;
    K->cd_f64(w, n_iter, gap, work, work + n, XT, y, l1, l2, tol, max_iter, positive, random, seed,
              n, p);
    free(work);
    return FM_OK;
}

FM_API int fm_enet_cd_gram_f64(double *w, int64_t *n_iter, double *gap, const double *G,
                               const double *c, double yy, double l1, double l2, double tol,
                               int64_t max_iter, int positive, int random, uint32_t seed,
                               int64_t p, int nthreads) {
    (void)nthreads; /* sequential sweeps */
    if (p < 0 || max_iter < 1 || !(l1 >= 0) || !(l2 >= 0) || !(tol >= 0)) return FM_EINVAL;
    double *work = malloc(sizeof(double) * (size_t)(p + 1));
    if (!work) return FM_ENOMEM;
    K->cd_gram_f64(w, n_iter, gap, work, G, c, yy, l1, l2, tol, max_iter, positive, random, seed,
                   p);
    free(work);
    return FM_OK;
}
