/* svm_cache.c -- the LRU cache of kernel rows behind the SMO solver.
 *
 * A row belongs to a problem point (the two halves of a regression dual share
 * it) and is m doubles long, so the solver reads Q_uv = y_u y_v row[pt(v)]
 * wherever v sits in its active list. While the active set shrinks, a missing
 * row is computed only at the active points (a partial row, tagged with the
 * current epoch); a full row is computed when the solver asks for one (gradient
 * reconstruction, bound changes) or when every point is active. Rows are split
 * over the team: each thread evaluates a contiguous range of the points.
 */
#include <stdlib.h>
#include <string.h>

#include "svm_impl.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

/* A row is split over the team only when it is long enough to pay for a
 * parallel region on every cache miss (about 1.5M multiply-adds, ~0.5 ms). */
#define ROW_PAR_WORK 1.5e6

static int row_team(const svm_cache *c, int64_t n) {
    const double work = (double)n * (double)(c->D->d + 16);
    return work < ROW_PAR_WORK ? 1 : fm_team_size(c->nthreads, work);
}

static int uses_panel(const fm_svm_data *D) {
    return D->vals == NULL && D->kernel != FM_SVM_PRECOMPUTED;
}

/* XT (d x ld, ld = n rounded up to FM_SVM_PAD) <- the points rows[0..n) as
 * columns, zero padded; sq their squared norms. Returns ld. */
static int64_t fill_panel(double *XT, double *sq, const fm_svm_data *D, const int64_t *rows,
                          int64_t n) {
    const int64_t ld = (n + FM_SVM_PAD - 1) / FM_SVM_PAD * FM_SVM_PAD, d = D->d;
    for (int64_t t0 = 0; t0 < ld; t0 += FM_SVM_PAD) {
        for (int64_t t = t0; t < t0 + FM_SVM_PAD; t++) {
            const double *x = t < n ? D->X + rows[t] * D->ldx : NULL;
            double s = 0.0;
            for (int64_t k = 0; k < d; k++) {
                const double v = x ? x[k] : 0.0;
                XT[k * ld + t] = v;
                s += v * v;
            }
            sq[t] = x && D->sq ? D->sq[rows[t]] : s;
        }
    }
    return ld;
}

int fm_svm_cache_init(svm_cache *c, const fm_svm_data *D, const int64_t *rows, int64_t m,
                      double cache_mb, int nthreads) {
    memset(c, 0, sizeof *c);
    c->D = D;
    c->rows = rows;
    c->m = m;
    c->nthreads = nthreads < 1 ? 1 : nthreads;
    double slots = cache_mb * 1048576.0 / (4.0 * (double)m);
    c->nslots = slots < 2 ? 2 : slots > (double)m ? m : (int64_t)slots;
    if (c->nslots < 2) c->nslots = 2;
    const size_t sm = (size_t)m, ns = (size_t)c->nslots;
    c->mem = malloc(ns * sm * sizeof(float));
    c->slot_of = malloc(sm * sizeof(int64_t));
    c->point_of = malloc(ns * sizeof(int64_t));
    c->prev = malloc(ns * sizeof(int64_t));
    c->next = malloc(ns * sizeof(int64_t));
    c->epoch_of = malloc(ns * sizeof(int64_t));
    c->act_pts = malloc(sm * sizeof(int64_t));
    c->act_idx = malloc(sm * sizeof(int64_t));
    const size_t ldm = (size_t)((m + FM_SVM_PAD - 1) / FM_SVM_PAD * FM_SVM_PAD);
    c->buf = malloc(ldm * sizeof(double));
    const size_t d = (size_t)(D->d > 0 ? D->d : 1);
    c->scratch = D->vals ? calloc((size_t)c->nthreads * d, sizeof(double)) : NULL;
    if (!c->mem || !c->slot_of || !c->point_of || !c->prev || !c->next || !c->epoch_of ||
        !c->act_pts || !c->act_idx || !c->buf || (D->vals && !c->scratch)) {
        fm_svm_cache_free(c);
        return FM_ENOMEM;
    }
    if (uses_panel(D)) {
        c->XT_all = malloc(d * ldm * sizeof(double));
        c->XT_act = malloc(d * ldm * sizeof(double));
        c->sq_all = malloc(ldm * sizeof(double));
        c->sq_act = malloc(ldm * sizeof(double));
        if (!c->XT_all || !c->XT_act || !c->sq_all || !c->sq_act) {
            fm_svm_cache_free(c);
            return FM_ENOMEM;
        }
        c->ld_all = fill_panel(c->XT_all, c->sq_all, D, rows, m);
    }
    for (int64_t a = 0; a < m; a++) c->slot_of[a] = -1;
    for (int64_t a = 0; a < m; a++) c->act_idx[a] = a;
    for (int64_t a = 0; a < m; a++) c->act_pts[a] = rows[a];
    c->n_act = m;
    c->head = c->tail = -1;
    return FM_OK;
}

