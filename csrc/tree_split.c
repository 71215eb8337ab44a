/* tree_split.c -- one node's split search for tree growth (tree.c): node
 * totals, the histogram scan of each feature, the exact refinement on raw
 * values, the stable partition and the impurity decrease. tree.c's header
 * describes the algorithm; each function works on the rows
 * samples[start:end] of one node and the grower's work space. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree_internal.h"

static uint64_t rng_next(uint64_t *s) { /* xorshift64* */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

/* uniform in [0, m) (m small): top bits times m, like the NumPy twin */
static int64_t rng_below(uint64_t *s, int64_t m) {
    return (int64_t)(((rng_next(s) >> 32) * (uint64_t)m) >> 32);
}

double fm_tree_node_impurity(int crit, const double *st, int64_t S) {
    if (crit == FM_CRIT_MSE) {
        if (st[0] <= 0) return 0;
        double m = st[1] / st[0];
        double v = st[2] / st[0] - m * m;
        return v > 0 ? v : 0;
    }
    double W = 0;
    for (int64_t c = 0; c < S; c++) W += st[c];
    if (W <= 0) return 0;
    double imp = crit == FM_CRIT_GINI ? 1.0 : 0.0;
    for (int64_t c = 0; c < S; c++) {
        double p = st[c] / W;
        if (crit == FM_CRIT_GINI)
            imp -= p * p;
        else if (p > 0)
            imp -= p * log2(p);
    }
    return imp;
}

/* Proxy of one side (larger is better), see the header. */
static inline double side_proxy(int crit, const double *st, int64_t S) {
    if (crit == FM_CRIT_MSE) return st[1] * st[1] / st[0];
    double W = 0, q = 0;
    if (crit == FM_CRIT_GINI) {
        for (int64_t c = 0; c < S; c++) {
            W += st[c];
            q += st[c] * st[c];
        }
        return q / W;
    }
    for (int64_t c = 0; c < S; c++) {
        W += st[c];
        if (st[c] > 0) q += st[c] * log(st[c]);
    }
    return q - W * log(W);
}

