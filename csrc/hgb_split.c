/* hgb_split.c -- best split of a node from its gradient histogram.
 *
 * Gain of a split (XGBoost's eq. 7, as scikit-learn computes it):
 *   gain = value * G - vl * GL - vr * GR,   v = clip(-G / (H + l2), lo, hi)
 * which is GL^2/(HL+l2) + GR^2/(HR+l2) - G^2/(H+l2) without bounds. A split
 * needs min_samples_leaf rows and min_hessian hessian on both sides and a
 * positive gain; a monotonic constraint rejects splits whose child values are
 * in the wrong order.
 *
 * Numeric features are scanned left to right with missing values going right
 * and, when the feature has missing values, right to left with them going left
 * (so "all non-missing left, missing right" is a candidate too). Categorical
 * features sort the categories with enough support by G / (H + 10) and scan
 * the sorted order from both ends (Fisher's grouping, as LightGBM and
 * scikit-learn do). A call scans one block of features (the grower gives each
 * thread its own block) and keeps the first best in feature order; blocks are
 * reduced in feature order too, so the result does not depend on nthreads.
 */
#include <stdlib.h>
#include <string.h>

#include "hgb_impl.h"

#define MIN_CAT_SUPPORT 10.0

typedef struct {
    double G, H, value, lo, hi, l2, min_h;
    int64_t n, msl;
    int mono;
} scan_ctx;

static inline double split_gain(const scan_ctx *s, double gl, double hl, double gr, double hr,
                                double *vl, double *vr) {
    *vl = hgb_value(gl, hl, s->lo, s->hi, s->l2);
    *vr = hgb_value(gr, hr, s->lo, s->hi, s->l2);
    if ((s->mono > 0 && *vl > *vr) || (s->mono < 0 && *vl < *vr)) return -1.0;
    return s->value * s->G - *vl * gl - *vr * gr;
}

static inline void take(hgb_split *b, const scan_ctx *s, double gain, double gl, double hl,
                        int64_t nl, int32_t bin, int missing_left) {
    b->gain = gain;
    b->gl = gl;
    b->hl = hl;
    b->nl = nl;
    b->bin = bin;
    b->missing_left = (uint8_t)missing_left;
    b->vl = hgb_value(gl, hl, s->lo, s->hi, s->l2);
    b->vr = hgb_value(s->G - gl, s->H - hl, s->lo, s->hi, s->l2);
}

/* An empty bin leaves the running sums exactly as they were, so its
 * candidate repeats the previous one: the same checks pass or fail and the
 * same gain cannot be strictly larger. (A bin obtained by subtraction can
 * have count 0 and a rounding residue in g or h; it is scanned.) Small nodes
 * have mostly empty bins. */
static inline int bin_empty(const hgb_bin *e) {
    return e->cnt == 0 && e->g == 0.0 && e->h == 0.0;
}

/* The candidates of one scan direction that pass the row and hessian
 * checks, in scan order: left and right sums, left count, bin. */
typedef struct {
    double gl[256], hl[256], gr[256], hr[256], gain[256];
    int64_t nl[256];
    int32_t bin[256];
    int n;
} cand_list;

static inline void push(cand_list *c, double gl, double hl, double gr, double hr, int64_t nl,
                        int bin) {
    const int i = c->n++;
    c->gl[i] = gl;
    c->hl[i] = hl;
    c->gr[i] = gr;
    c->hr[i] = hr;
    c->nl[i] = nl;
    c->bin[i] = bin;
}

/* the gains of all candidates (split_gain's arithmetic, without branches, so
 * the divisions of neighbouring candidates overlap and the loop vectorizes) */
static void cand_gains(cand_list *c, const scan_ctx *s) {
    const double lo = s->lo, hi = s->hi, l2 = s->l2, base = s->value * s->G;
    const int mono = s->mono;
    for (int i = 0; i < c->n; i++) {
        double vl = -c->gl[i] / (c->hl[i] + l2 + 1e-15);
        double vr = -c->gr[i] / (c->hr[i] + l2 + 1e-15);
        vl = vl < lo ? lo : (vl > hi ? hi : vl);
        vr = vr < lo ? lo : (vr > hi ? hi : vr);
        const int bad = (mono > 0 && vl > vr) || (mono < 0 && vl < vr);
        const double gain = base - vl * c->gl[i] - vr * c->gr[i];
        c->gain[i] = bad ? -1.0 : gain;
    }
}

/* the first candidate whose gain beats b's, in scan order, as the scan would
 * have taken it */
static void cand_take(hgb_split *b, const cand_list *c, const scan_ctx *s, int missing_left) {
    /* the running best as selects, not branches: the last candidate that
     * beat the running best is the first occurrence of the maximum */
    double m = b->gain > 0.0 ? b->gain : 0.0;
    int best = -1;
    for (int i = 0; i < c->n; i++) {
        const int t = c->gain[i] > m;
        m = t ? c->gain[i] : m;
        best = t ? i : best;
    }
    if (best >= 0)
        take(b, s, c->gain[best], c->gl[best], c->hl[best], c->nl[best], c->bin[best],
             missing_left);
}

/* Numeric feature: the running sums and the row / hessian checks walk the
 * bins in order (a sequential pass of adds and compares); the gains of the
 * candidates that pass are computed afterwards in one branch-free loop and
 * the best is taken in scan order, so the split equals a one-pass scan's. */
