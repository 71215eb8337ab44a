/* fastml.h -- every exported fm_* prototype, grouped by kernel family.
 *
 * Conventions (DESIGN.md):
 *   - plain C11, no Python.h; arrays are C-contiguous unless a leading
 *     dimension (ld*) is given; sizes are int64_t;
 *   - outputs first, then inputs, then sizes and options; gradients are
 *     prefixed `d`;
 *   - kernels trust their inputs (validated once at the Python edge) and
 *     return 0 on success or a negative FM_E* status;
 *   - float32 and float64 variants are generated from one template (_f32/_f64).
 */
#ifndef FASTML_H
#define FASTML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FM_BUILDING_LIB)
#define FM_API __attribute__((visibility("default")))
#else
#define FM_API
#endif

/* ---- status codes ------------------------------------------------------ */
#define FM_OK 0
#define FM_ENOMEM (-1)
#define FM_EINVAL (-2)
#define FM_ENOBLAS (-3)

/* ---- runtime: dispatch, threads, BLAS (dispatch.c, blas.c) ------------- */
/* ISA levels, lowest first. A family runs at min(fm_cpu_level(), its max). */
#define FM_LEVEL_BASELINE 0
#define FM_LEVEL_AVX2 1
#define FM_LEVEL_AVX512 2

/* SIMD kernel families; add one line here and one in dispatch.c per family. */
enum fm_family {
    FM_FAM_DISTANCE = 0,
    FM_FAM_RECURRENT,
    FM_FAM_POOL2D,
    FM_FAM_BATCHNORM,
    FM_FAM_KMEANS,
    FM_FAM_ACTIVATION, /* nn-core: activations, softmax, cross-entropy rows */
    FM_FAM_DROPOUT,
    FM_FAM_DENSE, /* small-batch fully connected kernels */
    FM_FAM_NEIGHBORS,
    FM_FAM_LINEAR, /* elastic-net coordinate descent */
    FM_FAM_GEMM,   /* own float32 GEMM (gemm_simd.c) */
    FM_FAM_COUNT
};

FM_API void fm_init(void);                 /* idempotent; reads FASTML_DISABLE_CPU_FEATURES */
FM_API int fm_cpu_level(void);             /* effective level after the environment mask */
FM_API int fm_cpu_level_hw(void);          /* what the CPU (and OS) support */
FM_API int fm_set_cpu_level(int level);    /* for tests: clamp to hw, returns the level set */
FM_API int fm_family_level(int family);    /* level a family dispatches to now */
FM_API int fm_family_count(void);
FM_API const char *fm_family_name(int family);
FM_API const char *fm_level_name(int level);

FM_API int fm_have_openmp(void);
FM_API int fm_get_num_threads(void);
FM_API void fm_set_num_threads(int n);     /* n <= 0 resets to the OpenMP default */
/* Threads to use for a loop doing about `work` scalar operations: 1 below a
 * threshold (parallel start-up costs more than it saves), else the setting. */
FM_API int fm_threads_for(double work);
FM_API const char *fm_compiler(void);

/* BLAS is borrowed, never linked: fastml._kernels._runtime hands over either
 * the ILP64 CBLAS gemm of the OpenBLAS bundled with NumPy (preferred: one BLAS
 * thread pool shared with NumPy's own matmul) or, failing that, the Fortran
 * (LP64) gemm from SciPy's cython_blas. Setting one source clears the other. */
typedef void (*fm_cblas_sgemm64_fn)(int order, int ta, int tb, int64_t M, int64_t N, int64_t K,
                                    float alpha, const float *A, int64_t lda, const float *B,
                                    int64_t ldb, float beta, float *C, int64_t ldc);
typedef void (*fm_cblas_dgemm64_fn)(int order, int ta, int tb, int64_t M, int64_t N, int64_t K,
                                    double alpha, const double *A, int64_t lda, const double *B,
                                    int64_t ldb, double beta, double *C, int64_t ldc);
/* set_local: OpenBLAS's openblas_set_num_threads_local (NULL if absent). With
 * it, fm_gemm_* runs BLAS single-threaded on row/column blocks inside fastml's
 * own OpenMP team (fm_set_num_threads governs it), so no second thread pool
 * spins against fastml's threads between kernels. */
typedef int (*fm_blas_set_threads_local_fn)(int n);
FM_API void fm_set_cblas64(fm_cblas_sgemm64_fn sgemm, fm_cblas_dgemm64_fn dgemm,
                           fm_blas_set_threads_local_fn set_local);
typedef void (*fm_sgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                            const float *, const float *, const int *, const float *, const int *,
                            const float *, float *, const int *);
