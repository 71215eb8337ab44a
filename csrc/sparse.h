/* sparse.h -- kernels on CSR/CSC matrices (scipy.sparse layouts): the
 * family's public C API.
 *
 * A CSR matrix of n rows is (data, indices, indptr): row i holds the values
 * data[indptr[i] .. indptr[i+1]) at the columns indices[...], sorted and
 * unique within a row (scipy's canonical format; the Python edge makes it
 * so). A CSC matrix is the same arrays over columns, i.e. the CSR layout of
 * the transpose. Every entry point comes in four variants: values float32 or
 * float64 (_f32, _f64) and indices int32 or int64 (_i32, _i64), one template
 * (sparse_tmpl.h). Threads run over output rows (queries); each output row
 * is computed by one thread in a fixed order, so results do not depend on
 * nthreads.
 */
#ifndef FASTML_SPARSE_H
#define FASTML_SPARSE_H

#include "distance.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Row reductions of a CSR matrix, accumulated in float64: kind 0 -> sum of
 * squares, 1 -> sum of |v|, 2 -> max |v| (0 for an empty row). out (n,). */
FM_API int fm_sparse_row_norms_f32_i32(float *out, const float *data, const int32_t *indptr,
                                       int64_t n, int kind, int nthreads);
FM_API int fm_sparse_row_norms_f32_i64(float *out, const float *data, const int64_t *indptr,
                                       int64_t n, int kind, int nthreads);
FM_API int fm_sparse_row_norms_f64_i32(double *out, const double *data, const int32_t *indptr,
                                       int64_t n, int kind, int nthreads);
FM_API int fm_sparse_row_norms_f64_i64(double *out, const double *data, const int64_t *indptr,
                                       int64_t n, int kind, int nthreads);

/* out (nq, m) = Q B: Q CSR (nq rows), B dense (d, m) row-major (a column
 * index of Q is a row of B). Each row is a sum of scaled rows of B, in the
 * order of Q's entries. */
FM_API int fm_sparse_csr_dense_f32_i32(float *out, const float *qd, const int32_t *qi,
                                       const int32_t *qp, int64_t nq, const float *B, int64_t m,
                                       int nthreads);
FM_API int fm_sparse_csr_dense_f32_i64(float *out, const float *qd, const int64_t *qi,
                                       const int64_t *qp, int64_t nq, const float *B, int64_t m,
                                       int nthreads);
FM_API int fm_sparse_csr_dense_f64_i32(double *out, const double *qd, const int32_t *qi,
                                       const int32_t *qp, int64_t nq, const double *B, int64_t m,
                                       int nthreads);
FM_API int fm_sparse_csr_dense_f64_i64(double *out, const double *qd, const int64_t *qi,
                                       const int64_t *qp, int64_t nq, const double *B, int64_t m,
                                       int nthreads);

/* out (nq, n) = Q X^T: Q CSR, X (n, d) given in CSC (cd, ci, cp: d columns
 * of row indices into [0, n)). Row i is accumulated by scattering each entry
 * of query i over its column of X (the dot products of ||q||^2 - 2 q.x +
 * ||x||^2 distances). */
FM_API int fm_sparse_gram_f32_i32(float *out, const float *qd, const int32_t *qi,
                                  const int32_t *qp, int64_t nq, const float *cd,
                                  const int32_t *ci, const int32_t *cp, int64_t n,
                                  int nthreads);
FM_API int fm_sparse_gram_f32_i64(float *out, const float *qd, const int64_t *qi,
                                  const int64_t *qp, int64_t nq, const float *cd,
                                  const int64_t *ci, const int64_t *cp, int64_t n,
                                  int nthreads);
FM_API int fm_sparse_gram_f64_i32(double *out, const double *qd, const int32_t *qi,
                                  const int32_t *qp, int64_t nq, const double *cd,
                                  const int32_t *ci, const int32_t *cp, int64_t n,
                                  int nthreads);
FM_API int fm_sparse_gram_f64_i64(double *out, const double *qd, const int64_t *qi,
                                  const int64_t *qp, int64_t nq, const double *cd,
                                  const int64_t *ci, const int64_t *cp, int64_t n,
                                  int nthreads);

/* out (nq, n) = distances between the rows of Q and X (both CSR) by a merge
 * of their sorted index lists: metric FM_METRIC_MANHATTAN, _CHEBYSHEV or
 * _SQEUCLIDEAN (sums in float64). FM_EINVAL for another metric. */
