/* hgb.c -- binning, loss gradients and the predictor of the histogram
 * gradient boosting engine (see hgb.h; the grower is in hgb_grow.c).
 *
 * All three are row-parallel with static row blocks; every row's result is
 * computed by one thread in a fixed order, so nothing depends on nthreads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hgb_impl.h"

/* ---- binning --------------------------------------------------------------- */

/* number of t[0..m) strictly below x (t increasing; x not NaN): a
 * branch-free lower bound (the step is added as 0 or half, so no branch
 * mispredicts on the data) */
static inline int count_below(const double *t, int m, double x) {
    if (m == 0) return 0;
    int base = 0, len = m;
    while (len > 1) {
        const int half = len >> 1;
        base += (t[base + half - 1] < x) * half;
        len -= half;
    }
    return base + (t[base] < x);
}

static inline uint8_t bin_one(double x, const double *t, int m, int cat, int32_t missing_bin) {
    if (isnan(x)) return (uint8_t)missing_bin;
    int b = count_below(t, m, x);
    if (cat && (b == m || t[b] != x)) return (uint8_t)missing_bin; /* unknown category */
    return (uint8_t)b;
}

FM_API int fm_hgb_bin_f64(uint8_t *codes_rm, uint8_t *codes_cm, const double *X, int64_t n,
                          int64_t d, const double *thr, const int32_t *nthr, int64_t tstride,
                          const uint8_t *is_cat, int32_t missing_bin, int nthreads) {
    if (n < 0 || d < 0 || missing_bin < 1 || missing_bin > 255) return FM_EINVAL;
    (void)nthreads;
    const int64_t B = 256; /* rows per block: the column-major writes stay in cache lines */
    const int64_t nblocks = (n + B - 1) / B;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 8.0 * n * d))
    for (int64_t blk = 0; blk < nblocks; blk++) {
        const int64_t r0 = blk * B, r1 = r0 + B < n ? r0 + B : n;
        for (int64_t f = 0; f < d; f++) {
            const double *t = thr + f * tstride;
            const int m = nthr[f], cat = is_cat ? is_cat[f] : 0;
            uint8_t *cm = codes_cm + f * n;
            for (int64_t r = r0; r < r1; r++) {
                uint8_t c = bin_one(X[r * d + f], t, m, cat, missing_bin);
                codes_rm[r * d + f] = c;
                cm[r] = c;
            }
        }
    }
    return FM_OK;
}

/* ---- gradients ------------------------------------------------------------- */

static inline double expit(double z) {
    return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

#define HGB_GRAD_KMAX 64

void hgb_grad_row(float *g, float *h, const double *raw, const double *y, const double *w,
                     int64_t n, int64_t K, int loss, double alpha, int64_t r) {
    const double wr = w ? w[r] : 1.0, yr = y[r];
    double gr, hr;
    switch (loss) {
    case FM_HGB_SQUARED: gr = raw[r] - yr; hr = 1.0; break;
    case FM_HGB_ABSOLUTE: gr = raw[r] > yr ? 1.0 : (raw[r] < yr ? -1.0 : 0.0); hr = 1.0; break;
    case FM_HGB_GAMMA: { double e = yr * exp(-raw[r]); gr = 1.0 - e; hr = e; break; }
    case FM_HGB_POISSON: { double e = exp(raw[r]); gr = e - yr; hr = e; break; }
    case FM_HGB_QUANTILE: gr = yr > raw[r] ? -alpha : 1.0 - alpha; hr = 1.0; break;
    case FM_HGB_LOGISTIC: { double p = expit(raw[r]); gr = p - yr; hr = p * (1.0 - p); break; }
    default: { /* multinomial: softmax over the row's K raw scores */
        const double *z = raw + r * K;
        double mx = z[0], s = 0.0;
        for (int64_t k = 1; k < K; k++) mx = z[k] > mx ? z[k] : mx;
        double e[HGB_GRAD_KMAX]; /* each class's exp, computed once when K fits */
        for (int64_t k = 0; k < K; k++) {
            const double ek = exp(z[k] - mx);
            if (k < HGB_GRAD_KMAX) e[k] = ek;
            s += ek;
        }
        for (int64_t k = 0; k < K; k++) {
            double p = (k < HGB_GRAD_KMAX ? e[k] : exp(z[k] - mx)) / s;
            g[k * n + r] = (float)(wr * (p - (yr == (double)k ? 1.0 : 0.0)));
            h[k * n + r] = (float)(wr * p * (1.0 - p));
        }
        return;
    }
    }
    g[r] = (float)(wr * gr);
    h[r] = (float)(wr * hr);
}

FM_API int fm_hgb_gradients(float *g, float *h, const double *raw, const double *y,
                            const double *w, int64_t n, int64_t K, int loss, double alpha,
                            int nthreads) {
    if (n < 0 || K < 1 || loss < 0 || loss > FM_HGB_MULTINOMIAL) return FM_EINVAL;
    if (loss != FM_HGB_MULTINOMIAL && K != 1) return FM_EINVAL;
    (void)nthreads;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 20.0 * n * K))
    for (int64_t r = 0; r < n; r++) hgb_grad_row(g, h, raw, y, w, n, K, loss, alpha, r);
    return FM_OK;
}

