/* linkage_impl.h -- internal: the linkage family's function table (family.h).
 * linkage_simd.c defines one instance per ISA level; linkage.c selects one.
 *
 * The scans read a column-major copy of the points (or centroids): CT holds
 * one feature per row, ld doubles apart, one point per column, the active
 * points packed into columns [0, m). Columns are processed LINKAGE_GROUP at
 * a time; a group that runs past `hi` masks its extra lanes, so every array
 * the scans read (CT rows, sz, key, cur) is allocated with
 * linkage_padded(n) columns and parallel chunks start at multiples of
 * LINKAGE_GROUP (no two threads write the same group).
 */
#ifndef FASTML_LINKAGE_IMPL_H
#define FASTML_LINKAGE_IMPL_H

#include "family.h"
#include "linkage.h"

#define LINKAGE_GROUP 32

static inline int64_t linkage_padded(int64_t n) {
    return (n + LINKAGE_GROUP - 1) / LINKAGE_GROUP * LINKAGE_GROUP + LINKAGE_GROUP;
}

/* A lexicographic (value, key) minimum and the column it was found at. */
typedef struct {
    double v, key;
    int64_t pos;
} fm_linkage_best;

static inline int linkage_better(double v, double k, const fm_linkage_best *b) {
    return v < b->v || (v == b->v && k < b->key);
}

typedef struct {
    /* out[j - lo] = dist(x, column j), j in [lo, hi); x has d values. */
    void (*dist_row)(double *out, const double *CT, int64_t ld, const double *x, int64_t d,
                     int metric, int64_t lo, int64_t hi);
    /* Ward: v_j = 2 nc sz_j / (nc + sz_j) |c - column j|^2 over [lo, hi),
     * column with key == self skipped, key == prio ranked first on ties. */
    void (*ward_scan)(fm_linkage_best *best, const double *CT, int64_t ld, const double *sz,
                      const double *key, const double *c, double nc, int64_t d, double self,
                      double prio, int64_t lo, int64_t hi);
    /* Prim: cur_j = min(cur_j, dist(x, column j)) (squared Euclidean or L1),
     * then the minimum (cur_j, key_j) over [lo, hi). */
    void (*mst_scan)(fm_linkage_best *best, double *cur, const double *CT, int64_t ld,
                     const double *key, const double *x, int64_t d, int metric, int64_t lo,
                     int64_t hi);
} fm_linkage_impl;

#endif /* FASTML_LINKAGE_IMPL_H */