static void scan_numeric(hgb_split *b, const hgb_bin *hf, const scan_ctx *s, int hc,
                         int nbm, int has_missing, cand_list *c) {
    double gl = 0, hl = 0;
    int64_t nl = 0;
    const int end = nbm - 1 + has_missing;
    c->n = 0;
    for (int bin = 0; bin < end; bin++) { /* missing values go right */
        nl += hf[bin].cnt;
        hl += hc ? (double)hf[bin].cnt : hf[bin].h;
        gl += hf[bin].g;
        if (bin_empty(hf + bin)) continue; /* the previous candidate again */
        const int64_t nr = s->n - nl;
        const double hr = s->H - hl;
        if (nl < s->msl) continue;
        if (nr < s->msl) break;
        if (hl < s->min_h) continue;
        if (hr < s->min_h) break;
        push(c, gl, hl, s->G - gl, hr, nl, bin);
    }
    cand_gains(c, s);
    cand_take(b, c, s, 0);
    if (!has_missing) return;
    double gr = 0, hr = 0;
    int64_t nr = 0;
    c->n = 0;
    for (int bin = nbm - 2; bin >= 0; bin--) { /* missing values go left */
        nr += hf[bin + 1].cnt;
        hr += hc ? (double)hf[bin + 1].cnt : hf[bin + 1].h;
        gr += hf[bin + 1].g;
        if (bin_empty(hf + bin + 1)) continue;
        const int64_t nl2 = s->n - nr;
        const double hl2 = s->H - hr;
        if (nr < s->msl) continue;
        if (nl2 < s->msl) break;
        if (hr < s->min_h) continue;
        if (hl2 < s->min_h) break;
        push(c, s->G - gr, hl2, gr, hr, nl2, bin);
    }
    cand_gains(c, s);
    cand_take(b, c, s, 1);
}

typedef struct {
    double key;
    int bin;
} cat_info;

static int cmp_cat(const void *a, const void *b) {
    const cat_info *x = a, *y = b;
    if (x->key < y->key) return -1;
    if (x->key > y->key) return 1;
    return x->bin - y->bin;
}

static void scan_categorical(hgb_split *b, const hgb_bin *hf, const scan_ctx *s, int hc,
                             int nbm, int has_missing, int missing_bin) {
    cat_info ci[256];
    int m = 0;
    const double support = (double)s->n / s->H;
    for (int bin = 0; bin < nbm + has_missing; bin++) {
        const int bb = bin < nbm ? bin : missing_bin;
        const double hb = hc ? (double)hf[bb].cnt : hf[bb].h;
        if (hb * support >= MIN_CAT_SUPPORT) {
            ci[m].key = hf[bb].g / (hb + MIN_CAT_SUPPORT);
            ci[m].bin = bb;
            m++;
        }
    }
    if (m <= 1) return;
    qsort(ci, (size_t)m, sizeof(cat_info), cmp_cat);
    int best_dir = 0, best_i = -1;
    for (int dir = 1; dir >= -1; dir -= 2) {
        const int middle = dir == 1 ? (m + 1) / 2 : (m + 1) / 2 - 1;
        double gl = 0, hl = 0, vl, vr;
        int64_t nl = 0;
        for (int i = 0; i < middle; i++) {
            const int k = dir == 1 ? i : m - 1 - i;
            const hgb_bin *e = hf + ci[k].bin;
            nl += e->cnt;
            hl += hc ? (double)e->cnt : e->h;
            gl += e->g;
            const int64_t nr = s->n - nl;
            const double hr = s->H - hl;
            if (nl < s->msl || hl < s->min_h) continue;
            if (nr < s->msl || hr < s->min_h) break;
            double gain = split_gain(s, gl, hl, s->G - gl, hr, &vl, &vr);
            if (gain > b->gain && gain > 0.0) {
                take(b, s, gain, gl, hl, nl, 0, 0);
                best_dir = dir;
                best_i = k;
            }
        }
    }
    if (best_i < 0) return;
    memset(b->bits, 0, sizeof(b->bits));
    if (best_dir == 1) {
        for (int k = 0; k <= best_i; k++) b->bits[ci[k].bin >> 5] |= 1u << (ci[k].bin & 31);
    } else {
        for (int k = m - 1; k >= best_i; k--) b->bits[ci[k].bin >> 5] |= 1u << (ci[k].bin & 31);
    }
    b->missing_left = (uint8_t)((b->bits[missing_bin >> 5] >> (missing_bin & 31)) & 1u);
}

void hgb_find_split(hgb_split *best, hgb_split *per_feature, const hgb_bin *hist,
                    const hgb_ctx *c, const uint8_t *mask, double G, double H, int64_t n,
                    double value, double lo, double hi, int64_t f0, int64_t f1) {
    const fm_hgb_params *p = c->p;
    const int nb = p->nbins, hc = p->hess_const;
    cand_list cand;
    best->gain = -1.0;
    best->feature = -1;
    for (int64_t f = f0; f < f1; f++) {
        hgb_split *b = per_feature + f;
        b->gain = -1.0;
        b->feature = (int32_t)f;
        b->is_cat = c->is_cat ? c->is_cat[f] : 0;
        if (mask && !mask[f]) continue;
        scan_ctx s = {G, H, value, lo, hi, p->l2, p->min_hessian, n, p->min_samples_leaf,
                      c->monotonic ? c->monotonic[f] : 0};
        if (b->is_cat)
            scan_categorical(b, hist + f * nb, &s, hc, c->nbins_nm[f], c->has_missing[f], nb - 1);
        else
            scan_numeric(b, hist + f * nb, &s, hc, c->nbins_nm[f], c->has_missing[f], &cand);
        if (b->gain > best->gain) *best = *b;
    }
}
