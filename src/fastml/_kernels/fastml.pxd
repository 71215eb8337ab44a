# fastml.pxd -- the one Cython declaration of fastml's C API.
#
# Every _kernels/_<stem>.pyx cimports what it needs from here (`from fastml._kernels.fastml
# cimport ...`); no .pyx declares C prototypes itself. One section per header of csrc/,
# in the order of csrc/families.def after the runtime. Entry points that run threads take
# `int nthreads` last.
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t

cdef extern from "fastml.h" nogil:
    void fm_init()
    int fm_cpu_level()
    int fm_cpu_level_hw()
    int fm_set_cpu_level(int level)
    int fm_family_level(int family)
    int fm_family_count()
    const char *fm_family_name(int family)
    const char *fm_level_name(int level)
    int fm_have_openmp()
    int fm_default_threads()
    int fm_team_size(int nthreads, double work)
    int fm_forked_child()
    const char *fm_compiler()

cdef extern from "blas.h" nogil:
    ctypedef void (*fm_sgemm_fn)(const char *, const char *, const int *, const int *,
                                 const int *, const float *, const float *, const int *,
                                 const float *, const int *, const float *, float *, const int *)
    ctypedef void (*fm_dgemm_fn)(const char *, const char *, const int *, const int *,
                                 const int *, const double *, const double *, const int *,
                                 const double *, const int *, const double *, double *,
                                 const int *)
    ctypedef void (*fm_cblas_sgemm64_fn)(int, int, int, int64_t, int64_t, int64_t, float,
                                         const float *, int64_t, const float *, int64_t, float,
                                         float *, int64_t)
    ctypedef void (*fm_cblas_dgemm64_fn)(int, int, int, int64_t, int64_t, int64_t, double,
                                         const double *, int64_t, const double *, int64_t,
                                         double, double *, int64_t)
    ctypedef int (*fm_blas_set_threads_local_fn)(int)
    void fm_set_blas(fm_sgemm_fn sgemm, fm_dgemm_fn dgemm)
    void fm_set_cblas64(fm_cblas_sgemm64_fn sgemm, fm_cblas_dgemm64_fn dgemm,
                        fm_blas_set_threads_local_fn set_local)
    int fm_have_blas()
    int fm_gemm_f32(int transa, int transb, int64_t M, int64_t N, int64_t K, float alpha,
                    const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                    float *C, int64_t ldc, int nthreads)

cdef extern from "gemm.h" nogil:
    int fm_sgemm_own(int transa, int transb, int64_t M, int64_t N, int64_t K, float alpha,
                     const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                     float *C, int64_t ldc, int nthreads)

cdef extern from "distance.h" nogil:
    int fm_pairwise_f32(float *out, const float *X, const float *Y, int64_t n, int64_t m,
                        int64_t d, int metric, double p, int same, int nthreads)
    int fm_pairwise_f64(double *out, const double *X, const double *Y, int64_t n, int64_t m,
                        int64_t d, int metric, double p, int same, int nthreads)
    int fm_pairwise_direct_f32(float *out, const float *X, const float *Y, int64_t n, int64_t m,
                               int64_t d, int metric, double p, int nthreads)
    int fm_pairwise_direct_f64(double *out, const double *X, const double *Y, int64_t n,
                               int64_t m, int64_t d, int metric, double p, int nthreads)

cdef extern from "recurrent.h" nogil:
    int fm_lstm_forward_f32(float *y, float *c_all, float *gates, const float *x,
                            const float *h0, const float *c0, const float *w_ih,
                            const float *w_hh, const float *bias, int64_t T, int64_t B,
                            int64_t I, int64_t H, int nthreads)
    int fm_lstm_forward_f64(double *y, double *c_all, double *gates, const double *x,
                            const double *h0, const double *c0, const double *w_ih,
                            const double *w_hh, const double *bias, int64_t T, int64_t B,
                            int64_t I, int64_t H, int nthreads)
    int fm_lstm_backward_f32(float *dx, float *dh0, float *dc0, float *dw_ih, float *dw_hh,
                             float *dbias, float *work, const float *dy, const float *dhn, const float *dcn,
                             const float *x, const float *h0, const float *c0,
                             const float *w_ih, const float *w_hh, const float *y,
                             const float *c_all, const float *gates, int64_t T, int64_t B,
                             int64_t I, int64_t H, int nthreads)
    int fm_lstm_backward_f64(double *dx, double *dh0, double *dc0, double *dw_ih,
                             double *dw_hh, double *dbias, double *work, const double *dy, const double *dhn,
                             const double *dcn, const double *x, const double *h0,
                             const double *c0, const double *w_ih, const double *w_hh,
                             const double *y, const double *c_all, const double *gates,
                             int64_t T, int64_t B, int64_t I, int64_t H, int nthreads)
    int fm_rnn_forward_f32(float *y, const float *x, const float *h0, const float *w_ih,
                           const float *w_hh, const float *bias, int64_t T, int64_t B,
                           int64_t I, int64_t H, int relu, int nthreads)
    int fm_rnn_forward_f64(double *y, const double *x, const double *h0, const double *w_ih,
                           const double *w_hh, const double *bias, int64_t T, int64_t B,
                           int64_t I, int64_t H, int relu, int nthreads)
    int fm_rnn_backward_f32(float *dx, float *dh0, float *dw_ih, float *dw_hh, float *dbias,
                            float *work, const float *dy, const float *dhn, const float *x, const float *h0,
                            const float *w_ih, const float *w_hh, const float *y, int64_t T,
                            int64_t B, int64_t I, int64_t H, int relu, int nthreads)
    int fm_rnn_backward_f64(double *dx, double *dh0, double *dw_ih, double *dw_hh,
                            double *dbias, double *work, const double *dy, const double *dhn,
                            const double *x, const double *h0, const double *w_ih,
                            const double *w_hh, const double *y, int64_t T, int64_t B,
                            int64_t I, int64_t H, int relu, int nthreads)

