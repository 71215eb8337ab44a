/* svm_block.c -- the working-set solver for the C formulations (C-SVC,
 * epsilon-SVR, the one-class dual) and nu (nu-SVC, nu-SVR: the ranking, the
 * subproblem's pairs and the gap per sign class, as libsvm's nu solver; the
 * subproblem and the bias are in svm_block_smo.c) on dense points, after the decomposition
 * of Joachims (SVMlight) as run by ThunderSVM and oneDAL's "thunder" method:
 *
 *   - every outer iteration ranks the variables by f_v = -y_v G_v and takes
 *     the q/2 most violating ones not in the previous working set (alternately
 *     the largest f over I_up and the smallest over I_low); the working set is
 *     the previous iteration's new half followed by this new half (q values);
 *   - kernel rows (all m points) live in a cache of P >= 2 q rows (cache_mb,
 *     float32 as libsvm's, CLOCK eviction sparing the working set); the rows
 *     of the new half that are not cached come from one GEMM of the gathered
 *     points against all the points (float64), then the kernel function;
 *   - SMO with libsvm's second-order working-set selection (WSS3) solves the
 *     subproblem on the working set in its q x q kernel, to a local gap of
 *     max(tol, gap0 / 10) (gap0 its first gap);
 *   - the full gradient is updated with the change of the working set's
 *     alphas through the same q x m rows (a GEMV over the block);
 *   - stop when the maximal violating pair's gap over all variables < tol
 *     (libsvm's criterion, so the answer agrees with libsvm to the tolerance).
 *
 * There is no shrinking: the full gradient is kept exact. Work per outer
 * iteration is q/2 * m * d for the kernel rows, which dense BLAS runs near
 * peak, instead of one bandwidth-bound row per SMO step.
 * Deterministic and independent of the thread count (the GEMM splits only
 * rows and columns; the gradient sums run in a fixed order).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "svm_block_impl.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

#define CB 256 /* points per column block of the kernel rows */

/* Kernel rows of the working-set entries list[0, nr) into their slots: one
 * parallel region, column blocks of CB points handed out dynamically (a
 * thread that is late -- a busy machine -- leaves its blocks to the others);
 * each block is a single-threaded GEMM into the thread's scratch, then the
 * kernel function, written as float into the slots. */
static int eval_rows(blk *b, const int64_t *list, int64_t nr) {
    const int64_t m = b->m, d = b->D->d, nch = (m + CB - 1) / CB;
    if (nr <= 0) return FM_OK;
    for (int64_t r = 0; r < nr; r++)
        memcpy(b->A + r * d, b->X + bpt(b, b->ws[list[r]]) * d, (size_t)d * sizeof(double));
    int st = FM_OK;
    const int team = fm_team_size(b->nthreads, (double)nr * (double)m * (2.0 * (double)d + 16.0));
#pragma omp parallel num_threads(team)
    {
        int tid = 0;
#if FASTML_HAVE_OPENMP
        tid = omp_get_thread_num();
#endif
        double *tmp = b->tmp + (int64_t)tid * b->q * CB;
#pragma omp for schedule(dynamic, 1)
        for (int64_t ch = 0; ch < nch; ch++) {
            const int64_t c0 = ch * CB, cn = m - c0 < CB ? m - c0 : CB;
            if (fm_gemm_f64(0, 1, nr, cn, d, 1.0, b->A, d, b->X + c0 * d, d, 0.0, tmp, cn, 1) !=
                FM_OK) {
#pragma omp atomic write
                st = FM_ENOBLAS;
                continue;
            }
            for (int64_t r = 0; r < nr; r++) {
                const int64_t pr = bpt(b, b->ws[list[r]]);
                fm_svm_apply_f32(b->Kb + b->slot[list[r]] * m + c0, tmp + r * cn, b->D,
                                 b->sq ? b->sq[pr] : 0.0, b->sq ? b->sq + c0 : NULL, cn);
            }
        }
    }
    return st;
}

/* The subproblem's kernel lK (q x q) for the working set [0, n): the kept
 * entries [0, keep) were the previous round's entries [ndrop, ndrop + keep),
 * so their block moves up from the previous lK; the rows of the new entries
 * [keep, n) are filled and mirror into the kept rows' columns (lK stays
 * symmetric). Up to LOCAL_GEMM_D features the new rows come from one small
 * GEMM of their points against the working set's points: cheaper than
 * gathering them from the cached rows, whose reads each land on a different
 * cache line; above it, the gather (over threads) is the cheaper. */