void fm_svm_cache_free(svm_cache *c) {
    free(c->mem);
    free(c->slot_of);
    free(c->point_of);
    free(c->prev);
    free(c->next);
    free(c->epoch_of);
    free(c->act_pts);
    free(c->act_idx);
    free(c->buf);
    free(c->scratch);
    free(c->XT_all);
    free(c->XT_act);
    free(c->sq_all);
    free(c->sq_act);
    memset(c, 0, sizeof *c);
}

void fm_svm_cache_set_active(svm_cache *c, const int64_t *pts, int64_t n, int grow) {
    for (int64_t t = 0; t < n; t++) {
        c->act_idx[t] = pts[t];
        c->act_pts[t] = c->rows[pts[t]];
    }
    c->n_act = n;
    if (grow) c->epoch++;
    if (c->XT_act && n < c->m) c->ld_act = fill_panel(c->XT_act, c->sq_act, c->D, c->act_pts, n);
}

static void unlink_slot(svm_cache *c, int64_t s) {
    if (c->prev[s] >= 0) c->next[c->prev[s]] = c->next[s];
    else c->head = c->next[s];
    if (c->next[s] >= 0) c->prev[c->next[s]] = c->prev[s];
    else c->tail = c->prev[s];
}

static void push_front(svm_cache *c, int64_t s) {
    c->prev[s] = -1;
    c->next[s] = c->head;
    if (c->head >= 0) c->prev[c->head] = s;
    c->head = s;
    if (c->tail < 0) c->tail = s;
}

/* out[t] = K(a, rows[t]) for t < n, split over the team. */
static void eval_points(svm_cache *c, double *out, int64_t a, const int64_t *rows, int64_t n) {
    const fm_svm_data *D = c->D;
    const int64_t r = c->rows[a];
    const int team = row_team(c, n);
    if (team <= 1) {
        fm_svm_row(out, D, r, D, rows, n, c->scratch);
        return;
    }
#pragma omp parallel num_threads(team)
    {
        int tid = 0, nt = 1;
#if FASTML_HAVE_OPENMP
        tid = omp_get_thread_num();
        nt = omp_get_num_threads();
#endif
        const int64_t lo = n * tid / nt, hi = n * (tid + 1) / nt;
        double *scr = c->scratch ? c->scratch + (size_t)tid * (size_t)D->d : NULL;
        if (hi > lo) fm_svm_row(out + lo, D, r, D, rows + lo, hi - lo, scr);
    }
}

/* buf[0, n) = K(a, column t) of a panel of n points (ld columns), split over the team
 * in FM_SVM_PAD blocks. */
static void eval_panel(svm_cache *c, int64_t a, const double *XT, const double *sq, int64_t n,
                       int64_t ld) {
    const fm_svm_data *D = c->D;
    const int64_t r = c->rows[a], nb = ld / FM_SVM_PAD;
    const int team = row_team(c, n);
    if (team <= 1) {
        fm_svm_row_panel(c->buf, D, r, XT, ld, sq, 0, ld);
        return;
    }
#pragma omp parallel num_threads(team)
    {
        int tid = 0, nt = 1;
#if FASTML_HAVE_OPENMP
        tid = omp_get_thread_num();
        nt = omp_get_num_threads();
#endif
        const int64_t lo = nb * tid / nt * FM_SVM_PAD, hi = nb * (tid + 1) / nt * FM_SVM_PAD;
        if (hi > lo) fm_svm_row_panel(c->buf, D, r, XT, ld, sq, lo, hi);
    }
}

static void store_full(float *row, const double *buf, int64_t m) {
    for (int64_t t = 0; t < m; t++) row[t] = (float)buf[t];
}

static void store_partial(svm_cache *c, float *row) {
    const int64_t *idx = c->act_idx;
    const double *buf = c->buf;
    for (int64_t t = 0; t < c->n_act; t++) row[idx[t]] = (float)buf[t];
}

const float *fm_svm_cache_row(svm_cache *c, int64_t a, int full) {
    int64_t s = c->slot_of[a];
    if (s >= 0) {
        unlink_slot(c, s);
        push_front(c, s);
        if (c->epoch_of[s] == -1 || (!full && c->epoch_of[s] == c->epoch))
            return c->mem + (size_t)s * (size_t)c->m;
    } else {
        if (c->used < c->nslots) {
            s = c->used++;
        } else {
            s = c->tail;
            unlink_slot(c, s);
            c->slot_of[c->point_of[s]] = -1;
        }
        push_front(c, s);
        c->slot_of[a] = s;
        c->point_of[s] = a;
    }
    float *row = c->mem + (size_t)s * (size_t)c->m;
    const int whole = full || c->n_act == c->m;
    if (c->XT_all) {
        if (whole)
            eval_panel(c, a, c->XT_all, c->sq_all, c->m, c->ld_all);
        else
            eval_panel(c, a, c->XT_act, c->sq_act, c->n_act, c->ld_act);
    } else if (whole) {
        eval_points(c, c->buf, a, c->rows, c->m);
    } else {
        eval_points(c, c->buf, a, c->act_pts, c->n_act);
    }
    if (whole) {
        store_full(row, c->buf, c->m);
        c->epoch_of[s] = -1;
    } else {
        store_partial(c, row);
        c->epoch_of[s] = c->epoch;
    }
    return row;
}
