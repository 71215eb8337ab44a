/* logistic.c -- the binary logistic objective (value, gradient, curvature)
 * in one pass over X.
 *
 * The row kernels live in logistic_simd_tmpl.h (one copy per ISA level, each
 * level's table in logistic_simd.c); fm_logistic_select() points K at one
 * level once. The entry points cut the rows into blocks fixed by the shape
 * (at least LG_MIN_ROWS rows, at most LG_MAX_BLOCKS blocks), run the blocks
 * with OpenMP, each into its own partial sums, and add the partials in block
 * order: results do not depend on the thread count.
 */
#include <stdlib.h>
#include <string.h>

#include "logistic_impl.h"

FM_FAMILY_IMPLS(logistic)
static const fm_logistic_impl *K = &fm_logistic_impl_baseline;

void fm_logistic_select(int level) { K = FM_FAMILY_PICK(logistic, level); }

#define LG_MIN_ROWS 1024
#define LG_MAX_BLOCKS 256

#define LG_ENTRY(SUF, TX)                                                                      \
    FM_API int fm_logistic_binary_##SUF(double *out, double *curv, const TX *X,               \
                                        const double *ypm, const double *sn, const double *w, \
                                        double b, int64_t n, int64_t p, int nthreads) {       \
        if (n < 0 || p < 1) return FM_EINVAL;                                                  \
        return lg_binary(out, curv, X, sizeof(TX), K->bin_rows_##SUF, ypm, sn, w, b, n, p,    \
                         nthreads);                                                            \
    }

typedef void (*lg_rows_fn)(double *, double *, const void *, const double *, const double *,
                           const double *, double, int64_t, int64_t);

static int lg_binary(double *out, double *curv, const void *X, size_t xsize, lg_rows_fn fn,
                     const double *ypm, const double *sn, const double *w, double b, int64_t n,
                     int64_t p, int nthreads) {
    const int64_t width = p + 2;
    memset(out, 0, (size_t)width * sizeof(double));
    if (n == 0) return FM_OK;
    int64_t rb = (n + LG_MAX_BLOCKS - 1) / LG_MAX_BLOCKS;
    if (rb < LG_MIN_ROWS) rb = LG_MIN_ROWS;
    const int64_t nb = (n + rb - 1) / rb;
    double *part = (double *)calloc((size_t)(nb * width), sizeof(double));
    if (!part) return FM_ENOMEM;
    const char *xb = (const char *)X;
#pragma omp parallel for schedule(dynamic, 2) num_threads(fm_team_size(nthreads, 4.0 * n * p))
    for (int64_t q = 0; q < nb; q++) {
        const int64_t s = q * rb, e = s + rb < n ? s + rb : n;
        fn(part + q * width, curv ? curv + s : NULL, xb + (size_t)(s * p) * xsize, ypm + s,
           sn + s, w, b, e - s, p);
    }
    for (int64_t q = 0; q < nb; q++)
        for (int64_t j = 0; j < width; j++) out[j] += part[q * width + j];
    free(part);
    return FM_OK;
}

LG_ENTRY(f32, float)
LG_ENTRY(f64, double)
