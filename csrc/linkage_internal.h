/* linkage_internal.h -- internal helpers shared by linkage.c and linkage_chain.c. */
#ifndef FASTML_LINKAGE_INTERNAL_H
#define FASTML_LINKAGE_INTERNAL_H

#include "linkage_impl.h"

/* Index of (i, j), i < j, in a condensed n x n distance matrix. */
#define FM_LINKAGE_CIDX(n, i, j) ((n) * (i) - (i) * ((i) + 1) / 2 + (j) - (i) - 1)
/* Most threads one scan is split over (the chunks' minima live on the stack). */
#define FM_LINKAGE_MAX_TEAM 256

extern const fm_linkage_impl *fm_linkage_K;

/* CT (d x ld, zero padded) <- X (n x d) transposed; NULL when out of memory. */
double *fm_linkage_transpose(const double *X, int64_t n, int64_t d, int64_t ld);
/* Threads for one scan over m columns of d features (1 for small scans). */
int fm_linkage_team(int nthreads, int64_t m, int64_t d);
/* Start of chunk c of t over [0, m): multiples of LINKAGE_GROUP, chunk t = m. */
int64_t fm_linkage_chunk(int64_t m, int c, int t);
/* best <- the lexicographic minimum of best and the chunks' minima. */
void fm_linkage_combine(fm_linkage_best *best, const fm_linkage_best *parts, int t);

#endif /* FASTML_LINKAGE_INTERNAL_H */
