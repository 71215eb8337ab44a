/* recurrent_simd_tmpl.h -- element-wise LSTM/RNN cell kernels and the small
 * per-step GEMM, one instance per element type and ISA level (included by
 * recurrent_simd.c with T, SUF, V, VL, VSIG, VTANH defined; named
 * fm_lstm_cell_fwd_f32_avx2, ...). All arrays are row-major with B rows; each row is handled
 * in vectors of VL lanes, and the row tail runs through the same vector code
 * on a zero-padded copy, so every element takes the same arithmetic path.
 *
 * Layouts: gates rows are [i | f | g | o], each H wide (PyTorch order).
 */

#define VLOAD FM_CAT(fm_vload_, SUF)
#define VSTORE FM_CAT(fm_vstore_, SUF)
#define VSET1 FM_CAT(fm_vset1_, SUF)

/* Load n <= VL elements (zero padded) / store the first n lanes. */
static inline V FM_CAT(vload_part_, SUF)(const T *p, int64_t n) {
    if (n == VL) return VLOAD(p);
    T buf[VL] = {0};
    memcpy(buf, p, (size_t)n * sizeof(T));
    return VLOAD(buf);
}
static inline void FM_CAT(vstore_part_, SUF)(T *p, V v, int64_t n) {
    if (n == VL) {
        VSTORE(p, v);
        return;
    }
    T buf[VL];
    VSTORE(buf, v);
    memcpy(p, buf, (size_t)n * sizeof(T));
}
#define LDP FM_CAT(vload_part_, SUF)
#define STP FM_CAT(vstore_part_, SUF)

/* Forward LSTM cell for one time step.
 * gates (B, 4H): in = x W_ih^T + h_prev W_hh^T (bias not yet added);
 *                out = activated gates (sigmoid i, f, o; tanh g), kept for BPTT.
 * c (B, H) out: f * c_prev + i * g;  h (B, H) out: o * tanh(c), row stride ldh.
 * bias (4H) = b_ih + b_hh, or NULL. */
void FM_ISA_FN(FM_CAT(fm_lstm_cell_fwd_, SUF))(T *gates, T *c, T *h, int64_t ldh,
                                               const T *c_prev, const T *bias, int64_t B,
                                               int64_t H) {
    const V zero = VSET1(0);
    for (int64_t b = 0; b < B; b++) {
        T *g = gates + b * 4 * H;
        T *cr = c + b * H;
        T *hr = h + b * ldh;
        const T *cp = c_prev + b * H;
        for (int64_t j = 0; j < H; j += VL) {
            const int64_t n = H - j < VL ? H - j : VL;
            V gi = LDP(g + j, n), gf = LDP(g + H + j, n);
            V gg = LDP(g + 2 * H + j, n), go = LDP(g + 3 * H + j, n);
            if (bias) {
                gi += LDP(bias + j, n);
                gf += LDP(bias + H + j, n);
                gg += LDP(bias + 2 * H + j, n);
                go += LDP(bias + 3 * H + j, n);
            }
            gi = VSIG(gi);
            gf = VSIG(gf);
            gg = VTANH(gg);
            go = VSIG(go);
            V cv = gf * LDP(cp + j, n) + gi * gg;
            V hv = go * VTANH(cv) + zero;
            STP(g + j, gi, n);
            STP(g + H + j, gf, n);
            STP(g + 2 * H + j, gg, n);
            STP(g + 3 * H + j, go, n);
            STP(cr + j, cv, n);
            STP(hr + j, hv, n);
        }
    }
}

/* Backward LSTM cell for one time step.
 * dgates (B, 4H) out: gradient w.r.t. the pre-activation gates.
 * dc (B, H) in: dL/dc_t through c_{t+1}; out: dL/dc_{t-1}.
 * dh (B, H): dL/dh_t (all paths). gates, c: this step's saved activations;
 * c_prev: c_{t-1} (c0 at t = 0). */
void FM_ISA_FN(FM_CAT(fm_lstm_cell_bwd_, SUF))(T *dgates, T *dc, const T *dh,
                                               const T *gates, const T *c, const T *c_prev,
                                               int64_t B, int64_t H) {
    const V one = VSET1(1);
    for (int64_t b = 0; b < B; b++) {
        T *dg = dgates + b * 4 * H;
        T *dcr = dc + b * H;
        const T *g = gates + b * 4 * H;
        const T *cr = c + b * H, *cp = c_prev + b * H, *dhr = dh + b * H;
        for (int64_t j = 0; j < H; j += VL) {
            const int64_t n = H - j < VL ? H - j : VL;
            V i = LDP(g + j, n), f = LDP(g + H + j, n);
            V gg = LDP(g + 2 * H + j, n), o = LDP(g + 3 * H + j, n);
            V dhv = LDP(dhr + j, n);
            V tc = VTANH(LDP(cr + j, n));
            V dcv = LDP(dcr + j, n) + dhv * o * (one - tc * tc);
            V di = dcv * gg, dgg = dcv * i, df = dcv * LDP(cp + j, n), dov = dhv * tc;
            STP(dg + j, di * i * (one - i), n);
            STP(dg + H + j, df * f * (one - f), n);
            STP(dg + 2 * H + j, dgg * (one - gg * gg), n);
            STP(dg + 3 * H + j, dov * o * (one - o), n);
            STP(dcr + j, dcv * f, n);
        }
    }
}

