/* recurrent_gru_tmpl.h -- GRU entry points and their time loops for one dtype
 * (T, SUF), included by recurrent.c after recurrent_tmpl.h (whose static
 * helpers step_gemm_, transpose_, colsum_ it reuses); names are spelled out
 * through FM_CAT (fm_gru_forward_f32, gru_fwd_rows_f32, ...).
 *
 * PyTorch's GRU, gate order r, z, n:
 *   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
 *   z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
 *   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
 *   h' = (1 - z) * n + z * h   (computed as n + z * (h - n))
 * Forward: one GEMM writes the input projection of every step into columns
 * [0, 3H) of gates (T*B, 4H); per step a small GEMM gives h W_hh^T (B, 3H) and
 * the fused cell kernel overwrites the row with [r | z | n | hn] (hn = the
 * n-gate's hidden part, needed by the backward).
 * Backward: per step the cell kernel writes dG_t = [dr | dz | dn r | dn] and the
 * direct share dh z of dL/dh_{t-1}; one small GEMM adds [dr | dz | dn r] W_hh.
 * The weight gradients come from whole-sequence GEMMs: the hidden side uses
 * columns [0, 3H) of dG, the input side columns [0, 2H) and [3H, 4H). */
#define PUB(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)
#define GEMM FM_CAT(rec_gemm_, SUF)

/* GRU time loop for batch rows [b0, b0 + R); gh is (B, 3H) scratch. */
static int IN(gru_fwd_rows_)(T *y, T *gates, T *gh, const T *h0, const T *w_hh, const T *whT,
                             const T *b_ih, const T *b_hh, int64_t Tn, int64_t B, int64_t H,
                             int64_t b0, int64_t R, int nthreads) {
    const int64_t GH = 3 * H;
    T *q = gh + b0 * GH;
    for (int64_t t = 0; t < Tn; t++) {
        const T *hp = t ? y + ((t - 1) * B + b0) * H : h0 + b0 * H;
        int st = IN(step_gemm_)(q, hp, w_hh, whT, 1, R, GH, H, 0, nthreads);
        if (st) return st;
        KT->TBL(gru_cell_fwd_)(gates + (t * B + b0) * 4 * H, y + (t * B + b0) * H, H, q, hp,
                               b_ih, b_hh, R, H);
    }
    return FM_OK;
}

FM_API int PUB(fm_gru_forward_)(T *y, T *gates, const T *x, const T *h0, const T *w_ih,
                                const T *w_hh, const T *b_ih, const T *b_hh, int64_t Tn,
                                int64_t B, int64_t I, int64_t H, int nthreads) {
    const int64_t GH = 3 * H;
    T *whT = NULL;
    if (GH * H <= SMALL_W && !(whT = IN(transpose_)(w_hh, GH, H))) return FM_ENOMEM;
    T *gh = malloc((size_t)(B * GH) * sizeof(T));
    if (!gh) {
        free(whT);
        return FM_ENOMEM;
    }
    int st = GEMM(0, 1, Tn * B, GH, I, 1, x, I, w_ih, I, 0, gates, 4 * H, nthreads);
    if (!st) {
        ROWS_PARALLEL(whT, 2.0 * Tn * B * GH * H, B,
                      IN(gru_fwd_rows_)(y, gates, gh, h0, w_hh, whT, b_ih, b_hh, Tn, B, H, b0,
                                        R, nthreads))
    }
    free(gh);
    free(whT);
    return st;
}

/* GRU BPTT for batch rows [b0, b0 + R): fills dG rows and dh0 rows (dh0 is the
 * running dL/dh buffer). */
