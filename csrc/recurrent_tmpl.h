/* recurrent_tmpl.h -- LSTM / RNN entry points and their time loops for one dtype
 * (T, SUF), included by recurrent.c; names are spelled out through FM_CAT
 * (fm_lstm_forward_f32, lstm_fwd_rows_f32, ...). See recurrent.c for the plan. */
#define PUB(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)
#define GEMM FM_CAT(rec_gemm_, SUF)

/* C[M, N] (+)= A[M, K] op(W): op(W) = W^T for W (N, K) when wt is NULL (BLAS),
 * or the pre-transposed wt (K, N) for the small kernel. beta is 0 or 1. */
static int IN(step_gemm_)(T *C, const T *A, const T *W, const T *wt, int transw, int64_t M,
                          int64_t N, int64_t K, T beta, int nthreads) {
    if (wt) {
        if (beta == 0) memset(C, 0, (size_t)(M * N) * sizeof(T));
        KT->TBL(gemm_acc_)(C, N, A, K, wt, N, M, N, K, nthreads);
        return FM_OK;
    }
    return GEMM(0, transw, M, N, K, 1, A, K, W, transw ? K : N, beta, C, N, nthreads);
}

/* w (R, Cc) -> malloc'd w^T (Cc, R), in blocks of 16 x 16: every line read
 * or written is used whole while it is in L1 (the plain double loop wrote one
 * float per line: 0.25 ms for a 512 x 128 LSTM weight). */
static T *IN(transpose_)(const T *w, int64_t R, int64_t Cc) {
    T *t = malloc((size_t)(R * Cc) * sizeof(T));
    if (t)
        for (int64_t r0 = 0; r0 < R; r0 += 16)
            for (int64_t c0 = 0; c0 < Cc; c0 += 16) {
                const int64_t r1 = r0 + 16 < R ? r0 + 16 : R, c1 = c0 + 16 < Cc ? c0 + 16 : Cc;
                for (int64_t c = c0; c < c1; c++)
                    for (int64_t r = r0; r < r1; r++) t[c * R + r] = w[r * Cc + c];
            }
    return t;
}

/* out[j] = sum_r a[r, j] over rows in order (a: rows x n). */
static void IN(colsum_)(T *out, const T *a, int64_t rows, int64_t n) {
    memset(out, 0, (size_t)n * sizeof(T));
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < n; j++) out[j] += a[r * n + j];
}

/* Weight, bias and input gradients from dG (T*B, GH); see recurrent.c. */
static int IN(weight_grads_)(T *dx, T *dw_ih, T *dw_hh, T *dbias, const T *dG, const T *x,
                             const T *h0, const T *y, const T *w_ih, int64_t Tn, int64_t B,
                             int64_t I, int64_t H, int64_t GH, int nthreads) {
    int st = GEMM(1, 0, GH, I, Tn * B, 1, dG, GH, x, I, 0, dw_ih, I, nthreads);
    if (st) return st;
    st = GEMM(1, 0, GH, H, B, 1, dG, GH, h0, H, 0, dw_hh, H, nthreads);
    if (st) return st;
    if (Tn > 1) {
        st = GEMM(1, 0, GH, H, (Tn - 1) * B, 1, dG + B * GH, GH, y, H, 1, dw_hh, H, nthreads);
        if (st) return st;
    }
    if (dbias) IN(colsum_)(dbias, dG, Tn * B, GH);
    if (dx) st = GEMM(0, 0, Tn * B, I, GH, 1, dG, GH, w_ih, I, 0, dx, I, nthreads);
    return st;
}

/* LSTM time loop for batch rows [b0, b0 + R) (rows are independent sequences). */
static int IN(lstm_fwd_rows_)(T *y, T *c_all, T *gates, const T *h0, const T *c0,
                              const T *w_hh, const T *whT, const T *bias, int64_t Tn, int64_t B,
                              int64_t H, int64_t b0, int64_t R, int nthreads) {
    const int64_t GH = 4 * H;
    for (int64_t t = 0; t < Tn; t++) {
        T *g = gates + (t * B + b0) * GH;
        const T *hp = t ? y + ((t - 1) * B + b0) * H : h0 + b0 * H;
        const T *cp = t ? c_all + ((t - 1) * B + b0) * H : c0 + b0 * H;
        int st = IN(step_gemm_)(g, hp, w_hh, whT, 1, R, GH, H, 1, nthreads);
        if (st) return st;
        KT->TBL(lstm_cell_fwd_)(g, c_all + (t * B + b0) * H, y + (t * B + b0) * H, H, cp, bias,
                                R, H);
    }
    return FM_OK;
}

