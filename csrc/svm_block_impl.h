/* svm_block_impl.h -- internal: the working-set solver's state, shared by
 * svm_block.c (rounds, kernel rows, gradient) and svm_block_smo.c (the
 * subproblem's SMO and the final bias). */
#ifndef FASTML_SVM_BLOCK_IMPL_H
#define FASTML_SVM_BLOCK_IMPL_H

#include "svm_impl.h"

#define FM_SVM_TAU 1e-12

typedef struct {
    int64_t m, l, q, half;
    const int8_t *y;
    const double *p, *C;
    double *a, *G;
    const fm_svm_data *D;
    const double *X; /* the problem's points, m x d contiguous */
    double *Xown, *sq, *A, *tmp;
    float *Kb;              /* P rows (slots) of m kernel values */
    int64_t P, hand;        /* slots; the CLOCK hand of the eviction */
    int64_t *slot_of, *pt_of, *stamp; /* point -> slot (m), slot -> point, last round (P) */
    char *ref;              /* P: reused since the hand last passed */
    int64_t *evl;           /* 2 q: working-set entries whose rows are computed, scratch */
    int64_t *ws, *slot;     /* working set: variable and its Kb slot, q each */
    int64_t *drop;          /* the half leaving the working set */
    float **urow;           /* q: rows of the gradient update */
    double *ucoef;          /* q: their coefficients */
    int64_t n0, n1;         /* sizes of the kept and the new half */
    char *inws;             /* l flags */
    double *key;            /* l selection keys */
    int64_t *cand;          /* l candidates */
    double *la, *la0, *lG, *lC, *lQD;
    int8_t *ly;
    float *lK;              /* q x q */
    double *QD;             /* l */
    int nthreads;
    int nu;                 /* the nu formulation: pairs within a sign class */
} blk;

static inline int64_t bpt(const blk *b, int64_t v) { return v < b->m ? v : v - b->m; }

static inline int in_up(const blk *b, int64_t v) {
    return b->y[v] == 1 ? b->a[v] < b->C[v] : b->a[v] > 0;
}
static inline int in_low(const blk *b, int64_t v) {
    return b->y[v] == 1 ? b->a[v] > 0 : b->a[v] < b->C[v];
}

/* SMO on the working set (n entries) to a local gap of max(tol, first gap /
 * 10), pairs within a sign class under nu; returns the steps taken. */
int64_t fm_svm_block_smo(blk *b, int64_t n, double tol, int64_t budget);

/* The maximal violating pair's gap over all variables (under nu, the larger
 * of the two sign classes' gaps). */
double fm_svm_block_gap(const blk *b);

/* rho (out[0]) and, under nu, r (out[1]) from the final gradient. */
void fm_svm_block_bias(const blk *b, double *out);

#endif
