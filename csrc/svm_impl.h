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
    /* out[t] = exp(-gamma (sqa + sq[t] - 2 v[t])) in float (the float exp). */
    void (*rbf_f32)(float *out, const double *v, const double *sq, double sqa, double gamma,
                    int64_t n);
    /* acc[t] += sum_r coef[r] rows[r][off + t] for t < n (float rows). */
    void (*axpy_rows)(double *acc, const float *const *rows, int64_t off, const double *coef,
                      int64_t nr, int64_t n);
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

/* v[t] <- k(v[t]) for dot products v[t] = <a, b_t>, t < n, with D's kernel
 * (sqa = |a|^2 and sqb[t] = |b_t|^2 are read for RBF only). */
void fm_svm_apply(double *v, const fm_svm_data *D, double sqa, const double *sqb, int64_t n);
/* acc[t] += sum_r coef[r] rows[r][off + t], t < n, at the picked ISA level. */
void fm_svm_axpy_rows(double *acc, const float *const *rows, int64_t off, const double *coef,
                      int64_t nr, int64_t n);
/* The same, written as float to out (v is scratch); RBF through rbf_f32. */
void fm_svm_apply_f32(float *out, double *v, const fm_svm_data *D, double sqa, const double *sqb,
                      int64_t n);

/* Move the k smallest (by key[v], ties to the smaller v) of c[0, n) to
 * c[0, k), sorted (svm_select.c). */
void fm_svm_select_k(int64_t *c, int64_t n, int64_t k, const double *key);

/* The working-set solver (svm_block.c) for fm_svm_solve's C and nu
 * formulations on dense points; FM_EINVAL when it does not apply (then the SMO
 * path runs). */
int fm_svm_solve_block(double *alpha, double *out, const fm_svm_data *D, const int64_t *rows,
                       int64_t m, const int8_t *y, const double *p, const double *C, int64_t l,
                       int nu, double tol, double cache_mb, int64_t max_iter, int nthreads);

/* ---- kernel-row cache (svm_cache.c) ------------------------------------------
 * Row of point a: K(a, order[t]) at positions t < len[a] (float32), where
 * order is the solver's position order of the points (fm_svm_cache_set_order).
 * LRU over points; the budget counts stored values. */
typedef struct {
    const fm_svm_data *D;
    const int64_t *rows; /* point -> row of D */
    int64_t m;
    int64_t free_vals;   /* values the budget still allows */
    float **data;        /* point -> its row (NULL: none) */
    int64_t *len;        /* point -> cached positions */
    int64_t *prev, *next, head, tail; /* LRU list of points, head = most recent */
    int64_t *order_pts;  /* position -> row of D */
    double *buf;         /* m (padded) kernel values being computed */
    float *spare[2];     /* uncached rows when memory runs out */
    int flip;
    double *XT, *sq;     /* dense kernels: the points as columns in order (d x ld) */
    double *scratch;     /* nthreads * d zeros (CSR) */
    int nthreads;
} svm_cache;

int fm_svm_cache_init(svm_cache *c, const fm_svm_data *D, const int64_t *rows, int64_t m,
                      double cache_mb, int nthreads);
void fm_svm_cache_free(svm_cache *c);
/* The row of point a, valid at positions [0, len) (len <= m). Stays valid
 * until the next call that may evict (another row, swap, set_order). */
const float *fm_svm_cache_row(svm_cache *c, int64_t a, int64_t len);
/* Positions t and u of the order were exchanged. */
void fm_svm_cache_swap(svm_cache *c, int64_t t, int64_t u);
/* order (m points by position; NULL: identity) after a batch of swaps. */
void fm_svm_cache_set_order(svm_cache *c, const int64_t *order);
/* K(a, a) for every point a < m into qd. */
void fm_svm_diag(double *qd, const fm_svm_data *D, const int64_t *rows, int64_t m);

/* libsvm's analytic step of one working pair: new (ai, aj) from the old ones,
 * their bounds Ci, Cj, gradients Gi, Gj, whether the labels differ and the
 * curvature qc (> 0), kept inside the box [0, C] along the feasible line. */
static inline void svm_pair_step(double *pai, double *paj, double Ci, double Cj, double Gi,
                                 double Gj, int differ, double qc) {
    double ai = *pai, aj = *paj;
    if (differ) {
        const double delta = (-Gi - Gj) / qc, diff = ai - aj;
        ai += delta;
        aj += delta;
        if (diff > 0) {
            if (aj < 0) aj = 0, ai = diff;
        } else if (ai < 0) {
            ai = 0, aj = -diff;
        }
        if (diff > Ci - Cj) {
            if (ai > Ci) ai = Ci, aj = Ci - diff;
        } else if (aj > Cj) {
            aj = Cj, ai = Cj + diff;
        }
    } else {
        const double delta = (Gi - Gj) / qc, sum = ai + aj;
        ai -= delta;
        aj += delta;
        if (sum > Ci) {
            if (ai > Ci) ai = Ci, aj = sum - Ci;
        } else if (aj < 0) {
            aj = 0, ai = sum;
        }
        if (sum > Cj) {
            if (aj > Cj) aj = Cj, ai = sum - Cj;
        } else if (ai < 0) {
            ai = 0, aj = sum;
        }
    }
    *pai = ai;
    *paj = aj;
}

#endif /* FASTML_SVM_IMPL_H */
