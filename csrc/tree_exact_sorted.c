/* tree_exact_sorted.c -- the presorted mode of the exact tree builder.
 *
 * Sorting every drawn feature of every node (tree_exact_split.c) repeats the
 * same work at every depth. In presorted mode the builder keeps, per feature
 * f, ord[f*m + pos]: for each node's position range [start, end) of
 * ctx->samples, the node's rows sorted by f. The root's lists come from one
 * sort per feature (or from a caller's order of all n rows, shared by the
 * trees of an ensemble, filtered to the rows of positive weight); a split
 * partitions each list stably into its children (rows going left first), so
 * no node sorts again. The lists carry the values too (ctx->vord), and for
 * one output under gini / squared error the targets and weights sit side by
 * side (ctx->yw), so a node's scan reads its values sequentially and gathers
 * one cache line per row. Sorting is by the order-preserving 32-bit key of the
 * float (NaN last) with ties in row order; node rows are always kept in row
 * order (the root's rows are ascending and partitions are stable), so a
 * node's list equals the stable sort of its rows that the per-node path
 * computes: both modes grow the same tree, bit for bit.
 * Features found constant in a node are constant in its subtree and never
 * evaluated there again; their lists are not partitioned. */
#include <stdlib.h>
#include <string.h>

#include "tree_exact_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Stable sort of (key[q], k[q]) by key; returns the arrays holding the result. */
void xt_sort_keys(xt_work *wk, int64_t nn, uint32_t **key_out, int32_t **k_out) {
    uint32_t *key = wk->key, *kb = wk->keyb;
    int32_t *ix = wk->k, *ib = wk->kb;
    if (nn <= 48) {
        for (int64_t a = 1; a < nn; a++) {
            const uint32_t kv = key[a];
            const int32_t iv = ix[a];
            int64_t b = a - 1;
            while (b >= 0 && key[b] > kv) {
                key[b + 1] = key[b];
                ix[b + 1] = ix[b];
                b--;
            }
            key[b + 1] = kv;
            ix[b + 1] = iv;
        }
        *key_out = key;
        *k_out = ix;
        return;
    }
    int64_t hist[4][256];
    memset(hist, 0, sizeof hist);
    for (int64_t q = 0; q < nn; q++) {
        const uint32_t u = key[q];
        hist[0][u & 255]++;
        hist[1][(u >> 8) & 255]++;
        hist[2][(u >> 16) & 255]++;
        hist[3][u >> 24]++;
    }
    for (int pass = 0; pass < 4; pass++) {
        const int sh = 8 * pass;
        int64_t *h = hist[pass];
        if (h[(key[0] >> sh) & 255] == nn) continue; /* all keys share this byte */
        int64_t acc = 0;
        for (int b = 0; b < 256; b++) {
            const int64_t t = h[b];
            h[b] = acc;
            acc += t;
        }
        for (int64_t q = 0; q < nn; q++) {
            const uint32_t u = key[q];
            const int64_t dst = h[(u >> sh) & 255]++;
            kb[dst] = u;
            ib[dst] = ix[q];
        }
        uint32_t *tk = key;
        key = kb;
        kb = tk;
        int32_t *ti = ix;
        ix = ib;
        ib = ti;
    }
    *key_out = key;
    *k_out = ix;
}

/* out[0:cnt] = rows[0:cnt] (ascending row ids) stably sorted by col. */
static void sort_rows(xt_work *wk, const float *col, const int64_t *rows, int64_t cnt,
                      int32_t *out) {
    for (int64_t q = 0; q < cnt; q++) {
        wk->key[q] = xt_fkey(col[rows[q]]);
        wk->k[q] = (int32_t)q;
    }
    uint32_t *key;
    int32_t *order;
    xt_sort_keys(wk, cnt, &key, &order);
    for (int64_t q = 0; q < cnt; q++) out[q] = (int32_t)rows[order[q]];
}