typedef void (*fm_dgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                            const double *, const double *, const int *, const double *,
                            const int *, const double *, double *, const int *);
FM_API void fm_set_blas(fm_sgemm_fn sgemm, fm_dgemm_fn dgemm);
FM_API int fm_have_blas(void);
/* Row-major C[M,N] = alpha * op(A) op(B) + beta * C, op(X) = X or X^T (trans != 0).
 * A is M x K (K x M if transposed) with leading dimension lda; likewise B. */
FM_API int fm_gemm_f32(int transa, int transb, int64_t M, int64_t N, int64_t K, float alpha,
                       const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                       float *C, int64_t ldc);
FM_API int fm_gemm_f64(int transa, int transb, int64_t M, int64_t N, int64_t K, double alpha,
                       const double *A, int64_t lda, const double *B, int64_t ldb, double beta,
                       double *C, int64_t ldc);

/* ---- own float32 GEMM (gemm.c, gemm_simd.c) ------------------------------ */
/* Packed-panel SGEMM with a register-blocked micro-kernel per ISA level (see
 * gemm_simd.c for the layouts). B is packed through a callback so callers can
 * pack from any source (convolution packs straight from the image). */
typedef struct {
    const float *b;
    int64_t rs, cs; /* element (k, j) at b[k*rs + j*cs] */
} fm_sgemm_bmat;
typedef void (*fm_sgemm_packb_fn)(float *bp, const void *ctx, int64_t k0, int64_t kc, int64_t j0,
                                  int64_t nc);
typedef struct {
    int mr, nr, vl; /* micro-tile rows, columns; vector length in floats */
    int64_t buf_floats; /* floats of B-block buffer fm_sgemm_run needs */
    void (*pack_a)(float *ap, const float *a, int64_t rs, int64_t cs, int64_t M, int64_t K,
                   float alpha);
    fm_sgemm_packb_fn pack_b_strided; /* ctx: fm_sgemm_bmat */
    /* C[:, n0:n1] = packedA @ B[:, n0:n1] + beta C (one thread) */
    void (*run)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                fm_sgemm_packb_fn packb, const void *bctx, float *bbuf, float *C, int64_t ldc,
                float beta, const float *bias);
    /* Stride-1 convolution kernels reading B in place (gemm_simd.c):
     * direct: C (M, N) = packed A @ Bd + bias, Bd[k, j] = base[off[k] + j] (read up to
     *         column N rounded up to nr);
     * dot:    C[i, j] = sum_t sum_l A[t*astr + i*lda + l] base[t*bstr + off[j] + l]
     *         + beta C[i, j] over nimg images, L % vl == 0. */
    void (*direct)(int64_t M, int64_t N, int64_t K, const float *ap, const float *base,
                   const int64_t *off, float *C, int64_t ldc, const float *bias);
    void (*dot)(int64_t M, int64_t N, int64_t L, int64_t nimg, const float *A, int64_t lda,
                int64_t astr, const float *base, int64_t bstr, const int64_t *off, float *C,
                int64_t ldc, float beta);
    /* B packed once for many products: pack_b_all packs columns [j0, j1) of all K
     * (Np = N rounded up to nr floats per k; block at k0 starts at bp + k0*Np);
     * run_packed is run() on it with C pointing at column n0. */
    void (*pack_b_all)(float *bp, fm_sgemm_packb_fn packb, const void *bctx, int64_t K,
                       int64_t N, int64_t j0, int64_t j1);
    void (*run_packed)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                       const float *bp, int64_t N, float *C, int64_t ldc, float beta);
    /* direct() for M <= nmr rows with A unpacked (row i at a + i*lda); reads Bd up to
     * column N rounded up to 4 vectors. */
    int nmr;
    void (*direct_narrow)(int64_t M, int64_t N, int64_t K, const float *a, int64_t lda,
                          const float *base, const int64_t *off, float *C, int64_t ldc,
                          const float *bias);
    /* run_packed for K <= kc that stores a row's NR-column tile only when one of its
     * values is <= thr[row] and flags it in hit[row * panels + panel] (search keys). */
    int kc;
    void (*run_filter)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                       const float *bp, float *C, int64_t ldc, const float *thr,
                       unsigned char *hit);
} fm_sgemm_impl;
/* The implementation for the current CPU level. */
FM_API const fm_sgemm_impl *fm_sgemm_get(void);
/* Floats of packed A for an M x K operand at the current level. */
FM_API int64_t fm_sgemm_packed_a_floats(int64_t M, int64_t K);
/* This thread's B-block buffer (kept between calls; NULL if out of memory). */
FM_API float *fm_sgemm_thread_buf(void);
/* fm_gemm_f32 semantics on the own kernels, threaded over fastml's OpenMP team. */
FM_API int fm_sgemm_own(int transa, int transb, int64_t M, int64_t N, int64_t K, float alpha,
                        const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                        float *C, int64_t ldc);