cdef extern from "conv2d.h" nogil:
    ctypedef struct fm_conv2d_geom:
        int64_t N, C, H, W, K, R, S, OH, OW
        int64_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups
    int fm_conv2d_forward_f32(float *y, const float *x, const float *w, const float *b,
                              const fm_conv2d_geom *g, int nthreads)
    int fm_conv2d_forward_f64(double *y, const double *x, const double *w, const double *b,
                              const fm_conv2d_geom *g, int nthreads)
    int fm_conv2d_backward_f32(float *dx, float *dw, float *db, const float *dy,
                               const float *x, const float *w, const fm_conv2d_geom *g,
                               int nthreads)
    int fm_conv2d_backward_f64(double *dx, double *dw, double *db, const double *dy,
                               const double *x, const double *w, const fm_conv2d_geom *g,
                               int nthreads)
    int fm_conv2d_dx_bias_f32(float *dx, const float *bias, const float *dy, const float *w,
                              const fm_conv2d_geom *g, int nthreads)

cdef extern from "pool2d.h" nogil:
    ctypedef struct fm_pool2d_geom:
        int64_t NC, H, W, OH, OW, kh, kw, stride_h, stride_w, pad_h, pad_w
    int fm_maxpool2d_forward_f32(float *y, int32_t *argmax, const float *x,
                                 const fm_pool2d_geom *g, int nthreads)
    int fm_maxpool2d_forward_f64(double *y, int32_t *argmax, const double *x,
                                 const fm_pool2d_geom *g, int nthreads)
    int fm_maxpool2d_backward_f32(float *dx, const float *dy, const int32_t *argmax,
                                  const fm_pool2d_geom *g, int nthreads)
    int fm_maxpool2d_backward_f64(double *dx, const double *dy, const int32_t *argmax,
                                  const fm_pool2d_geom *g, int nthreads)
    int fm_avgpool2d_forward_f32(float *y, const float *x, const fm_pool2d_geom *g, int cip, int nthreads)
    int fm_avgpool2d_forward_f64(double *y, const double *x, const fm_pool2d_geom *g, int cip, int nthreads)
    int fm_avgpool2d_backward_f32(float *dx, const float *dy, const fm_pool2d_geom *g, int cip, int nthreads)
    int fm_avgpool2d_backward_f64(double *dx, const double *dy, const fm_pool2d_geom *g,
                                  int cip, int nthreads)
    int fm_global_avgpool_forward_f32(float *y, const float *x, int64_t NC, int64_t L, int nthreads)
    int fm_global_avgpool_forward_f64(double *y, const double *x, int64_t NC, int64_t L, int nthreads)
    int fm_global_avgpool_backward_f32(float *dx, const float *dy, int64_t NC, int64_t L, int nthreads)
    int fm_global_avgpool_backward_f64(double *dx, const double *dy, int64_t NC, int64_t L, int nthreads)

cdef extern from "batchnorm.h" nogil:
    int fm_batchnorm_forward_train_f32(float *y, double *save_mean, double *save_invstd,
                                       float *running_mean, float *running_var, const float *x,
                                       const float *weight, const float *bias, int64_t N,
                                       int64_t C, int64_t L, double momentum, double eps, int nthreads)
    int fm_batchnorm_forward_train_f64(double *y, double *save_mean, double *save_invstd,
                                       double *running_mean, double *running_var,
                                       const double *x, const double *weight,
                                       const double *bias, int64_t N, int64_t C, int64_t L,
                                       double momentum, double eps, int nthreads)
    int fm_batchnorm_forward_eval_f32(float *y, const float *x, const double *mean,
                                      const double *invstd, const float *weight,
                                      const float *bias, int64_t N, int64_t C, int64_t L, int nthreads)
    int fm_batchnorm_forward_eval_f64(double *y, const double *x, const double *mean,
                                      const double *invstd, const double *weight,
                                      const double *bias, int64_t N, int64_t C, int64_t L, int nthreads)
    int fm_batchnorm_backward_f32(float *dx, float *dweight, float *dbias, const float *dy,
                                  const float *x, const double *mean, const double *invstd,
                                  const float *weight, int64_t N, int64_t C, int64_t L,
                                  int training, int nthreads)
    int fm_batchnorm_backward_f64(double *dx, double *dweight, double *dbias,
                                  const double *dy, const double *x, const double *mean,
                                  const double *invstd, const double *weight, int64_t N,
                                  int64_t C, int64_t L, int training, int nthreads)

cdef extern from "kmeans.h" nogil:
    int fm_kmeans_step_f32(double *sums, double *wsum, double *inertia, int32_t *labels,
                           float *mind, const float *X, const float *XT, const float *sw,
                           const float *C, int64_t n, int64_t d, int64_t k, int update,
                           int nthreads)
    int fm_kmeans_step_f64(double *sums, double *wsum, double *inertia, int32_t *labels,
                           double *mind, const double *X, const double *XT, const double *sw,
                           const double *C, int64_t n, int64_t d, int64_t k, int update,
                           int nthreads)
    int fm_kmeans_lloyd_f32(float *centers, int32_t *labels, float *mind, double *inertia,
                            int64_t *n_iter, const float *X, const float *XT, const float *sw,
                            int64_t n, int64_t d, int64_t k, int64_t max_iter, double tol, int nthreads)
    int fm_kmeans_lloyd_f64(double *centers, int32_t *labels, double *mind, double *inertia,
                            int64_t *n_iter, const double *X, const double *XT,
                            const double *sw, int64_t n, int64_t d, int64_t k,
                            int64_t max_iter, double tol, int nthreads)
    int fm_kmeans_plusplus_f32(float *centers, int64_t *indices, const float *X,
                               const float *sw, const double *uniform, int64_t first,
                               int64_t n, int64_t d, int64_t k, int64_t trials, int nthreads)
    int fm_kmeans_plusplus_f64(double *centers, int64_t *indices, const double *X,
                               const double *sw, const double *uniform, int64_t first,
                               int64_t n, int64_t d, int64_t k, int64_t trials, int nthreads)

