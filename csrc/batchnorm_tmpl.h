/* batchnorm_tmpl.h -- batchnorm entry points for one dtype (T, SUF), included
 * by batchnorm.c; each calls this level's kernel through the table K. */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)

FM_API int PUB(fm_batchnorm_forward_train_)(T *y, double *save_mean, double *save_invstd,
                                            T *running_mean, T *running_var, const T *x,
                                            const T *weight, const T *bias, int64_t N,
                                            int64_t C, int64_t L, double momentum, double eps,
                                            int nthreads) {
    return K->TBL(fwd_train_)(y, save_mean, save_invstd, running_mean, running_var, x, weight,
                              bias, N, C, L, momentum, eps, nthreads);
}

FM_API int PUB(fm_batchnorm_forward_eval_)(T *y, const T *x, const double *mean,
                                           const double *invstd, const T *weight, const T *bias,
                                           int64_t N, int64_t C, int64_t L, int nthreads) {
    return K->TBL(fwd_eval_)(y, x, mean, invstd, weight, bias, N, C, L, nthreads);
}

FM_API int PUB(fm_batchnorm_backward_)(T *dx, T *dweight, T *dbias, const T *dy, const T *x,
                                       const double *mean, const double *invstd,
                                       const T *weight, int64_t N, int64_t C, int64_t L,
                                       int training, int nthreads) {
    return K->TBL(bwd_)(dx, dweight, dbias, dy, x, mean, invstd, weight, N, C, L, training,
                        nthreads);
}

#undef PUB
#undef TBL
