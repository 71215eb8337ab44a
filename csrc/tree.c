/* tree.c -- decision-tree growth on binned features, and tree traversal.
 *
 * Growth (fm_tree_build) is histogram-based: features are pre-binned once
 * (uint8 codes, column-major Xb[f*n + i], at most 256 bins; the Python side
 * picks bin edges between distinct values, so features with <= 256 distinct
 * values split exactly like a sorting-based tree). Nodes grow depth-first
 * from an explicit stack (node ids in pre-order, like scikit-learn). At each
 * node the features are visited in a random order (xorshift64*, seeded by the
 * caller) until max_features non-constant ones were evaluated; for each, one
 * pass over the node's samples builds a histogram of (count, class weights) or
 * (count, w, w*y), and a scan over its occupied bins finds the split that
 * maximises the impurity-improvement proxy:
 *   gini     sum_c L_c^2 / W_L + sum_c R_c^2 / W_R
 *   entropy  sum_c L_c ln L_c - W_L ln W_L  + (same for R)
 *   mse      S_L^2 / W_L + S_R^2 / W_R       (S = sum w*y)
 * Ties keep the first (feature order, then lowest bin). For features with
 * more distinct values than bins, the chosen edge is then refined exactly
 * within its two neighbouring bins (sorted raw values, see below), so a
 * split that a sorting-based tree would find near that edge is found
 * exactly. The samples are then partitioned stably. Cost per node: O(n_node * features_tried + bins).
 *
 * Nothing here is parallel: forests call fm_tree_build from several threads
 * (each with its own tree), with the GIL released.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

#define FM_TREE_EPS 1e-7 /* impurity below this: leaf (as scikit-learn) */

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

static int tree_grow(fm_tree *t) {
    int64_t cap = t->capacity ? 2 * t->capacity : 64;
    int64_t nv = t->n_values;
#define GROW(ptr, T, per)                                                   \
    do {                                                                    \
        void *p_ = realloc(t->ptr, (size_t)(cap * (per)) * sizeof(T));      \
        if (!p_) return FM_ENOMEM;                                          \
        t->ptr = (T *)p_;                                                   \
    } while (0)
    GROW(feature, int32_t, 1);
    GROW(bin, int32_t, 1);
    GROW(left, int64_t, 1);
    GROW(right, int64_t, 1);
    GROW(n_samples, int64_t, 1);
    GROW(impurity, double, 1);
    GROW(threshold, double, 1);
    GROW(weighted_n, double, 1);
    GROW(value, double, nv);
#undef GROW
    t->capacity = cap;
    return FM_OK;
}

FM_API void fm_tree_free(fm_tree *t) {
    free(t->feature);
    free(t->bin);
    free(t->left);
    free(t->right);
    free(t->n_samples);
    free(t->impurity);
    free(t->threshold);
    free(t->weighted_n);
    free(t->value);
    memset(t, 0, sizeof *t);
}

