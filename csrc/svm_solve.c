/* svm_solve.c -- SMO for the SVM duals (svm.h), after Fan, Chen and Lin,
 * "Working set selection using second order information for training SVM"
 * (JMLR 6, 2005) and the solver design of libsvm (Chang and Lin):
 *
 *   - working set (i, j): i maximises -y_i G_i over I_up; j minimises the
 *     second-order decrease -(b_ij^2) / a_ij over I_low with b_ij > 0 (WSS3;
 *     a_ij = K_ii + K_jj - 2 K_ij, clamped to TAU). The nu solver picks i within
 *     the sign class of j. Ties go to the later position, as in libsvm, so the
 *     iterates follow the same path.
 *   - the two-variable subproblem is solved in closed form and clipped to the
 *     box; G is updated on the active set; G_bar (the gradient part of the
 *     variables at their upper bound) is kept so a shrunk gradient can be
 *     reconstructed with only the free variables' rows.
 *   - shrinking every min(l, 1000) iterations drops variables at a bound whose
 *     gradient says they will stay there; once the gap falls below 10 tol the
 *     full gradient is rebuilt and every variable is active again (once).
 *   - stop when the maximal violating pair's gap m(a) - M(a) < tol.
 *
 * Variables are addressed through idx (positions -> variables): the active set
 * is idx[0, active), reordered by the same swaps libsvm makes. Kernel rows come
 * from svm_cache.c: with one variable per point they are kept in position order
 * (the cache mirrors the swaps, as libsvm's), so a row is computed only over
 * the active prefix; with two (regression) they are full rows in point order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svm_impl.h"

#define TAU 1e-12
/* Problems of at least FM_SVM_BLOCK_MIN points with at least FM_SVM_BLOCK_MIN_D
 * features, or of at least FM_SVM_BLOCK_LARGE points, go to the working-set
 * solver (svm_block.c) when it applies; the others run SMO with its row cache
 * (measured at 1 thread, rbf, d=20: n=5k 0.084 s SMO vs 0.12 s in blocks,
 * 10k 0.33 vs 0.28 s, 15k 0.77 vs 0.48 s; d=5: n=8k-10k SMO still 1.3x faster;
 * d=100, n=20k 5x faster in blocks). Also FM_SVM_BLOCK_MID points of at least
 * FM_SVM_BLOCK_MID_D features. */
#define FM_SVM_BLOCK_MIN 4096
#define FM_SVM_BLOCK_MIN_D 64
#define FM_SVM_BLOCK_MID 8192
#define FM_SVM_BLOCK_MID_D 16
#define FM_SVM_BLOCK_LARGE 20000
#define LOWER 0
#define UPPER 1
#define FREE 2

typedef struct {
    int64_t m, l, active;
    const int8_t *y;
    const double *p, *C;
    double *a, *G, *Gbar, *QD;
    int8_t *st;
    int64_t *idx, *pos; /* position -> variable, variable -> position */
    int posmode;        /* one variable per point: rows in position order */
    double tol;
    int nu, unshrink;
    svm_cache cache;
} smo;

static inline int64_t pt(const smo *s, int64_t v) { return v < s->m ? v : v - s->m; }

static inline void set_status(smo *s, int64_t v) {
    s->st[v] = s->a[v] >= s->C[v] ? UPPER : s->a[v] <= 0 ? LOWER : FREE;
}

/* Index into a kernel row of the variable at position t, and of variable v:
 * rows are in position order (one variable per point) or point order. */
static inline int64_t kx(const smo *s, int64_t t) { return s->posmode ? t : pt(s, s->idx[t]); }
static inline int64_t kv(const smo *s, int64_t v) { return s->posmode ? s->pos[v] : pt(s, v); }

/* Kernel row of variable v's point over the active positions (full = 0) or
 * all of them. */
static const float *row(smo *s, int64_t v, int full) {
    const int64_t len = s->posmode ? (full ? s->l : s->active) : s->m;
    return fm_svm_cache_row(&s->cache, pt(s, v), len);
}