FM_API int PUB(fm_lstm_forward_)(T *y, T *c_all, T *gates, const T *x, const T *h0, const T *c0,
                                 const T *w_ih, const T *w_hh, const T *bias, int64_t Tn,
                                 int64_t B, int64_t I, int64_t H, int nthreads) {
    const int64_t GH = 4 * H;
    T *whT = NULL;
    if (GH * H <= SMALL_W && !(whT = IN(transpose_)(w_hh, GH, H))) return FM_ENOMEM;
    int st = GEMM(0, 1, Tn * B, GH, I, 1, x, I, w_ih, I, 0, gates, GH, nthreads);
    if (!st) {
        ROWS_PARALLEL(whT, 2.0 * Tn * B * GH * H, B,
                      IN(lstm_fwd_rows_)(y, c_all, gates, h0, c0, w_hh, whT, bias, Tn, B, H,
                                         b0, R, nthreads))
    }
    free(whT);
    return st;
}

/* LSTM BPTT for batch rows [b0, b0 + R): fills dG rows, dh0/dc0 rows. */
static int IN(lstm_bwd_rows_)(T *dG, T *dh, T *dh0, T *dc0, const T *dy, const T *dhn,
                              const T *dcn, const T *c0, const T *w_hh, const T *wsm,
                              const T *c_all, const T *gates, int64_t Tn, int64_t B, int64_t H,
                              int64_t b0, int64_t R, int nthreads) {
    const int64_t GH = 4 * H, BH = B * H, o = b0 * H;
    T *dhr = dh + o, *dcr = dc0 + o; /* dc0 doubles as the running dL/dc */
    for (int64_t k = 0; k < R * H; k++) {
        dhr[k] = dy[(Tn - 1) * BH + o + k] + (dhn ? dhn[o + k] : 0);
        dcr[k] = dcn ? dcn[o + k] : 0;
    }
    for (int64_t t = Tn - 1; t >= 0; t--) {
        T *dg = dG + (t * B + b0) * GH;
        const T *cp = t ? c_all + (t - 1) * BH + o : c0 + o;
        KT->TBL(lstm_cell_bwd_)(dg, dcr, dhr, gates + (t * B + b0) * GH, c_all + t * BH + o, cp,
                                R, H);
        int st;
        if (t) {
            memcpy(dhr, dy + (t - 1) * BH + o, (size_t)(R * H) * sizeof(T));
            st = IN(step_gemm_)(dhr, dg, w_hh, wsm, 0, R, H, GH, 1, nthreads);
        } else {
            st = IN(step_gemm_)(dh0 + o, dg, w_hh, wsm, 0, R, H, GH, 0, nthreads);
        }
        if (st) return st;
    }
    return FM_OK;
}

FM_API int PUB(fm_lstm_backward_)(T *dx, T *dh0, T *dc0, T *dw_ih, T *dw_hh, T *dbias, T *work,
                                  const T *dy, const T *dhn, const T *dcn, const T *x,
                                  const T *h0, const T *c0, const T *w_ih, const T *w_hh,
                                  const T *y, const T *c_all, const T *gates, int64_t Tn,
                                  int64_t B, int64_t I, int64_t H, int nthreads) {
    const int64_t GH = 4 * H, BH = B * H;
    const T *wsm = GH * H <= SMALL_W ? w_hh : NULL; /* (GH, H) is already (K, N) */
    T *dG = work ? work : malloc((size_t)(Tn * B * GH) * sizeof(T));
    T *dh = malloc((size_t)BH * sizeof(T));
    if (!dG || !dh) {
        if (!work) free(dG);
        free(dh);
        return FM_ENOMEM;
    }
    int st = FM_OK;
    ROWS_PARALLEL(wsm, 2.0 * Tn * B * GH * H, B,
                  IN(lstm_bwd_rows_)(dG, dh, dh0, dc0, dy, dhn, dcn, c0, w_hh, wsm, c_all,
                                     gates, Tn, B, H, b0, R, nthreads))
    if (!st)
        st = IN(weight_grads_)(dx, dw_ih, dw_hh, dbias, dG, x, h0, y, w_ih, Tn, B, I, H, GH,
                               nthreads);
    if (!work) free(dG);
    free(dh);
    return st;
}