/* Forward vanilla-RNN activation in place: y = act(y + bias), y (B, H),
 * act = tanh (relu == 0) or relu. */
void FM_ISA_FN(FM_CAT(fm_rnn_act_fwd_, SUF))(T *y, const T *bias, int64_t B, int64_t H,
                                             int relu) {
    const V zero = VSET1(0);
    for (int64_t b = 0; b < B; b++) {
        T *yr = y + b * H;
        for (int64_t j = 0; j < H; j += VL) {
            const int64_t n = H - j < VL ? H - j : VL;
            V v = LDP(yr + j, n);
            if (bias) v += LDP(bias + j, n);
            if (relu) /* zero where v < 0; NaN propagates (torch) */
                v = (V)((__typeof__(v < zero))v & ~(v < zero));
            else
                v = VTANH(v);
            STP(yr + j, v, n);
        }
    }
}

/* Backward RNN activation: dg = dh * act'(.), written from the output y
 * (tanh' = 1 - y^2; relu: dh masked where y <= 0, so a NaN output passes the
 * gradient, as torch). All (B, H). */
void FM_ISA_FN(FM_CAT(fm_rnn_act_bwd_, SUF))(T *dg, const T *dh, const T *y, int64_t B,
                                             int64_t H, int relu) {
    const V zero = VSET1(0), one = VSET1(1);
    for (int64_t b = 0; b < B; b++) {
        for (int64_t j = 0; j < H; j += VL) {
            const int64_t n = H - j < VL ? H - j : VL;
            V yv = LDP(y + b * H + j, n), d = LDP(dh + b * H + j, n);
            V r;
            if (relu)
                r = (V)((__typeof__(yv <= zero))d & ~(yv <= zero));
            else
                r = d * (one - yv * yv);
            STP(dg + b * H + j, r, n);
        }
    }
}


/* Forward GRU cell for one time step (PyTorch: r, z, n; b_hn inside r * (.)).
 * gates (B, 4H): in, columns [0, 3H) = x W_ih^T (no bias); out = [r | z | n | hn]
 *   with hn = h_prev W_hn^T + b_hn, kept for BPTT.
 * gh (B, 3H) = h_prev W_hh^T (no bias); b_ih, b_hh (3H) or both NULL.
 * h (B, H) out, row stride ldh: n + z * (h_prev - n); h_prev (B, H). */
void FM_ISA_FN(FM_CAT(fm_gru_cell_fwd_, SUF))(T *gates, T *h, int64_t ldh, const T *gh,
                                              const T *h_prev, const T *b_ih, const T *b_hh,
                                              int64_t B, int64_t H) {
    for (int64_t b = 0; b < B; b++) {
        T *g = gates + b * 4 * H;
        const T *q = gh + b * 3 * H, *hp = h_prev + b * H;
        T *hr = h + b * ldh;
        for (int64_t j = 0; j < H; j += VL) {
            const int64_t n = H - j < VL ? H - j : VL;
            V ar = LDP(g + j, n) + LDP(q + j, n);
            V az = LDP(g + H + j, n) + LDP(q + H + j, n);
            V xn = LDP(g + 2 * H + j, n), hn = LDP(q + 2 * H + j, n);
            if (b_ih) {
                ar += LDP(b_ih + j, n) + LDP(b_hh + j, n);
                az += LDP(b_ih + H + j, n) + LDP(b_hh + H + j, n);
                xn += LDP(b_ih + 2 * H + j, n);
                hn += LDP(b_hh + 2 * H + j, n);
            }
            V r = VSIG(ar), z = VSIG(az);
            V nv = VTANH(xn + r * hn);
            V hv = nv + z * (LDP(hp + j, n) - nv);
            STP(g + j, r, n);
            STP(g + H + j, z, n);
            STP(g + 2 * H + j, nv, n);
            STP(g + 3 * H + j, hn, n);
            STP(hr + j, hv, n);
        }
    }
}

/* Backward GRU cell for one time step.
 * dg (B, 4H) out: [dr | dz | dn * r | dn], the pre-activation gradients of the
 *   hidden projection (first 3H) and, with [dr | dz | dn], of the input one.
 * dh (B, H) in: dL/dh_t (all paths); out: its direct share of dL/dh_{t-1}, dh * z.
 * gates: this step's [r | z | n | hn]; h_prev (B, H). */