static void swap_pos(smo *s, int64_t t, int64_t u) {
    const int64_t vt = s->idx[t], vu = s->idx[u];
    s->idx[t] = vu;
    s->idx[u] = vt;
    if (s->posmode) {
        s->pos[vu] = t;
        s->pos[vt] = u;
        fm_svm_cache_swap(&s->cache, t, u);
    }
}

/* G of the inactive variables from G_bar and the free variables' rows. */
static void reconstruct_gradient(smo *s) {
    const int64_t l = s->l, act = s->active;
    if (act == l) return;
    for (int64_t t = act; t < l; t++) {
        const int64_t v = s->idx[t];
        s->G[v] = s->Gbar[v] + s->p[v];
    }
    int64_t nr_free = 0;
    for (int64_t t = 0; t < act; t++) nr_free += s->st[s->idx[t]] == FREE;
    if ((double)nr_free * (double)l > 2.0 * (double)act * (double)(l - act)) {
        for (int64_t t = act; t < l; t++) {
            const int64_t i = s->idx[t];
            const float *Ki = row(s, i, 0);
            double g = 0.0;
            for (int64_t u = 0; u < act; u++) {
                const int64_t j = s->idx[u];
                if (s->st[j] == FREE) g += s->a[j] * s->y[j] * Ki[kx(s, u)];
            }
            s->G[i] += s->y[i] * g;
        }
    } else {
        for (int64_t u = 0; u < act; u++) {
            const int64_t i = s->idx[u];
            if (s->st[i] != FREE) continue;
            const float *Ki = row(s, i, 1);
            const double ai = s->a[i] * s->y[i];
            for (int64_t t = act; t < l; t++) {
                const int64_t j = s->idx[t];
                s->G[j] += ai * s->y[j] * Ki[kx(s, t)];
            }
        }
    }
}

static void unshrink_all(smo *s) {
    reconstruct_gradient(s);
    s->active = s->l;
}

/* WSS3 for the C formulations. Returns 1 when optimal within tol. */
static int select_c(smo *s, int64_t *oi, int64_t *oj) {
    double Gmax = -INFINITY, Gmax2 = -INFINITY, best = INFINITY;
    int64_t gi = -1, gj = -1;
    const int64_t act = s->active;
    for (int64_t t = 0; t < act; t++) {
        const int64_t v = s->idx[t];
        if (s->y[v] == 1) {
            if (s->st[v] != UPPER && -s->G[v] >= Gmax) Gmax = -s->G[v], gi = v;
        } else if (s->st[v] != LOWER && s->G[v] >= Gmax) {
            Gmax = s->G[v], gi = v;
        }
    }
    const float *Ki = gi >= 0 ? row(s, gi, 0) : NULL;
    for (int64_t t = 0; t < act; t++) {
        const int64_t j = s->idx[t];
        double gd;
        if (s->y[j] == 1) {
            if (s->st[j] == LOWER) continue;
            gd = Gmax + s->G[j];
            if (s->G[j] >= Gmax2) Gmax2 = s->G[j];
        } else {
            if (s->st[j] == UPPER) continue;
            gd = Gmax - s->G[j];
            if (-s->G[j] >= Gmax2) Gmax2 = -s->G[j];
        }
        if (gd > 0) {
            double qc = s->QD[gi] + s->QD[j] - 2.0 * Ki[kx(s, t)];
            const double od = -(gd * gd) / (qc > 0 ? qc : TAU);
            if (od <= best) gj = j, best = od;
        }
    }
    if (Gmax + Gmax2 < s->tol || gj == -1) return 1;
    *oi = gi;
    *oj = gj;
    return 0;
}

