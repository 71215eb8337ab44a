/* pool2d_tmpl.h -- pool2d entry points for one dtype (T, SUF), included by
 * pool2d.c; names are spelled out through FM_CAT (fm_maxpool2d_forward_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)

FM_API int PUB(fm_maxpool2d_forward_)(T *y, int32_t *argmax, const T *x, const fm_pool2d_geom *g,
                                      int nthreads) {
    K->TBL(max_fwd_)(y, argmax, x, g, nthreads);
    return FM_OK;
}

FM_API int PUB(fm_maxpool2d_backward_)(T *dx, const T *dy, const int32_t *argmax,
                                       const fm_pool2d_geom *g, int nthreads) {
    K->TBL(max_bwd_)(dx, dy, argmax, g, nthreads);
    return FM_OK;
}

FM_API int PUB(fm_avgpool2d_forward_)(T *y, const T *x, const fm_pool2d_geom *g,
                                      int count_include_pad, int nthreads) {
    return K->TBL(avg_fwd_)(y, x, g, count_include_pad, nthreads);
}

FM_API int PUB(fm_avgpool2d_backward_)(T *dx, const T *dy, const fm_pool2d_geom *g,
                                       int count_include_pad, int nthreads) {
    return K->TBL(avg_bwd_)(dx, dy, g, count_include_pad, nthreads);
}

/* y[i] = mean of x[i, :L], float64 accumulation. */
FM_API int PUB(fm_global_avgpool_forward_)(T *y, const T *x, int64_t NC, int64_t L,
                                           int nthreads) {
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)NC * L))
    for (int64_t i = 0; i < NC; i++) {
        const T *p = x + i * L;
        double acc = 0;
#pragma omp simd reduction(+ : acc)
        for (int64_t l = 0; l < L; l++) acc += (double)p[l];
        y[i] = (T)(acc / (double)L);
    }
    return FM_OK;
}

FM_API int PUB(fm_global_avgpool_backward_)(T *dx, const T *dy, int64_t NC, int64_t L,
                                            int nthreads) {
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, (double)NC * L))
    for (int64_t i = 0; i < NC; i++) {
        const T v = (T)((double)dy[i] / (double)L);
        T *p = dx + i * L;
        for (int64_t l = 0; l < L; l++) p[l] = v;
    }
    return FM_OK;
}

#undef PUB
#undef TBL
