/* tree_exact_crit.c -- node statistics and split criteria of the exact tree
 * builder (tree_exact.c): gini, entropy, squared error, Poisson deviance and
 * absolute error, single- and multi-output. Formulas and the order of their
 * floating-point operations follow scikit-learn's criteria, so equal data give
 * equal proxies (and ties break the same way):
 *   gini     proxy -W_R gini_R - W_L gini_L, gini = mean_k (1 - sum_c n_kc^2 / W^2)
 *   entropy  the same with -sum_c p log2 p
 *   mse      sum_k S_Lk^2 / W_L + S_Rk^2 / W_R       (S = sum w y)
 *   poisson  -sum_k S_Lk log2(S_Lk / W_L) + S_Rk log2(S_Rk / W_R)
 *   mae      -(AE_L + AE_R) / n_outputs, AE around the weighted median; the
 *            prefix / suffix errors of every split position come from one
 *            forward and one backward pass over a Fenwick tree of ranks.
 * All work on node-local arrays prepared by xt_node_prepare (wk->yl, wk->wl). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree_exact_crit.h"

static inline double lg2(double x) { return log(x) / log(2.0); }

/* xt_node_prepare for integer class counts (ctx->icnt, the ranked path): the
 * class weights in integers, exact, so equal to the floating-point sums. */
static void node_prepare_icnt(const xt_ctx *c, xt_work *wk, int64_t start, int64_t end) {
    const int64_t nn = end - start;
    int64_t t0 = 0, t1 = 0;
    for (int64_t q = 0; q < nn; q++) {
        const int64_t i = c->samples[start + q];
        const double wi = c->w ? c->w[i] : 1.0, yi = c->y[i];
        const int64_t wq = (int64_t)wi, one = yi != 0.0;
        wk->wl[q] = wi;
        wk->yl[q] = yi;
        wk->cw[q] = wq << (32 * one);
        t0 += one ? 0 : wq;
        t1 += one ? wq : 0;
    }
    memset(wk->tot, 0, (size_t)c->nv * sizeof(double));
    wk->tot[0] = (double)t0;
    wk->tot[1] = (double)t1;
    wk->W = (double)(t0 + t1);
    wk->sq = 0;
    wk->nn = nn;
}

void xt_node_prepare(const xt_ctx *c, xt_work *wk, int64_t start, int64_t end) {
    if (c->icnt && c->rank && !c->ord) {
        node_prepare_icnt(c, wk, start, end);
        return;
    }
    const int64_t nn = end - start, no = c->no;
    double W = 0, sq = 0;
    memset(wk->tot, 0, (size_t)c->nv * sizeof(double));
    for (int64_t q = 0; q < nn; q++) {
        const int64_t i = c->samples[start + q];
        const double wi = c->w ? c->w[i] : 1.0;
        wk->wl[q] = wi;
        if (c->loc) c->loc[i] = (int32_t)q;
        for (int64_t k = 0; k < no; k++) {
            const double yik = c->y[i * no + k];
            wk->yl[q * no + k] = yik;
            if (c->cls) {
                wk->tot[k * c->stride + (int64_t)yik] += wi;
            } else {
                const double wy = wi * yik;
                wk->tot[k] += wy;
                sq += wy * yik;
            }
        }
        W += wi;
    }
    wk->W = W;
    wk->sq = sq;
    wk->nn = nn;
    if (c->crit == FM_CRIT_MAE) xt_mae_ranks(c, wk, nn);
}

/* Gini / entropy impurity of each side from class sums (scikit-learn's order). */
static void cls_impurity(const xt_ctx *c, const double *s, double W, double *out) {
    double acc = 0;
    for (int64_t k = 0; k < c->no; k++) {
        const double *sk = s + k * c->stride;
        if (c->crit == FM_CRIT_GINI) {
            double sq = 0;
            for (int64_t j = 0; j < c->ncls[k]; j++) sq += sk[j] * sk[j];
            acc += 1.0 - sq / (W * W);
        } else {
            for (int64_t j = 0; j < c->ncls[k]; j++) {
                double p = sk[j];
                if (p > 0.0) {
                    p /= W;
                    acc -= p * lg2(p);
                }
            }
        }
    }
    *out = acc / (double)c->no;
}