/* WSS3 of the nu solver: i from the sign class of j. */
static int select_nu(smo *s, int64_t *oi, int64_t *oj) {
    double Gp = -INFINITY, Gp2 = -INFINITY, Gn = -INFINITY, Gn2 = -INFINITY, best = INFINITY;
    int64_t ip = -1, in = -1, gj = -1;
    const int64_t act = s->active;
    for (int64_t t = 0; t < act; t++) {
        const int64_t v = s->idx[t];
        if (s->y[v] == 1) {
            if (s->st[v] != UPPER && -s->G[v] >= Gp) Gp = -s->G[v], ip = v;
        } else if (s->st[v] != LOWER && s->G[v] >= Gn) {
            Gn = s->G[v], in = v;
        }
    }
    const float *Kp = ip >= 0 ? row(s, ip, 0) : NULL;
    const float *Kn = in >= 0 ? row(s, in, 0) : NULL;
    for (int64_t t = 0; t < act; t++) {
        const int64_t j = s->idx[t];
        double gd, qc;
        if (s->y[j] == 1) {
            if (s->st[j] == LOWER) continue;
            gd = Gp + s->G[j];
            if (s->G[j] >= Gp2) Gp2 = s->G[j];
            if (!(gd > 0)) continue;
            qc = s->QD[ip] + s->QD[j] - 2.0 * Kp[kx(s, t)];
        } else {
            if (s->st[j] == UPPER) continue;
            gd = Gn - s->G[j];
            if (-s->G[j] >= Gn2) Gn2 = -s->G[j];
            if (!(gd > 0)) continue;
            qc = s->QD[in] + s->QD[j] - 2.0 * Kn[kx(s, t)];
        }
        const double od = -(gd * gd) / (qc > 0 ? qc : TAU);
        if (od <= best) gj = j, best = od;
    }
    const double gap = Gp + Gp2 > Gn + Gn2 ? Gp + Gp2 : Gn + Gn2;
    if (gap < s->tol || gj == -1) return 1;
    *oi = s->y[gj] == 1 ? ip : in;
    *oj = gj;
    return 0;
}

/* Would variable v stay at its bound? Thresholds per (bound, sign) of v. */
static int be_shrunk(const smo *s, int64_t v, double up_pos, double up_neg, double lo_pos,
                     double lo_neg) {
    const double G = s->G[v];
    if (s->st[v] == UPPER) return s->y[v] == 1 ? -G > up_pos : -G > up_neg;
    if (s->st[v] == LOWER) return s->y[v] == 1 ? G > lo_pos : G > lo_neg;
    return 0;
}

static void do_shrinking(smo *s) {
    /* g1 = max -G (y = +1, not upper), g2 = max G (y = +1, not lower),
     * g3 = max -G (y = -1, not upper), g4 = max G (y = -1, not lower) */
    double g1 = -INFINITY, g2 = -INFINITY, g3 = -INFINITY, g4 = -INFINITY;
    for (int64_t t = 0; t < s->active; t++) {
        const int64_t v = s->idx[t];
        const double G = s->G[v];
        if (s->y[v] == 1) {
            if (s->st[v] != UPPER && -G > g1) g1 = -G;
            if (s->st[v] != LOWER && G > g2) g2 = G;
        } else {
            if (s->st[v] != UPPER && -G > g3) g3 = -G;
            if (s->st[v] != LOWER && G > g4) g4 = G;
        }
    }
    double up_pos = g1, up_neg = g3, lo_pos = g2, lo_neg = g4, gap;
    if (s->nu) {
        gap = g1 + g2 > g3 + g4 ? g1 + g2 : g3 + g4;
    } else {
        /* one constraint: Gmax1 = max -y G over I_up, Gmax2 = max y G over I_low */
        const double gmax1 = g1 > g4 ? g1 : g4, gmax2 = g2 > g3 ? g2 : g3;
        up_pos = lo_neg = gmax1;
        up_neg = lo_pos = gmax2;
        gap = gmax1 + gmax2;
    }
    if (!s->unshrink && gap <= s->tol * 10) {
        s->unshrink = 1;
        unshrink_all(s);
    }
    const int64_t before = s->active;
    for (int64_t t = 0; t < s->active; t++) {
        if (!be_shrunk(s, s->idx[t], up_pos, up_neg, lo_pos, lo_neg)) continue;
        s->active--;
        while (s->active > t) {
            if (!be_shrunk(s, s->idx[s->active], up_pos, up_neg, lo_pos, lo_neg)) {
                swap_pos(s, t, s->active);
                break;
            }
            s->active--;
        }
    }
    if (s->active != before && s->posmode) fm_svm_cache_set_order(&s->cache, s->idx);
}