cdef extern from "tree.h" nogil:
    ctypedef struct fm_tree:
        int64_t n_nodes, capacity, n_values, max_depth
        int32_t *feature
        int32_t *bin
        uint8_t *missing_left
        int64_t *left
        int64_t *right
        int64_t *n_samples
        double *impurity
        double *weighted_n
        double *value
        double *threshold
    int fm_tree_build(fm_tree *tree, const uint8_t *Xb, const double *edges, const int64_t *eoff,
                      const double *Xf, const uint8_t *refine, const double *y,
                      const double *w, int64_t n, int64_t d, int criterion, int64_t n_classes,
                      int64_t max_depth, int64_t min_samples_split, int64_t min_samples_leaf,
                      double min_weight_leaf, int64_t max_features,
                      double min_impurity_decrease, uint64_t seed, int nthreads)
    void fm_tree_free(fm_tree *tree)
    int fm_tree_apply_f32(int64_t *out, const float *X, int64_t n, int64_t d,
                          const int32_t *feature, const double *threshold, const int64_t *left,
                          const int64_t *right, const uint8_t *missing_left, int nthreads)
    int fm_tree_apply_f64(int64_t *out, const double *X, int64_t n, int64_t d,
                          const int32_t *feature, const double *threshold, const int64_t *left,
                          const int64_t *right, const uint8_t *missing_left, int nthreads)
    int fm_tree_bin_f32(uint8_t *out, const float *X, int64_t n, int64_t d,
                        const double *edges, const int64_t *offsets, int nthreads)
    int fm_tree_bin_f64(uint8_t *out, const double *X, int64_t n, int64_t d,
                        const double *edges, const int64_t *offsets, int nthreads)
    int fm_tree_build_exact(fm_tree *tree, const float *X, const double *y, const double *w,
                            int64_t n, int64_t d, int64_t n_outputs, const int64_t *n_classes,
                            int criterion, int splitter, int64_t max_depth,
                            int64_t min_samples_split, int64_t min_samples_leaf,
                            double min_weight_leaf, int64_t max_features, int64_t max_leaf_nodes,
                            double min_impurity_decrease, const int32_t *order,
                            const uint32_t *rank, const float *uniq, const int64_t *nuniq,
                            const uint64_t *near, uint64_t seed, int nthreads)
    int fm_tree_presort_exact(int32_t *order, const float *X, int64_t n, int64_t d, int nthreads)
    int fm_tree_rank_exact(uint32_t *rank, float *uniq, int64_t *nuniq, uint64_t *near,
                           const float *X, const int32_t *order, int64_t n, int64_t d,
                           int nthreads)

cdef extern from "activation.h" nogil:
    int fm_activation_forward_f32(float *y, const float *x, int64_t n, int kind, double alpha,
                                  int nthreads)
    int fm_activation_forward_f64(double *y, const double *x, int64_t n, int kind, double alpha,
                                  int nthreads)
    int fm_activation_backward_f32(float *dx, const float *dy, const float *x, const float *y,
                                   int64_t n, int kind, double alpha, int nthreads)
    int fm_activation_backward_f64(double *dx, const double *dy, const double *x,
                                   const double *y, int64_t n, int kind, double alpha,
                                   int nthreads)
    int fm_softmax_forward_f32(float *y, const float *x, int64_t rows, int64_t c, int log_,
                               int nthreads)
    int fm_softmax_forward_f64(double *y, const double *x, int64_t rows, int64_t c, int log_,
                               int nthreads)
    int fm_softmax_backward_f32(float *dx, const float *dy, const float *y, int64_t rows,
                                int64_t c, int log_, int nthreads)
    int fm_softmax_backward_f64(double *dx, const double *dy, const double *y, int64_t rows,
                                int64_t c, int log_, int nthreads)

cdef extern from "loss.h" nogil:
    int fm_cross_entropy_forward_f32(float *loss, float *lse, const float *x, const int64_t *t,
                                     int64_t rows, int64_t c, int nthreads)
    int fm_cross_entropy_forward_f64(double *loss, double *lse, const double *x,
                                     const int64_t *t, int64_t rows, int64_t c, int nthreads)
    int fm_cross_entropy_backward_f32(float *dx, const float *dloss, int64_t dstride,
                                      const float *x, const float *lse, const int64_t *t,
                                      int64_t rows, int64_t c, int nthreads)
    int fm_cross_entropy_backward_f64(double *dx, const double *dloss, int64_t dstride,
                                      const double *x, const double *lse, const int64_t *t,
                                      int64_t rows, int64_t c, int nthreads)
    int fm_cross_entropy_forward_ex_f32(float *loss, float *lse, float *wlp, const float *x,
                                        const int64_t *t, const float *w, int64_t rows,
                                        int64_t c, int nthreads)
    int fm_cross_entropy_forward_ex_f64(double *loss, double *lse, double *wlp, const double *x,
                                        const int64_t *t, const double *w, int64_t rows,
                                        int64_t c, int nthreads)
    int fm_cross_entropy_backward_ex_f32(float *dx, const float *alpha, const float *beta,
                                         const float *gamma, const float *w, const float *x,
                                         const float *lse, const int64_t *t, int64_t rows,
                                         int64_t c, int nthreads)
    int fm_cross_entropy_backward_ex_f64(double *dx, const double *alpha, const double *beta,
                                         const double *gamma, const double *w, const double *x,
                                         const double *lse, const int64_t *t, int64_t rows,
                                         int64_t c, int nthreads)
    int fm_loss_pointwise_f32(float *out, const float *x, const float *y, int64_t n, int kind,
                              double param, int nthreads)
    int fm_loss_pointwise_f64(double *out, const double *x, const double *y, int64_t n,
                              int kind, double param, int nthreads)
    int fm_loss_pointwise_sum_f32(double *out, const float *x, const float *y, int64_t n,
                                  int kind, double param, int nthreads)
    int fm_loss_pointwise_sum_f64(double *out, const double *x, const double *y, int64_t n,
                                  int kind, double param, int nthreads)
    int fm_loss_pointwise_backward_f32(float *dx, const float *dout, int64_t dstride,
                                       const float *x, const float *y, int64_t n, int kind,
                                       double param, int nthreads)
    int fm_loss_pointwise_backward_f64(double *dx, const double *dout, int64_t dstride,
                                       const double *x, const double *y, int64_t n, int kind,
                                       double param, int nthreads)

