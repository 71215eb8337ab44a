/* svm_cache.c -- the LRU cache of kernel rows behind the SMO solver, laid out
 * as libsvm's: rows of variable length in float32 (computed in float64), the
 * budget counted in stored values (cache_mb megabytes, at least two rows).
 *
 * A row belongs to a problem point a and holds K(a, order[t]) for the
 * positions t < len of the row, where order lists the points in the solver's
 * position order. With shrinking (one variable per point, l = m) the solver's
 * active variables are the prefix of that order, so a row is computed only up
 * to the active size and extended when a longer prefix is asked for; the
 * solver's position swaps are mirrored in every cached row (fm_svm_cache_swap).
 * For the regression duals (two variables per point) order is the identity
 * and rows are always complete.
 *
 * Dense kernels compute rows from a panel of the points as columns in order
 * (vertical FMAs over contiguous memory), rebuilt when the order changes; a
 * long row is split over the team.
 */
#include <stdlib.h>
#include <string.h>

#include "svm_impl.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

/* A row is split over the team only when it is long enough to pay for a
 * parallel region (fork/join costs far more than this on a loaded machine). */
#define ROW_PAR_WORK 4e6

static int row_team(const svm_cache *c, int64_t n) {
    const double work = (double)n * (double)(c->D->d + 16);
    return work < ROW_PAR_WORK ? 1 : fm_team_size(c->nthreads, work);
}

static int uses_panel(const fm_svm_data *D) {
    return D->vals == NULL && D->kernel != FM_SVM_PRECOMPUTED;
}

static int64_t padded(int64_t n) { return (n + FM_SVM_PAD - 1) / FM_SVM_PAD * FM_SVM_PAD; }

/* XT (d x ld, ld = n padded) <- the points rows[0..n) as columns, zero
 * padded; sq their squared norms. */