/* ---- pairwise distances (distance.c, distance_simd.c) ------------------- */
/* metric ids; minkowski takes p (>= 1, finite; p = 1, 2, inf map to the
 * dedicated metrics at the API). Hamming is the fraction of differing features. */
enum fm_metric {
    FM_METRIC_EUCLIDEAN = 0,
    FM_METRIC_SQEUCLIDEAN = 1,
    FM_METRIC_MANHATTAN = 2,
    FM_METRIC_CHEBYSHEV = 3,
    FM_METRIC_MINKOWSKI = 4,
    FM_METRIC_COSINE = 5,
    FM_METRIC_HAMMING = 6
};

/* out[n, m] = dist(X[i, :], Y[j, :]); X is n x d, Y is m x d.
 * `same` != 0 says X and Y are the same array (exact zeros on the diagonal).
 * Euclidean-type metrics use BLAS (norm expansion, cancellation-checked) when
 * d is large enough; everything else the SIMD direct kernels. */
FM_API int fm_pairwise_f32(float *out, const float *X, const float *Y, int64_t n, int64_t m,
                           int64_t d, int metric, double p, int same);
FM_API int fm_pairwise_f64(double *out, const double *X, const double *Y, int64_t n, int64_t m,
                           int64_t d, int metric, double p, int same);
/* The direct (no BLAS) kernel on its own, for every metric but cosine. */
FM_API int fm_pairwise_direct_f32(float *out, const float *X, const float *Y, int64_t n,
                                  int64_t m, int64_t d, int metric, double p);
FM_API int fm_pairwise_direct_f64(double *out, const double *X, const double *Y, int64_t n,
                                  int64_t m, int64_t d, int metric, double p);
/* Row squared norms: out[i] = sum_k X[i,k]^2. */
FM_API void fm_sqnorms_f32(float *out, const float *X, int64_t n, int64_t d);
FM_API void fm_sqnorms_f64(double *out, const double *X, int64_t n, int64_t d);

/* ---- recurrent layers: LSTM and vanilla RNN (recurrent.c, recurrent_simd.c) */
/* One layer, one direction, time-major rows (row t*B + b). G = 4 (LSTM gates
 * i, f, g, o) or 1 (RNN): x (T*B, I), w_ih (G*H, I), w_hh (G*H, H),
 * bias (G*H) = b_ih + b_hh or NULL, h0/c0 (B, H), y (T*B, H) = h_1..h_T.
 * LSTM forward also writes c_all (T*B, H) and activated gates (T*B, 4H) for the
 * backward. Backward writes (not accumulates) all gradients; dx and dbias may be
 * NULL (not needed), dhn/dcn may be NULL (zero); work is scratch of (T*B, G*H)
 * elements or NULL (allocated per call). Needs BLAS. relu != 0 selects
 * ReLU instead of tanh for the RNN. */
FM_API int fm_lstm_forward_f32(float *y, float *c_all, float *gates, const float *x,
                               const float *h0, const float *c0, const float *w_ih,
                               const float *w_hh, const float *bias, int64_t T, int64_t B,
                               int64_t I, int64_t H);
FM_API int fm_lstm_forward_f64(double *y, double *c_all, double *gates, const double *x,
                               const double *h0, const double *c0, const double *w_ih,
                               const double *w_hh, const double *bias, int64_t T, int64_t B,
                               int64_t I, int64_t H);
FM_API int fm_lstm_backward_f32(float *dx, float *dh0, float *dc0, float *dw_ih, float *dw_hh,
                                float *dbias, float *work, const float *dy, const float *dhn,
                                const float *dcn, const float *x, const float *h0,
                                const float *c0, const float *w_ih, const float *w_hh,
                                const float *y, const float *c_all, const float *gates,
                                int64_t T, int64_t B, int64_t I, int64_t H);
FM_API int fm_lstm_backward_f64(double *dx, double *dh0, double *dc0, double *dw_ih,
                                double *dw_hh, double *dbias, double *work, const double *dy,
                                const double *dhn, const double *dcn, const double *x,
                                const double *h0, const double *c0, const double *w_ih,
                                const double *w_hh, const double *y, const double *c_all,
                                const double *gates, int64_t T, int64_t B, int64_t I,
                                int64_t H);
FM_API int fm_rnn_forward_f32(float *y, const float *x, const float *h0, const float *w_ih,
                              const float *w_hh, const float *bias, int64_t T, int64_t B,
                              int64_t I, int64_t H, int relu);