cdef extern from "dropout.h" nogil:
    int fm_dropout_forward_f32(float *y, const float *x, int64_t n, double p, uint64_t key,
                               int nthreads)
    int fm_dropout_forward_f64(double *y, const double *x, int64_t n, double p, uint64_t key,
                               int nthreads)
    int fm_dropout_backward_f32(float *dx, const float *dy, int64_t n, double p, uint64_t key,
                                int nthreads)
    int fm_dropout_backward_f64(double *dx, const double *dy, int64_t n, double p,
                                uint64_t key, int nthreads)

cdef extern from "dense.h" nogil:
    int fm_dense_forward_f32(float *y, const float *x, const float *w, const float *b,
                             int64_t n, int64_t inf, int64_t outf, int act, int nthreads)
    int fm_dense_forward_f64(double *y, const double *x, const double *w, const double *b,
                             int64_t n, int64_t inf, int64_t outf, int act, int nthreads)
    int fm_dense_backward_f32(float *dx, float *dw, float *db, const float *dy,
                              const float *x, const float *w, const float *y, int64_t n,
                              int64_t inf, int64_t outf, int act, int nthreads)
    int fm_dense_backward_f64(double *dx, double *dw, double *db, const double *dy,
                              const double *x, const double *w, const double *y, int64_t n,
                              int64_t inf, int64_t outf, int act, int nthreads)

cdef extern from "kdtree.h" nogil:
    ctypedef struct fm_kdtree:
        const void *data
        const int64_t *idx
        const int64_t *nodes
        const void *splits
        const void *bounds
        int64_t n, d, nnodes, max_leaf
    int64_t fm_kdtree_node_count(int64_t n, int64_t leaf_size)
    int64_t fm_kdtree_max_leaf(int64_t n, int64_t leaf_size)
    int fm_kdtree_build_f32(float *data, int64_t *idx, int64_t *nodes, float *splits,
                            float *bounds, const float *X, int64_t n, int64_t d, int64_t leaf_size,
                            int nthreads)
    int fm_kdtree_build_f64(double *data, int64_t *idx, int64_t *nodes, double *splits,
                            double *bounds, const double *X, int64_t n, int64_t d,
                            int64_t leaf_size, int nthreads)
    int fm_kdtree_query_f32(float *dist, int64_t *ind, const fm_kdtree *t, const float *Q,
                            int64_t nq, int64_t k, int metric, double p, int nthreads)
    int fm_kdtree_query_f64(double *dist, int64_t *ind, const fm_kdtree *t, const double *Q,
                            int64_t nq, int64_t k, int metric, double p, int nthreads)
    int fm_kdtree_radius_f32(int64_t *counts, int64_t *ind, float *dist, const int64_t *offsets,
                             const fm_kdtree *t, const float *Q, int64_t nq, const double *r,
                             int64_t nr, int metric, double p, int sort, int nthreads)
    int fm_kdtree_radius_f64(int64_t *counts, int64_t *ind, double *dist,
                             const int64_t *offsets, const fm_kdtree *t, const double *Q,
                             int64_t nq, const double *r, int64_t nr, int metric, double p,
                             int sort, int nthreads)

cdef extern from "knn.h" nogil:
    int fm_knn_brute_f32(float *dist, int64_t *ind, const float *Q, int64_t nq, const float *X,
                         int64_t n, int64_t d, int64_t k, int metric, double p, int nthreads)
    int fm_knn_brute_f64(double *dist, int64_t *ind, const double *Q, int64_t nq,
                         const double *X, int64_t n, int64_t d, int64_t k, int metric, double p,
                         int nthreads)

cdef extern from "enet.h" nogil:
    int fm_enet_cd_f64(double *w, int64_t *n_iter, double *gap, const double *XT,
                       const double *y, double l1, double l2, double tol, int64_t max_iter,
                       int positive, int random, uint32_t seed, int64_t n, int64_t p,
                       int nthreads)
    int fm_enet_cd_gram_f64(double *w, int64_t *n_iter, double *gap, const double *G,
                            const double *c, double yy, double l1, double l2, double tol,
                            int64_t max_iter, int positive, int random, uint32_t seed, int64_t p,
                            int nthreads)

cdef extern from "optim.h" nogil:
    int fm_adam_f32(float *p, float *m, float *v, float *vmax, const float *g, int64_t n,
                    double lr, double beta1, double beta2, double eps, double wd, int decoupled,
                    double step_size, double inv_bc2_sqrt, int nthreads)
    int fm_adam_f64(double *p, double *m, double *v, double *vmax, const double *g, int64_t n,
                    double lr, double beta1, double beta2, double eps, double wd, int decoupled,
                    double step_size, double inv_bc2_sqrt, int nthreads)
    int fm_sgd_f32(float *p, float *buf, const float *g, int64_t n, double lr, double momentum,
                   double dampening, double wd, int nesterov, int first, int nthreads)
    int fm_sgd_f64(double *p, double *buf, const double *g, int64_t n, double lr,
                   double momentum, double dampening, double wd, int nesterov, int first,
                   int nthreads)
    int fm_nadam_f32(float *p, float *m, float *v, const float *g, int64_t n, double lr,
                     double beta1, double beta2, double eps, double wd, int decoupled,
                     double bc2, double coef_g, double coef_m, int nthreads)
    int fm_radam_f32(float *p, float *m, float *v, const float *g, int64_t n, double lr,
                     double beta1, double beta2, double eps, double wd, int decoupled,
                     double bc1, double bc2_sqrt, double rect, int nthreads)
    int fm_adamax_f32(float *p, float *m, float *u, const float *g, int64_t n, double beta1,
                      double beta2, double eps, double wd, double neg_clr, int nthreads)
    int fm_rprop_f32(float *p, float *prev, float *step, const float *g, int64_t n,
                     double etaminus, double etaplus, double step_min, double step_max,
                     int nthreads)
    int fm_nadam_f64(double *p, double *m, double *v, const double *g, int64_t n, double lr,
                     double beta1, double beta2, double eps, double wd, int decoupled,
                     double bc2, double coef_g, double coef_m, int nthreads)
    int fm_radam_f64(double *p, double *m, double *v, const double *g, int64_t n, double lr,
                     double beta1, double beta2, double eps, double wd, int decoupled,
                     double bc1, double bc2_sqrt, double rect, int nthreads)
    int fm_adamax_f64(double *p, double *m, double *u, const double *g, int64_t n, double beta1,
                      double beta2, double eps, double wd, double neg_clr, int nthreads)
    int fm_rprop_f64(double *p, double *prev, double *step, const double *g, int64_t n,
                     double etaminus, double etaplus, double step_min, double step_max,
                     int nthreads)

