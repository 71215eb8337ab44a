/* dense_tmpl.h -- dense entry points for one dtype (T, SUF), included by
 * dense.c after dense_tiny_tmpl.h; names are spelled out through FM_CAT
 * (fm_dense_forward_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)

/* y += b, then relu, row by row (the epilogue of the BLAS path). */
static void IN(dense_epilogue_)(T *y, const T *b, int64_t n, int64_t out, int act, int nthreads) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_team_size(nthreads, 2.0 * n * out))
    for (int64_t i = 0; i < n; i++) {
        T *yr = y + i * out;
        if (b)
            for (int64_t j = 0; j < out; j++) yr[j] += b[j];
        if (act == 0)
            for (int64_t j = 0; j < out; j++) yr[j] = yr[j] < 0 ? (T)0 : yr[j];
    }
}

FM_API int PUB(fm_dense_forward_)(T *y, const T *x, const T *w, const T *b, int64_t n, int64_t in,
                                  int64_t out, int act, int nthreads) {
    if (act < -1 || act > 0) return FM_EINVAL;
    if (n == 0 || out == 0) return FM_OK;
    if (in * out <= TINY_W && n > SMALL_N) {
        T zb[TINY_W] = {0};
        IN(dense_tiny_fwd_)(y, x, w, b ? b : zb, n, in, out, act, nthreads);
        return FM_OK;
    }
    if (n <= SMALL_N) {
        void (*fn)(T *, const T *, const T *, const T *, int64_t, int64_t, int64_t, int64_t,
                   int64_t, int) = K->TBL(small_fwd_);
        FOR_SLICES(out, 2.0 * n * in * out, nthreads, fn(y, x, w, b, n, in, out, s, e, act));
        return FM_OK;
    }
    int st = in ? FM_CAT(fm_gemm_, SUF)(0, 1, n, out, in, (T)1, x, in, w, in, (T)0, y, out,
                                        nthreads)
                : (memset(y, 0, (size_t)(n * out) * sizeof(T)), FM_OK);
    if (st != FM_OK) return st;
    if (b || act == 0) IN(dense_epilogue_)(y, b, n, out, act, nthreads);
    return FM_OK;
}

/* dx and dw for n <= SMALL_N rows through the small-batch kernels (g = masked dy). */
static void IN(dense_small_backward_)(T *dx, T *dw, const T *g, const T *x, const T *w,
                                      int64_t n, int64_t in, int64_t out, int nthreads) {
    if (dx) {
        void (*fx)(T *, const T *, const T *, int64_t, int64_t, int64_t, int64_t, int64_t) =
            K->TBL(small_dx_);
        FOR_SLICES(in, 2.0 * n * in * out, nthreads, fx(dx, g, w, n, in, out, s, e));
    }
    if (dw) {
        void (*fw)(T *, const T *, const T *, int64_t, int64_t, int64_t, int64_t, int64_t) =
            K->TBL(small_dw_);
        FOR_SLICES(out, 2.0 * n * in * out, nthreads, fw(dw, g, x, n, in, out, s, e));
    }
}

/* dx = g w, dw = g^T x through BLAS (zeros for an empty reduction). */
static int IN(dense_blas_backward_)(T *dx, T *dw, const T *g, const T *x, const T *w, int64_t n,
                                    int64_t in, int64_t out, int nthreads) {
    int st = FM_OK;
    if (dx) {
        if (out && n)
            st = FM_CAT(fm_gemm_, SUF)(0, 0, n, in, out, (T)1, g, out, w, in, (T)0, dx, in,
                                       nthreads);
        else
            memset(dx, 0, (size_t)(n * in) * sizeof(T));
    }
    if (dw && st == FM_OK) {
        if (n && out)
            st = FM_CAT(fm_gemm_, SUF)(1, 0, out, in, n, (T)1, g, out, x, in, (T)0, dw, in,
                                       nthreads);
        else
            memset(dw, 0, (size_t)(out * in) * sizeof(T));
    }
    return st;
}

FM_API int PUB(fm_dense_backward_)(T *dx, T *dw, T *db, const T *dy, const T *x, const T *w,
                                   const T *y, int64_t n, int64_t in, int64_t out, int act,
                                   int nthreads) {
    if (act < -1 || act > 0) return FM_EINVAL;
    if (in * out <= TINY_W && n > SMALL_N && in && out) {
        int64_t nb = (n + TINY_RB - 1) / TINY_RB;
        T *part = (T *)malloc((size_t)(nb * (out * in + out)) * sizeof(T));
        if (!part) return FM_ENOMEM;
        IN(dense_tiny_bwd_)(dx, dw, db, dy, x, w, y, n, in, out, act, part, nthreads);
        free(part);
        return FM_OK;
    }
    const T *g = dy;
    T *tmp = NULL;
    if (act == 0) { /* relu: zero where y <= 0 (a NaN output passes the gradient, as torch) */
        tmp = (T *)malloc((size_t)(n * out) * sizeof(T) + 1);
        if (!tmp) return FM_ENOMEM;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_team_size(nthreads, (double)n * out))
        for (int64_t i = 0; i < n * out; i++) tmp[i] = y[i] <= 0 ? (T)0 : dy[i];
        g = tmp;
    }
    int st = FM_OK;
    if (n <= SMALL_N && n && out && in)
        IN(dense_small_backward_)(dx, dw, g, x, w, n, in, out, nthreads);
    else
        st = IN(dense_blas_backward_)(dx, dw, g, x, w, n, in, out, nthreads);
    if (db && st == FM_OK) {
        memset(db, 0, (size_t)out * sizeof(T));
        for (int64_t i = 0; i < n; i++) {
            const T *gr = g + i * out;
            for (int64_t j = 0; j < out; j++) db[j] += gr[j];
        }
    }
    free(tmp);
    return st;
}

#undef PUB
#undef IN
#undef TBL
