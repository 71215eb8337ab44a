/* hgb_impl.h -- internal types of the hgb grower (hgb_grow.c, hgb_split.c). */
#ifndef FASTML_HGB_IMPL_H
#define FASTML_HGB_IMPL_H

#include "hgb.h"

/* One histogram bin: sums of gradients and hessians and the row count. */
typedef struct {
    double g, h;
    uint32_t cnt, pad;
} hgb_bin;

/* The best split found for one node (or one feature of it). */
typedef struct {
    double gain;            /* <= 0: none */
    double gl, hl;          /* left sums */
    double vl, vr;          /* child values (bounded) */
    int64_t nl;             /* left row count */
    int32_t feature, bin;
    uint8_t missing_left, is_cat;
    uint32_t bits[8];       /* categorical: bins that go left */
} hgb_split;

/* What split finding needs to know besides the histogram. */
typedef struct {
    const int32_t *nbins_nm;
    const uint8_t *has_missing, *is_cat;
    const int8_t *monotonic;
    const fm_hgb_params *p;
    int64_t d;
} hgb_ctx;

/* Best split among features f0 .. f1-1 of a node with sums (G, H), n rows,
 * bounded value `value` and child bounds [lo, hi]; features with mask[f] == 0
 * are skipped (mask NULL: all); per_feature[f0 .. f1) receives each feature's
 * best. Ties go to the lowest feature, then the first bin scanned; no split:
 * best->gain < 0. Serial: the grower runs one call per thread. */
void hgb_find_split(hgb_split *best, hgb_split *per_feature, const hgb_bin *hist,
                    const hgb_ctx *c, const uint8_t *mask, double G, double H, int64_t n,
                    double value, double lo, double hi, int64_t f0, int64_t f1);

/* The node value -G / (H + l2) clipped to [lo, hi]. */
static inline double hgb_value(double G, double H, double lo, double hi, double l2) {
    double v = -G / (H + l2 + 1e-15);
    return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* FASTML_HGB_IMPL_H */