cdef extern from "hist.h" nogil:
    int fm_hist_build_f64(double *hist, const uint8_t *codes, const double *g, const double *h,
                          const int64_t *rows, int64_t m, int64_t n, int64_t d, int64_t nbins,
                          int nthreads)


cdef extern from "hgb.h" nogil:
    ctypedef struct fm_hgb_node:
        double value
        double threshold
        int32_t feature
        int32_t left
        int32_t right
        uint8_t missing_left
        uint8_t is_cat
        uint16_t bin
        int32_t cat
        int32_t start
        int32_t count
        int32_t depth
        double gain
    ctypedef struct fm_hgb_params:
        int64_t max_leaf_nodes
        int64_t max_depth
        int64_t min_samples_leaf
        double min_hessian
        double l2
        int64_t max_features
        int64_t hist_pool
        uint64_t seed
        int32_t hess_const
        int32_t nbins
    int fm_hgb_bin_f64(uint8_t *codes_rm, uint8_t *codes_cm, const double *X, int64_t n,
                       int64_t d, const double *thr, const int32_t *nthr, int64_t tstride,
                       const uint8_t *is_cat, int32_t missing_bin, int nthreads)
    int fm_hgb_gradients(float *g, float *h, const double *raw, const double *y,
                         const double *w, int64_t n, int64_t K, int loss, double alpha,
                         int nthreads)
    int64_t fm_hgb_grow(fm_hgb_node *nodes, uint32_t *catbits, int32_t *rows, void *work,
                        const uint8_t *codes_rm, const uint8_t *codes_cm, const float *g,
                        const float *h, int64_t n, int64_t d, const int32_t *nbins_nm,
                        const uint8_t *has_missing, const uint8_t *is_cat,
                        const int8_t *monotonic, const uint8_t *groups, int64_t ngroups,
                        const fm_hgb_params *params, int nthreads)
    int64_t fm_hgb_work_size(int64_t n, int64_t d, const fm_hgb_params *params)
    int fm_hgb_boost_iter(fm_hgb_node *nodes, uint32_t *catbits, int64_t *nnodes,
                          int32_t *rows, void *work, float *g, float *h, double *raw,
                          const double *y, const double *sw, int loss, double alpha,
                          double shrink, const uint64_t *seeds, const uint8_t *codes_rm,
                          const uint8_t *codes_cm, int64_t n, int64_t d, int64_t K,
                          const int32_t *nbins_nm, const uint8_t *has_missing,
                          const uint8_t *is_cat, const int8_t *monotonic,
                          const uint8_t *groups, int64_t ngroups, const fm_hgb_params *p,
                          int nthreads)
    int fm_hgb_predict(double *raw, const double *X, int64_t n, int64_t d,
                       const fm_hgb_node *nodes, const uint32_t *catbits,
                       const int64_t *roots, int64_t ntrees, int64_t K, int nthreads)


