/* tree_exact_split.c -- split search of one node for the exact tree builder
 * (tree_exact.c): per feature, the node's values are gathered and sorted
 * (LSD radix sort on order-preserving 32-bit keys, stable; insertion sort
 * for small nodes), then scanned left to right. Split candidates lie between
 * consecutive sorted values that differ by more than XT_FEATURE_THRESHOLD
 * (float arithmetic), the threshold is x_prev / 2 + x_next / 2 (float64), a
 * candidate needs min_samples_leaf rows and min_weight_leaf weight on each
 * side, and a later candidate replaces the best only with a strictly larger
 * proxy -- scikit-learn's rules, so on the same node the same split wins.
 * The random splitter (extremely randomized trees) draws one threshold per
 * feature uniformly in the node's [min, max) and evaluates only it.
 * Missing values (NaN) sort last; a feature with missing values in the node
 * is scanned twice, missing rows sent right (plus the split "every value
 * left, missing right", threshold +inf) and then sent left; the random
 * splitter sends them to a random side. A split records where missing values
 * go (for a feature without any in the node: to the larger child).
 *
 * Features are drawn as scikit-learn draws them (see xt_find_split) until
 * max_features were drawn and at least one was not constant in the node. In
 * large nodes the drawn features are evaluated on nthreads threads; the best
 * is the largest proxy, ties going to the earlier drawn feature, as a
 * sequential scan would. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree_exact_crit.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* scikit-learn's generator: 32-bit xorshift, values in [0, 2^31 - 1] */
#define SK_RAND_R_MAX 2147483647u
static inline uint32_t sk_rand_r(uint32_t *s) {
    if (*s == 0) *s = 1;
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s % (SK_RAND_R_MAX + 1u);
}

static inline int64_t sk_rand_int(int64_t lo, int64_t hi, uint32_t *s) {
    return lo + (int64_t)sk_rand_r(s) % (hi - lo);
}

