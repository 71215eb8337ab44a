/* hist.c -- gradient histograms of binned features (see hist.h).
 *
 * One feature's histogram is nbins x (g, h, count) doubles, at most 6 KB: it
 * stays in L1 while the feature's column of codes streams through. Rows are
 * gathered through `rows` (a node's sample indices) or taken in order; the
 * two inner loops are kept apart so the common all-rows case has no
 * indirection. Features are the parallel tasks (no reduction across threads).
 */
#include <string.h>

#include "hist.h"

static void hist_feature(double *restrict hf, const uint8_t *restrict col,
                         const double *restrict g, const double *restrict h,
                         const int64_t *restrict rows, int64_t m, int64_t nbins) {
    memset(hf, 0, (size_t)(nbins * 3) * sizeof(double));
    if (rows) {
        for (int64_t i = 0; i < m; i++) {
            const int64_t r = rows[i];
            double *b = hf + 3 * (int64_t)col[r];
            b[0] += g[r];
            b[1] += h ? h[r] : 1.0;
            b[2] += 1.0;
        }
    } else {
        for (int64_t r = 0; r < m; r++) {
            double *b = hf + 3 * (int64_t)col[r];
            b[0] += g[r];
            b[1] += h ? h[r] : 1.0;
            b[2] += 1.0;
        }
    }
}

FM_API int fm_hist_build_f64(double *hist, const uint8_t *codes, const double *g,
                             const double *h, const int64_t *rows, int64_t m, int64_t n,
                             int64_t d, int64_t nbins, int nthreads) {
    if (nbins < 1 || nbins > 256 || d < 0 || m < 0 || n < 0) return FM_EINVAL;
    (void)nthreads; /* unused in a serial build */
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_team_size(nthreads, 3.0 * m * d))
    for (int64_t f = 0; f < d; f++)
        hist_feature(hist + f * nbins * 3, codes + f * n, g, h, rows, m, nbins);
    return FM_OK;
}
