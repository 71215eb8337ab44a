/* svm_block_smo.c -- the working-set solver's subproblem and stopping rule
 * (svm_block.c runs the rounds): SMO with libsvm's second-order working-set
 * selection (WSS3) on the q x q kernel of the working set, for the C
 * formulations and for nu (both variables of a pair from one sign class, as
 * libsvm's nu solver), the maximal-violating-pair gap over all variables, and
 * the bias from the final gradient. */
#include <math.h>

#include "svm_block_impl.h"

#define TAU FM_SVM_TAU

/* The subproblem's first-order choice i and second-order partner j (-1:
 * none) and its gap; C: over all entries; nu: in each sign class, the class
 * whose partner gains the most. */
static double pick_c(const blk *b, int64_t n, int64_t *oi, int64_t *oj) {
    const double *la = b->la, *lG = b->lG, *lC = b->lC, *lQD = b->lQD;
    const int8_t *ly = b->ly;
    double Gmax = -INFINITY, Gmax2 = -INFINITY, best = INFINITY;
    int64_t gi = -1, gj = -1;
    for (int64_t t = 0; t < n; t++) {
        if (ly[t] == 1) {
            if (la[t] < lC[t] && -lG[t] >= Gmax) Gmax = -lG[t], gi = t;
        } else if (la[t] > 0 && lG[t] >= Gmax) {
            Gmax = lG[t], gi = t;
        }
    }
    *oi = gi;
    *oj = -1;
    if (gi < 0) return -INFINITY;
    const float *Ki = b->lK + gi * b->q;
    for (int64_t t = 0; t < n; t++) {
        double gd;
        if (ly[t] == 1) {
            if (!(la[t] > 0)) continue;
            gd = Gmax + lG[t];
            if (lG[t] >= Gmax2) Gmax2 = lG[t];
        } else {
            if (!(la[t] < lC[t])) continue;
            gd = Gmax - lG[t];
            if (-lG[t] >= Gmax2) Gmax2 = -lG[t];
        }
        if (gd > 0) {
            const double qc = lQD[gi] + lQD[t] - 2.0 * Ki[t];
            const double od = -(gd * gd) / (qc > 0 ? qc : TAU);
            if (od <= best) gj = t, best = od;
        }
    }
    *oj = gj;
    return Gmax + Gmax2;
}

static double pick_nu(const blk *b, int64_t n, int64_t *oi, int64_t *oj) {
    const double *la = b->la, *lG = b->lG, *lC = b->lC, *lQD = b->lQD;
    const int8_t *ly = b->ly;
    double Gp = -INFINITY, Gp2 = -INFINITY, Gn = -INFINITY, Gn2 = -INFINITY, best = INFINITY;
    int64_t ip = -1, in = -1, gj = -1;
    for (int64_t t = 0; t < n; t++) {
        if (ly[t] == 1) {
            if (la[t] < lC[t] && -lG[t] >= Gp) Gp = -lG[t], ip = t;
        } else if (la[t] > 0 && lG[t] >= Gn) {
            Gn = lG[t], in = t;
        }
    }
    const float *Kp = ip >= 0 ? b->lK + ip * b->q : NULL;
    const float *Kn = in >= 0 ? b->lK + in * b->q : NULL;
    for (int64_t t = 0; t < n; t++) {
        double gd, qc;
        if (ly[t] == 1) {
            if (!(la[t] > 0)) continue;
            gd = Gp + lG[t];
            if (lG[t] >= Gp2) Gp2 = lG[t];
            if (!(gd > 0) || ip < 0) continue;
            qc = lQD[ip] + lQD[t] - 2.0 * Kp[t];
        } else {
            if (!(la[t] < lC[t])) continue;
            gd = Gn - lG[t];
            if (-lG[t] >= Gn2) Gn2 = -lG[t];
            if (!(gd > 0) || in < 0) continue;
            qc = lQD[in] + lQD[t] - 2.0 * Kn[t];
        }
        const double od = -(gd * gd) / (qc > 0 ? qc : TAU);
        if (od <= best) gj = t, best = od;
    }
    *oj = gj;
    *oi = gj < 0 ? -1 : ly[gj] == 1 ? ip : in;
    return Gp + Gp2 > Gn + Gn2 ? Gp + Gp2 : Gn + Gn2;
}