/* Poisson half deviance of node rows `idx` (local) with target sums s, weight W. */
static double poisson_loss(const xt_ctx *c, const xt_work *wk, const int32_t *idx, int64_t cnt,
                           const double *s, double W) {
    const int64_t no = c->no;
    double loss = 0;
    for (int64_t k = 0; k < no; k++) {
        if (s[k] <= XT_POISSON_EPS) return INFINITY;
        const double mean = s[k] / W;
        for (int64_t j = 0; j < cnt; j++) {
            const int64_t q = idx ? idx[j] : j;
            const double yq = wk->yl[q * no + k];
            loss += wk->wl[q] * (yq == 0.0 ? 0.0 : yq * log(yq / mean));
        }
    }
    return loss / (W * (double)no);
}

double xt_node_impurity(const xt_ctx *c, xt_work *wk, int64_t start, int64_t end) {
    const int64_t no = c->no, nn = end - start;
    const double W = wk->W;
    double imp;
    switch (c->crit) {
    case FM_CRIT_GINI:
    case FM_CRIT_ENTROPY:
        cls_impurity(c, wk->tot, W, &imp);
        return imp;
    case FM_CRIT_MSE:
        imp = wk->sq / W;
        for (int64_t k = 0; k < no; k++) imp -= (wk->tot[k] / W) * (wk->tot[k] / W);
        return imp / (double)no;
    case FM_CRIT_POISSON:
        return poisson_loss(c, wk, NULL, nn, wk->tot, W);
    default: { /* MAE */
        double ae = 0;
        for (int64_t k = 0; k < no; k++) ae += xt_mae_set(c, wk, k, NULL, nn, -1, NULL);
        return ae / (W * (double)no);
    }
    }
}

void xt_node_value(const xt_ctx *c, xt_work *wk, int64_t start, int64_t end, double *out) {
    const int64_t nn = end - start;
    if (c->cls) {
        memcpy(out, wk->tot, (size_t)c->nv * sizeof(double));
    } else if (c->crit == FM_CRIT_MAE) {
        for (int64_t k = 0; k < c->no; k++) xt_mae_set(c, wk, k, NULL, nn, -1, out + k);
    } else {
        for (int64_t k = 0; k < c->no; k++) out[k] = wk->tot[k] / wk->W;
    }
}

/* Proxy of a candidate from the left / right sums (not MAE). */
double xt_proxy(const xt_ctx *c, const double *sl, const double *sr, double wl, double wr) {
    const int64_t no = c->no;
    switch (c->crit) {
    case FM_CRIT_GINI:
    case FM_CRIT_ENTROPY: {
        double il, ir;
        cls_impurity(c, sl, wl, &il);
        cls_impurity(c, sr, wr, &ir);
        return -wr * ir - wl * il;
    }
    case FM_CRIT_MSE: {
        double pl = 0, pr = 0;
        for (int64_t k = 0; k < no; k++) {
            pl += sl[k] * sl[k];
            pr += sr[k] * sr[k];
        }
        return pl / wl + pr / wr;
    }
    default: { /* Poisson */
        double pl = 0, pr = 0;
        for (int64_t k = 0; k < no; k++) {
            if (sl[k] <= XT_POISSON_EPS || sr[k] <= XT_POISSON_EPS) return -INFINITY;
            pl -= sl[k] * lg2(sl[k] / wl);
            pr -= sr[k] * lg2(sr[k] / wr);
        }
        return -pl - pr;
    }
    }
}