static int cmp_val_idx(const void *a, const void *b) { /* by value, then row */
    const val_idx *p = (const val_idx *)a, *q = (const val_idx *)b;
    if (p->v != q->v) return p->v < q->v ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

static double midpoint(double a, double b) { /* as tree/_binning.py */
    const double m = (a + b) / 2.0;
    return m >= b ? a : m;
}

/* Class weights or (w, wy, wyy) of rows samples[start:end] into nt (SN values). */
void fm_tree_node_totals(const grower *g, double *nt, int64_t start, int64_t end) {
    const int64_t *samples = g->samples;
    const double *y = g->y, *w = g->w;
    const int cls = g->cls;
    memset(nt, 0, (size_t)g->SN * sizeof(double));
    for (int64_t p = start; p < end; p++) {
        const int64_t i = samples[p];
        const double wi = w ? w[i] : 1.0;
        if (cls) {
            nt[(int64_t)y[i]] += wi;
        } else {
            nt[0] += wi;
            nt[1] += wi * y[i];
            nt[2] += wi * y[i] * y[i];
        }
    }
}

/* Histogram of feature f over the node and a left-to-right scan of its
 * occupied bins; updates *best when a bin edge beats it. Returns 0 if f is
 * constant in the node. */
static int scan_feature(grower *g, split *best, int32_t f, const stack_item *it,
                        const double *nt, double W) {
    const int64_t *samples = g->samples;
    const double *y = g->y, *w = g->w;
    int64_t *cnt = g->cnt;
    double *hist = g->hist;
    const int cls = g->cls, crit = g->crit;
    const int64_t S = g->S, nn = it->end - it->start, msl = g->min_samples_leaf;
    const double mwl = g->min_weight_leaf;
    const uint8_t *col = g->Xb + f * g->n;
    int bmin = 255, bmax = 0;
    for (int64_t p = it->start; p < it->end; p++) {
        const int64_t i = samples[p];
        const int b = col[i];
        const double wi = w ? w[i] : 1.0;
        cnt[b]++;
        if (cls) {
            hist[b * S + (int64_t)y[i]] += wi;
        } else {
            hist[b * 2] += wi;
            hist[b * 2 + 1] += wi * y[i];
        }
        if (b < bmin) bmin = b;
        if (b > bmax) bmax = b;
    }
    if (bmin < bmax) {
        double *L = g->lst, *R = g->lst + S;
        memset(L, 0, (size_t)S * sizeof(double));
        int64_t nl = 0;
        double WL = 0;
        for (int b = bmin; b < bmax; b++) {
            if (!cnt[b]) continue;
            nl += cnt[b];
            for (int64_t c = 0; c < S; c++) L[c] += hist[b * S + c];
            if (cls) {
                WL = 0;
                for (int64_t c = 0; c < S; c++) WL += L[c];
            } else {
                WL = L[0];
            }
            if (nl < msl) continue;
            if (nn - nl < msl) break;
            if (WL < mwl || W - WL < mwl) continue;
            if (WL <= 0 || W - WL <= 0) continue;
            for (int64_t c = 0; c < S; c++) R[c] = nt[c] - L[c];
            const double pr = side_proxy(crit, L, S) + side_proxy(crit, R, S);
            if (pr > best->proxy) {
                best->proxy = pr;
                best->f = f;
                best->b = b;
            }
        }
    }
    memset(cnt + bmin, 0, (size_t)(bmax - bmin + 1) * sizeof(int64_t));
    memset(hist + bmin * S, 0, (size_t)((bmax - bmin + 1) * S) * sizeof(double));
    return bmin < bmax;
}

/* Best bin edge over features in random order (Fisher-Yates steps from *rs)
 * until max_features non-constant ones were evaluated. */
split fm_tree_best_bin_split(grower *g, uint64_t *rs, const stack_item *it, const double *nt,
                            double W) {
    split best = {-INFINITY, 0.0, -1, 0, 0};
    int32_t *feats = g->feats;
    const int64_t d = g->d;
    int64_t visited = 0;
    for (int64_t fi = 0; fi < d && visited < g->max_features; fi++) {
        const int64_t j = fi + rng_below(rs, d - fi); /* Fisher-Yates step */
        const int32_t tmp = feats[fi];
        feats[fi] = feats[j];
        feats[j] = tmp;
        visited += scan_feature(g, &best, feats[fi], it, nt, W);
    }
    if (best.f >= 0) best.thr = g->edges[g->eoff[best.f] + best.b];
    return best;
}

/* Exact refinement (features with more distinct values than bins): the best
 * edge e_b borders the bin holding the exact optimum of this feature, so
 * rescan bins b and b+1 of this node sorted by raw value (left = bins < b,
 * then the sorted rows one by one), candidates at midpoints between distinct
 * values; keep it if strictly better. */
void fm_tree_refine_split(grower *g, split *best, const stack_item *it, const double *nt,
                         double W) {
    const int64_t *samples = g->samples;
    const double *y = g->y, *w = g->w;
    const int cls = g->cls, crit = g->crit;
    const int64_t S = g->S, nn = it->end - it->start, msl = g->min_samples_leaf;
    const double mwl = g->min_weight_leaf;
    const int32_t best_b = best->b;
    const uint8_t *col = g->Xb + best->f * g->n;
    const double *xv = g->Xf + best->f * g->n;
    val_idx *pairs = g->pairs;
    double *L = g->lst, *R = g->lst + S;
    memset(L, 0, (size_t)S * sizeof(double));
    int64_t nl = 0, m2 = 0;
    for (int64_t p = it->start; p < it->end; p++) {
        const int64_t i = samples[p];
        if (col[i] < best_b) {
            const double wi = w ? w[i] : 1.0;
            nl++;
            if (cls) {
                L[(int64_t)y[i]] += wi;
            } else {
                L[0] += wi;
                L[1] += wi * y[i];
            }
        } else if (col[i] <= best_b + 1) {
            pairs[m2++] = (val_idx){xv[i], i};
        }
    }
    qsort(pairs, (size_t)m2, sizeof(val_idx), cmp_val_idx);
    for (int64_t q = 0; q + 1 < m2; q++) {
        const int64_t i = pairs[q].i;
        const double wi = w ? w[i] : 1.0;
        nl++;
        if (cls) {
            L[(int64_t)y[i]] += wi;
        } else {
            L[0] += wi;
            L[1] += wi * y[i];
        }
        if (!(pairs[q].v < pairs[q + 1].v)) continue;
        double WL = 0;
        if (cls)
            for (int64_t c = 0; c < S; c++) WL += L[c];
        else
            WL = L[0];
        if (nl < msl || nn - nl < msl) continue;
        if (WL < mwl || W - WL < mwl) continue;
        if (WL <= 0 || W - WL <= 0) continue;
        for (int64_t c = 0; c < S; c++) R[c] = nt[c] - L[c];
        const double pr = side_proxy(crit, L, S) + side_proxy(crit, R, S);
        if (pr > best->proxy) {
            best->proxy = pr;
            best->thr = midpoint(pairs[q].v, pairs[q + 1].v);
            best->refined = 1;
        }
    }
}

/* Stable partition of samples[start:end]: left rows first, both sides keep
 * their order (so the NumPy twin sums in the same order). Returns the first
 * right position. */
int64_t fm_tree_partition(grower *g, const split *sp, const stack_item *it) {
    int64_t *samples = g->samples, *rbuf = g->rbuf;
    const int64_t n = g->n;
    const uint8_t *col = g->Xb + sp->f * n;
    const double *xf = sp->refined ? g->Xf + sp->f * n : NULL;
    int64_t mid = it->start, nr = 0;
    for (int64_t p = it->start; p < it->end; p++) {
        const int64_t i = samples[p];
        if (xf ? xf[i] <= sp->thr : col[i] <= sp->b)
            samples[mid++] = i;
        else
            rbuf[nr++] = i;
    }
    memcpy(samples + mid, rbuf, (size_t)nr * sizeof(int64_t));
    return mid;
}

/* Weighted impurity decrease of the partitioned node, as scikit-learn. */
double fm_tree_impurity_decrease(grower *g, const stack_item *it, int64_t mid, double W,
                                double W_all, double imp) {
    const int64_t SN = g->SN;
    double *tl = g->tot + SN, *tr = g->tot + 2 * SN;
    fm_tree_node_totals(g, tl, it->start, mid);
    fm_tree_node_totals(g, tr, mid, it->end);
    double wl = 0, wr = 0;
    for (int64_t p = it->start; p < it->end; p++) {
        const double wi = g->w ? g->w[g->samples[p]] : 1.0;
        if (p < mid)
            wl += wi;
        else
            wr += wi;
    }
    return W / W_all * (imp - wl / W * fm_tree_node_impurity(g->crit, tl, SN) -
                        wr / W * fm_tree_node_impurity(g->crit, tr, SN));
}