static int IN(gru_bwd_rows_)(T *dG, T *dh0, const T *dy, const T *dhn, const T *h0,
                             const T *w_hh, const T *wsm, const T *y, const T *gates,
                             int64_t Tn, int64_t B, int64_t H, int64_t b0, int64_t R,
                             int nthreads) {
    const int64_t BH = B * H, o = b0 * H, G4 = 4 * H;
    T *dhr = dh0 + o;
    for (int64_t k = 0; k < R * H; k++)
        dhr[k] = dy[(Tn - 1) * BH + o + k] + (dhn ? dhn[o + k] : 0);
    for (int64_t t = Tn - 1; t >= 0; t--) {
        T *dg = dG + (t * B + b0) * G4;
        const T *hp = t ? y + (t - 1) * BH + o : h0 + o;
        KT->TBL(gru_cell_bwd_)(dg, dhr, gates + (t * B + b0) * G4, hp, R, H);
        if (t) {
            const T *dyp = dy + (t - 1) * BH + o;
            for (int64_t k = 0; k < R * H; k++) dhr[k] += dyp[k];
        }
        int st;
        if (wsm) { /* w_hh (3H, H) is already (K, N) */
            KT->TBL(gemm_acc_)(dhr, H, dg, G4, wsm, H, R, H, 3 * H, nthreads);
            st = FM_OK;
        } else {
            st = GEMM(0, 0, R, H, 3 * H, 1, dg, G4, w_hh, H, 1, dhr, H, nthreads);
        }
        if (st) return st;
    }
    return FM_OK;
}

/* out[j] += sum_r a[r, j], rows in order (a: rows x n, row stride lda). */
static void IN(colsum_acc_)(T *out, const T *a, int64_t lda, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < n; j++) out[j] += a[r * lda + j];
}

FM_API int PUB(fm_gru_backward_)(T *dx, T *dh0, T *dw_ih, T *dw_hh, T *db_ih, T *db_hh,
                                 T *work, const T *dy, const T *dhn, const T *x, const T *h0,
                                 const T *w_ih, const T *w_hh, const T *y, const T *gates,
                                 int64_t Tn, int64_t B, int64_t I, int64_t H, int nthreads) {
    const int64_t G4 = 4 * H, H2 = 2 * H, GH = 3 * H, TB = Tn * B;
    const T *wsm = GH * H <= SMALL_W ? w_hh : NULL;
    T *dG = work ? work : malloc((size_t)(TB * G4) * sizeof(T));
    if (!dG) return FM_ENOMEM;
    int st = FM_OK;
    ROWS_PARALLEL(wsm, 2.0 * Tn * B * GH * H, B,
                  IN(gru_bwd_rows_)(dG, dh0, dy, dhn, h0, w_hh, wsm, y, gates, Tn, B, H, b0, R,
                                    nthreads))
    /* hidden side: dw_hh = dG[:, :3H]^T [h0; y_1..y_{T-1}] */
    if (!st) st = GEMM(1, 0, GH, H, B, 1, dG, G4, h0, H, 0, dw_hh, H, nthreads);
    if (!st && Tn > 1)
        st = GEMM(1, 0, GH, H, (Tn - 1) * B, 1, dG + B * G4, G4, y, H, 1, dw_hh, H, nthreads);
    /* input side: [dr | dz] rows 0..2H of dw_ih, dn rows 2H..3H */
    if (!st) st = GEMM(1, 0, H2, I, TB, 1, dG, G4, x, I, 0, dw_ih, I, nthreads);
    if (!st) st = GEMM(1, 0, H, I, TB, 1, dG + GH, G4, x, I, 0, dw_ih + H2 * I, I, nthreads);
    if (!st && dx) {
        st = GEMM(0, 0, TB, I, H2, 1, dG, G4, w_ih, I, 0, dx, I, nthreads);
        if (!st) st = GEMM(0, 0, TB, I, H, 1, dG + GH, G4, w_ih + H2 * I, I, 1, dx, I, nthreads);
    }
    if (!st && db_hh) {
        memset(db_hh, 0, (size_t)GH * sizeof(T));
        IN(colsum_acc_)(db_hh, dG, G4, TB, GH);
    }
    if (!st && db_ih) {
        memset(db_ih, 0, (size_t)GH * sizeof(T));
        IN(colsum_acc_)(db_ih, dG, G4, TB, H2);
        IN(colsum_acc_)(db_ih + H2, dG + GH, G4, TB, H);
    }
    if (!work) free(dG);
    return st;
}

#undef PUB
#undef IN
#undef TBL
#undef GEMM