cdef extern from "sparse.h" nogil:
    int fm_sparse_row_norms_f32_i32(float *out, const float *data, const int32_t *indptr,
                                    int64_t n, int kind, int nthreads)
    int fm_sparse_row_norms_f32_i64(float *out, const float *data, const int64_t *indptr,
                                    int64_t n, int kind, int nthreads)
    int fm_sparse_row_norms_f64_i32(double *out, const double *data, const int32_t *indptr,
                                    int64_t n, int kind, int nthreads)
    int fm_sparse_row_norms_f64_i64(double *out, const double *data, const int64_t *indptr,
                                    int64_t n, int kind, int nthreads)
    int fm_sparse_csr_dense_f32_i32(float *out, const float *qd, const int32_t *qi,
                                    const int32_t *qp, int64_t nq, const float *B, int64_t m,
                                    int nthreads)
    int fm_sparse_csr_dense_f32_i64(float *out, const float *qd, const int64_t *qi,
                                    const int64_t *qp, int64_t nq, const float *B, int64_t m,
                                    int nthreads)
    int fm_sparse_csr_dense_f64_i32(double *out, const double *qd, const int32_t *qi,
                                    const int32_t *qp, int64_t nq, const double *B, int64_t m,
                                    int nthreads)
    int fm_sparse_csr_dense_f64_i64(double *out, const double *qd, const int64_t *qi,
                                    const int64_t *qp, int64_t nq, const double *B, int64_t m,
                                    int nthreads)
    int fm_sparse_gram_f32_i32(float *out, const float *qd, const int32_t *qi, const int32_t *qp,
                               int64_t nq, const float *cd, const int32_t *ci, const int32_t *cp,
                               int64_t n, int nthreads)
    int fm_sparse_gram_f32_i64(float *out, const float *qd, const int64_t *qi, const int64_t *qp,
                               int64_t nq, const float *cd, const int64_t *ci, const int64_t *cp,
                               int64_t n, int nthreads)
    int fm_sparse_gram_f64_i32(double *out, const double *qd, const int32_t *qi, const int32_t *qp,
                               int64_t nq, const double *cd, const int32_t *ci, const int32_t *cp,
                               int64_t n, int nthreads)
    int fm_sparse_gram_f64_i64(double *out, const double *qd, const int64_t *qi, const int64_t *qp,
                               int64_t nq, const double *cd, const int64_t *ci, const int64_t *cp,
                               int64_t n, int nthreads)
    int fm_sparse_pairwise_f32_i32(float *out, const float *qd, const int32_t *qi,
                                   const int32_t *qp, int64_t nq, const float *xd,
                                   const int32_t *xi, const int32_t *xp, int64_t n, int metric,
                                   int nthreads)
    int fm_sparse_pairwise_f32_i64(float *out, const float *qd, const int64_t *qi,
                                   const int64_t *qp, int64_t nq, const float *xd,
                                   const int64_t *xi, const int64_t *xp, int64_t n, int metric,
                                   int nthreads)
    int fm_sparse_pairwise_f64_i32(double *out, const double *qd, const int32_t *qi,
                                   const int32_t *qp, int64_t nq, const double *xd,
                                   const int32_t *xi, const int32_t *xp, int64_t n, int metric,
                                   int nthreads)
    int fm_sparse_pairwise_f64_i64(double *out, const double *qd, const int64_t *qi,
                                   const int64_t *qp, int64_t nq, const double *xd,
                                   const int64_t *xi, const int64_t *xp, int64_t n, int metric,
                                   int nthreads)
    int fm_sparse_knn_f32_i32(float *dist, int64_t *ind, const float *qd, const int32_t *qi,
                              const int32_t *qp, int64_t nq, const float *xd, const int32_t *xi,
                              const int32_t *xp, const float *cd, const int32_t *ci,
                              const int32_t *cp, const float *xs, int64_t n, int64_t k, int metric,
                              int nthreads)
    int fm_sparse_knn_f32_i64(float *dist, int64_t *ind, const float *qd, const int64_t *qi,
                              const int64_t *qp, int64_t nq, const float *xd, const int64_t *xi,
                              const int64_t *xp, const float *cd, const int64_t *ci,
                              const int64_t *cp, const float *xs, int64_t n, int64_t k, int metric,
                              int nthreads)
    int fm_sparse_knn_f64_i32(double *dist, int64_t *ind, const double *qd, const int32_t *qi,
                              const int32_t *qp, int64_t nq, const double *xd, const int32_t *xi,
                              const int32_t *xp, const double *cd, const int32_t *ci,
                              const int32_t *cp, const double *xs, int64_t n, int64_t k,
                              int metric, int nthreads)
    int fm_sparse_knn_f64_i64(double *dist, int64_t *ind, const double *qd, const int64_t *qi,
                              const int64_t *qp, int64_t nq, const double *xd, const int64_t *xi,
                              const int64_t *xp, const double *cd, const int64_t *ci,
                              const int64_t *cp, const double *xs, int64_t n, int64_t k,
                              int metric, int nthreads)
    int fm_sparse_class_sums_f32_i32(double *out, const float *xd, const int32_t *xi,
                                     const int32_t *xp, int64_t n, const int64_t *cls,
                                     const double *w, int64_t d, int nthreads)
    int fm_sparse_class_sums_f32_i64(double *out, const float *xd, const int64_t *xi,
                                     const int64_t *xp, int64_t n, const int64_t *cls,
                                     const double *w, int64_t d, int nthreads)
    int fm_sparse_class_sums_f64_i32(double *out, const double *xd, const int32_t *xi,
                                     const int32_t *xp, int64_t n, const int64_t *cls,
                                     const double *w, int64_t d, int nthreads)
    int fm_sparse_class_sums_f64_i64(double *out, const double *xd, const int64_t *xi,
                                     const int64_t *xp, int64_t n, const int64_t *cls,
                                     const double *w, int64_t d, int nthreads)
    int fm_sparse_enet_cd_f64_i32(double *w, int64_t *n_iter, double *gap, const double *cd,
                                  const int32_t *ci, const int32_t *cp, const double *mu,
                                  const double *r, const double *y, double l1, double l2,
                                  double tol, int64_t max_iter, int positive, int random,
                                  uint32_t seed, int64_t n, int64_t p, int nthreads)
    int fm_sparse_enet_cd_f64_i64(double *w, int64_t *n_iter, double *gap, const double *cd,
                                  const int64_t *ci, const int64_t *cp, const double *mu,
                                  const double *r, const double *y, double l1, double l2,
                                  double tol, int64_t max_iter, int positive, int random,
                                  uint32_t seed, int64_t n, int64_t p, int nthreads)
    int fm_sparse_sgd_epoch_f64_i32(double *sumloss, double *w, double *q, double *state,
                                    const double *xd, const int32_t *xi, const int32_t *xp,
                                    const double *y, const double *sw, const int64_t *order,
                                    int64_t n_order, int loss, double eps, int penalty,
                                    double alpha, double l1_ratio, int schedule, double eta0,
                                    double power_t, double optimal_init, int fit_intercept,
                                    double intercept_decay, int64_t p, int nthreads)
    int fm_sparse_sgd_epoch_f64_i64(double *sumloss, double *w, double *q, double *state,
                                    const double *xd, const int64_t *xi, const int64_t *xp,
                                    const double *y, const double *sw, const int64_t *order,
                                    int64_t n_order, int loss, double eps, int penalty,
                                    double alpha, double l1_ratio, int schedule, double eta0,
                                    double power_t, double optimal_init, int fit_intercept,
                                    double intercept_decay, int64_t p, int nthreads)


cdef extern from "gram.h" nogil:
    int FM_GRAM_MAX_M
    int fm_gram_shifted_f32(double *S, const float *X, int64_t ldx, const double *Y, int64_t k,
                            const double *w, const double *shift, int64_t n, int64_t p,
                            int nthreads)
    int fm_gram_shifted_f64(double *S, const double *X, int64_t ldx, const double *Y, int64_t k,
                            const double *w, const double *shift, int64_t n, int64_t p,
                            int nthreads)


