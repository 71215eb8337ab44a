/* svm.h -- kernel support vector machines: the svm family's public C API.
 *
 * One SMO solver (svm_solve.c) for the dual problems of C-SVC, nu-SVC,
 * epsilon-SVR, nu-SVR and the one-class SVM, in the form of Fan, Chen and Lin
 * (JMLR 2005):
 *
 *     min_a  1/2 a^T Q a + p^T a   s.t.  y^T a = const,  0 <= a_v <= C_v,
 *
 * over l variables v, Q_uv = y_u y_v K(x_pt(u), x_pt(v)), y_v = +-1. Variable v
 * refers to point pt(v) = v mod m of the problem's m points (l = m, or l = 2m for
 * the regression duals, whose two halves share the kernel rows). Kernel rows are
 * computed per point with SIMD dot products (svm_simd_tmpl.h), threaded over the
 * row, and kept in an LRU cache of cache_mb megabytes. The C formulations on
 * large dense problems (>= 4096 points of >= 64 features, or >= 20000 points)
 * run a working-set solver instead (svm_block.c:
 * blocks of kernel rows from one GEMM, SMO on the block); both stop at
 * libsvm's criterion, so they agree to the tolerance.
 */
#ifndef FASTML_SVM_H
#define FASTML_SVM_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FM_SVM_LINEAR 0
#define FM_SVM_POLY 1
#define FM_SVM_RBF 2
#define FM_SVM_SIGMOID 3
#define FM_SVM_PRECOMPUTED 4

/* A set of points and the kernel on them. Exactly one representation:
 *   dense:       X (rows of d values, row stride ldx), vals == NULL;
 *   CSR:         vals/ind/ptr (row r is vals[ptr[r]:ptr[r+1]] at columns ind[...]);
 *   precomputed: kernel == FM_SVM_PRECOMPUTED, X is the Gram matrix K[r * ldx + c]
 *                (rows: the points, columns: the points of the other side).
 * sq (optional, may be NULL) holds the squared norms of the rows (RBF only). */
typedef struct {
    int kernel;
    int degree;
    double gamma, coef0;
    const double *X;
    int64_t ldx;
    const double *vals;
    const int64_t *ind, *ptr;
    const double *sq;
    int64_t d;
} fm_svm_data;

/* Solver outputs (out[FM_SVM_NOUT]): rho, r (nu solver's second multiplier,
 * 0 otherwise), objective, iterations, 1 if max_iter stopped it (else 0). */
#define FM_SVM_NOUT 5

/* Solve one dual. alpha (l) holds the feasible starting point on entry and the
 * solution on return. rows (m) maps problem points to rows of D; y (l, +-1),
 * p (l), C (l, > 0). nu = 1 runs the nu solver (two equality constraints:
 * separate working sets per sign). tol: stopping gap (libsvm's eps); shrinking
 * 0/1; max_iter < 0: no limit beyond libsvm's safety cap max(1e7, 100 l).
 * Deterministic and independent of nthreads. FM_OK or FM_ENOMEM. */
FM_API int fm_svm_solve(double *alpha, double *out, const fm_svm_data *D, const int64_t *rows,
                        int64_t m, const int8_t *y, const double *p, const double *C, int64_t l,
                        int nu, double tol, int shrinking, double cache_mb, int64_t max_iter,
                        int nthreads);

/* Kmat (na, nb), row-major: K(A_i, B_j) for i < na, j < nb. A and B share the
 * kernel (A's parameters are used) and representation (both dense or both CSR;
 * precomputed input needs no kernel evaluation and is rejected, FM_EINVAL). */
FM_API int fm_svm_kernel_matrix(double *Kmat, const fm_svm_data *A, int64_t na,
                                const fm_svm_data *B, int64_t nb, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_SVM_H */
