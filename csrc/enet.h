/* enet.h -- elastic-net coordinate descent: the family's public C API. */
#ifndef FASTML_ENET_H
#define FASTML_ENET_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- elastic net (enet.c, enet_simd.c) ------------------------------------ */
/* Elastic-net coordinate descent on centred data, one target: minimises
 * 0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2 with XT = X^T (p, n)
 * row-major; w (p,) is the start and the result. Stops on the duality gap
 * (<= tol ||y||^2) like the NumPy twin; writes the sweeps run and the gap.
 * random = 0: cyclic sweeps (features 0..p-1 in order). random != 0: each of
 * a sweep's p updates picks its feature uniformly at random (with
 * replacement) from scikit-learn's xorshift generator started at seed
 * (sk_rand.h), as scikit-learn's selection="random".
 * The sweeps are sequential: nthreads is accepted for the uniform API and
 * not used (one thread). */
FM_API int fm_enet_cd_f64(double *w, int64_t *n_iter, double *gap, const double *XT,
                          const double *y, double l1, double l2, double tol, int64_t max_iter,
                          int positive, int random, uint32_t seed, int64_t n, int64_t p,
                          int nthreads);
/* The same coordinate descent on the Gram form (for n >> p): G = X^T X (p, p)
 * row-major symmetric, c = X^T y (p,), yy = y.y of the centred data. Each
 * sweep costs O(p^2); the duality gap comes from G, c and yy. Same updates and
 * stopping rule (and the same random / seed coordinate order) as
 * fm_enet_cd_f64, so both reach the same optimum (iterates equal up to
 * rounding). nthreads: accepted, not used. */
FM_API int fm_enet_cd_gram_f64(double *w, int64_t *n_iter, double *gap, const double *G,
                               const double *c, double yy, double l1, double l2, double tol,
                               int64_t max_iter, int positive, int random, uint32_t seed,
                               int64_t p, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_ENET_H */
