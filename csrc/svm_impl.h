/* svm_impl.h -- internal: the svm family's function table and the pieces the
 * solver (svm_solve.c), the kernel-row cache (svm_cache.c) and the entry points
 * (svm.c) share. */
#ifndef FASTML_SVM_IMPL_H
#define FASTML_SVM_IMPL_H

#include "family.h"
#include "svm.h"

/* The per-ISA row kernels (svm_simd_tmpl.h). */
typedef struct {
    /* out[t] = <xa, X[rows[t]]> for t < n (rows NULL: row t); d values each. */
    void (*dots)(double *out, const double *X, int64_t ldx, const double *xa,
                 const int64_t *rows, int64_t n, int64_t d);
    /* out[t] = <xa, column t of XT> for t in [lo, hi), both multiples of the
     * widest vector (FM_SVM_PAD); XT is d rows of ldt values (points as columns). */
    void (*dots_t)(double *out, const double *XT, int64_t ldt, const double *xa, int64_t lo,
                   int64_t hi, int64_t d);
    /* v[t] <- exp(-gamma (sqa + sq[rows[t]] - 2 v[t])) (rows NULL: sq[t]). */
    void (*rbf)(double *v, const double *sq, const int64_t *rows, double sqa, double gamma,
                int64_t n);
} fm_svm_impl;

/* Point panels are padded to a multiple of this many columns (AVX-512 width). */
#define FM_SVM_PAD 8

/* K(A_a, B_rows[t]) for t < n (rows NULL: B's rows 0..n-1) into out[t], with
 * A's kernel. scratch: B->d doubles, all zero on entry and on return (CSR). */
void fm_svm_row(double *out, const fm_svm_data *A, int64_t a, const fm_svm_data *B,
                const int64_t *rows, int64_t n, double *scratch);

/* The same for dense points held as columns of a panel XT (d x ld, squared
 * norms sq): out[t] = K(A_a, column t) for t in [lo, hi) (multiples of
 * FM_SVM_PAD; out and the panel are padded to ld). */
void fm_svm_row_panel(double *out, const fm_svm_data *A, int64_t a, const double *XT, int64_t ld,
                      const double *sq, int64_t lo, int64_t hi);

/* ---- kernel-row cache (svm_cache.c) ------------------------------------------
 * Rows are indexed by problem point (0..m-1) and hold K(pt, q) at every point q
 * (computed in float64, stored in float32 like libsvm's cache, so a cache_size
 * MB budget holds as many rows as libsvm's)
 * the row covers: all points (a "full" row), or the points of the active
 * variables when it was computed (a "partial" row, valid until the active set
 * grows again: the solver bumps `epoch` whenever it does). */
typedef struct {
    const fm_svm_data *D;
    const int64_t *rows; /* point -> row of D */
    int64_t m, nslots, used;
    float *mem;          /* nslots rows of m values (float32, as libsvm's Qfloat) */
    int64_t *slot_of;    /* point -> slot or -1 */
    int64_t *point_of;   /* slot -> point */
    int64_t *prev, *next, head, tail; /* LRU list of slots, head = most recent */
    int64_t *epoch_of;   /* slot -> -1 (full) or the epoch of a partial row */
    int64_t epoch;
    int64_t *act_pts, n_act; /* active points, as rows of D (gathered) and as points */
    int64_t *act_idx;
    int act_dirty;
    double *buf;         /* m (padded) gathered kernel values */
    /* dense kernels: the points as columns (d x ld), all of them and the active
     * ones, with their squared norms; rows then come from vertical FMAs */
    double *XT_all, *XT_act, *sq_all, *sq_act;
    int64_t ld_all, ld_act;
    double *scratch;     /* nthreads * d zeros (CSR) */
    int nthreads;
} svm_cache;

int fm_svm_cache_init(svm_cache *c, const fm_svm_data *D, const int64_t *rows, int64_t m,
                      double cache_mb, int nthreads);
void fm_svm_cache_free(svm_cache *c);
/* The row of point a; full = 1 forces every point, else the points listed by
 * fm_svm_cache_set_active (all points when none were set since the last grow). */
const float *fm_svm_cache_row(svm_cache *c, int64_t a, int full);
/* The active points changed: pts (n distinct points). grow = 1: the set grew
 * (partial rows become stale). */
void fm_svm_cache_set_active(svm_cache *c, const int64_t *pts, int64_t n, int grow);
/* K(a, a) for every point a < m into qd. */
void fm_svm_diag(double *qd, const fm_svm_data *D, const int64_t *rows, int64_t m);

#endif /* FASTML_SVM_IMPL_H */