void FM_ISA_FN(FM_CAT(fm_gru_cell_bwd_, SUF))(T *dg, T *dh, const T *gates, const T *h_prev,
                                              int64_t B, int64_t H) {
    const V one = VSET1(1);
    for (int64_t b = 0; b < B; b++) {
        T *d = dg + b * 4 * H, *dhr = dh + b * H;
        const T *g = gates + b * 4 * H, *hp = h_prev + b * H;
        for (int64_t j = 0; j < H; j += VL) {
            const int64_t n = H - j < VL ? H - j : VL;
            V r = LDP(g + j, n), z = LDP(g + H + j, n);
            V nv = LDP(g + 2 * H + j, n), hn = LDP(g + 3 * H + j, n);
            V dhv = LDP(dhr + j, n);
            V dn = dhv * (one - z) * (one - nv * nv);
            V dz = dhv * (LDP(hp + j, n) - nv) * z * (one - z);
            V dr = dn * hn * r * (one - r);
            STP(d + j, dr, n);
            STP(d + H + j, dz, n);
            STP(d + 2 * H + j, dn * r, n);
            STP(d + 3 * H + j, dn, n);
            STP(dhr + j, dhv * z, n);
        }
    }
}

/* Rows of the per-step tile: with 32 vector registers (AVX-512) 8 rows x 2
 * vectors (16 accumulators: 16 FMAs per 2 loads + 8 broadcasts); 4 rows with 16. */
#ifdef __AVX512F__
#define RNN_MR 8
#else
#define RNN_MR 4
#endif

/* C[0:rows, 0:2 VL] += A[0:rows, 0:K] Bm[0:K, 0:2 VL], k in order (rows is a
 * constant at every call: the tile lives in registers). */
static inline __attribute__((always_inline)) void FM_CAT(rnn_tile_, SUF)(
    T *C, int64_t ldc, const T *A, int64_t lda, const T *Bm, int64_t ldb, int64_t K,
    const int rows) {
    V s[RNN_MR][2];
#pragma GCC unroll 8
    for (int r = 0; r < rows; r++) {
        s[r][0] = VLOAD(C + r * ldc);
        s[r][1] = VLOAD(C + r * ldc + VL);
    }
    for (int64_t k = 0; k < K; k++) {
        const V b0 = VLOAD(Bm + k * ldb), b1 = VLOAD(Bm + k * ldb + VL);
#pragma GCC unroll 8
        for (int r = 0; r < rows; r++) {
            const T a = A[r * lda + k];
            s[r][0] += a * b0;
            s[r][1] += a * b1;
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < rows; r++) {
        VSTORE(C + r * ldc, s[r][0]);
        VSTORE(C + r * ldc + VL, s[r][1]);
    }
}

/* Small GEMM for the per-step recurrent products: C[M, N] += A[M, K] Bm[K, N]
 * (row-major, leading dimensions lda, ldb, ldc). Register tiles of RNN_MR rows
 * x 2 vectors accumulate over k in order, so every element has one fixed
 * summation order (thread-count independent, tile-independent). Columns are
 * split into panels of 2 vectors across threads when the product is large
 * enough; rows and column tails fall back to 4-row / 1-row tiles and scalar
 * code. */
void FM_ISA_FN(FM_CAT(fm_rnn_gemm_acc_, SUF))(T *C, int64_t ldc, const T *A, int64_t lda,
                                              const T *Bm, int64_t ldb, int64_t M, int64_t N,
                                              int64_t K, int nthreads) {
    const int64_t W2 = 2 * VL, npanel = N / W2;
    /* A step of a typical cell (B=32, H=64: ~1 MFLOP, ~15 us) is too short for a
     * fork/join per step to pay off; only much larger steps are split. */
    const double flops = 2.0 * (double)M * (double)N * (double)K;
    const int nt = flops >= 1.6e7 ? fm_team_size(nthreads, flops) : 1;
    _Pragma("omp parallel for schedule(static) num_threads(nt)")
    for (int64_t p = 0; p < npanel; p++) {
        const int64_t j = p * W2;
        int64_t i = 0;
        for (; i + RNN_MR <= M; i += RNN_MR)
            FM_CAT(rnn_tile_, SUF)(C + i * ldc + j, ldc, A + i * lda, lda, Bm + j, ldb, K,
                                   RNN_MR);
        for (; i + 4 <= M; i += 4)
            FM_CAT(rnn_tile_, SUF)(C + i * ldc + j, ldc, A + i * lda, lda, Bm + j, ldb, K, 4);
        for (; i < M; i++)
            FM_CAT(rnn_tile_, SUF)(C + i * ldc + j, ldc, A + i * lda, lda, Bm + j, ldb, K, 1);
    }
    /* column tail (< 2 vectors): scalar, same k order */
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = npanel * W2; j < N; j++) {
            T s = C[i * ldc + j];
            for (int64_t k = 0; k < K; k++) s += A[i * lda + k] * Bm[k * ldb + j];
            C[i * ldc + j] = s;
        }
}

#undef RNN_MR
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef LDP
#undef STP