/* Impurity of a node from its stats (S values): class weights or (w, wy, wyy). */
static double node_impurity(int crit, const double *st, int64_t S) {
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

typedef struct {
    int64_t start, end, depth, parent;
    int is_left;
} stack_item;

typedef struct {
    double v;
    int64_t i;
} val_idx;

static int cmp_val_idx(const void *a, const void *b) { /* by value, then row */
    const val_idx *p = (const val_idx *)a, *q = (const val_idx *)b;
    if (p->v != q->v) return p->v < q->v ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

static double midpoint(double a, double b) { /* as tree/_binning.py */
    const double m = (a + b) / 2.0;
    return m >= b ? a : m;
}

FM_API int fm_tree_build(fm_tree *t, const uint8_t *Xb, const double *edges, const int64_t *eoff,
                         const double *Xf, const uint8_t *refine, const double *y,
                         const double *w, int64_t n, int64_t d, int criterion, int64_t n_classes,
                         int64_t max_depth, int64_t min_samples_split, int64_t min_samples_leaf,
                         double min_weight_leaf, int64_t max_features,
                         double min_impurity_decrease, uint64_t seed) {
    const int cls = criterion != FM_CRIT_MSE;
    const int64_t S = cls ? n_classes : 2;        /* per-bin stats */
    const int64_t SN = cls ? n_classes : 3;       /* per-node stats (adds wyy) */
    memset(t, 0, sizeof *t);
    t->n_values = cls ? n_classes : 1;
    uint64_t rs = seed ? seed : UINT64_C(0x9E3779B97F4A7C15);
    int64_t *samples = (int64_t *)malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    int64_t *rbuf = (int64_t *)malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    int64_t *cnt = (int64_t *)calloc(256, sizeof(int64_t));
    double *hist = (double *)calloc((size_t)(256 * S), sizeof(double));
    double *tot = (double *)malloc((size_t)(3 * SN) * sizeof(double)); /* node, left, right */
    double *lst = (double *)malloc((size_t)(2 * S) * sizeof(double));   /* scan: left, right */
    int32_t *feats = (int32_t *)malloc((size_t)(d > 0 ? d : 1) * sizeof(int32_t));
    stack_item *stack = (stack_item *)malloc((size_t)(n + 2) * sizeof(stack_item));
    val_idx *pairs = Xf ? (val_idx *)malloc((size_t)(n > 0 ? n : 1) * sizeof(val_idx)) : NULL;
    int st = FM_OK;
    if (!samples || !rbuf || !cnt || !hist || !tot || !lst || !feats || !stack ||
        (Xf && !pairs)) {
        st = FM_ENOMEM;
        goto done;
    }
    int64_t m = 0;
    double W_all = 0;
    for (int64_t i = 0; i < n; i++)
        if (!w || w[i] > 0) {
            samples[m++] = i;
            W_all += w ? w[i] : 1.0;
        }
    for (int64_t f = 0; f < d; f++) feats[f] = (int32_t)f;
    int64_t sp = 0;
    if (m > 0) stack[sp++] = (stack_item){0, m, 0, -1, 0};
    while (sp > 0) {
        stack_item it = stack[--sp];
        if (t->n_nodes == t->capacity && (st = tree_grow(t)) != FM_OK) goto done;
        const int64_t node = t->n_nodes++;
        if (it.parent >= 0) {
            if (it.is_left)
                t->left[it.parent] = node;
            else
                t->right[it.parent] = node;
        }
        if (it.depth > t->max_depth) t->max_depth = it.depth;
        /* node totals */
        double *nt = tot;
        memset(nt, 0, (size_t)SN * sizeof(double));
        for (int64_t p = it.start; p < it.end; p++) {
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
        const int64_t nn = it.end - it.start;
        double W = 0;
        if (cls)
            for (int64_t c = 0; c < S; c++) W += nt[c];
        else
            W = nt[0];
        const double imp = node_impurity(criterion, nt, SN);
        t->feature[node] = -1;
        t->bin[node] = 0;
        t->threshold[node] = -2.0;
        t->left[node] = t->right[node] = -1;
        t->n_samples[node] = nn;
        t->weighted_n[node] = W;
        t->impurity[node] = imp;
        if (cls)
            memcpy(t->value + node * t->n_values, nt, (size_t)S * sizeof(double));
        else
            t->value[node] = W > 0 ? nt[1] / W : 0;
        if (it.depth >= max_depth || nn < min_samples_split || nn < 2 * min_samples_leaf ||
            W < 2 * min_weight_leaf || imp <= FM_TREE_EPS)
            continue;

        /* split search */
        double best = -INFINITY;
        int32_t best_f = -1, best_b = 0;
        int64_t visited = 0;
        for (int64_t fi = 0; fi < d && visited < max_features; fi++) {
            const int64_t j = fi + rng_below(&rs, d - fi); /* Fisher-Yates step */
            const int32_t tmp = feats[fi];
            feats[fi] = feats[j];
            feats[j] = tmp;
            const int32_t f = feats[fi];
            const uint8_t *col = Xb + f * n;
            int bmin = 255, bmax = 0;
            for (int64_t p = it.start; p < it.end; p++) {
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
                visited++;
                double *L = lst, *R = lst + S;
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
                    if (nl < min_samples_leaf) continue;
                    if (nn - nl < min_samples_leaf) break;
                    if (WL < min_weight_leaf || W - WL < min_weight_leaf) continue;
                    if (WL <= 0 || W - WL <= 0) continue;
                    for (int64_t c = 0; c < S; c++) R[c] = nt[c] - L[c];
                    const double pr = side_proxy(criterion, L, S) + side_proxy(criterion, R, S);
                    if (pr > best) {
                        best = pr;
                        best_f = f;
                        best_b = b;
                    }
                }
            }
            memset(cnt + bmin, 0, (size_t)(bmax - bmin + 1) * sizeof(int64_t));
            memset(hist + bmin * S, 0, (size_t)((bmax - bmin + 1) * S) * sizeof(double));
        }
        if (best_f < 0) continue;

        /* Exact refinement (features with more distinct values than bins): the
         * best edge e_b borders the bin holding the exact optimum of this
         * feature, so rescan bins b and b+1 of this node sorted by raw value
         * (left = bins < b, then the sorted rows one by one), candidates at
         * midpoints between distinct values; keep it if strictly better. */
        const uint8_t *col = Xb + best_f * n;
        double thr = edges[eoff[best_f] + best_b];
        int refined = 0;
        if (Xf && refine[best_f]) {
            const double *xv = Xf + best_f * n;
            double *L = lst, *R = lst + S;
            memset(L, 0, (size_t)S * sizeof(double));
            int64_t nl = 0, m2 = 0;
            for (int64_t p = it.start; p < it.end; p++) {
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
                if (nl < min_samples_leaf || nn - nl < min_samples_leaf) continue;
                if (WL < min_weight_leaf || W - WL < min_weight_leaf) continue;
                if (WL <= 0 || W - WL <= 0) continue;
                for (int64_t c = 0; c < S; c++) R[c] = nt[c] - L[c];
                const double pr = side_proxy(criterion, L, S) + side_proxy(criterion, R, S);
                if (pr > best) {
                    best = pr;
                    thr = midpoint(pairs[q].v, pairs[q + 1].v);
                    refined = 1;
                }
            }
        }

        /* stable partition: left rows first, both sides keep their order (so
         * the NumPy twin sums in the same order) */
        int64_t mid = it.start, nr = 0;
        for (int64_t p = it.start; p < it.end; p++) {
            const int64_t i = samples[p];
            if (refined ? Xf[best_f * n + i] <= thr : col[i] <= best_b)
                samples[mid++] = i;
            else
                rbuf[nr++] = i;
        }
        memcpy(samples + mid, rbuf, (size_t)nr * sizeof(int64_t));
        if (min_impurity_decrease > 0) { /* weighted impurity decrease, as scikit-learn */
            double *tl = tot + SN, *tr = tot + 2 * SN;
            memset(tl, 0, (size_t)(2 * SN) * sizeof(double));
            double wl = 0, wr = 0;
            for (int64_t p = it.start; p < it.end; p++) {
                const int64_t i = samples[p];
                const double wi = w ? w[i] : 1.0;
                double *tt = p < mid ? tl : tr;
                if (p < mid) wl += wi; else wr += wi;
                if (cls) {
                    tt[(int64_t)y[i]] += wi;
                } else {
                    tt[0] += wi;
                    tt[1] += wi * y[i];
                    tt[2] += wi * y[i] * y[i];
                }
            }
            const double dec = W / W_all *
                (imp - wl / W * node_impurity(criterion, tl, SN) -
                 wr / W * node_impurity(criterion, tr, SN));
            if (dec < min_impurity_decrease) continue;
        }
        t->feature[node] = best_f;
        t->bin[node] = refined ? -1 : best_b;
        t->threshold[node] = thr;
        stack[sp++] = (stack_item){mid, it.end, it.depth + 1, node, 0};
        stack[sp++] = (stack_item){it.start, mid, it.depth + 1, node, 1};
    }
done:
    free(samples);
    free(rbuf);
    free(cnt);
    free(hist);
    free(tot);
    free(lst);
    free(feats);
    free(stack);
    free(pairs);
    if (st != FM_OK) fm_tree_free(t);
    return st;
}

/* Leaf index of every row: descend while feature >= 0 (x[f] <= thr -> left). */
#define DEFINE_APPLY(SUF, T)                                                                 \
    FM_API int fm_tree_apply_##SUF(int64_t *out, const T *X, int64_t n, int64_t d,           \
                                   const int32_t *feature, const double *threshold,          \
                                   const int64_t *left, const int64_t *right) {              \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(20.0 * n))")   \
        for (int64_t i = 0; i < n; i++) {                                                    \
            const T *x = X + i * d;                                                          \
            int64_t node = 0;                                                                \
            while (feature[node] >= 0)                                                       \
                node = (double)x[feature[node]] <= threshold[node] ? left[node] : right[node]; \
            out[i] = node;                                                                   \
        }                                                                                    \
        return FM_OK;                                                                        \
    }
DEFINE_APPLY(f32, float)
DEFINE_APPLY(f64, double)

/* Bin codes: out[f*n + i] = #{edges of feature f < X[i, f]} (edges of feature f
 * are edges[offsets[f] .. offsets[f+1]), sorted, at most 255 of them), i.e.
 * searchsorted(edges_f, x, side="left"). Fixed-step branch-free binary search
 * (steps 128, 64, ..., 1) on BIN_ROWS rows at once: independent searches
 * overlap their load latencies. Row blocks are split across threads. */
#define BIN_ROWS 16
#define DEFINE_BIN(SUF, T)                                                                   \
    FM_API int fm_tree_bin_##SUF(uint8_t *out, const T *X, int64_t n, int64_t d,             \
                                 const double *edges, const int64_t *offsets) {              \
        const int64_t nblk = (n + BIN_ROWS - 1) / BIN_ROWS;                                  \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(8.0 * n * d))") \
        for (int64_t blk = 0; blk < nblk; blk++) {                                           \
            const int64_t i0 = blk * BIN_ROWS;                                               \
            const int64_t m = n - i0 < BIN_ROWS ? n - i0 : BIN_ROWS;                         \
            for (int64_t f = 0; f < d; f++) {                                                \
                const double *e = edges + offsets[f];                                        \
                const int64_t len = offsets[f + 1] - offsets[f];                             \
                double v[BIN_ROWS];                                                          \
                int64_t lo[BIN_ROWS];                                                        \
                for (int64_t r = 0; r < BIN_ROWS; r++) {                                     \
                    v[r] = (double)X[(i0 + (r < m ? r : 0)) * d + f];                        \
                    lo[r] = 0;                                                               \
                }                                                                            \
                for (int64_t step = 128; step > 0; step >>= 1)                               \
                    for (int64_t r = 0; r < BIN_ROWS; r++) {                                 \
                        const int64_t idx = lo[r] + step;                                    \
                        lo[r] = (idx <= len && e[idx - 1] < v[r]) ? idx : lo[r];             \
                    }                                                                        \
                for (int64_t r = 0; r < m; r++) out[f * n + i0 + r] = (uint8_t)lo[r];        \
            }                                                                                \
        }                                                                                    \
        return FM_OK;                                                                        \
    }
DEFINE_BIN(f32, float)
DEFINE_BIN(f64, double)