FM_API int fm_rnn_forward_f64(double *y, const double *x, const double *h0, const double *w_ih,
                              const double *w_hh, const double *bias, int64_t T, int64_t B,
                              int64_t I, int64_t H, int relu);
FM_API int fm_rnn_backward_f32(float *dx, float *dh0, float *dw_ih, float *dw_hh, float *dbias,
                               float *work, const float *dy, const float *dhn, const float *x,
                               const float *h0, const float *w_ih, const float *w_hh,
                               const float *y, int64_t T, int64_t B, int64_t I, int64_t H,
                               int relu);
FM_API int fm_rnn_backward_f64(double *dx, double *dh0, double *dw_ih, double *dw_hh,
                               double *dbias, double *work, const double *dy, const double *dhn,
                               const double *x, const double *h0, const double *w_ih,
                               const double *w_hh, const double *y, int64_t T, int64_t B,
                               int64_t I, int64_t H, int relu);

/* ---- conv2d (conv2d.c) --------------------------------------------------- */
/* NCHW cross-correlation, x (N, C, H, W), w (K, C/groups, R, S), b (K) or NULL,
 * y (N, K, OH, OW), OH = (H + 2*pad_h - dil_h*(R-1) - 1) / stride_h + 1 (>= 1).
 * im2col panels of several images + BLAS (needs fm_set_blas). Backward writes
 * (not accumulates) dx, dw, db; each may be NULL (not needed). */
typedef struct {
    int64_t N, C, H, W, K, R, S, OH, OW;
    int64_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups;
} fm_conv2d_geom;
FM_API int fm_conv2d_forward_f32(float *y, const float *x, const float *w, const float *b,
                                 const fm_conv2d_geom *g);
FM_API int fm_conv2d_forward_f64(double *y, const double *x, const double *w, const double *b,
                                 const fm_conv2d_geom *g);
FM_API int fm_conv2d_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                  const float *x, const float *w, const fm_conv2d_geom *g);
FM_API int fm_conv2d_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                  const double *x, const double *w, const fm_conv2d_geom *g);

/* ---- 2-D pooling (pool2d.c, pool2d_simd.c) ------------------------------- */
/* x (NC, H, W) planes -> y (NC, OH, OW); padding counts as -inf (max) or 0
 * (avg). argmax (NC, OH, OW) int32 = ih*W + iw inside the plane; the first
 * maximum in row-major window order wins, a NaN is the maximum (first NaN).
 * avg divides by kh*kw (count_include_pad) or by the in-bounds count.
 * Backward writes all of dx. Global average pooling: x (NC, L) -> y (NC). */
typedef struct {
    int64_t NC, H, W, OH, OW, kh, kw, stride_h, stride_w, pad_h, pad_w;
} fm_pool2d_geom;
FM_API int fm_maxpool2d_forward_f32(float *y, int32_t *argmax, const float *x,
                                    const fm_pool2d_geom *g);
FM_API int fm_maxpool2d_forward_f64(double *y, int32_t *argmax, const double *x,
                                    const fm_pool2d_geom *g);
FM_API int fm_maxpool2d_backward_f32(float *dx, const float *dy, const int32_t *argmax,
                                     const fm_pool2d_geom *g);
FM_API int fm_maxpool2d_backward_f64(double *dx, const double *dy, const int32_t *argmax,
                                     const fm_pool2d_geom *g);
FM_API int fm_avgpool2d_forward_f32(float *y, const float *x, const fm_pool2d_geom *g,
                                    int count_include_pad);
FM_API int fm_avgpool2d_forward_f64(double *y, const double *x, const fm_pool2d_geom *g,
                                    int count_include_pad);
FM_API int fm_avgpool2d_backward_f32(float *dx, const float *dy, const fm_pool2d_geom *g,
                                     int count_include_pad);
FM_API int fm_avgpool2d_backward_f64(double *dx, const double *dy, const fm_pool2d_geom *g,
                                     int count_include_pad);
FM_API int fm_global_avgpool_forward_f32(float *y, const float *x, int64_t NC, int64_t L);
FM_API int fm_global_avgpool_forward_f64(double *y, const double *x, int64_t NC, int64_t L);
FM_API int fm_global_avgpool_backward_f32(float *dx, const float *dy, int64_t NC, int64_t L);
FM_API int fm_global_avgpool_backward_f64(double *dx, const double *dy, int64_t NC, int64_t L);