cdef extern from "hnsw.h" nogil:
    enum:
        FM_HNSW_L2
        FM_HNSW_IP
    ctypedef struct fm_hnsw:
        void *vecs
        int32_t *links0
        int32_t *upper
        const int64_t *upper_off
        const uint8_t *levels
        int64_t n, d, M, entry, max_level
        int metric
    int fm_hnsw_add_f32(fm_hnsw *g, const float *X, int64_t m, int64_t ef_construction,
                        int nthreads)
    int fm_hnsw_add_f64(fm_hnsw *g, const double *X, int64_t m, int64_t ef_construction,
                        int nthreads)
    int fm_hnsw_search_f32(float *dist, int64_t *ind, const fm_hnsw *g, const float *Q,
                           int64_t nq, int64_t k, int64_t ef, int nthreads)
    int fm_hnsw_search_f64(double *dist, int64_t *ind, const fm_hnsw *g, const double *Q,
                           int64_t nq, int64_t k, int64_t ef, int nthreads)

cdef extern from "kmeans_sparse.h" nogil:
    int fm_kmeans_sparse_step_f32_i32(double *sums, double *wsum, double *inertia,
                                   int32_t *labels, float *mind, const float *data,
                                   const int32_t *indices, const int32_t *indptr,
                                   const float *sw, const float *C, int64_t n, int64_t d,
                                   int64_t k, int update, int nthreads)
    int fm_kmeans_sparse_lloyd_f32_i32(float *centers, int32_t *labels, float *mind,
                                    double *inertia, int64_t *n_iter, const float *data,
                                    const int32_t *indices, const int32_t *indptr,
                                    const float *sw, int64_t n, int64_t d, int64_t k,
                                    int64_t max_iter, double tol, int nthreads)
    int fm_kmeans_sparse_step_f32_i64(double *sums, double *wsum, double *inertia,
                                   int32_t *labels, float *mind, const float *data,
                                   const int64_t *indices, const int64_t *indptr,
                                   const float *sw, const float *C, int64_t n, int64_t d,
                                   int64_t k, int update, int nthreads)
    int fm_kmeans_sparse_lloyd_f32_i64(float *centers, int32_t *labels, float *mind,
                                    double *inertia, int64_t *n_iter, const float *data,
                                    const int64_t *indices, const int64_t *indptr,
                                    const float *sw, int64_t n, int64_t d, int64_t k,
                                    int64_t max_iter, double tol, int nthreads)
    int fm_kmeans_sparse_step_f64_i32(double *sums, double *wsum, double *inertia,
                                   int32_t *labels, double *mind, const double *data,
                                   const int32_t *indices, const int32_t *indptr,
                                   const double *sw, const double *C, int64_t n, int64_t d,
                                   int64_t k, int update, int nthreads)
    int fm_kmeans_sparse_lloyd_f64_i32(double *centers, int32_t *labels, double *mind,
                                    double *inertia, int64_t *n_iter, const double *data,
                                    const int32_t *indices, const int32_t *indptr,
                                    const double *sw, int64_t n, int64_t d, int64_t k,
                                    int64_t max_iter, double tol, int nthreads)
    int fm_kmeans_sparse_step_f64_i64(double *sums, double *wsum, double *inertia,
                                   int32_t *labels, double *mind, const double *data,
                                   const int64_t *indices, const int64_t *indptr,
                                   const double *sw, const double *C, int64_t n, int64_t d,
                                   int64_t k, int update, int nthreads)
    int fm_kmeans_sparse_lloyd_f64_i64(double *centers, int32_t *labels, double *mind,
                                    double *inertia, int64_t *n_iter, const double *data,
                                    const int64_t *indices, const int64_t *indptr,
                                    const double *sw, int64_t n, int64_t d, int64_t k,
                                    int64_t max_iter, double tol, int nthreads)

cdef extern from "dbscan.h" nogil:
    int fm_dbscan_core(uint8_t *core, const int64_t *indptr, const int64_t *indices,
                       const double *w, int64_t n, double min_samples, int nthreads)
    int64_t fm_dbscan_expand(int64_t *labels, const uint8_t *core, const int64_t *indptr,
                             const int64_t *indices, int64_t n, int nthreads)
    int fm_dbscan_mst_f64(int64_t *src, int64_t *dst, double *w, const double *X,
                          const double *core, int64_t n, int64_t d, int metric, double p,
                          double alpha, int nthreads)
    int fm_dbscan_mst_dense_f64(int64_t *src, int64_t *dst, double *w, const double *D,
                                const double *core, int64_t n, double alpha, int nthreads)
cdef extern from "svm.h" nogil:
    int FM_SVM_LINEAR
    int FM_SVM_POLY
    int FM_SVM_RBF
    int FM_SVM_SIGMOID
    int FM_SVM_PRECOMPUTED
    int FM_SVM_NOUT
    ctypedef struct fm_svm_data:
        int kernel
        int degree
        double gamma
        double coef0
        const double *X
        int64_t ldx
        const double *vals
        const int64_t *ind
        const int64_t *ptr
        const double *sq
        int64_t d
    int fm_svm_solve(double *alpha, double *out, const fm_svm_data *D, const int64_t *rows,
                     int64_t m, const int8_t *y, const double *p, const double *C, int64_t l,
                     int nu, double tol, int shrinking, double cache_mb, int64_t max_iter,
                     int nthreads)
    int fm_svm_kernel_matrix(double *Kmat, const fm_svm_data *A, int64_t na,
                             const fm_svm_data *B, int64_t nb, int nthreads)
cdef extern from "linkage.h" nogil:
    int FM_LINKAGE_EUCLIDEAN, FM_LINKAGE_MANHATTAN, FM_LINKAGE_COSINE
    int FM_LINKAGE_COMPLETE, FM_LINKAGE_AVERAGE, FM_LINKAGE_WEIGHTED, FM_LINKAGE_WARD
    int fm_linkage_pdist_f64(double *D, const double *X, int64_t n, int64_t d, int metric,
                             int nthreads)
    int fm_linkage_chain_f64(double *M, double *D, int64_t n, int method, int nthreads)
    int fm_linkage_ward_f64(double *M, const double *X, int64_t n, int64_t d, int nthreads)
    int fm_linkage_mst_f64(double *M, const double *X, int64_t n, int64_t d, int metric,
                           int nthreads)
    int fm_linkage_mst_condensed_f64(double *M, const double *D, int64_t n, int nthreads)
    int fm_linkage_label_f64(double *Z, int64_t n, int ordered, int nthreads)
