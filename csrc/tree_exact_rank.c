/* tree_exact_rank.c -- the ranked per-node path of the exact tree builder.
 *
 * Shared by the trees of an ensemble: every feature's values mapped once to
 * dense ranks of their distinct values (fm_tree_rank_exact: rank 0 is the
 * smallest order-preserving key, equal keys share a rank, NaN takes the rank
 * after the largest value), with the distinct values themselves (uniq). A node
 * then sorts its rows by rank instead of by the 32-bit float key: the rank
 * range of a node needs far fewer bits (16 for 50 000 distinct values), so
 * the rank and the row's local position pack into one 32-bit word, sorted by
 * one or two radix passes over the rank bits (ties keep their local order,
 * which the position bits below the rank encode). The result is the order the
 * float-key sort gives, and the split scan compares the same float values
 * (from uniq; a bit per rank, near, marks the values within the candidate
 * threshold of the next smaller one, so neighbours of different ranks need no
 * value read otherwise): the same tree, bit for bit.
 *
 * Two-class gini with integer weights (bootstrap counts, or none) scans with
 * integer class counts: each node row carries w0 + 2^32 w1 (its weight in
 * class 0 and class 1, wk->cw), one 64-bit add per row gives both left-hand
 * counts, and as every partial sum of integers below 2^53 is exact in double,
 * the left / right weights -- and the proxies computed from them with
 * scikit-learn's operations -- equal the floating-point scan's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree_exact_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

FM_API int fm_tree_rank_exact(uint32_t *rank, float *uniq, int64_t *nuniq, uint64_t *near,
                              const float *X, const int32_t *order, int64_t n, int64_t d,
                              int nthreads) {
    const int64_t nw = n / 64 + 1;
    int team = fm_team_size(nthreads, 2.0 * (double)n * (double)d);
    if (team > d) team = d > 0 ? (int)d : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
    for (int64_t f = 0; f < d; f++) {
        const float *col = X + f * n;
        const int32_t *o = order + f * n;
        uint32_t *rk = rank + f * n;
        float *u = uniq + f * n;
        int64_t r = -1, nnan = 0;
        uint32_t prev = 0;
        for (int64_t j = 0; j < n; j++) {
            const int32_t i = o[j];
            const float x = col[i];
            if (x != x) {
                nnan++;
                continue;
            }
            const uint32_t k = xt_fkey(x);
            if (r < 0 || k != prev) {
                u[++r] = x;
                prev = k;
            }
            rk[i] = (uint32_t)r;
        }
        const int64_t nu = r + 1;
        if (nnan)
            for (int64_t i = 0; i < n; i++)
                if (col[i] != col[i]) rk[i] = (uint32_t)nu;
        nuniq[f] = nu;
        uint64_t *nb = near + f * nw;
        memset(nb, 0, (size_t)nw * sizeof(uint64_t));
        for (int64_t q = 1; q < nu; q++)
            if (u[q] <= u[q - 1] + XT_FEATURE_THRESHOLD) nb[q >> 6] |= UINT64_C(1) << (q & 63);
    }
    return FM_OK;
}

#define XT_PREFETCH 16 /* rows ahead */

static inline int nbits(uint64_t v) { return v ? 64 - __builtin_clzll(v) : 0; }

/* Radix digits for keys of b bits in a node of nn rows: *P passes of *db bits. */
static inline void digits(int64_t nn, int b, int *P, int *db) {
    const int maxd = nn < 2048 ? 8 : 11;
    *P = b > 0 ? (b + maxd - 1) / maxd : 1;
    *db = (b + *P - 1) / *P;
}

/* Stable sort of a[0:nn] by bits [s, s + P db) (the bits below s: ascending
 * local positions), hist[p]: the counts of digit p; tmp: nn scratch. Returns
 * the array holding the result. */