/* ---- batch norm (batchnorm.c, batchnorm_simd.c) -------------------------- */
/* x viewed as (N, C, L), L = H*W (1 for (N, C) input); statistics per channel
 * over N*L values, two-pass with float64 accumulation. Training: writes y,
 * save_mean, save_invstd = 1/sqrt(biased var + eps) (C each, float64 so that
 * the backward sees the exact statistics) and, when running_mean/var are not
 * NULL, updates them in place with momentum (unbiased var). weight/bias may be
 * NULL (1 / 0). Backward: mean/invstd are the saved statistics (training) or
 * running mean and 1/sqrt(running var + eps) (eval); writes dx, dweight,
 * dbias, each may be NULL. */
FM_API int fm_batchnorm_forward_train_f32(float *y, double *save_mean, double *save_invstd,
                                          float *running_mean, float *running_var,
                                          const float *x, const float *weight, const float *bias,
                                          int64_t N, int64_t C, int64_t L, double momentum,
                                          double eps);
FM_API int fm_batchnorm_forward_train_f64(double *y, double *save_mean, double *save_invstd,
                                          double *running_mean, double *running_var,
                                          const double *x, const double *weight,
                                          const double *bias, int64_t N, int64_t C, int64_t L,
                                          double momentum, double eps);
FM_API int fm_batchnorm_forward_eval_f32(float *y, const float *x, const double *mean,
                                         const double *invstd, const float *weight,
                                         const float *bias, int64_t N, int64_t C, int64_t L);
FM_API int fm_batchnorm_forward_eval_f64(double *y, const double *x, const double *mean,
                                         const double *invstd, const double *weight,
                                         const double *bias, int64_t N, int64_t C, int64_t L);
FM_API int fm_batchnorm_backward_f32(float *dx, float *dweight, float *dbias, const float *dy,
                                     const float *x, const double *mean, const double *invstd,
                                     const float *weight, int64_t N, int64_t C, int64_t L,
                                     int training);
FM_API int fm_batchnorm_backward_f64(double *dx, double *dweight, double *dbias,
                                     const double *dy, const double *x, const double *mean,
                                     const double *invstd, const double *weight, int64_t N,
                                     int64_t C, int64_t L, int training);

/* ---- k-means (kmeans.c, kmeans_simd.c) ---------------------------------- */
/* One Lloyd step. X is n x d, XT its d x n transpose or NULL (callers that
 * iterate pass it once: the SIMD search then loads lanes without transposing),
 * C is k x d, sw (n) sample weights or NULL (= 1).
 * Out: labels[n] (nearest centre, lowest index on ties), mind[n] (its squared
 * distance), *inertia = sum_i sw_i mind_i; if `update` != 0 also
 * sums[k, d] = sum over rows assigned to c of sw_i x_i and wsum[k] = their
 * weight (float64 for both dtypes). Bitwise independent of the thread count. */
FM_API int fm_kmeans_step_f32(double *sums, double *wsum, double *inertia, int32_t *labels,
                              float *mind, const float *X, const float *XT, const float *sw,
                              const float *C, int64_t n, int64_t d, int64_t k, int update);
FM_API int fm_kmeans_step_f64(double *sums, double *wsum, double *inertia, int32_t *labels,
                              double *mind, const double *X, const double *XT, const double *sw,
                              const double *C, int64_t n, int64_t d, int64_t k, int update);
/* Lloyd iterations from the initial `centers` (k x d, updated in place) until
 * the labels stop changing, the squared centre shift is <= tol, or max_iter
 * (>= 1) steps; then a final assignment to the final centres. Empty clusters
 * are re-seeded with the points farthest from their centres (as
 * scikit-learn). Out: labels[n], mind[n], *inertia, *n_iter. XT, sw as above. */
FM_API int fm_kmeans_lloyd_f32(float *centers, int32_t *labels, float *mind, double *inertia,
                               int64_t *n_iter, const float *X, const float *XT, const float *sw,
                               int64_t n, int64_t d, int64_t k, int64_t max_iter, double tol);
FM_API int fm_kmeans_lloyd_f64(double *centers, int32_t *labels, double *mind, double *inertia,
                               int64_t *n_iter, const double *X, const double *XT,
                               const double *sw, int64_t n, int64_t d, int64_t k,
                               int64_t max_iter, double tol);

/* ---- decision trees (tree.c) --------------------------------------------- */
enum fm_tree_criterion { FM_CRIT_GINI = 0, FM_CRIT_ENTROPY = 1, FM_CRIT_MSE = 2 };

/* A grown tree as flat node arrays (n_nodes entries each; value has n_values
 * per node). feature = -1 marks a leaf; an inner node sends a sample left iff
 * its bin code <= bin (the caller maps bins to thresholds). value holds the
 * weighted class counts (classification) or the weighted mean (regression). */
typedef struct fm_tree {
    int64_t n_nodes, capacity, n_values, max_depth;
    int32_t *feature, *bin; /* bin = -1: split refined on raw values */
    int64_t *left, *right, *n_samples;
    double *impurity, *weighted_n, *value, *threshold; /* threshold -2 at leaves */
} fm_tree;