static inline float fval(uint32_t u) {
    u = (u & 0x80000000u) ? (u & 0x7FFFFFFFu) : ~u;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The split position after p in a scan over sorted values (the next place
 * where consecutive values differ by more than XT_FEATURE_THRESHOLD; with
 * mleft the nmiss missing rows come first and are skipped), or -1 when the
 * scan is over (without mleft it ends at the missing rows' start, end_nm). */
static inline int64_t scan_next(int64_t p, const float *val, int64_t nn, int64_t nmiss,
                                int64_t end_nm, int mleft) {
    if (!mleft && p == end_nm) return -1;
    if (mleft && p == 0) p = nmiss;
    p++;
    while (p < end_nm && val[p] <= val[p - 1] + XT_FEATURE_THRESHOLD) p++;
    return p >= nn ? -1 : p;
}

/* The best candidate of a fast pass (bpos < 0: none beat *best) into *best. */
static inline void scan_record(xt_split *best, int32_t f, double bproxy, int64_t bpos,
                               const float *val, int64_t nn, int64_t nmiss, int mleft) {
    if (bpos < 0) return;
    const int64_t p = bpos, end_nm = mleft ? nn : nn - nmiss;
    best->proxy = bproxy;
    best->f = f;
    best->pos = p;
    best->thr = (!mleft && p == end_nm) ? INFINITY
                                        : (double)val[p - 1] / 2.0 + (double)val[p] / 2.0;
    best->mleft = nmiss ? mleft : p > nn - p;
}

/* scan_pass for one output and gini or squared error, over the node's targets
 * ys and weights ws in sorted order (contiguous), with the update and the
 * proxy inlined: the same operations in the same order as xt_update and
 * xt_proxy (so the same proxies), without a call or a gather per candidate. */
/* Not vectorised: a vector reload of the class weights just stored one by one
 * cannot be store-forwarded (it stalled every candidate); scalar loads can. */
__attribute__((optimize("no-tree-vectorize")))
static void scan_pass_fast(const xt_ctx *c, xt_work *wk, int32_t f, const double *ys,
                           const double *ws, const float *val, int64_t nn, int64_t nmiss,
                           int mleft, xt_split *best) {
    const int64_t msl = c->msl, end_nm = mleft ? nn : nn - nmiss;
    const int cls = c->cls;
    const int64_t C = cls ? c->ncls[0] : 1;
    const double *tot = wk->tot, mwl = c->mwl, tot0 = tot[0];
    double *sl = wk->sl, wl = 0, s0 = 0, bproxy = best->proxy;
    int64_t bpos = -1;
    memset(sl, 0, (size_t)C * sizeof(double));
    int64_t cur = 0, p = 0;
    const double W = wk->W;
    while ((p = scan_next(p, val, nn, nmiss, end_nm, mleft)) >= 0) {
        if (p < msl || nn - p < msl) continue;
        if (p - cur <= nn - p) {
            if (cls) {
                for (int64_t j = cur; j < p; j++) {
                    sl[(int64_t)ys[j]] += 1.0 * ws[j];
                    wl += ws[j];
                }
            } else {
                for (int64_t j = cur; j < p; j++) {
                    s0 += 1.0 * ws[j] * ys[j];
                    wl += ws[j];
                }
            }
        } else {
            wl = W;
            if (cls) {
                memcpy(sl, tot, (size_t)C * sizeof(double));
                for (int64_t j = nn - 1; j >= p; j--) {
                    sl[(int64_t)ys[j]] += -1.0 * ws[j];
                    wl -= ws[j];
                }
            } else {
                s0 = tot0;
                for (int64_t j = nn - 1; j >= p; j--) {
                    s0 += -1.0 * ws[j] * ys[j];
                    wl -= ws[j];
                }
            }
        }
        cur = p;
        const double wr = W - wl;
        if (wl < mwl || wr < mwl) continue;
        double proxy;
        if (cls) {
            double sql = 0, sqr = 0;
            for (int64_t j = 0; j < C; j++) sql += sl[j] * sl[j];
            for (int64_t j = 0; j < C; j++) {
                const double r = tot[j] - sl[j];
                sqr += r * r;
            }
            const double il = 1.0 - sql / (wl * wl), ir = 1.0 - sqr / (wr * wr);
            proxy = -wr * ir - wl * il;
        } else {
            const double r = tot0 - s0;
            proxy = s0 * s0 / wl + r * r / wr;
        }
        if (proxy > bproxy) {
            bproxy = proxy;
            bpos = p;
        }
    }
    scan_record(best, f, bproxy, bpos, val, nn, nmiss, mleft);
}

/* scan_pass_fast for gini with two classes: the two left-hand class weights
 * live in registers (a 2-element array costs a scalar store then a vector
 * reload per row, which the store forwarding cannot serve), the class is
 * picked by selects. The same operations in the same order -- adding +0.0
 * to the other class is exact, the weights are never -0.0 -- so the same
 * proxies and the same split. */
static void scan_pass_gini2(const xt_ctx *c, xt_work *wk, int32_t f, const double *ys,
                            const double *ws, const float *val, int64_t nn, int64_t nmiss,
                            int mleft, xt_split *best) {
    const int64_t msl = c->msl, end_nm = mleft ? nn : nn - nmiss;
    const double t0 = wk->tot[0], t1 = wk->tot[1], mwl = c->mwl, W = wk->W;
    double l0 = 0, l1 = 0, wl = 0, bproxy = best->proxy;
    int64_t bpos = -1, cur = 0, p = 0;
    while ((p = scan_next(p, val, nn, nmiss, end_nm, mleft)) >= 0) {
        if (p < msl || nn - p < msl) continue;
        if (p - cur <= nn - p) {
            for (int64_t j = cur; j < p; j++) {
                const double w = 1.0 * ws[j];
                const int one = (int64_t)ys[j] != 0;
                l0 += one ? 0.0 : w;
                l1 += one ? w : 0.0;
                wl += ws[j];
            }
        } else {
            wl = W;
            l0 = t0;
            l1 = t1;
            for (int64_t j = nn - 1; j >= p; j--) {
                const double w = -1.0 * ws[j];
                const int one = (int64_t)ys[j] != 0;
                l0 += one ? 0.0 : w;
                l1 += one ? w : 0.0;
                wl -= ws[j];
            }
        }
        cur = p;
        const double wr = W - wl;
        if (wl < mwl || wr < mwl) continue;
        const double proxy = xt_gini2_proxy(l0, l1, t0, t1, wl, wr);
        if (proxy > bproxy) {
            bproxy = proxy;
            bpos = p;
        }
    }
    scan_record(best, f, bproxy, bpos, val, nn, nmiss, mleft);
}

/* One left-to-right pass of the split search over order[0:nn] (sorted values
 * val): missing values (nmiss rows) last and sent right (mleft = 0, with the
 * extra candidate "all values left, missing right", threshold +inf), or first
 * and sent left (mleft = 1). Updates *best when a candidate is strictly better. */
static void scan_pass(const xt_ctx *c, xt_work *wk, int32_t f, const int32_t *order,
                      const float *val, int64_t nn, int64_t nmiss, int mleft, xt_split *best) {
    const int64_t msl = c->msl, end_nm = mleft ? nn : nn - nmiss;
    const int mae = c->crit == FM_CRIT_MAE;
    if (mae) xt_mae_passes(c, wk, order, nn);
    double *sl = wk->sl, *sr = wk->sr, wl = 0;
    memset(sl, 0, (size_t)c->nv * sizeof(double));
    int64_t cur = 0, p = 0;
    const double W = wk->W, no = (double)c->no;
    while ((p = scan_next(p, val, nn, nmiss, end_nm, mleft)) >= 0) {
        if (p < msl || nn - p < msl) continue;
        xt_update(c, wk, order, nn, &cur, p, sl, sr, &wl);
        const double wr = W - wl;
        if (wl < c->mwl || wr < c->mwl) continue;
        double proxy;
        if (mae) {
            const double il = wk->lae[p - 1] / (wl * no), ir = wk->rae[p] / (wr * no);
            proxy = -wr * ir - wl * il;
        } else {
            proxy = xt_proxy(c, sl, sr, wl, wr);
        }
        if (proxy > best->proxy) {
            best->proxy = proxy;
            best->f = f;
            best->pos = p;
            best->thr = (!mleft && p == end_nm)
                            ? INFINITY
                            : (double)val[p - 1] / 2.0 + (double)val[p] / 2.0;
            best->mleft = nmiss ? mleft : p > nn - p;
        }
    }
}

static inline int fast_crit(const xt_ctx *c) {
    return c->no == 1 && (c->crit == FM_CRIT_GINI || c->crit == FM_CRIT_MSE);
}

/* The split search over a node's rows sorted by feature f (order: local
 * positions, val: their values, the nmiss missing rows last): missing rows
 * sent right, then (if any) sent left. The fast criteria read the targets and
 * weights in sorted order, wk->ys / wk->ws (gathered here when have_ys is 0). */
void xt_scan_sorted(const xt_ctx *c, xt_work *wk, int32_t f, const int32_t *order,
                    const float *val, int64_t nn, int64_t nmiss, int have_ys, xt_split *best) {
    const int64_t nm = nn - nmiss;
    if (fast_crit(c)) {
        double *ys = wk->ys, *ws = wk->ws;
        if (!have_ys)
            for (int64_t q = 0; q < nn; q++) {
                ys[q] = wk->yl[order[q]];
                ws[q] = wk->wl[order[q]];
            }
        void (*pass)(const xt_ctx *, xt_work *, int32_t, const double *, const double *,
                     const float *, int64_t, int64_t, int, xt_split *) =
            c->cls && c->ncls[0] == 2 ? scan_pass_gini2 : scan_pass_fast;
        pass(c, wk, f, ys, ws, val, nn, nmiss, 0, best);
        if (nmiss) { /* again with the missing rows first, sent left */
            double *y2 = wk->ys2, *w2 = wk->ws2;
            float *v2 = wk->val2;
            memcpy(y2, ys + nm, (size_t)nmiss * sizeof(double));
            memcpy(y2 + nmiss, ys, (size_t)nm * sizeof(double));
            memcpy(w2, ws + nm, (size_t)nmiss * sizeof(double));
            memcpy(w2 + nmiss, ws, (size_t)nm * sizeof(double));
            memcpy(v2 + nmiss, val, (size_t)nm * sizeof(float));
            pass(c, wk, f, y2, w2, v2, nn, nmiss, 1, best);
        }
        return;
    }
    scan_pass(c, wk, f, order, val, nn, nmiss, 0, best);
    if (nmiss) { /* again with the missing rows first, sent left */
        int32_t *o2 = wk->k2;
        float *v2 = wk->val2;
        memcpy(o2, order + nm, (size_t)nmiss * sizeof(int32_t));
        memcpy(o2 + nmiss, order, (size_t)nm * sizeof(int32_t));
        memcpy(v2 + nmiss, val, (size_t)nm * sizeof(float));
        scan_pass(c, wk, f, o2, v2, nn, nmiss, 1, best);
    }
}

/* Best split on feature f over the node [start, end); updates *best (proxy,
 * f, thr, missing side) when strictly better. Returns 0 when f is constant in
 * the node (or missing in every row). */
static int eval_best(const xt_ctx *c, xt_work *wk, int32_t f, int64_t start, int64_t end,
                     xt_split *best) {
    const int64_t nn = end - start;
    const float *col = c->X + (int64_t)f * c->n;
    const int64_t *smp = c->samples + start;
    float lo = INFINITY, hi = -INFINITY;
    int64_t nmiss = 0;
    for (int64_t q = 0; q < nn; q++) {
        const float x = col[smp[q]];
        wk->k[q] = (int32_t)q;
        if (x != x) {
            wk->key[q] = 0xFFFFFFFFu; /* missing values sort last */
            nmiss++;
            continue;
        }
        wk->key[q] = xt_fkey(x);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    if (nmiss == nn || (nmiss == 0 && hi <= lo + XT_FEATURE_THRESHOLD)) return 0;
    uint32_t *key;
    int32_t *order;
    xt_sort_keys(wk, nn, &key, &order);
    float *val = wk->val;
    const int64_t nm = nn - nmiss;
    for (int64_t q = 0; q < nm; q++) val[q] = fval(key[q]);
    xt_scan_sorted(c, wk, f, order, val, nn, nmiss, 0, best);
    return 1;
}

/* eval_best in presorted mode: the node's rows by f come from ctx->ord (the
 * same order the per-node sort gives), local positions from ctx->loc. */
static int eval_best_sorted(const xt_ctx *c, xt_work *wk, int32_t f, int64_t start,
                            int64_t end, xt_split *best) {
    const int64_t nn = end - start;
    const int32_t *of = c->ord + (int64_t)f * c->m + start;
    const float *val = c->vord + (int64_t)f * c->m + start;
    int64_t nm = nn;
    while (nm > 0 && val[nm - 1] != val[nm - 1]) nm--; /* NaN rows are last */
    if (nm == 0 || (nm == nn && val[nm - 1] <= val[0] + XT_FEATURE_THRESHOLD)) return 0;
    if (c->yw) { /* targets and weights straight from the rows */
        double *ys = wk->ys, *ws = wk->ws;
        const double *yw = c->yw;
        for (int64_t q = 0; q < nn; q++) {
            const int64_t i = of[q];
            ys[q] = yw[2 * i];
            ws[q] = yw[2 * i + 1];
        }
        xt_scan_sorted(c, wk, f, wk->k, val, nn, nn - nm, 1, best);
        return 1;
    }
    int32_t *order = wk->k;
    const int32_t *loc = c->loc;
    for (int64_t q = 0; q < nn; q++) order[q] = loc[of[q]];
    xt_scan_sorted(c, wk, f, order, val, nn, nn - nm, 0, best);
    return 1;
}

/* The node's best split on feature f in the mode of the build. */
static int eval_exact(const xt_ctx *c, xt_work *wk, int32_t f, int64_t start, int64_t end,
                      xt_split *best) {
    if (c->ord) return eval_best_sorted(c, wk, f, start, end, best);
    if (c->rank) {
        const int r = xt_eval_ranked(c, wk, f, start, end, best);
        if (r >= 0) return r;
    }
    return eval_best(c, wk, f, start, end, best);
}

/* Random split on feature f: one threshold uniform in [min, max). */
static int eval_random(const xt_ctx *c, xt_work *wk, int32_t f, int64_t start, int64_t end,
                       xt_split *best) {
    const int64_t nn = end - start, msl = c->msl;
    const float *col = c->X + (int64_t)f * c->n;
    const int64_t *smp = c->samples + start;
    float lo = INFINITY, hi = -INFINITY;
    int64_t nmiss = 0;
    for (int64_t q = 0; q < nn; q++) {
        const float x = col[smp[q]];
        if (x != x) {
            nmiss++;
            continue;
        }
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    if (nmiss == nn || (nmiss == 0 && hi <= lo + XT_FEATURE_THRESHOLD)) return 0;
    double thr = ((double)hi - (double)lo) * (double)sk_rand_r(c->rand_state) /
                     (double)SK_RAND_R_MAX + (double)lo;
    const int mleft = nmiss ? (int)sk_rand_int(0, 2, c->rand_state) : 0;
    if (thr == (double)hi) thr = (double)lo;
    int32_t *order = wk->k;
    int64_t nl = 0, nr = 0;
    for (int64_t q = 0; q < nn; q++) { /* stable: left rows, then right rows (kb) */
        const float x = col[smp[q]];
        if (x != x ? mleft : (double)x <= thr)
            order[nl++] = (int32_t)q;
        else
            wk->kb[nr++] = (int32_t)q;
    }
    memcpy(order + nl, wk->kb, (size_t)nr * sizeof(int32_t));
    if (nl < msl || nr < msl) return 1;
    double *sl = wk->sl, *sr = wk->sr, wl = 0;
    memset(sl, 0, (size_t)c->nv * sizeof(double));
    int64_t cur = 0;
    xt_update(c, wk, order, nn, &cur, nl, sl, sr, &wl);
    const double wr = wk->W - wl;
    if (wl < c->mwl || wr < c->mwl) return 1;
    double proxy;
    if (c->crit == FM_CRIT_MAE) {
        double ael = 0, aer = 0;
        for (int64_t k = 0; k < c->no; k++) {
            ael += xt_mae_set(c, wk, k, order, nl, 1, NULL);
            aer += xt_mae_set(c, wk, k, order + nl, nr, -1, NULL);
        }
        const double no = (double)c->no, il = ael / (wl * no), ir = aer / (wr * no);
        proxy = -wr * ir - wl * il;
    } else {
        proxy = xt_proxy(c, sl, sr, wl, wr);
    }
    if (proxy > best->proxy) {
        best->proxy = proxy;
        best->f = f;
        best->pos = nl;
        best->thr = thr;
        best->mleft = nmiss ? mleft : nl > nr;
    }
    return 1;
}

/* Is feature f constant (or missing everywhere) in the node? */
static int feature_constant(const xt_ctx *c, int32_t f, int64_t start, int64_t end) {
    const float *col = c->X + (int64_t)f * c->n;
    if (c->ord) { /* the node's values by f: first and last (NaN last) */
        const float *v = c->vord + (int64_t)f * c->m + start;
        const float lo = v[0], hi = v[end - start - 1];
        if (lo != lo) return 1;          /* every value missing */
        if (hi != hi) return 0;          /* some missing, some not */
        return hi <= lo + XT_FEATURE_THRESHOLD;
    }
    const int64_t *smp = c->samples + start;
    float lo = INFINITY, hi = -INFINITY;
    int64_t nmiss = 0;
    for (int64_t q = 0; q < end - start; q++) {
        const float x = col[smp[q]];
        if (x != x) {
            nmiss++;
            continue;
        }
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    return nmiss == end - start || (nmiss == 0 && hi <= lo + XT_FEATURE_THRESHOLD);
}

/* A helper's view of the owner's node: its own scratch, the owner's node data. */
static xt_work helper_view(const xt_work *own, const xt_work *node) {
    xt_work h = *own;
    h.yl = node->yl;
    h.wl = node->wl;
    h.rank = node->rank;
    h.sy = node->sy;
    h.tot = node->tot;
    h.cw = node->cw;
    h.W = node->W;
    h.sq = node->sq;
    h.nn = node->nn;
    return h;
}

void xt_find_split(const xt_ctx *c, xt_work *works, int nthreads, const xt_item *it,
                   double imp, xt_split *sp) {
    xt_work *wk = works;
    const int64_t d = c->d, nn = it->end - it->start, start = it->start, end = it->end;
    const int64_t mf = c->max_features < d ? c->max_features : d;
    xt_split best = {-INFINITY, 0, 0, 0, 0, nn, -1, 0, 0};
    int team = c->random ? 1 : fm_team_size(nthreads, 6.0 * (double)nn * (double)mf);
    if (team > 64) team = 64;
    int32_t *visit = wk->feats, *features = c->features;
    int64_t nvisit = 0;
    /* scikit-learn's draw loop: Fisher-Yates over the features not known to be
     * constant, until max_features were drawn and one of them was not constant */
    int64_t f_i = d, n_visited = 0, n_found = 0, n_drawn = 0;
    const int64_t n_known = it->nconst;
    int64_t n_total = n_known;
    while (f_i > n_total && (n_visited < mf || n_visited <= n_found + n_drawn)) {
        n_visited++;
        int64_t f_j = sk_rand_int(n_drawn, f_i - n_found, c->rand_state);
        if (f_j < n_known) {
            const int32_t t = features[n_drawn];
            features[n_drawn] = features[f_j];
            features[f_j] = t;
            n_drawn++;
            continue;
        }
        f_j += n_found;
        const int32_t feat = features[f_j];
        int nonconst;
        if (c->random) {
            nonconst = eval_random(c, wk, feat, start, end, &best);
        } else if (team == 1) {
            nonconst = eval_exact(c, wk, feat, start, end, &best);
        } else {
            nonconst = !feature_constant(c, feat, start, end);
            if (nonconst) visit[nvisit++] = feat;
        }
        if (!nonconst) {
            features[f_j] = features[n_total];
            features[n_total] = feat;
            n_found++;
            n_total++;
            continue;
        }
        f_i--;
        features[f_j] = features[f_i];
        features[f_i] = feat;
    }
    memcpy(features, c->constant, (size_t)n_known * sizeof(int32_t));
    memcpy(c->constant + n_known, features + n_known, (size_t)n_found * sizeof(int32_t));
    if (nvisit > 0) { /* the drawn features evaluated in parallel, same winner */
        xt_split bests[64];
        int64_t bvisit[64];
        if (team > nvisit) team = (int)nvisit;
#pragma omp parallel num_threads(team)
        {
            int tid = 0;
#ifdef _OPENMP
            tid = omp_get_thread_num();
#endif
            xt_work h = helper_view(&works[tid], wk);
            xt_split b = {-INFINITY, 0, 0, 0, 0, nn, -1, 0, 0};
            int64_t bv = -1;
            /* thread tid evaluates visits tid, tid + team, ...; within a thread a
             * later visit replaces the best only with a strictly larger proxy */
            for (int64_t v = tid; v < nvisit; v += team) {
                const double before = b.proxy;
                eval_exact(c, &h, visit[v], start, end, &b);
                if (b.proxy > before) bv = v;
            }
            bests[tid] = b;
            bvisit[tid] = bv;
        }
        int64_t best_v = -1;
        for (int t = 0; t < team; t++) {
            if (bvisit[t] < 0) continue;
            if (bests[t].proxy > best.proxy ||
                (bests[t].proxy == best.proxy && bvisit[t] < best_v)) {
                best = bests[t];
                best_v = bvisit[t];
            }
        }
    }
    *sp = best;
    sp->pos = it->end;
    sp->nconst = n_total;
    if (best.f < 0) return;
    /* partition order: node rows with x <= thr (local order kept), then the rest */
    const float *col = c->X + (int64_t)best.f * c->n;
    int64_t *smp = c->samples + it->start;
    int32_t *order = wk->k;
    int64_t nl = 0, nr = 0;
    for (int64_t q = 0; q < nn; q++) { /* branch-free: the side is data, not a jump */
        const float x = col[smp[q]];
        const int left = x != x ? best.mleft : (double)x <= best.thr;
        order[nl] = (int32_t)q;
        wk->kb[nr] = (int32_t)q;
        nl += left;
        nr += !left;
    }
    memcpy(order + nl, wk->kb, (size_t)nr * sizeof(int32_t));
    xt_children(c, wk, order, nn, nl, imp, sp);
    for (int64_t q = 0; q < nn; q++) wk->tmp[q] = smp[order[q]];
    memcpy(smp, wk->tmp, (size_t)nn * sizeof(int64_t));
    sp->pos = it->start + nl;
    if (c->ord) xt_presort_partition(c, works, nthreads, start, end, nl, n_total);
}