/* ---- predictor ------------------------------------------------------------- */

/* The predictor walks a compact copy of the nodes (16 bytes each, built per
 * call in O(nodes)): children adjacent (right = left + 1, as the grower
 * writes them), flags in the high bits of the feature word, and leaves that
 * loop to themselves (feature 0, threshold +inf, NaN left). A step is then
 * branch-free -- idx = left + !(x <= thr || (NaN && missing_left)) -- and a
 * group of rows walks a tree in lockstep, so their independent chains of
 * loads overlap. Categorical nodes take a branch to the bitset. */
#define PF_ML 0x80000000u
#define PF_CAT 0x40000000u
#define PF_LEAF 0x20000000u
#define PF_FEAT 0x1FFFFFFFu
#define P_GROUP 8

typedef struct {
    double v;       /* threshold; categorical: bitset row; leaf: +inf */
    int32_t left;   /* left child (absolute); leaf: itself */
    uint32_t fl;    /* feature | PF_* flags */
} pnode;

static int compact_ok(const fm_hgb_node *nodes, int64_t nn, int64_t d) {
    if (d > (int64_t)PF_FEAT || nn > INT32_MAX) return 0;
    for (int64_t i = 0; i < nn; i++)
        if (nodes[i].feature >= 0 && nodes[i].right != nodes[i].left + 1) return 0;
    return 1;
}

static void compact(pnode *pn, double *val, const fm_hgb_node *nodes, int64_t nn) {
    for (int64_t i = 0; i < nn; i++) {
        const fm_hgb_node *a = nodes + i;
        val[i] = a->value;
        if (a->feature < 0) {
            pn[i].v = INFINITY;
            pn[i].left = (int32_t)i;
            pn[i].fl = PF_LEAF | PF_ML;
        } else {
            pn[i].v = a->is_cat ? (double)a->cat : a->threshold;
            pn[i].left = a->left;
            pn[i].fl = (uint32_t)a->feature | (a->missing_left ? PF_ML : 0u) |
                       (a->is_cat ? PF_CAT : 0u);
        }
    }
}

static inline int cat_left(const pnode *nd, const uint32_t *catbits, double x) {
    if (isnan(x) || !(x >= 0.0 && x < 256.0)) return (nd->fl & PF_ML) != 0;
    const unsigned c = (unsigned)x;
    return (catbits[(int64_t)nd->v * 8 + (c >> 5)] >> (c & 31)) & 1u;
}

/* rows r0..r1 (<= P_GROUP) through one tree; raw[r*K + k] += leaf value */
static void walk_group(double *raw, const double *X, int64_t d, int64_t r0, int64_t r1,
                       const pnode *pn, const double *val, const uint32_t *catbits,
                       int32_t root, int64_t K, int64_t k) {
    int32_t idx[P_GROUP];
    const int64_t m = r1 - r0;
    for (int64_t j = 0; j < P_GROUP; j++) idx[j] = root;
    for (;;) {
        uint32_t done = PF_LEAF;
        for (int64_t j = 0; j < m; j++) {
            const pnode *nd = pn + idx[j];
            const double x = X[(r0 + j) * d + (nd->fl & PF_FEAT)];
            int left;
            if (__builtin_expect((nd->fl & PF_CAT) != 0, 0)) left = cat_left(nd, catbits, x);
            else left = (x <= nd->v) | ((x != x) & (int)(nd->fl >> 31));
            idx[j] = nd->left + 1 - left;
            done &= pn[idx[j]].fl;
        }
        if (done) break;
    }
    for (int64_t j = 0; j < m; j++) raw[(r0 + j) * K + k] += val[idx[j]];
}