FM_API int fm_sparse_pairwise_f32_i32(float *out, const float *qd, const int32_t *qi,
                                      const int32_t *qp, int64_t nq, const float *xd,
                                      const int32_t *xi, const int32_t *xp, int64_t n,
                                      int metric, int nthreads);
FM_API int fm_sparse_pairwise_f32_i64(float *out, const float *qd, const int64_t *qi,
                                      const int64_t *qp, int64_t nq, const float *xd,
                                      const int64_t *xi, const int64_t *xp, int64_t n,
                                      int metric, int nthreads);
FM_API int fm_sparse_pairwise_f64_i32(double *out, const double *qd, const int32_t *qi,
                                      const int32_t *qp, int64_t nq, const double *xd,
                                      const int32_t *xi, const int32_t *xp, int64_t n,
                                      int metric, int nthreads);
FM_API int fm_sparse_pairwise_f64_i64(double *out, const double *qd, const int64_t *qi,
                                      const int64_t *qp, int64_t nq, const double *xd,
                                      const int64_t *xi, const int64_t *xp, int64_t n,
                                      int metric, int nthreads);

/* Exact k nearest rows of X (CSR xd/xi/xp and the same matrix in CSC
 * cd/ci/cp) for every row of Q (CSR): dist, ind (nq, k) sorted by (distance,
 * index). metric: FM_METRIC_EUCLIDEAN, _SQEUCLIDEAN, _MANHATTAN or _COSINE
 * (cosine: rows of Q and X already scaled to unit norm or zero; distance
 * 1 - q.x clipped to [0, 2]). xs (n,): per row of X its squared norm
 * (euclidean, sqeuclidean, cosine) or its l1 norm (manhattan).
 * Per query: one scatter over the columns of X gives every row's ranking key
 * (||x||^2 - 2 q.x; ||x||_1 - sum over shared columns of |q|+|x|-|q-x|;
 * -q.x), the best k keys are recomputed exactly by merging the two rows, and
 * every other row whose key's rounding bound still allows it to tie or beat
 * the k-th exact distance is recomputed too. So ranking is by the merged
 * (exact) distance, never by the expansion. Work memory: one float row of n
 * per thread. 1 <= k <= n. */
FM_API int fm_sparse_knn_f32_i32(float *dist, int64_t *ind, const float *qd, const int32_t *qi,
                                 const int32_t *qp, int64_t nq, const float *xd,
                                 const int32_t *xi, const int32_t *xp, const float *cd,
                                 const int32_t *ci, const int32_t *cp, const float *xs,
                                 int64_t n, int64_t k, int metric, int nthreads);
FM_API int fm_sparse_knn_f32_i64(float *dist, int64_t *ind, const float *qd, const int64_t *qi,
                                 const int64_t *qp, int64_t nq, const float *xd,
                                 const int64_t *xi, const int64_t *xp, const float *cd,
                                 const int64_t *ci, const int64_t *cp, const float *xs,
                                 int64_t n, int64_t k, int metric, int nthreads);
FM_API int fm_sparse_knn_f64_i32(double *dist, int64_t *ind, const double *qd, const int32_t *qi,
                                 const int32_t *qp, int64_t nq, const double *xd,
                                 const int32_t *xi, const int32_t *xp, const double *cd,
                                 const int32_t *ci, const int32_t *cp, const double *xs,
                                 int64_t n, int64_t k, int metric, int nthreads);
FM_API int fm_sparse_knn_f64_i64(double *dist, int64_t *ind, const double *qd, const int64_t *qi,
                                 const int64_t *qp, int64_t nq, const double *xd,
                                 const int64_t *xi, const int64_t *xp, const double *cd,
                                 const int64_t *ci, const int64_t *cp, const double *xs,
                                 int64_t n, int64_t k, int metric, int nthreads);

/* Per-class column sums (naive Bayes counts): out[cls[i], c] += w[i] * X[i, c]
 * over the entries of the CSR matrix X (n rows, d columns); w NULL means 1.
 * out (n_classes, d) is accumulated into. Large inputs run as 4 fixed row
 * ranges of equal nnz on up to nthreads threads (each summed in row order, then
 * added in range order: the result does not depend on nthreads); small ones in
 * row order on one thread. Also A^T u for one class (logistic gradients,
 * least-squares operators). */