/* Add (sign +1) or remove (-1) node row q to the side sums s. */
static inline void side_add(const xt_ctx *c, const xt_work *wk, double *s, int64_t q, double sign) {
    const double wq = sign * wk->wl[q];
    const double *yq = wk->yl + q * c->no;
    if (c->cls)
        for (int64_t k = 0; k < c->no; k++) s[k * c->stride + (int64_t)yq[k]] += wq;
    else
        for (int64_t k = 0; k < c->no; k++) s[k] += wq * yq[k];
}

/* Left / right sums with the rows order[0:pos] on the left, updated from the
 * cheaper end as scikit-learn does (forward from *cur, or back from the end).
 * Weighted counts in *wl; sr = tot - sl. */
void xt_update(const xt_ctx *c, const xt_work *wk, const int32_t *order, int64_t nn,
               int64_t *cur, int64_t pos, double *sl, double *sr, double *wl) {
    const int64_t nv = c->nv;
    if (pos - *cur <= nn - pos) {
        for (int64_t j = *cur; j < pos; j++) {
            const int64_t q = order ? order[j] : j;
            if (c->crit != FM_CRIT_MAE) side_add(c, wk, sl, q, 1.0);
            *wl += wk->wl[q];
        }
    } else {
        if (c->crit != FM_CRIT_MAE) memcpy(sl, wk->tot, (size_t)nv * sizeof(double));
        *wl = wk->W;
        for (int64_t j = nn - 1; j >= pos; j--) {
            const int64_t q = order ? order[j] : j;
            if (c->crit != FM_CRIT_MAE) side_add(c, wk, sl, q, -1.0);
            *wl -= wk->wl[q];
        }
    }
    *cur = pos;
    if (c->crit != FM_CRIT_MAE)
        for (int64_t v = 0; v < (c->cls ? nv : c->no); v++) sr[v] = wk->tot[v] - sl[v];
}

/* Children impurities and the weighted impurity decrease of a chosen split:
 * order holds the node rows left rows first (in partitioned order), npos left. */
void xt_children(const xt_ctx *c, xt_work *wk, const int32_t *order, int64_t nn, int64_t npos,
                 double imp, xt_split *sp) {
    double *sl = wk->sl, *sr = wk->sr, wl = 0;
    const int64_t no = c->no;
    int64_t cur = 0;
    memset(sl, 0, (size_t)c->nv * sizeof(double));
    xt_update(c, wk, order, nn, &cur, npos, sl, sr, &wl);
    const double wr = wk->W - wl;
    double il, ir;
    switch (c->crit) {
    case FM_CRIT_GINI:
    case FM_CRIT_ENTROPY:
        cls_impurity(c, sl, wl, &il);
        cls_impurity(c, sr, wr, &ir);
        break;
    case FM_CRIT_MSE: {
        double sql = 0;
        for (int64_t j = 0; j < npos; j++) {
            const int64_t q = order[j];
            for (int64_t k = 0; k < no; k++) {
                const double yq = wk->yl[q * no + k];
                sql += wk->wl[q] * yq * yq;
            }
        }
        il = sql / wl;
        ir = (wk->sq - sql) / wr;
        for (int64_t k = 0; k < no; k++) {
            il -= (sl[k] / wl) * (sl[k] / wl);
            ir -= (sr[k] / wr) * (sr[k] / wr);
        }
        il /= (double)no;
        ir /= (double)no;
        break;
    }
    case FM_CRIT_POISSON:
        il = poisson_loss(c, wk, order, npos, sl, wl);
        ir = poisson_loss(c, wk, order + npos, nn - npos, sr, wr);
        break;
    default: { /* MAE */
        double ael = 0, aer = 0;
        for (int64_t k = 0; k < no; k++) {
            ael += xt_mae_set(c, wk, k, order, npos, 1, NULL);
            aer += xt_mae_set(c, wk, k, order + npos, nn - npos, -1, NULL);
        }
        il = ael / (wl * (double)no);
        ir = aer / (wr * (double)no);
    }
    }
    const double W = wk->W;
    sp->il = il;
    sp->ir = ir;
    sp->improvement = (W / c->W_all) * (imp - (wr / W * ir) - (wl / W * il));
}
