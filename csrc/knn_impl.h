/* knn_impl.h -- internal: the knn family's function table (family.h).
 * knn_simd.c defines one instance per ISA level; knn.c selects one. */
#ifndef FASTML_KNN_IMPL_H
#define FASTML_KNN_IMPL_H

#include "family.h"
#include "knn.h"

/* Modes of the fused candidate scan (knn_scan_tmpl.h): the key of a query
 * row q (length dd) and a packed point y is sum_c (q_c - y_c)^2 (L2),
 * sum_c |q_c - y_c| (L1), max_c |q_c - y_c| (LINF) or sum_c q_c y_c (DOT; knn.c
 * extends both sides so that this ranks like the squared distance). */
enum { KNN_SCAN_L2 = 0, KNN_SCAN_L1 = 1, KNN_SCAN_LINF = 2, KNN_SCAN_DOT = 3 };
#define KNN_SCAN_QT 128 /* queries per work item */

typedef struct {
    /* The GEMM micro-tile (rows, columns) run_filter was built for; it reads A
     * and B as packed by the GEMM engine at the same level (gemm.h), so knn.c
     * uses it only when these equal the engine's mr and nr. */
    int mr, nr;
    /* Search keys with the filter in registers: for rows [0, M) and columns
     * [n0, n1) (n0 a multiple of nr; B packed by the engine's pack_b_all with
     * K <= its kc), a (row, panel) tile row is stored to C (pointing at column
     * n0) only when one of its keys is <= thr[row], and
     * hit[row * panels + panel] says which were. */
    void (*run_filter)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                       const float *bp, float *C, int64_t ldc, const float *thr,
                       unsigned char *hit);
    /* Points per panel of the scan's packed database: panel pn holds points
     * [pn * P, pn * P + P) feature-major (packed[(pn * dd + c) * P + l]), the
     * lanes past n zero. */
    int scan_p_f32, scan_p_f64;
    /* Fused candidate scan: for each query row i < nq (Q[i * ldq], length dd),
     * CD/CI[i * kk .. + kk) = its kk best (key, point index) pairs against the n
     * packed points, unordered; kk <= n. FM_OK or FM_ENOMEM. */
    int (*scan_f32)(float *CD, int64_t *CI, const float *Q, int64_t nq, int64_t ldq,
                    const float *packed, int64_t n, int64_t dd, int64_t kk, int mode,
                    int nthreads);
    int (*scan_f64)(double *CD, int64_t *CI, const double *Q, int64_t nq, int64_t ldq,
                    const double *packed, int64_t n, int64_t dd, int64_t kk, int mode,
                    int nthreads);
} fm_knn_impl;

#endif /* FASTML_KNN_IMPL_H */
