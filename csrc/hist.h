/* hist.h -- gradient histograms of binned features (the hot loop of
 * histogram gradient boosting): the family's public C API. */
#ifndef FASTML_HIST_H
#define FASTML_HIST_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* For every feature f and bin b < nbins, over the rows r = rows[0..m) (all n
 * rows in order when rows is NULL; then m == n):
 *   hist[(f * nbins + b) * 3 + 0] = sum of g[r] with codes[f * n + r] == b
 *   hist[(f * nbins + b) * 3 + 1] = sum of h[r]   (h NULL: the row count again)
 *   hist[(f * nbins + b) * 3 + 2] = number of such rows
 * codes: uint8 bin codes, column-major (d, n), every code < nbins <= 256.
 * Sums run in row order per feature (features are the parallel tasks), so the
 * result does not depend on nthreads. Writes all of hist (d * nbins * 3). */
FM_API int fm_hist_build_f64(double *hist, const uint8_t *codes, const double *g,
                             const double *h, const int64_t *rows, int64_t m, int64_t n,
                             int64_t d, int64_t nbins, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_HIST_H */
