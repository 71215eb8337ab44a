/* embedding.h -- the weight gradient of an embedding lookup (a scatter-add of
 * gradient rows into a dense table): the family's public C API. */
#ifndef FASTML_EMBEDDING_H
#define FASTML_EMBEDDING_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* dw (V, D) = 0, then dw[idx[t]] += g[t] (D values) for t = 0 .. ntok-1 in
 * order, every idx[t] in [0, V); row skip (padding_idx; -1: none) stays zero.
 * Threads own disjoint blocks of rows (each zeroes its block and adds the
 * tokens that land in it, in token order): no atomics, and every row sums in
 * token order whatever nthreads is. */
FM_API int fm_embedding_backward_f32(float *dw, const float *g, const int64_t *idx,
                                     int64_t ntok, int64_t V, int64_t D, int64_t skip,
                                     int nthreads);
FM_API int fm_embedding_backward_f64(double *dw, const double *g, const int64_t *idx,
                                     int64_t ntok, int64_t V, int64_t D, int64_t skip,
                                     int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_EMBEDDING_H */
