/* enet_impl.h -- internal: the enet family's function table (family.h).
 * enet_simd.c defines one instance per ISA level; enet.c selects one. */
#ifndef FASTML_ENET_IMPL_H
#define FASTML_ENET_IMPL_H

#include "enet.h"
#include "family.h"

typedef struct {
    /* The sweeps (enet_simd.c); R (n,) and norms (p,) are work space. */
    void (*cd_f64)(double *w, int64_t *n_iter, double *gap, double *R, double *norms,
                   const double *XT, const double *y, double l1, double l2, double tol,
                   int64_t max_iter, int positive, int random, uint32_t seed, int64_t n,
                   int64_t p);
    /* The sweeps on the Gram form (enet_simd.c); H (p,) is work space. */
    void (*cd_gram_f64)(double *w, int64_t *n_iter, double *gap, double *H, const double *G,
                        const double *c, double yy, double l1, double l2, double tol,
                        int64_t max_iter, int positive, int random, uint32_t seed, int64_t p);
} fm_enet_impl;

#endif /* FASTML_ENET_IMPL_H */