/* Grow a tree on binned features Xb (d x n, column-major uint8 codes; feature
 * f's sorted bin upper edges are edges[eoff[f]:eoff[f+1]], at most 255),
 * targets y (class index 0..n_classes-1 as double, or the regression target),
 * weights w (n, or NULL = 1; rows with w == 0 are left out). Xf (d x n raw
 * values as float64) and refine[d] (1 = more distinct values than bins) may be
 * NULL; with them a chosen edge is refined exactly on raw values.
 * criterion: FM_CRIT_*; max_features: features (non-constant in the node)
 * evaluated per node, drawn in random order from `seed`. On success the caller
 * owns *tree and releases it with fm_tree_free. No threads, no Python. */
FM_API int fm_tree_build(fm_tree *tree, const uint8_t *Xb, const double *edges,
                         const int64_t *eoff, const double *Xf, const uint8_t *refine,
                         const double *y, const double *w, int64_t n, int64_t d, int criterion,
                         int64_t n_classes,
                         int64_t max_depth, int64_t min_samples_split, int64_t min_samples_leaf,
                         double min_weight_leaf, int64_t max_features,
                         double min_impurity_decrease, uint64_t seed);
FM_API void fm_tree_free(fm_tree *tree);
/* out[i] = leaf reached by row i of X (n x d): left iff x[feature] <= threshold. */
FM_API int fm_tree_apply_f32(int64_t *out, const float *X, int64_t n, int64_t d,
                             const int32_t *feature, const double *threshold, const int64_t *left,
                             const int64_t *right);
FM_API int fm_tree_apply_f64(int64_t *out, const double *X, int64_t n, int64_t d,
                             const int32_t *feature, const double *threshold, const int64_t *left,
                             const int64_t *right);
/* out[f*n + i] = number of edges of feature f below X[i, f] (uint8 bin codes,
 * column-major); feature f's sorted edges are edges[offsets[f]:offsets[f+1]],
 * at most 255 per feature. */
FM_API int fm_tree_bin_f32(uint8_t *out, const float *X, int64_t n, int64_t d,
                           const double *edges, const int64_t *offsets);
FM_API int fm_tree_bin_f64(uint8_t *out, const double *X, int64_t n, int64_t d,
                           const double *edges, const int64_t *offsets);

/* ---- nn core: activations, losses, dropout, dense (activation.c, loss.c,
 * dropout.c, dense.c; SIMD in activation_simd.c, dropout_simd.c) ---------- */
/* Element-wise activations on n elements. kind: 0 relu, 1 leaky relu (alpha =
 * negative slope), 2 elu (alpha), 3 sigmoid, 4 tanh. Backward reads x (leaky,
 * elu) and/or y = forward output (relu, elu, sigmoid, tanh); the unused one may
 * be NULL. */
FM_API int fm_activation_forward_f32(float *y, const float *x, int64_t n, int kind, double alpha);
FM_API int fm_activation_forward_f64(double *y, const double *x, int64_t n, int kind,
                                     double alpha);
FM_API int fm_activation_backward_f32(float *dx, const float *dy, const float *x, const float *y,
                                      int64_t n, int kind, double alpha);
FM_API int fm_activation_backward_f64(double *dx, const double *dy, const double *x,
                                      const double *y, int64_t n, int kind, double alpha);
/* Row-wise (rows x c) softmax, or log-softmax when log_ != 0; max-shifted. */
FM_API int fm_softmax_forward_f32(float *y, const float *x, int64_t rows, int64_t c, int log_);
FM_API int fm_softmax_forward_f64(double *y, const double *x, int64_t rows, int64_t c, int log_);
FM_API int fm_softmax_backward_f32(float *dx, const float *dy, const float *y, int64_t rows,
                                   int64_t c, int log_);
FM_API int fm_softmax_backward_f64(double *dx, const double *dy, const double *y, int64_t rows,
                                   int64_t c, int log_);
/* Cross-entropy with class indices t (rows) in [0, c): loss[r] = lse[r] -
 * x[r, t[r]]. Backward: dx[r, j] = dloss[r*dstride] (softmax(x)[r, j] - [j == t[r]]). */
FM_API int fm_cross_entropy_forward_f32(float *loss, float *lse, const float *x,
                                        const int64_t *t, int64_t rows, int64_t c);
FM_API int fm_cross_entropy_forward_f64(double *loss, double *lse, const double *x,
                                        const int64_t *t, int64_t rows, int64_t c);