static inline int goes_left(const fm_hgb_node *nd, const uint32_t *catbits, double x) {
    if (isnan(x)) return nd->missing_left;
    if (nd->is_cat) {
        if (!(x >= 0.0 && x < 256.0)) return nd->missing_left;
        unsigned c = (unsigned)x;
        return (catbits[nd->cat * 8 + (c >> 5)] >> (c & 31)) & 1u;
    }
    return x <= nd->threshold;
}

/* the generic walk (any child layout) */
static void predict_generic(double *raw, const double *X, int64_t n, int64_t d,
                            const fm_hgb_node *nodes, const uint32_t *catbits,
                            const int64_t *roots, int64_t ntrees, int64_t K, int nthreads) {
    const int64_t B = 64;
    const int64_t nblocks = (n + B - 1) / B;
#pragma omp parallel for schedule(static) \
    num_threads(fm_team_size(nthreads, 8.0 * n * (double)ntrees))
    for (int64_t blk = 0; blk < nblocks; blk++) {
        const int64_t r0 = blk * B, r1 = r0 + B < n ? r0 + B : n;
        for (int64_t t = 0; t < ntrees; t++) {
            const fm_hgb_node *root = nodes + roots[t];
            const int64_t k = t % K;
            for (int64_t r = r0; r < r1; r++) {
                const double *x = X + r * d;
                const fm_hgb_node *nd = root;
                while (nd->feature >= 0)
                    nd = nodes + (goes_left(nd, catbits, x[nd->feature]) ? nd->left : nd->right);
                raw[r * K + k] += nd->value;
            }
        }
    }
}

FM_API int fm_hgb_predict(double *raw, const double *X, int64_t n, int64_t d,
                          const fm_hgb_node *nodes, const uint32_t *catbits,
                          const int64_t *roots, int64_t ntrees, int64_t K, int nthreads) {
    if (n < 0 || d < 0 || K < 1 || ntrees < 0) return FM_EINVAL;
    if (n == 0 || ntrees == 0) return FM_OK;
    int64_t nn = 0; /* nodes used: up to the last root's tree */
    for (int64_t t = 0; t < ntrees; t++) nn = roots[t] + 1 > nn ? roots[t] + 1 : nn;
    for (int64_t i = 0; i < nn; i++) { /* extend over the last tree's nodes */
        if (nodes[i].feature >= 0) {
            nn = nodes[i].left + 1 > nn ? nodes[i].left + 1 : nn;
            nn = nodes[i].right + 1 > nn ? nodes[i].right + 1 : nn;
        }
    }
    if (!compact_ok(nodes, nn, d)) {
        predict_generic(raw, X, n, d, nodes, catbits, roots, ntrees, K, nthreads);
        return FM_OK;
    }
    pnode *pn = malloc((size_t)nn * sizeof(pnode));
    double *val = malloc((size_t)nn * sizeof(double));
    if (!pn || !val) {
        free(pn);
        free(val);
        return FM_ENOMEM;
    }
    compact(pn, val, nodes, nn);
    const int64_t B = 128; /* rows per block: the block's rows walk one tree while it is hot */
    const int64_t nblocks = (n + B - 1) / B;
#pragma omp parallel for schedule(static) \
    num_threads(fm_team_size(nthreads, 8.0 * n * (double)ntrees))
    for (int64_t blk = 0; blk < nblocks; blk++) {
        const int64_t r0 = blk * B, r1 = r0 + B < n ? r0 + B : n;
        for (int64_t t = 0; t < ntrees; t++)
            for (int64_t r = r0; r < r1; r += P_GROUP)
                walk_group(raw, X, d, r, r + P_GROUP < r1 ? r + P_GROUP : r1, pn, val, catbits,
                           (int32_t)roots[t], K, t % K);
    }
    free(pn);
    free(val);
    return FM_OK;
}