/* Solve the two-variable subproblem on (i, j) and update G and G_bar. */
static void take_step(smo *s, int64_t i, int64_t j) {
    const float *Ki = row(s, i, 0);
    const float *Kj = row(s, j, 0);
    const double Ci = s->C[i], Cj = s->C[j], ai0 = s->a[i], aj0 = s->a[j];
    double qc = s->QD[i] + s->QD[j] - 2.0 * Ki[kv(s, j)];
    if (qc <= 0) qc = TAU;
    double ai = ai0, aj = aj0;
    svm_pair_step(&ai, &aj, Ci, Cj, s->G[i], s->G[j], s->y[i] != s->y[j], qc);
    s->a[i] = ai;
    s->a[j] = aj;
    const double di = (ai - ai0) * s->y[i], dj = (aj - aj0) * s->y[j];
    for (int64_t t = 0; t < s->active; t++) {
        const int64_t k = s->idx[t], q = kx(s, t);
        s->G[k] += s->y[k] * (Ki[q] * di + Kj[q] * dj);
    }
    const int ui = s->st[i] == UPPER, uj = s->st[j] == UPPER;
    set_status(s, i);
    set_status(s, j);
    const int64_t pair[2] = {i, j};
    const int was[2] = {ui, uj};
    for (int h = 0; h < 2; h++) {
        const int64_t v = pair[h];
        if (was[h] == (s->st[v] == UPPER)) continue;
        const float *Kv = row(s, v, 1);
        const double c = (was[h] ? -s->C[v] : s->C[v]) * s->y[v];
        for (int64_t t = 0; t < s->l; t++) {
            const int64_t k = s->idx[t];
            s->Gbar[k] += c * s->y[k] * Kv[kx(s, t)];
        }
    }
}

static double rho_c(const smo *s) {
    double ub = INFINITY, lb = -INFINITY, sum = 0.0;
    int64_t nf = 0;
    for (int64_t t = 0; t < s->active; t++) {
        const int64_t v = s->idx[t];
        const double yG = s->y[v] * s->G[v];
        if (s->st[v] == UPPER) {
            if (s->y[v] == -1) ub = ub < yG ? ub : yG;
            else lb = lb > yG ? lb : yG;
        } else if (s->st[v] == LOWER) {
            if (s->y[v] == 1) ub = ub < yG ? ub : yG;
            else lb = lb > yG ? lb : yG;
        } else {
            nf++;
            sum += yG;
        }
    }
    return nf > 0 ? sum / (double)nf : (ub + lb) / 2;
}

/* rho and r of the nu solver (one free-variable average per sign). */
static double rho_nu(const smo *s, double *r) {
    double ub[2] = {INFINITY, INFINITY}, lb[2] = {-INFINITY, -INFINITY}, sum[2] = {0, 0};
    int64_t nf[2] = {0, 0};
    for (int64_t t = 0; t < s->active; t++) {
        const int64_t v = s->idx[t];
        const int c = s->y[v] == 1 ? 0 : 1;
        const double G = s->G[v];
        if (s->st[v] == UPPER) lb[c] = lb[c] > G ? lb[c] : G;
        else if (s->st[v] == LOWER) ub[c] = ub[c] < G ? ub[c] : G;
        else nf[c]++, sum[c] += G;
    }
    double rr[2];
    for (int c = 0; c < 2; c++) rr[c] = nf[c] > 0 ? sum[c] / (double)nf[c] : (ub[c] + lb[c]) / 2;
    *r = (rr[0] + rr[1]) / 2;
    return (rr[0] - rr[1]) / 2;
}

static void smo_free(smo *s) {
    free(s->G);
    free(s->Gbar);
    free(s->QD);
    free(s->st);
    free(s->idx);
    free(s->pos);
    fm_svm_cache_free(&s->cache);
}