#define LOCAL_GEMM_D 256
#define LOCAL_RB 32 /* new rows per block */
static int local_kernel(blk *b, int64_t keep, int64_t ndrop, int64_t n) {
    const int64_t q = b->q, d = b->D->d, nn = n - keep, m = b->m;
    float *lK = b->lK;
    for (int64_t r = 0; r < keep; r++)
        memmove(lK + r * q, lK + (r + ndrop) * q + ndrop, (size_t)keep * sizeof(float));
    if (nn <= 0) return FM_OK;
    const int gather = d > LOCAL_GEMM_D;
    int64_t *pts = b->evl + q; /* evl holds 2 q: the second half is free here */
    double *P = b->A, *sqw = b->key; /* key is free between selections */
    for (int64_t r = 0; r < n; r++) {
        const int64_t pt = bpt(b, b->ws[r]);
        pts[r] = pt;
        if (gather) continue;
        memcpy(P + r * d, b->X + pt * d, (size_t)d * sizeof(double));
        if (b->sq) sqw[r] = b->sq[pt];
    }
    int st = FM_OK;
    const int64_t nrb = (nn + LOCAL_RB - 1) / LOCAL_RB;
    const double work = (double)nn * (double)n * (gather ? 8.0 : 2.0 * (double)d + 16.0);
#pragma omp parallel num_threads(fm_team_size(b->nthreads, work))
    {
#pragma omp for schedule(dynamic, 1)
        for (int64_t rb = 0; rb < nrb; rb++) {
            const int64_t r0 = keep + rb * LOCAL_RB, r1 = r0 + LOCAL_RB < n ? r0 + LOCAL_RB : n;
            if (gather) {
                for (int64_t r = r0; r < r1; r++) {
                    const float *kr = b->Kb + b->slot[r] * m;
                    float *dst = lK + r * q;
                    for (int64_t t = 0; t < n; t++) dst[t] = kr[pts[t]];
                }
                continue;
            }
            double *v = b->tmp + (r0 - keep) * n;
            if (fm_gemm_f64(0, 1, r1 - r0, n, d, 1.0, P + r0 * d, d, P, d, 0.0, v, n, 1) !=
                FM_OK) {
#pragma omp atomic write
                st = FM_ENOBLAS;
                continue;
            }
            for (int64_t r = r0; r < r1; r++)
                fm_svm_apply_f32(lK + r * q, v + (r - r0) * n, b->D, b->sq ? sqw[r] : 0.0,
                                 b->sq ? sqw : NULL, n);
        }
#pragma omp for schedule(static)
        for (int64_t r = 0; r < keep; r++)
            for (int64_t t = keep; t < n; t++) lK[r * q + t] = lK[t * q + r];
    }
    return st;
}

/* G_u += y_u sum_r delta_r K(ws_r, u) over the working-set entries with a
 * nonzero delta (delta_r = change of a_r times y_r). */
static void update_gradient(blk *b, const double *delta, int64_t n) {
    const int64_t m = b->m, l = b->l;
    int64_t nz = 0;
    for (int64_t r = 0; r < n; r++)
        if (delta[r] != 0.0) {
            b->urow[nz] = b->Kb + b->slot[r] * m;
            b->ucoef[nz++] = delta[r];
        }
    if (nz == 0) return;
    const int64_t nblk = (m + 1023) / 1024;
    const int team = fm_team_size(b->nthreads, (double)nz * (double)m * 2.0);
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
    for (int64_t kb = 0; kb < nblk; kb++) {
        double acc[1024];
        const int64_t c0 = kb * 1024, cn = m - c0 < 1024 ? m - c0 : 1024;
        for (int64_t t = 0; t < cn; t++) acc[t] = 0.0;
        fm_svm_axpy_rows(acc, (const float *const *)b->urow, c0, b->ucoef, nz, cn);
        for (int64_t t = 0; t < cn; t++) {
            b->G[c0 + t] += b->y[c0 + t] * acc[t];
            if (l > m) b->G[m + c0 + t] += b->y[m + c0 + t] * acc[t];
        }
    }
}

/* Append up to want new variables (not flagged in inws) to ws[at...]:
 * alternately the largest f over I_up and the smallest over I_low. */