FM_API int fm_cross_entropy_backward_f32(float *dx, const float *dloss, int64_t dstride,
                                         const float *x, const float *lse, const int64_t *t,
                                         int64_t rows, int64_t c);
FM_API int fm_cross_entropy_backward_f64(double *dx, const double *dloss, int64_t dstride,
                                         const double *x, const double *lse, const int64_t *t,
                                         int64_t rows, int64_t c);
/* Weighted / smoothed cross-entropy (t in [0, c); ignored rows are masked by the
 * caller): forward as above plus wlp[r] = sum_j w[j] (x[r, j] - lse[r]) (w NULL:
 * weights 1; wlp NULL: skipped). Backward: dx[r, j] = alpha[r] softmax(x)[r, j] -
 * gamma[r] w[j], then dx[r, t[r]] -= beta[r]. */
FM_API int fm_cross_entropy_forward_ex_f32(float *loss, float *lse, float *wlp, const float *x,
                                           const int64_t *t, const float *w, int64_t rows,
                                           int64_t c);
FM_API int fm_cross_entropy_forward_ex_f64(double *loss, double *lse, double *wlp,
                                           const double *x, const int64_t *t, const double *w,
                                           int64_t rows, int64_t c);
FM_API int fm_cross_entropy_backward_ex_f32(float *dx, const float *alpha, const float *beta,
                                            const float *gamma, const float *w, const float *x,
                                            const float *lse, const int64_t *t, int64_t rows,
                                            int64_t c);
FM_API int fm_cross_entropy_backward_ex_f64(double *dx, const double *alpha,
                                            const double *beta, const double *gamma,
                                            const double *w, const double *x, const double *lse,
                                            const int64_t *t, int64_t rows, int64_t c);
/* Element-wise losses (ids in loss.c): per element, summed (double, fixed
 * block order), and dx = dloss/dx * dout[i*dstride]. */
FM_API int fm_loss_pointwise_f32(float *out, const float *x, const float *y, int64_t n, int kind,
                                 double param);
FM_API int fm_loss_pointwise_f64(double *out, const double *x, const double *y, int64_t n,
                                 int kind, double param);
FM_API int fm_loss_pointwise_sum_f32(double *out, const float *x, const float *y, int64_t n,
                                     int kind, double param);
FM_API int fm_loss_pointwise_sum_f64(double *out, const double *x, const double *y, int64_t n,
                                     int kind, double param);
FM_API int fm_loss_pointwise_backward_f32(float *dx, const float *dout, int64_t dstride,
                                          const float *x, const float *y, int64_t n, int kind,
                                          double param);
FM_API int fm_loss_pointwise_backward_f64(double *dx, const double *dout, int64_t dstride,
                                          const double *x, const double *y, int64_t n, int kind,
                                          double param);
/* Inverted dropout, 0 < p < 1: counter-based mask from (key, index). */
FM_API int fm_dropout_forward_f32(float *y, const float *x, int64_t n, double p, uint64_t key);
FM_API int fm_dropout_forward_f64(double *y, const double *x, int64_t n, double p, uint64_t key);
FM_API int fm_dropout_backward_f32(float *dx, const float *dy, int64_t n, double p, uint64_t key);
FM_API int fm_dropout_backward_f64(double *dx, const double *dy, int64_t n, double p,
                                   uint64_t key);
/* Dense: y (n, out) = x (n, in) w^T (w is (out, in)) + b, act -1 none / 0 relu.
 * Backward writes dx, dw, db (each may be NULL); y is read when act == relu. */
FM_API int fm_linear_forward_f32(float *y, const float *x, const float *w, const float *b,
                                 int64_t n, int64_t in, int64_t out, int act);
FM_API int fm_linear_forward_f64(double *y, const double *x, const double *w, const double *b,
                                 int64_t n, int64_t in, int64_t out, int act);
FM_API int fm_linear_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                  const float *x, const float *w, const float *y, int64_t n,
                                  int64_t in, int64_t out, int act);
FM_API int fm_linear_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                  const double *x, const double *w, const double *y, int64_t n,
                                  int64_t in, int64_t out, int act);

/* ---- nearest neighbours: k-d tree (kdtree.c, kdtree_simd.c), brute force
 * (knn.c, knn_simd.c). Metrics: euclidean, sqeuclidean, manhattan, chebyshev,
 * minkowski (p >= 1). Tie rule: results are ordered by (distance, training
 * index); among equal distances the lower index comes first. ---------------- */