static uint32_t *sort_packed(uint32_t *a, uint32_t *tmp, int64_t nn, int s, int P, int db,
                             uint32_t (*hist)[2048]) {
    if (nn <= 48) { /* the whole word orders (rank, position) */
        for (int64_t i = 1; i < nn; i++) {
            const uint32_t v = a[i];
            int64_t j = i - 1;
            while (j >= 0 && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
        return a;
    }
    const uint32_t mask = (1u << db) - 1;
    for (int p = 0; p < P; p++) {
        const int sh = s + p * db;
        uint32_t *h = hist[p];
        if (h[(a[0] >> sh) & mask] == (uint32_t)nn) continue; /* one digit for all */
        uint32_t acc = 0;
        for (uint32_t k = 0; k <= mask; k++) {
            const uint32_t t = h[k];
            h[k] = acc;
            acc += t;
        }
        for (int64_t q = 0; q < nn; q++) {
            const uint32_t v = a[q];
            tmp[h[(v >> sh) & mask]++] = v;
        }
        uint32_t *t = a;
        a = tmp;
        tmp = t;
    }
    return a;
}

/* Do sorted neighbours of ranks rp <= r hold one value to the split search
 * (x_r <= x_rp + XT_FEATURE_THRESHOLD)? Equal ranks are; a rank whose value is
 * more than the threshold above the next smaller value (near bit clear) is
 * more than it above every smaller value (float addition is monotone). */
static inline int same_value(uint32_t r, uint32_t rp, const uint64_t *near, const float *u) {
    return r == rp || (((near[r >> 6] >> (r & 63)) & 1) && u[r] <= u[rp] + XT_FEATURE_THRESHOLD);
}

/* Two-class gini over the node's rows sorted by rank (a, local position in
 * the low s bits), no missing values: integer class counts (see top). The
 * same candidates, proxies and winner as scan_pass_gini2. */
static void scan_ranked_gini2(const xt_ctx *c, const xt_work *wk, int32_t f, const uint32_t *a,
                              int s, const float *u, const uint64_t *near, int64_t nn,
                              xt_split *best) {
    const int64_t msl = c->msl, *cw = wk->cw;
    const uint32_t qmask = (1u << s) - 1;
    const double t0 = wk->tot[0], t1 = wk->tot[1], mwl = c->mwl, W = wk->W;
    double bproxy = best->proxy;
    int64_t bpos = -1;
    uint64_t acc = 0;
    uint32_t rp = a[0] >> s;
    for (int64_t p = 1; p < nn; p++) {
        acc += (uint64_t)cw[a[p - 1] & qmask];
        const uint32_t r = a[p] >> s;
        const int same = same_value(r, rp, near, u);
        rp = r;
        if (same || p < msl || nn - p < msl) continue;
        const double l0 = (double)(acc & 0xFFFFFFFFu), l1 = (double)(acc >> 32);
        const double wl = l0 + l1, wr = W - wl;
        if (wl < mwl || wr < mwl) continue;
        const double proxy = xt_gini2_proxy(l0, l1, t0, t1, wl, wr);
        if (proxy > bproxy) {
            bproxy = proxy;
            bpos = p;
        }
    }
    if (bpos < 0) return;
    best->proxy = bproxy;
    best->f = f;
    best->pos = bpos;
    best->thr = (double)u[a[bpos - 1] >> s] / 2.0 + (double)u[a[bpos] >> s] / 2.0;
    best->mleft = bpos > nn - bpos;
}

int xt_eval_ranked(const xt_ctx *c, xt_work *wk, int32_t f, int64_t start, int64_t end,
                   xt_split *best) {
    const int64_t nn = end - start;
    const uint32_t nanr = (uint32_t)c->nuniq[f];
    const int s = nn > 2 ? nbits((uint64_t)(nn - 1)) : 1, b = nbits(nanr);
    if (s + b > 32) return -1; /* does not pack: the float-key path */
    int P, db;
    digits(nn, b, &P, &db);
    const uint32_t mask = (1u << db) - 1;
    uint32_t hist[4][2048]; /* b <= 31: at most 4 passes */
    const int small = nn <= 48;
    if (!small) memset(hist, 0, (size_t)P * sizeof hist[0]);
    const uint32_t *rk = c->rank + f * c->n;
    const int64_t *smp = c->samples + start;
    uint32_t *a = wk->key, lo = UINT32_MAX, hi = 0;
    int64_t nmiss = 0;
    /* gather (the rows ascend but spread over the column: prefetched ahead),
     * pack, and count the digits in one pass */
    for (int64_t q = 0; q < nn; q++) {
        if (q + XT_PREFETCH < nn) __builtin_prefetch(rk + smp[q + XT_PREFETCH]);
        const uint32_t r = rk[smp[q]];
        a[q] = (r << s) | (uint32_t)q;
        const int miss = r == nanr;
        nmiss += miss;
        lo = r < lo ? r : lo;
        const uint32_t rh = miss ? 0 : r;
        hi = rh > hi ? rh : hi;
        if (small) continue;
        hist[0][r & mask]++;
        if (P > 1) hist[1][(r >> db) & mask]++;
        for (int p = 2; p < P; p++) hist[p][(r >> (p * db)) & mask]++;
    }
    const float *u = c->uniq + f * c->n;
    if (nmiss == nn || (nmiss == 0 && u[hi] <= u[lo] + XT_FEATURE_THRESHOLD)) return 0;
    a = sort_packed(a, wk->keyb, nn, s, P, db, hist);
    if (c->icnt && nmiss == 0) {
        scan_ranked_gini2(c, wk, f, a, s, u, c->near + f * c->nw, nn, best);
        return 1;
    }
    const uint32_t qmask = (1u << s) - 1;
    int32_t *order = wk->k;
    float *val = wk->val;
    const int64_t nm = nn - nmiss;
    for (int64_t q = 0; q < nn; q++) order[q] = (int32_t)(a[q] & qmask);
    for (int64_t q = 0; q < nm; q++) val[q] = u[a[q] >> s];
    xt_scan_sorted(c, wk, f, order, val, nn, nmiss, 0, best);
    return 1;
}