/* G = p + Q alpha and G_bar from the starting point (full rows). */
static void init_gradient(smo *s) {
    for (int64_t v = 0; v < s->l; v++) s->G[v] = s->p[v], s->Gbar[v] = 0.0;
    for (int64_t v = 0; v < s->l; v++) {
        if (s->st[v] == LOWER) continue;
        const float *Kv = row(s, v, 1);
        const double av = s->a[v] * s->y[v], cv = s->C[v] * s->y[v];
        for (int64_t t = 0; t < s->l; t++) {
            const int64_t u = s->idx[t];
            s->G[u] += av * s->y[u] * Kv[kx(s, t)];
        }
        if (s->st[v] == UPPER)
            for (int64_t t = 0; t < s->l; t++) {
                const int64_t u = s->idx[t];
                s->Gbar[u] += cv * s->y[u] * Kv[kx(s, t)];
            }
    }
}

FM_API int fm_svm_solve(double *alpha, double *out, const fm_svm_data *D, const int64_t *rows,
                        int64_t m, const int8_t *y, const double *p, const double *C, int64_t l,
                        int nu, double tol, int shrinking, double cache_mb, int64_t max_iter,
                        int nthreads) {
    if ((l == m || l == 2 * m) &&
        (m >= FM_SVM_BLOCK_LARGE || (m >= FM_SVM_BLOCK_MID && D->d >= FM_SVM_BLOCK_MID_D) ||
         (m >= FM_SVM_BLOCK_MIN && D->d >= FM_SVM_BLOCK_MIN_D))) {
        const int st = fm_svm_solve_block(alpha, out, D, rows, m, y, p, C, l, nu, tol, cache_mb,
                                          max_iter, nthreads);
        if (st != FM_EINVAL) return st;
    }
    smo s;
    memset(&s, 0, sizeof s);
    s.m = m, s.l = l, s.y = y, s.p = p, s.C = C, s.a = alpha, s.tol = tol, s.nu = nu;
    s.G = malloc((size_t)l * sizeof(double));
    s.Gbar = malloc((size_t)l * sizeof(double));
    s.QD = malloc((size_t)(l + m) * sizeof(double));
    s.st = malloc((size_t)l);
    s.idx = malloc((size_t)l * sizeof(int64_t));
    s.pos = malloc((size_t)l * sizeof(int64_t));
    s.posmode = l == m;
    if (!s.G || !s.Gbar || !s.QD || !s.st || !s.idx || !s.pos ||
        fm_svm_cache_init(&s.cache, D, rows, m, cache_mb, nthreads) != FM_OK) {
        smo_free(&s);
        return FM_ENOMEM;
    }
    double *qdp = s.QD + l;
    fm_svm_diag(qdp, D, rows, m);
    for (int64_t v = 0; v < l; v++) {
        s.QD[v] = qdp[pt(&s, v)];
        set_status(&s, v);
        s.idx[v] = v;
        s.pos[v] = v;
    }
    s.active = l;
    init_gradient(&s);
    const int64_t cap = l > INT64_C(21474836) ? INT64_C(2147483647) : 100 * l;
    const int64_t limit = max_iter >= 0 ? max_iter : (cap > 10000000 ? cap : 10000000);
    int64_t iter = 0, counter = (l < 1000 ? l : 1000) + 1;
    int (*select)(smo *, int64_t *, int64_t *) = nu ? select_nu : select_c;
    while (iter < limit) {
        if (--counter == 0) {
            counter = l < 1000 ? l : 1000;
            if (shrinking) do_shrinking(&s);
        }
        int64_t i = -1, j = -1;
        if (select(&s, &i, &j)) {
            unshrink_all(&s);
            if (select(&s, &i, &j)) break;
            counter = 1; /* shrink at the next iteration */
        }
        ++iter;
        take_step(&s, i, j);
    }
    const int hit = iter >= limit;
    if (s.active < l) unshrink_all(&s);
    double r = 0.0;
    const double rho = nu ? rho_nu(&s, &r) : rho_c(&s);
    double obj = 0.0;
    for (int64_t v = 0; v < l; v++) obj += alpha[v] * (s.G[v] + p[v]);
    out[0] = rho;
    out[1] = r;
    out[2] = obj / 2;
    out[3] = (double)iter;
    out[4] = hit;
    smo_free(&s);
    return FM_OK;
}
