/* loss_tmpl.h -- loss entry points for one dtype (T, SUF), included by loss.c;
 * names are spelled out through FM_CAT (fm_loss_pointwise_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)

FM_API int PUB(fm_loss_pointwise_)(T *out, const T *x, const T *y, int64_t n, int kind,
                                   double param, int nthreads) {
    if (kind < 0 || kind > 8) return FM_EINVAL;
    void (*fn)(T *, const T *, const T *, int64_t, int, T) = K->TBL(el_);
    int64_t nc = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 8.0 * n))
    for (int64_t c = 0; c < nc; c++) {
        int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;
        fn(out + s, x + s, y + s, e - s, kind, (T)param);
    }
    return FM_OK;
}

FM_API int PUB(fm_loss_pointwise_sum_)(double *out, const T *x, const T *y, int64_t n, int kind,
                                       double param, int nthreads) {
    if (kind < 0 || kind > 8) return FM_EINVAL;
    double (*fn)(const T *, const T *, int64_t, int, T) = K->TBL(sum_);
    int64_t nb = (n + BLOCK - 1) / BLOCK;
    double stackbuf[64];
    double *part = nb <= 64 ? stackbuf : (double *)malloc((size_t)nb * sizeof(double));
    if (!part) return FM_ENOMEM;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 8.0 * n))
    for (int64_t b = 0; b < nb; b++) {
        int64_t s = b * BLOCK, e = s + BLOCK < n ? s + BLOCK : n;
        part[b] = fn(x + s, y + s, e - s, kind, (T)param);
    }
    double total = 0;
    for (int64_t b = 0; b < nb; b++) total += part[b];
    if (part != stackbuf) free(part);
    *out = total;
    return FM_OK;
}

/* dx[i] = dloss/dx(x[i], y[i]) * dout[i * dstride] (dstride 0: one scalar). */
FM_API int PUB(fm_loss_pointwise_backward_)(T *dx, const T *dout, int64_t dstride, const T *x,
                                            const T *y, int64_t n, int kind, double param,
                                            int nthreads) {
    if (kind < 0 || kind > 8) return FM_EINVAL;
    void (*fn)(T *, const T *, int64_t, const T *, const T *, int64_t, int, T) = K->TBL(grad_);
    int64_t nc = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 8.0 * n))
    for (int64_t c = 0; c < nc; c++) {
        int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;
        fn(dx + s, dout + s * dstride, dstride, x + s, y + s, e - s, kind, (T)param);
    }
    return FM_OK;
}

FM_API int PUB(fm_cross_entropy_forward_)(T *loss, T *lse, const T *x, const int64_t *t,
                                          int64_t rows, int64_t c, int nthreads) {
    void (*fn)(T *, T *, const T *, const int64_t *, int64_t, int64_t) = K->TBL(ce_);
    int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 12.0, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        fn(loss + s, lse + s, x + s * c, t + s, e - s, c);
    }
    return FM_OK;
}

FM_API int PUB(fm_cross_entropy_backward_)(T *dx, const T *dloss, int64_t dstride, const T *x,
                                           const T *lse, const int64_t *t, int64_t rows,
                                           int64_t c, int nthreads) {
    void (*fn)(T *, const T *, int64_t, const T *, const T *, const int64_t *, int64_t,
               int64_t) = K->TBL(ce_bwd_);
    int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 12.0, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        fn(dx + s * c, dloss + s * dstride, dstride, x + s * c, lse + s, t + s, e - s, c);
    }
    return FM_OK;
}

FM_API int PUB(fm_cross_entropy_forward_ex_)(T *loss, T *lse, T *wlp, const T *x,
                                             const int64_t *t, const T *w, int64_t rows,
                                             int64_t c, int nthreads) {
    void (*fn)(T *, T *, const T *, const int64_t *, int64_t, int64_t) = K->TBL(ce_);
    void (*wlogp)(T *, const T *, const T *, const T *, int64_t, int64_t) = K->TBL(ce_wlogp_);
    int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 14.0, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        fn(loss + s, lse + s, x + s * c, t + s, e - s, c);
        if (wlp) wlogp(wlp + s, x + s * c, lse + s, w, e - s, c);
    }
    return FM_OK;
}

FM_API int PUB(fm_cross_entropy_backward_ex_)(T *dx, const T *alpha, const T *beta,
                                              const T *gamma, const T *w, const T *x,
                                              const T *lse, const int64_t *t, int64_t rows,
                                              int64_t c, int nthreads) {
    void (*fn)(T *, const T *, const T *, const T *, const T *, const T *, const T *,
               const int64_t *, int64_t, int64_t) = K->TBL(ce_bwd_ex_);
    int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 14.0, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        fn(dx + s * c, alpha + s, beta + s, gamma + s, w, x + s * c, lse + s, t + s, e - s, c);
    }
    return FM_OK;
}

#undef PUB
#undef TBL
