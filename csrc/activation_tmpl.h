/* activation_tmpl.h -- activation entry points for one dtype (T, SUF),
 * included by activation.c; names are spelled out through FM_CAT
 * (fm_activation_forward_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)

FM_API int PUB(fm_activation2_forward_)(T *y, const T *x, int64_t n, int kind, double a,
                                        double b, int nthreads) {
    if (kind < 0 || kind > ACT_MAX_KIND) return FM_EINVAL;
    void (*fn)(T *, const T *, int64_t, int, T, T) = K->TBL(fwd_);
    int64_t nchunks = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, n * act_cost(kind)))
    for (int64_t c = 0; c < nchunks; c++) {
        int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;
        fn(y + s, x + s, e - s, kind, (T)a, (T)b);
    }
    return FM_OK;
}

FM_API int PUB(fm_activation2_backward_)(T *dx, const T *dy, const T *x, const T *y,
                                         int64_t n, int kind, double a, double b,
                                         int nthreads) {
    if (kind < 0 || kind > ACT_MAX_KIND) return FM_EINVAL;
    void (*fn)(T *, const T *, const T *, const T *, int64_t, int, T, T) = K->TBL(bwd_);
    int64_t nchunks = (n + CHUNK - 1) / CHUNK;
    double cost = kind <= 4 ? 2.0 : act_cost(kind); /* 0-4 read the saved output */
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, n * cost))
    for (int64_t c = 0; c < nchunks; c++) {
        int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;
        fn(dx + s, dy + s, x ? x + s : NULL, y ? y + s : NULL, e - s, kind, (T)a, (T)b);
    }
    return FM_OK;
}

FM_API int PUB(fm_activation_forward_)(T *y, const T *x, int64_t n, int kind, double alpha,
                                       int nthreads) {
    if (kind < 0 || kind > 4) return FM_EINVAL;
    return PUB(fm_activation2_forward_)(y, x, n, kind, alpha, 0.0, nthreads);
}

FM_API int PUB(fm_activation_backward_)(T *dx, const T *dy, const T *x, const T *y, int64_t n,
                                        int kind, double alpha, int nthreads) {
    if (kind < 0 || kind > 4) return FM_EINVAL;
    return PUB(fm_activation2_backward_)(dx, dy, x, y, n, kind, alpha, 0.0, nthreads);
}

FM_API int PUB(fm_softmax_forward_)(T *y, const T *x, int64_t rows, int64_t c, int log_,
                                    int nthreads) {
    void (*fn)(T *, const T *, int64_t, int64_t, int) = K->TBL(softmax_);
    int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 12.0, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        fn(y + s * c, x + s * c, e - s, c, log_);
    }
    return FM_OK;
}

FM_API int PUB(fm_softmax_backward_)(T *dx, const T *dy, const T *y, int64_t rows, int64_t c,
                                     int log_, int nthreads) {
    void (*fn)(T *, const T *, const T *, int64_t, int64_t, int) = K->TBL(softmax_bwd_);
    int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 4.0, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        fn(dx + s * c, dy + s * c, y + s * c, e - s, c, log_);
    }
    return FM_OK;
}

#undef PUB
#undef TBL