static void fill_panel(double *XT, double *sq, const fm_svm_data *D, const int64_t *rows,
                       int64_t n) {
    const int64_t ld = padded(n), d = D->d;
    for (int64_t t = 0; t < ld; t++) {
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

int fm_svm_cache_init(svm_cache *c, const fm_svm_data *D, const int64_t *rows, int64_t m,
                      double cache_mb, int nthreads) {
    memset(c, 0, sizeof *c);
    c->D = D;
    c->rows = rows;
    c->m = m;
    c->nthreads = nthreads < 1 ? 1 : nthreads;
    const double budget = cache_mb * 1048576.0 / (double)sizeof(float);
    const double least = 2.0 * (double)m;
    c->free_vals = budget < least ? (int64_t)least : budget > 9e18 ? INT64_MAX : (int64_t)budget;
    const size_t sm = (size_t)m, ldm = (size_t)padded(m);
    c->data = calloc(sm, sizeof(float *));
    c->len = calloc(sm, sizeof(int64_t));
    c->prev = malloc(sm * sizeof(int64_t));
    c->next = malloc(sm * sizeof(int64_t));
    c->order_pts = malloc(sm * sizeof(int64_t));
    c->buf = malloc(ldm * sizeof(double));
    c->spare[0] = malloc(sm * sizeof(float));
    c->spare[1] = malloc(sm * sizeof(float));
    const size_t d = (size_t)(D->d > 0 ? D->d : 1);
    c->scratch = D->vals ? calloc((size_t)c->nthreads * d, sizeof(double)) : NULL;
    if (!c->data || !c->len || !c->prev || !c->next || !c->order_pts || !c->buf ||
        !c->spare[0] || !c->spare[1] ||
        (D->vals && !c->scratch)) {
        fm_svm_cache_free(c);
        return FM_ENOMEM;
    }
    if (uses_panel(D)) {
        c->XT = malloc(d * ldm * sizeof(double));
        c->sq = malloc(ldm * sizeof(double));
        if (!c->XT || !c->sq) {
            fm_svm_cache_free(c);
            return FM_ENOMEM;
        }
    }
    for (int64_t a = 0; a < m; a++) c->prev[a] = c->next[a] = -2; /* not listed */
    c->head = c->tail = -1;
    fm_svm_cache_set_order(c, NULL);
    return FM_OK;
}

void fm_svm_cache_free(svm_cache *c) {
    if (c->data)
        for (int64_t a = 0; a < c->m; a++) free(c->data[a]);
    free(c->data);
    free(c->len);
    free(c->prev);
    free(c->next);
    free(c->order_pts);
    free(c->buf);
    free(c->spare[0]);
    free(c->spare[1]);
    free(c->scratch);
    free(c->XT);
    free(c->sq);
    memset(c, 0, sizeof *c);
}

void fm_svm_cache_set_order(svm_cache *c, const int64_t *order) {
    for (int64_t t = 0; t < c->m; t++) c->order_pts[t] = c->rows[order ? order[t] : t];
    if (c->XT) fill_panel(c->XT, c->sq, c->D, c->order_pts, c->m);
}

static void unlink_row(svm_cache *c, int64_t a) {
    if (c->prev[a] >= 0) c->next[c->prev[a]] = c->next[a];
    else c->head = c->next[a];
    if (c->next[a] >= 0) c->prev[c->next[a]] = c->prev[a];
    else c->tail = c->prev[a];
    c->prev[a] = c->next[a] = -2;
}

static void push_front(svm_cache *c, int64_t a) {
    c->prev[a] = -1;
    c->next[a] = c->head;
    if (c->head >= 0) c->prev[c->head] = a;
    c->head = a;
    if (c->tail < 0) c->tail = a;
}

static void drop_row(svm_cache *c, int64_t a) {
    unlink_row(c, a);
    free(c->data[a]);
    c->data[a] = NULL;
    c->free_vals += c->len[a];
    c->len[a] = 0;
}

void fm_svm_cache_swap(svm_cache *c, int64_t t, int64_t u) {
    if (t == u) return;
    if (t > u) {
        const int64_t w = t;
        t = u;
        u = w;
    }
    for (int64_t a = c->head; a >= 0;) {
        const int64_t nx = c->next[a];
        if (c->len[a] > u) {
            float *row = c->data[a];
            const float w = row[t];
            row[t] = row[u];
            row[u] = w;
        } else if (c->len[a] > t) {
            drop_row(c, a); /* as libsvm: the row no longer matches the order */
        }
        a = nx;
    }
}

/* buf[lo, hi) = K(a, column t) of the panel, split over the team in
 * FM_SVM_PAD blocks (lo, hi multiples of it). */
static void eval_panel(svm_cache *c, int64_t a, int64_t lo, int64_t hi) {
    const fm_svm_data *D = c->D;
    const int64_t r = c->rows[a], ld = padded(c->m), nb = (hi - lo) / FM_SVM_PAD;
    const int team = row_team(c, hi - lo);
    if (team <= 1) {
        fm_svm_row_panel(c->buf, D, r, c->XT, ld, c->sq, lo, hi);
        return;
    }
#pragma omp parallel num_threads(team)
    {
        int tid = 0, nt = 1;
#if FASTML_HAVE_OPENMP
        tid = omp_get_thread_num();
        nt = omp_get_num_threads();
#endif
        const int64_t b0 = lo + nb * tid / nt * FM_SVM_PAD;
        const int64_t b1 = lo + nb * (tid + 1) / nt * FM_SVM_PAD;
        if (b1 > b0) fm_svm_row_panel(c->buf, D, r, c->XT, ld, c->sq, b0, b1);
    }
}

/* buf[lo, hi) = K(a, order_pts[t]), split over the team. */
static void eval_points(svm_cache *c, int64_t a, int64_t lo, int64_t hi) {
    const fm_svm_data *D = c->D;
    const int64_t r = c->rows[a], n = hi - lo;
    const int team = row_team(c, n);
    if (team <= 1) {
        fm_svm_row(c->buf + lo, D, r, D, c->order_pts + lo, n, c->scratch);
        return;
    }
#pragma omp parallel num_threads(team)
    {
        int tid = 0, nt = 1;
#if FASTML_HAVE_OPENMP
        tid = omp_get_thread_num();
        nt = omp_get_num_threads();
#endif
        const int64_t b0 = lo + n * tid / nt, b1 = lo + n * (tid + 1) / nt;
        double *scr = c->scratch ? c->scratch + (size_t)tid * (size_t)D->d : NULL;
        if (b1 > b0) fm_svm_row(c->buf + b0, D, r, D, c->order_pts + b0, b1 - b0, scr);
    }
}

const float *fm_svm_cache_row(svm_cache *c, int64_t a, int64_t len) {
    if (c->prev[a] != -2) unlink_row(c, a);
    const int64_t have = c->len[a];
    if (have < len) {
        const int64_t more = len - have;
        while (c->free_vals < more && c->tail >= 0) drop_row(c, c->tail);
        float *row = realloc(c->data[a], (size_t)len * sizeof(float));
        int64_t from = have;
        if (row) {
            c->data[a] = row;
            c->free_vals -= more;
            c->len[a] = len;
        } else { /* out of memory: an uncached row in one of two spares */
            row = c->spare[c->flip ^= 1];
            if (have) memcpy(row, c->data[a], (size_t)have * sizeof(float));
            from = have;
        }
        if (c->XT) {
            const int64_t lo = from / FM_SVM_PAD * FM_SVM_PAD, hi = padded(len);
            eval_panel(c, a, lo, hi);
        } else {
            eval_points(c, a, from, len);
        }
        const double *buf = c->buf;
        for (int64_t t = from; t < len; t++) row[t] = (float)buf[t];
        if (row != c->data[a]) {
            if (c->data[a]) push_front(c, a);
            return row;
        }
    }
    push_front(c, a);
    return c->data[a];
}