FM_API int fm_sparse_class_sums_f32_i32(double *out, const float *xd, const int32_t *xi,
                                        const int32_t *xp, int64_t n, const int64_t *cls,
                                        const double *w, int64_t d, int nthreads);
FM_API int fm_sparse_class_sums_f32_i64(double *out, const float *xd, const int64_t *xi,
                                        const int64_t *xp, int64_t n, const int64_t *cls,
                                        const double *w, int64_t d, int nthreads);
FM_API int fm_sparse_class_sums_f64_i32(double *out, const double *xd, const int32_t *xi,
                                        const int32_t *xp, int64_t n, const int64_t *cls,
                                        const double *w, int64_t d, int nthreads);
FM_API int fm_sparse_class_sums_f64_i64(double *out, const double *xd, const int64_t *xi,
                                        const int64_t *xp, int64_t n, const int64_t *cls,
                                        const double *w, int64_t d, int nthreads);

/* Elastic-net coordinate descent on a CSC matrix with implicit centring
 * (sparse_enet.c): minimises 0.5 ||y - Xc w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2
 * where column j of Xc is a_j - mu[j] r, a_j column j of the CSC matrix
 * (cd, ci, cp; n rows, p columns), r (n,) a row scale (NULL: ones) and mu
 * (p,) column offsets (NULL: zeros). y (n,) is the centred target. The same
 * sweeps (cyclic, or random with seed: each update draws its feature from the
 * features still active, as scikit-learn's selection="random") and
 * duality-gap stop (<= tol ||y||^2) as fm_enet_cd_f64, plus Gap Safe
 * screening at every gap check (l1 > 0): features proven inactive leave the
 * sweeps. No sweep when the start already meets the gap (n_iter 0).
 * w is the start and the result. Sequential (nthreads unused). */
FM_API int fm_sparse_enet_cd_f64_i32(double *w, int64_t *n_iter, double *gap, const double *cd,
                                    const int32_t *ci, const int32_t *cp, const double *mu,
                                    const double *r, const double *y, double l1, double l2,
                                    double tol, int64_t max_iter, int positive, int random,
                                    uint32_t seed, int64_t n, int64_t p, int nthreads);
FM_API int fm_sparse_enet_cd_f64_i64(double *w, int64_t *n_iter, double *gap, const double *cd,
                                    const int64_t *ci, const int64_t *cp, const double *mu,
                                    const double *r, const double *y, double l1, double l2,
                                    double tol, int64_t max_iter, int positive, int random,
                                    uint32_t seed, int64_t n, int64_t p, int nthreads);

/* One epoch of plain per-sample SGD on the rows of a CSR matrix (xd, xi, xp;
 * p columns), visiting rows order[0 .. n_order) (sparse_sgd.c). The model is
 * state[0] * w + state[1]; state = [wscale, intercept, t, u] and q (p,) (the
 * L1 penalty already applied) are updated in place with w. loss, penalty and
 * schedule are the codes of fastml._kernels.reference.sgd (LOSSES, PENALTIES,
 * SCHEDULES); the L2 decay scales wscale, the step and the L1 truncation touch
 * the row's stored features only; the intercept step is multiplied by
 * intercept_decay. *sumloss gets the epoch's summed loss (before each update).
 * Sequential (nthreads unused). */
FM_API int fm_sparse_sgd_epoch_f64_i32(double *sumloss, double *w, double *q, double *state,
                                       const double *xd, const int32_t *xi, const int32_t *xp,
                                       const double *y, const double *sw, const int64_t *order,
                                       int64_t n_order, int loss, double eps, int penalty,
                                       double alpha, double l1_ratio, int schedule, double eta0,
                                       double power_t, double optimal_init, int fit_intercept,
                                       double intercept_decay, int64_t p, int nthreads);
FM_API int fm_sparse_sgd_epoch_f64_i64(double *sumloss, double *w, double *q, double *state,
                                       const double *xd, const int64_t *xi, const int64_t *xp,
                                       const double *y, const double *sw, const int64_t *order,
                                       int64_t n_order, int loss, double eps, int penalty,
                                       double alpha, double l1_ratio, int schedule, double eta0,
                                       double power_t, double optimal_init, int fit_intercept,
                                       double intercept_decay, int64_t p, int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_SPARSE_H */