cdef extern from "gmm.h" nogil:
    int FM_GMM_ROWS
    int fm_gmm_estep_f32(float *resp, float *lse, const float *Y, int64_t ldy, int64_t ks,
                         const float *S, const float *B, const float *c, int64_t n,
                         int64_t k, int64_t d, int nthreads)
    int fm_gmm_estep_f64(double *resp, double *lse, const double *Y, int64_t ldy, int64_t ks,
                         const double *S, const double *B, const double *c, int64_t n,
                         int64_t k, int64_t d, int nthreads)
    int FM_GMM_LDP
    int fm_gmm_estep_tri_f32(float *resp, float *lse, const float *X, int64_t ldx,
                             const float *P, int64_t ldp, const float *B, const float *c,
                             int64_t n, int64_t k, int64_t d, int nthreads)
    int fm_gmm_estep_tri_f64(double *resp, double *lse, const double *X, int64_t ldx,
                             const double *P, int64_t ldp, const double *B, const double *c,
                             int64_t n, int64_t k, int64_t d, int nthreads)


cdef extern from "recurrent.h" nogil:
    # GRU (recurrent family)
    int fm_gru_forward_f32(float *y, float *gates, const float *x, const float *h0,
                           const float *w_ih, const float *w_hh, const float *b_ih,
                           const float *b_hh, int64_t T, int64_t B, int64_t I, int64_t H,
                           int nthreads)
    int fm_gru_forward_f64(double *y, double *gates, const double *x, const double *h0,
                           const double *w_ih, const double *w_hh, const double *b_ih,
                           const double *b_hh, int64_t T, int64_t B, int64_t I, int64_t H,
                           int nthreads)
    int fm_gru_backward_f32(float *dx, float *dh0, float *dw_ih, float *dw_hh, float *db_ih,
                            float *db_hh, float *work, const float *dy, const float *dhn,
                            const float *x, const float *h0, const float *w_ih,
                            const float *w_hh, const float *y, const float *gates,
                            int64_t T, int64_t B, int64_t I, int64_t H, int nthreads)
    int fm_gru_backward_f64(double *dx, double *dh0, double *dw_ih, double *dw_hh,
                            double *db_ih, double *db_hh, double *work, const double *dy,
                            const double *dhn, const double *x, const double *h0,
                            const double *w_ih, const double *w_hh, const double *y,
                            const double *gates, int64_t T, int64_t B, int64_t I,
                            int64_t H, int nthreads)
cdef extern from "layernorm.h" nogil:
    int fm_layernorm_forward_f32(float *y, float *mean, float *rstd, const float *x,
                                 const float *w, const float *b, int64_t rows, int64_t n,
                                 double eps, int nthreads)
    int fm_layernorm_forward_f64(double *y, double *mean, double *rstd, const double *x,
                                 const double *w, const double *b, int64_t rows, int64_t n,
                                 double eps, int nthreads)
    int fm_layernorm_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                  const float *x, const float *mean, const float *rstd,
                                  const float *w, int64_t rows, int64_t n, int nthreads)
    int fm_layernorm_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                  const double *x, const double *mean, const double *rstd,
                                  const double *w, int64_t rows, int64_t n, int nthreads)
    int fm_groupnorm_forward_f32(float *y, float *mean, float *rstd, const float *x,
                                 const float *w, const float *b, int64_t N, int64_t C,
                                 int64_t L, int64_t G, double eps, int nthreads)
    int fm_groupnorm_forward_f64(double *y, double *mean, double *rstd, const double *x,
                                 const double *w, const double *b, int64_t N, int64_t C,
                                 int64_t L, int64_t G, double eps, int nthreads)
    int fm_groupnorm_backward_f32(float *dx, float *dw, float *db, const float *dy,
                                  const float *x, const float *mean, const float *rstd,
                                  const float *w, int64_t N, int64_t C, int64_t L, int64_t G,
                                  int nthreads)
    int fm_groupnorm_backward_f64(double *dx, double *dw, double *db, const double *dy,
                                  const double *x, const double *mean, const double *rstd,
                                  const double *w, int64_t N, int64_t C, int64_t L, int64_t G,
                                  int nthreads)

cdef extern from "activation.h" nogil:
    int fm_activation2_forward_f32(float *y, const float *x, int64_t n, int kind, double a,
                                   double b, int nthreads)
    int fm_activation2_forward_f64(double *y, const double *x, int64_t n, int kind, double a,
                                   double b, int nthreads)
    int fm_activation2_backward_f32(float *dx, const float *dy, const float *x, const float *y,
                                    int64_t n, int kind, double a, double b, int nthreads)
    int fm_activation2_backward_f64(double *dx, const double *dy, const double *x,
                                    const double *y, int64_t n, int kind, double a, double b,
                                    int nthreads)

cdef extern from "logistic.h" nogil:
    int fm_logistic_binary_f32(double *out, double *curv, const float *X, const double *ypm,
                               const double *sn, const double *w, double b, int64_t n,
                               int64_t p, int nthreads)
    int fm_logistic_binary_f64(double *out, double *curv, const double *X, const double *ypm,
                               const double *sn, const double *w, double b, int64_t n,
                               int64_t p, int nthreads)

cdef extern from "embedding.h" nogil:
    int fm_embedding_backward_f32(float *dw, const float *g, const int64_t *idx, int64_t ntok,
                                  int64_t V, int64_t D, int64_t skip, int nthreads)
    int fm_embedding_backward_f64(double *dw, const double *g, const int64_t *idx,
                                  int64_t ntok, int64_t V, int64_t D, int64_t skip,
                                  int nthreads)