static int64_t select_new(blk *b, int64_t at, int64_t want) {
    const int64_t l = b->l;
    /* lists: up and low per sign class (class 1 only under nu); class 0 fills
     * cand from the front of its half, class 1 from the back */
    int64_t cnt[4] = {0, 0, 0, 0};
    double *kup = b->key, *klow = b->key + l;
    for (int64_t v = 0; v < l; v++) {
        if (b->inws[v]) continue;
        const double f = -b->y[v] * b->G[v];
        kup[v] = -f;
        klow[v] = f;
        const int c = b->nu && b->y[v] != 1;
        if (in_up(b, v)) {
            if (c) b->cand[l - 1 - cnt[2]++] = v;
            else b->cand[cnt[0]++] = v;
        }
        if (in_low(b, v)) {
            if (c) b->cand[2 * l - 1 - cnt[3]++] = v;
            else b->cand[l + cnt[1]++] = v;
        }
    }
    int64_t *list[4] = {b->cand, b->cand + l, b->cand + l - cnt[2], b->cand + 2 * l - cnt[3]};
    const int64_t k = 2 * want;
    int64_t pos[4] = {0, 0, 0, 0}, got = 0;
    for (int s = 0; s < 4; s++) {
        fm_svm_select_k(list[s], cnt[s], k, s % 2 ? klow : kup);
        if (cnt[s] > k) cnt[s] = k;
    }
    /* alternately the largest f over I_up and the smallest over I_low (per class) */
    for (int more = 1; got < want && more;) {
        more = 0;
        for (int s = 0; s < 4 && got < want; s++) {
            while (pos[s] < cnt[s] && b->inws[list[s][pos[s]]]) pos[s]++;
            if (pos[s] < cnt[s]) {
                const int64_t v = list[s][pos[s]++];
                b->inws[v] = 1;
                b->ws[at + got++] = v;
                more = 1;
            }
        }
    }
    return got;
}

/* Slots for the working set [0, n) in round `now`: cached rows are reused
 * (and protected from eviction this round); the rows of the others get slots
 * by CLOCK eviction and are listed in evl. Returns how many. */
static int64_t assign_slots(blk *b, int64_t n, int64_t now) {
    for (int64_t r = 0; r < n; r++) {
        const int64_t s = b->slot_of[bpt(b, b->ws[r])];
        b->slot[r] = s;
        if (s >= 0) b->stamp[s] = now, b->ref[s] = 1;
    }
    int64_t ne = 0;
    for (int64_t r = 0; r < n; r++) {
        if (b->slot[r] >= 0) continue;
        const int64_t pt = bpt(b, b->ws[r]);
        if (b->slot_of[pt] >= 0) { /* the other variable of the same point */
            b->slot[r] = b->slot_of[pt];
            continue;
        }
        for (;;) {
            const int64_t s = b->hand;
            b->hand = (b->hand + 1) % b->P;
            if (b->stamp[s] == now) continue;
            if (b->ref[s]) {
                b->ref[s] = 0;
                continue;
            }
            if (b->pt_of[s] >= 0) b->slot_of[b->pt_of[s]] = -1;
            b->pt_of[s] = pt;
            b->slot_of[pt] = s;
            b->stamp[s] = now;
            b->slot[r] = s;
            b->evl[ne++] = r;
            break;
        }
    }
    return ne;
}

static void blk_free(blk *b) {
    free(b->Xown);
    free(b->sq);
    free(b->A);
    free(b->tmp);
    free(b->Kb);
    free(b->ws);
    free(b->slot);
    free(b->slot_of);
    free(b->pt_of);
    free(b->stamp);
    free(b->ref);
    free(b->evl);
    free(b->drop);
    free(b->urow);
    free(b->ucoef);
    free(b->inws);
    free(b->key);
    free(b->cand);
    free(b->la);
    free(b->la0);
    free(b->lG);
    free(b->lC);
    free(b->lQD);
    free(b->ly);
    free(b->lK);
    free(b->QD);
}

/* Working-set capacity: a power of two, 2 <= ... <= 1024, whose rows fit in
 * cache_mb (at least 64 rows), and at most m / 4. */
static int64_t ws_size(int64_t m, double cache_mb) {
    const double fit = cache_mb * 1048576.0 / ((double)m * sizeof(float));
    int64_t q = 1024;
    while (q > 64 && 2.0 * (double)q > fit) q /= 2;
    while (q > 2 && q > m / 4) q /= 2;
    return q;
}