int64_t fm_svm_block_smo(blk *b, int64_t n, double tol, int64_t budget) {
    const int64_t q = b->q;
    double *la = b->la, *lG = b->lG, *lC = b->lC, *lQD = b->lQD;
    const int8_t *ly = b->ly;
    double eps = -1.0;
    int64_t it = 0;
    for (; it < budget; it++) {
        int64_t i, j;
        const double gap = b->nu ? pick_nu(b, n, &i, &j) : pick_c(b, n, &i, &j);
        if (i < 0) break;
        if (eps < 0) eps = gap / 10 > tol ? gap / 10 : tol;
        if (gap < eps || j < 0) break;
        const float *Ki = b->lK + i * q, *Kj = b->lK + j * q;
        const double Ci = lC[i], Cj = lC[j], ai0 = la[i], aj0 = la[j];
        double qc = lQD[i] + lQD[j] - 2.0 * Ki[j];
        if (qc <= 0) qc = TAU;
        double ai = ai0, aj = aj0;
        svm_pair_step(&ai, &aj, Ci, Cj, lG[i], lG[j], ly[i] != ly[j], qc);
        la[i] = ai;
        la[j] = aj;
        const double di = (ai - ai0) * ly[i], dj = (aj - aj0) * ly[j];
        for (int64_t t = 0; t < n; t++) lG[t] += ly[t] * (Ki[t] * di + Kj[t] * dj);
    }
    return it;
}

double fm_svm_block_gap(const blk *b) {
    double up[2] = {-INFINITY, -INFINITY}, low[2] = {INFINITY, INFINITY};
    for (int64_t v = 0; v < b->l; v++) {
        const int c = b->nu && b->y[v] != 1;
        const double f = -b->y[v] * b->G[v];
        if (in_up(b, v) && f > up[c]) up[c] = f;
        if (in_low(b, v) && f < low[c]) low[c] = f;
    }
    const double g0 = up[0] - low[0], g1 = up[1] - low[1];
    return b->nu && g1 > g0 ? g1 : g0;
}

void fm_svm_block_bias(const blk *b, double *out) {
    /* per class (one class unless nu): the average y G over free variables, or
     * the middle of the bounds' range when none is free */
    double ub[2] = {INFINITY, INFINITY}, lb[2] = {-INFINITY, -INFINITY}, sum[2] = {0, 0};
    int64_t nf[2] = {0, 0};
    for (int64_t v = 0; v < b->l; v++) {
        const int c = b->nu && b->y[v] != 1;
        const double yG = b->nu ? b->G[v] : b->y[v] * b->G[v];
        /* at the upper bound (checked first, as C = 0 is both): y G bounds rho from
         * above for y = -1 (C) and from below otherwise; at zero the reverse */
        int is_ub = 0, is_lb = 0;
        if (b->a[v] >= b->C[v]) is_ub = !b->nu && b->y[v] == -1, is_lb = !is_ub;
        else if (b->a[v] <= 0) is_lb = !b->nu && b->y[v] == -1, is_ub = !is_lb;
        if (is_ub) ub[c] = ub[c] < yG ? ub[c] : yG;
        else if (is_lb) lb[c] = lb[c] > yG ? lb[c] : yG;
        else nf[c]++, sum[c] += yG;
    }
    double rr[2];
    for (int c = 0; c < 2; c++) rr[c] = nf[c] > 0 ? sum[c] / (double)nf[c] : (ub[c] + lb[c]) / 2;
    if (b->nu) {
        out[0] = (rr[0] - rr[1]) / 2;
        out[1] = (rr[0] + rr[1]) / 2;
    } else {
        out[0] = rr[0];
        out[1] = 0.0;
    }
}