/* RNN time loop for batch rows [b0, b0 + R). */
static int IN(rnn_fwd_rows_)(T *y, const T *h0, const T *w_hh, const T *whT, const T *bias,
                             int64_t Tn, int64_t B, int64_t H, int relu, int64_t b0, int64_t R,
                             int nthreads) {
    for (int64_t t = 0; t < Tn; t++) {
        T *yt = y + (t * B + b0) * H;
        const T *hp = t ? yt - B * H : h0 + b0 * H;
        int st = IN(step_gemm_)(yt, hp, w_hh, whT, 1, R, H, H, 1, nthreads);
        if (st) return st;
        KT->TBL(rnn_act_fwd_)(yt, bias, R, H, relu);
    }
    return FM_OK;
}

FM_API int PUB(fm_rnn_forward_)(T *y, const T *x, const T *h0, const T *w_ih, const T *w_hh,
                                const T *bias, int64_t Tn, int64_t B, int64_t I, int64_t H,
                                int relu, int nthreads) {
    T *whT = NULL;
    if (H * H <= SMALL_W && !(whT = IN(transpose_)(w_hh, H, H))) return FM_ENOMEM;
    int st = GEMM(0, 1, Tn * B, H, I, 1, x, I, w_ih, I, 0, y, H, nthreads);
    if (!st) {
        ROWS_PARALLEL(whT, 2.0 * Tn * B * H * H, B,
                      IN(rnn_fwd_rows_)(y, h0, w_hh, whT, bias, Tn, B, H, relu, b0, R,
                                        nthreads))
    }
    free(whT);
    return st;
}

/* RNN BPTT for batch rows [b0, b0 + R): fills dG rows and dh0 rows. */
static int IN(rnn_bwd_rows_)(T *dG, T *dh0, const T *dy, const T *dhn, const T *w_hh,
                             const T *wsm, const T *y, int64_t Tn, int64_t B, int64_t H,
                             int relu, int64_t b0, int64_t R, int nthreads) {
    const int64_t BH = B * H, o = b0 * H;
    T *dhr = dh0 + o; /* dh0 doubles as the running dL/dh buffer */
    for (int64_t k = 0; k < R * H; k++)
        dhr[k] = dy[(Tn - 1) * BH + o + k] + (dhn ? dhn[o + k] : 0);
    for (int64_t t = Tn - 1; t >= 0; t--) {
        T *dg = dG + t * BH + o;
        KT->TBL(rnn_act_bwd_)(dg, dhr, y + t * BH + o, R, H, relu);
        if (t) memcpy(dhr, dy + (t - 1) * BH + o, (size_t)(R * H) * sizeof(T));
        int st = IN(step_gemm_)(dhr, dg, w_hh, wsm, 0, R, H, H, t ? 1 : 0, nthreads);
        if (st) return st;
    }
    return FM_OK;
}

FM_API int PUB(fm_rnn_backward_)(T *dx, T *dh0, T *dw_ih, T *dw_hh, T *dbias, T *work,
                                 const T *dy, const T *dhn, const T *x, const T *h0,
                                 const T *w_ih, const T *w_hh, const T *y, int64_t Tn, int64_t B,
                                 int64_t I, int64_t H, int relu, int nthreads) {
    const T *wsm = H * H <= SMALL_W ? w_hh : NULL;
    T *dG = work ? work : malloc((size_t)(Tn * B * H) * sizeof(T));
    if (!dG) return FM_ENOMEM;
    int st = FM_OK;
    ROWS_PARALLEL(wsm, 2.0 * Tn * B * H * H, B,
                  IN(rnn_bwd_rows_)(dG, dh0, dy, dhn, w_hh, wsm, y, Tn, B, H, relu, b0, R,
                                    nthreads))
    if (!st)
        st = IN(weight_grads_)(dx, dw_ih, dw_hh, dbias, dG, x, h0, y, w_ih, Tn, B, I, H, H,
                               nthreads);
    if (!work) free(dG);
    return st;
}

#undef PUB
#undef IN
#undef TBL
#undef GEMM