/* A built tree (arrays owned by the caller; see kdtree.c for the layout). */
typedef struct {
    const void *data;     /* T[n*d + 64]: tree order, leaves feature-major, spare tail */
    const int64_t *idx;   /* [n]: tree position -> training row */
    const int64_t *nodes; /* [nnodes*4]: start, end, right child (0: leaf), split dim */
    const void *splits;   /* T[nnodes*2]: left child's max, right child's min on dim */
    const void *bounds;   /* T[nnodes*2*d]: tight box per node (lo row, hi row) */
    int64_t n, d, nnodes, max_leaf;
} fm_kdtree;
FM_API int64_t fm_kdtree_node_count(int64_t n, int64_t leaf_size);
FM_API int64_t fm_kdtree_max_leaf(int64_t n, int64_t leaf_size);
FM_API int fm_kdtree_build_f32(float *data, int64_t *idx, int64_t *nodes, float *splits,
                               float *bounds, const float *X, int64_t n, int64_t d,
                               int64_t leaf_size);
FM_API int fm_kdtree_build_f64(double *data, int64_t *idx, int64_t *nodes, double *splits,
                               double *bounds, const double *X, int64_t n, int64_t d,
                               int64_t leaf_size);
/* dist (nq, k) may be NULL; ind (nq, k); rows sorted by (distance, index). */
FM_API int fm_kdtree_query_f32(float *dist, int64_t *ind, const fm_kdtree *t, const float *Q,
                               int64_t nq, int64_t k, int metric, double p);
FM_API int fm_kdtree_query_f64(double *dist, int64_t *ind, const fm_kdtree *t, const double *Q,
                               int64_t nq, int64_t k, int metric, double p);
/* Count pass (counts != NULL) or fill pass at offsets (nq + 1 prefix sums);
 * r holds nr = 1 or nq radii; dist may be NULL unless sort. */
FM_API int fm_kdtree_radius_f32(int64_t *counts, int64_t *ind, float *dist,
                                const int64_t *offsets, const fm_kdtree *t, const float *Q,
                                int64_t nq, const double *r, int64_t nr, int metric, double p,
                                int sort);
FM_API int fm_kdtree_radius_f64(int64_t *counts, int64_t *ind, double *dist,
                                const int64_t *offsets, const fm_kdtree *t, const double *Q,
                                int64_t nq, const double *r, int64_t nr, int metric, double p,
                                int sort);
/* Exact brute-force k nearest: dist, ind (nq, k) sorted by (distance, index).
 * Euclidean-type metrics use tiled BLAS (norm expansion) to pick candidates,
 * then recompute them with the direct formula. Never holds more than one
 * (query tile x database tile) block of distances. */
FM_API int fm_knn_brute_f32(float *dist, int64_t *ind, const float *Q, int64_t nq,
                            const float *X, int64_t n, int64_t d, int64_t k, int metric,
                            double p);
FM_API int fm_knn_brute_f64(double *dist, int64_t *ind, const double *Q, int64_t nq,
                            const double *X, int64_t n, int64_t d, int64_t k, int metric,
                            double p);

/* ---- linear models (linear.c, linear_simd.c) ------------------------------ */
/* Elastic-net coordinate descent on centred data, one target: minimises
 * 0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2 with XT = X^T (p, n)
 * row-major; w (p,) is the start and the result. Stops on the duality gap
 * (<= tol ||y||^2) like the NumPy twin; writes the sweeps run and the gap. */
FM_API int fm_enet_cd_f64(double *w, int64_t *n_iter, double *gap, const double *XT,
                          const double *y, double l1, double l2, double tol, int64_t max_iter,
                          int positive, int64_t n, int64_t p);

/* ---- fused optimizer updates (optim.c), in place on flat parameter arrays -- */
/* Adam/AdamW (decoupled != 0: p *= 1 - lr wd first; else g += wd p), torch.optim's
 * rule with step_size = lr / (1 - b1^t), inv_bc2_sqrt = 1 / sqrt(1 - b2^t); vmax is
 * the amsgrad state or NULL. SGD: buf is the momentum buffer or NULL (no
 * momentum); first != 0 initialises it with the gradient. */
FM_API int fm_adam_f32(float *p, float *m, float *v, float *vmax, const float *g, int64_t n,
                       double lr, double beta1, double beta2, double eps, double wd,
                       int decoupled, double step_size, double inv_bc2_sqrt);
FM_API int fm_adam_f64(double *p, double *m, double *v, double *vmax, const double *g,
                       int64_t n, double lr, double beta1, double beta2, double eps, double wd,
                       int decoupled, double step_size, double inv_bc2_sqrt);
FM_API int fm_sgd_f32(float *p, float *buf, const float *g, int64_t n, double lr,
                      double momentum, double dampening, double wd, int nesterov, int first);
FM_API int fm_sgd_f64(double *p, double *buf, const double *g, int64_t n, double lr,
                      double momentum, double dampening, double wd, int nesterov, int first);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_H */
