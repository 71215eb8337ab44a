/* tree_exact_mae.c -- absolute-error criterion of the exact tree builder.
 *
 * The targets of a node are ranked once per output (wk->rank, wk->sy). The
 * absolute error of a growing set of rows around its weighted median comes
 * from a Fenwick tree over those ranks holding weights and weight * target:
 * after adding a row, the median is found by a binary descent for half the
 * total weight (the mean of two neighbouring targets when the half falls
 * exactly on a boundary between them), and
 *   AE = (wy_right - median w_right) + (median w_left - wy_left).
 * A forward pass gives the error of every prefix, a backward pass that of
 * every suffix: O(n log n) per feature, as scikit-learn's MAE criterion
 * (same median rule, so the same medians and errors). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree_exact_crit.h"

typedef struct {
    double *tw, *twy, total_w, total_wy;
    int64_t size, maxp2;
} fenwick;

static void fw_reset(fenwick *f, int64_t size) {
    memset(f->tw, 0, (size_t)(size + 1) * sizeof(double));
    memset(f->twy, 0, (size_t)(size + 1) * sizeof(double));
    f->size = size;
    f->total_w = f->total_wy = 0;
    int64_t p = 1;
    while (p <= size) p <<= 1;
    f->maxp2 = p >> 1;
}

static void fw_add(fenwick *f, int64_t idx, double y, double w) {
    const double wy = w * y;
    for (int64_t j = idx + 1; j <= f->size; j += j & -j) {
        f->tw[j] += w;
        f->twy[j] += wy;
    }
    f->total_w += w;
    f->total_wy += wy;
}

/* Largest prefix with cumulative weight < target (its length is the returned
 * 0-based rank of the element reaching the target). On an exact hit of a
 * tree node, *prev keeps the rank before the hit and the return value moves
 * past the zero-weight ranks that follow. *cw, *cwy: weight and weight*y of
 * the ranks before the returned one. */
static int64_t fw_search(const fenwick *f, double target, double *cw, double *cwy,
                         int64_t *prev) {
    int64_t cur = 0, bit = f->maxp2, eq_bit = 0;
    double w_acc = 0, wy_acc = 0, eq_target = 0;
    while (bit) {
        const int64_t nx = cur + bit;
        if (nx <= f->size) {
            const double nw = f->tw[nx];
            if (target == nw) {
                eq_target = target;
                eq_bit = bit;
                break;
            } else if (target > nw) {
                target -= nw;
                cur = nx;
                w_acc += nw;
                wy_acc += f->twy[nx];
            }
        }
        bit >>= 1;
    }
    if (!bit) {
        *cw = w_acc;
        *cwy = wy_acc;
        *prev = cur;
        return cur;
    }
    int64_t pv = cur;
    while (bit) {
        const int64_t nx = pv + bit;
        if (nx <= f->size) {
            const double nw = f->tw[nx];
            if (target > nw) {
                target -= nw;
                pv = nx;
            }
        }
        bit >>= 1;
    }
    bit = eq_bit;
    target = eq_target;
    while (bit) {
        const int64_t nx = cur + bit;
        if (nx <= f->size) {
            const double nw = f->tw[nx];
            if (target >= nw) {
                target -= nw;
                cur = nx;
                w_acc += nw;
                wy_acc += f->twy[nx];
            }
        }
        bit >>= 1;
    }
    *cw = w_acc;
    *cwy = wy_acc;
    *prev = pv;
    return cur;
}

typedef struct {
    double v;
    int64_t i;
} dv_pair;

static int cmp_dv(const void *a, const void *b) {
    const dv_pair *p = (const dv_pair *)a, *q = (const dv_pair *)b;
    if (p->v != q->v) return p->v < q->v ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

void xt_mae_ranks(const xt_ctx *c, xt_work *wk, int64_t nn) {
    const int64_t no = c->no;
    for (int64_t k = 0; k < no; k++) {
        double *sy = wk->sy + k * nn;
        int32_t *rank = wk->rank + k * nn;
        /* sort (target, row) pairs in the lae + rae scratch (2 nn doubles) */
        dv_pair *pr = (dv_pair *)wk->lae;
        for (int64_t q = 0; q < nn; q++) pr[q] = (dv_pair){wk->yl[q * no + k], q};
        qsort(pr, (size_t)nn, sizeof(dv_pair), cmp_dv);
        for (int64_t r = 0; r < nn; r++) {
            sy[r] = pr[r].v;
            rank[pr[r].i] = (int32_t)r;
        }
    }
}

/* One pass adding rows order[j] for j = 0..cnt-1 (dir > 0) or cnt-1..0; the
 * error after each addition is added to out[j] (out NULL: only the last). */
static double mae_pass(const xt_ctx *c, xt_work *wk, int64_t k, const int32_t *order,
                       int64_t cnt, int dir, double *out, double *median_out) {
    const int64_t nn = cnt;
    fenwick f = {wk->fw, wk->fwy, 0, 0, 0, 0};
    const int64_t size = wk->nn; /* ranks are over the whole node */
    fw_reset(&f, size);
    const double *sy = wk->sy + k * size;
    const int32_t *rank = wk->rank + k * size;
    double ae = 0, median = 0;
    for (int64_t s = 0; s < nn; s++) {
        const int64_t j = dir > 0 ? s : nn - 1 - s;
        const int64_t q = order ? order[j] : j;
        const int64_t r = rank[q];
        fw_add(&f, r, sy[r], wk->wl[q]);
        double w_left, wy_left;
        int64_t prev;
        const int64_t mr = fw_search(&f, 0.5 * f.total_w, &w_left, &wy_left, &prev);
        median = mr != prev ? (sy[prev] + sy[mr]) / 2 : sy[mr];
        const double w_right = f.total_w - w_left, wy_right = f.total_wy - wy_left;
        ae = (wy_right - median * w_right) + (median * w_left - wy_left);
        if (out) out[j] += ae;
    }
    if (median_out) *median_out = median;
    return ae;
}

double xt_mae_set(const xt_ctx *c, xt_work *wk, int64_t k, const int32_t *order, int64_t cnt,
                  int dir, double *median) {
    if (cnt <= 0) return 0.0;
    return mae_pass(c, wk, k, order, cnt, dir, NULL, median);
}

void xt_mae_passes(const xt_ctx *c, xt_work *wk, const int32_t *order, int64_t nn) {
    memset(wk->lae, 0, (size_t)nn * sizeof(double));
    memset(wk->rae, 0, (size_t)nn * sizeof(double));
    for (int64_t k = 0; k < c->no; k++) {
        mae_pass(c, wk, k, order, nn, 1, wk->lae, NULL);
        mae_pass(c, wk, k, order, nn, -1, wk->rae, NULL);
    }
}