FM_API int fm_tree_presort_exact(int32_t *order, const float *X, int64_t n, int64_t d,
                                 int nthreads) {
    int team = fm_team_size(nthreads, 8.0 * (double)n * (double)d);
    if (team > d) team = d > 0 ? (int)d : 1;
    int64_t *rows = malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    if (!rows) return FM_ENOMEM;
    for (int64_t i = 0; i < n; i++) rows[i] = i;
    int st = FM_OK;
#pragma omp parallel num_threads(team)
    {
        xt_work wk;
        memset(&wk, 0, sizeof wk);
        const size_t n1 = (size_t)(n > 0 ? n : 1);
        wk.key = malloc(n1 * sizeof(uint32_t));
        wk.keyb = malloc(n1 * sizeof(uint32_t));
        wk.k = malloc(n1 * sizeof(int32_t));
        wk.kb = malloc(n1 * sizeof(int32_t));
        if (!wk.key || !wk.keyb || !wk.k || !wk.kb) {
#pragma omp atomic write
            st = FM_ENOMEM;
        } else {
#pragma omp for schedule(dynamic, 1)
            for (int64_t f = 0; f < d; f++) sort_rows(&wk, X + f * n, rows, n, order + f * n);
        }
        free(wk.key);
        free(wk.keyb);
        free(wk.k);
        free(wk.kb);
    }
    free(rows);
    return st;
}

int xt_presort_init(xt_ctx *c, xt_work *works, const int32_t *gorder, int nthreads) {
    const int64_t d = c->d, m = c->m, n = c->n;
    int team = fm_team_size(nthreads, (gorder ? 1.0 : 8.0) * (double)m * (double)d);
    if (team > d) team = d > 0 ? (int)d : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
    for (int64_t f = 0; f < d; f++) {
        int32_t *o = c->ord + f * m;
        if (!gorder) {
            int tid = 0;
#ifdef _OPENMP
            tid = omp_get_thread_num();
#endif
            sort_rows(&works[tid], c->X + f * n, c->samples, m, o);
        } else if (m == n) {
            memcpy(o, gorder + f * n, (size_t)n * sizeof(int32_t));
        } else { /* the caller's order of all rows, without the zero-weight ones */
            const int32_t *g = gorder + f * n;
            int64_t j = 0;
            for (int64_t q = 0; q < n; q++)
                if (c->w[g[q]] > 0) o[j++] = g[q];
        }
        const float *col = c->X + f * n;
        float *v = c->vord + f * m;
        for (int64_t j = 0; j < m; j++) v[j] = col[o[j]];
    }
    if (c->yw)
        for (int64_t i = 0; i < n; i++) {
            c->yw[2 * i] = c->y[i];
            c->yw[2 * i + 1] = c->w ? c->w[i] : 1.0;
        }
    return FM_OK;
}

/* Stable partition of every non-constant feature's list (rows and values) over the node
 * [start, end): rows with side[i] = 1 (the first nl positions of samples)
 * first. Features in c->constant[0:nconst] are skipped. */
void xt_presort_partition(const xt_ctx *c, xt_work *works, int nthreads, int64_t start,
                          int64_t end, int64_t nl, int64_t nconst) {
    const int64_t nn = end - start, d = c->d, m = c->m;
    const int64_t *smp = c->samples + start;
    uint8_t *side = c->side, *skip = c->skip;
    for (int64_t q = 0; q < nn; q++) side[smp[q]] = q < nl;
    for (int64_t k = 0; k < nconst; k++) skip[c->constant[k]] = 1;
    int team = fm_team_size(nthreads, 2.0 * (double)nn * (double)(d - nconst));
    if (team > 64) team = 64;
#pragma omp parallel num_threads(team)
    {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        int32_t *tmp = works[tid].k2;
        float *tmpv = works[tid].val2;
#pragma omp for schedule(static)
        for (int64_t f = 0; f < d; f++) {
            if (skip[f]) continue;
            int32_t *o = c->ord + f * m + start;
            float *v = c->vord + f * m + start;
            int64_t a = 0, b = 0;
            for (int64_t j = 0; j < nn; j++) {
                const int32_t i = o[j];
                const float x = v[j];
                const int64_t s = side[i];
                o[a] = i;
                v[a] = x;
                tmp[b] = i;
                tmpv[b] = x;
                a += s;
                b += 1 - s;
            }
            memcpy(o + a, tmp, (size_t)b * sizeof(int32_t));
            memcpy(v + a, tmpv, (size_t)b * sizeof(float));
        }
    }
    for (int64_t k = 0; k < nconst; k++) skip[c->constant[k]] = 0;
}