static int blk_alloc(blk *b) {
    const size_t m = (size_t)b->m, l = (size_t)b->l, q = (size_t)b->q, d = (size_t)b->D->d;
    b->A = malloc(q * d * sizeof(double));
    const size_t per = q * (size_t)CB, nt = (size_t)b->nthreads;
    b->tmp = malloc((q * q > nt * per ? q * q : nt * per) * sizeof(double));
    b->Kb = malloc((size_t)b->P * m * sizeof(float));
    b->slot_of = malloc(m * sizeof(int64_t));
    b->pt_of = malloc((size_t)b->P * sizeof(int64_t));
    b->stamp = malloc((size_t)b->P * sizeof(int64_t));
    b->ref = calloc((size_t)b->P, 1);
    b->evl = malloc(2 * q * sizeof(int64_t));
    b->ws = malloc(q * sizeof(int64_t));
    b->slot = malloc(q * sizeof(int64_t));
    b->drop = malloc(q * sizeof(int64_t));
    b->urow = malloc(q * sizeof(float *));
    b->ucoef = malloc(q * sizeof(double));
    b->inws = calloc(l, 1);
    b->key = malloc(2 * l * sizeof(double));
    b->cand = malloc(2 * l * sizeof(int64_t));
    b->la = malloc(q * sizeof(double));
    b->la0 = malloc(q * sizeof(double));
    b->lG = malloc(q * sizeof(double));
    b->lC = malloc(q * sizeof(double));
    b->lQD = malloc(q * sizeof(double));
    b->ly = malloc(q);
    b->lK = malloc(q * q * sizeof(float));
    b->QD = malloc(l * sizeof(double));
    return b->A && b->tmp && b->Kb && b->ws && b->slot && b->slot_of && b->pt_of && b->stamp && b->ref && b->evl && b->drop && b->urow && b->ucoef && b->inws && b->key && b->cand && b->la &&
           b->la0 && b->lG && b->lC && b->lQD && b->ly && b->lK && b->QD;
}

/* The points of the problem as one contiguous m x d block, and their squared norms. */
static int blk_points(blk *b, const fm_svm_data *D, const int64_t *rows) {
    const int64_t m = b->m, d = D->d;
    int ident = D->ldx == d;
    for (int64_t a = 0; a < m && ident; a++) ident = rows[a] == a;
    if (ident) {
        b->X = D->X;
    } else {
        b->Xown = malloc((size_t)m * (size_t)d * sizeof(double));
        if (!b->Xown) return FM_ENOMEM;
        for (int64_t a = 0; a < m; a++)
            memcpy(b->Xown + a * d, D->X + rows[a] * D->ldx, (size_t)d * sizeof(double));
        b->X = b->Xown;
    }
    if (D->kernel == FM_SVM_RBF) {
        b->sq = malloc((size_t)m * sizeof(double));
        if (!b->sq) return FM_ENOMEM;
        for (int64_t a = 0; a < m; a++) {
            if (D->sq) {
                b->sq[a] = D->sq[rows[a]];
                continue;
            }
            double s = 0.0;
            for (int64_t k = 0; k < d; k++) s += b->X[a * d + k] * b->X[a * d + k];
            b->sq[a] = s;
        }
    }
    return FM_OK;
}

/* G = p + Q alpha for a nonzero start, through the block rows in groups. */
static int init_gradient(blk *b) {
    for (int64_t v = 0; v < b->l; v++) b->G[v] = b->p[v];
    int64_t n = 0;
    for (int64_t v = 0; v <= b->l; v++) {
        if (v < b->l && b->a[v] != 0.0) b->ws[n++] = v;
        if (n == b->q || (v == b->l && n > 0)) {
            for (int64_t r = 0; r < n; r++) {
                b->slot[r] = b->evl[r] = r;
                b->la[r] = b->a[b->ws[r]] * b->y[b->ws[r]];
            }
            const int st = eval_rows(b, b->evl, n);
            if (st != FM_OK) return st;
            update_gradient(b, b->la, n);
            n = 0;
        }
    }
    return FM_OK;
}

int fm_svm_solve_block(double *alpha, double *out, const fm_svm_data *D, const int64_t *rows,
                       int64_t m, const int8_t *y, const double *p, const double *C, int64_t l,
                       int nu, double tol, double cache_mb, int64_t max_iter, int nthreads) {
    if (D->vals || D->kernel == FM_SVM_PRECOMPUTED || !fm_have_blas() || D->d <= 0)
        return FM_EINVAL;
    blk b;
    memset(&b, 0, sizeof b);
    b.m = m, b.l = l, b.y = y, b.p = p, b.C = C, b.a = alpha, b.D = D, b.nu = nu;
    b.nthreads = nthreads < 1 ? 1 : nthreads;
    b.q = ws_size(m, cache_mb);
    b.half = b.q / 2;
    {   /* slots: the cache_mb budget, at least 2 q, at most m */
        const double fit = cache_mb * 1048576.0 / ((double)m * sizeof(float));
        b.P = fit > (double)m ? m : (int64_t)fit;
        if (b.P < 2 * b.q) b.P = 2 * b.q;
    }
    b.G = malloc((size_t)l * sizeof(double));
    int st = FM_ENOMEM;
    if (!b.G || !blk_alloc(&b) || blk_points(&b, D, rows) != FM_OK) goto done;
    fm_svm_diag(b.QD, D, rows, m);
    for (int64_t v = m; v < l; v++) b.QD[v] = b.QD[v - m];
    int any = 0;
    for (int64_t v = 0; v < l; v++) any |= alpha[v] != 0.0;
    if (any) {
        if ((st = init_gradient(&b)) != FM_OK) goto done;
    } else {
        for (int64_t v = 0; v < l; v++) b.G[v] = p[v];
    }
    const int64_t cap = l > INT64_C(21474836) ? INT64_C(2147483647) : 100 * l;
    const int64_t limit = max_iter >= 0 ? max_iter : (cap > 10000000 ? cap : 10000000);
    int64_t iter = 0;
    for (int64_t a = 0; a < m; a++) b.slot_of[a] = -1;
    for (int64_t sl = 0; sl < b.P; sl++) b.pt_of[sl] = b.stamp[sl] = -1;
    int64_t round = 0;
    b.n0 = b.n1 = 0;
    while (iter < limit) {
        if (fm_svm_block_gap(&b) < tol) break;
        /* the new half becomes the kept half; the old half leaves, but is
         * not chosen again in this round */
        const int64_t keep = b.n1, ndrop = b.n0;
        memcpy(b.drop, b.ws, (size_t)ndrop * sizeof(int64_t));
        memmove(b.ws, b.ws + ndrop, (size_t)keep * sizeof(int64_t));
        const int64_t want = keep == 0 ? b.q : b.q - keep;
        const int64_t got = select_new(&b, keep, want);
        for (int64_t r = 0; r < ndrop; r++) b.inws[b.drop[r]] = 0;
        if (got == 0) break;
        const int64_t n = keep + got;
        const int64_t ne = assign_slots(&b, n, round++);
        if ((st = eval_rows(&b, b.evl, ne)) != FM_OK) goto done;
        b.n0 = keep;
        b.n1 = got;
        if (keep == 0) b.n0 = got / 2, b.n1 = got - got / 2;
        /* the subproblem */
        for (int64_t r = 0; r < n; r++) {
            const int64_t v = b.ws[r];
            b.la[r] = b.la0[r] = alpha[v];
            b.lG[r] = b.G[v];
            b.lC[r] = C[v];
            b.lQD[r] = b.QD[v];
            b.ly[r] = y[v];
        }
        if ((st = local_kernel(&b, keep, ndrop, n)) != FM_OK) goto done;
        const int64_t steps = fm_svm_block_smo(&b, n, tol, limit - iter);
        iter += steps;
        if (steps == 0) break;
        for (int64_t r = 0; r < n; r++) {
            alpha[b.ws[r]] = b.la[r];
            b.la0[r] = (b.la[r] - b.la0[r]) * y[b.ws[r]];
        }
        update_gradient(&b, b.la0, n);
    }
    st = FM_OK;
    {
        double obj = 0.0;
        for (int64_t v = 0; v < l; v++) obj += alpha[v] * (b.G[v] + p[v]);
        fm_svm_block_bias(&b, out);
        out[2] = obj / 2;
        out[3] = (double)iter;
        out[4] = iter >= limit;
    }
done:
    free(b.G);
    blk_free(&b);
    return st;
}
