/* layernorm_tmpl.h -- layer / group norm entry points for one dtype (T, SUF),
 * included by layernorm.c (fm_layernorm_forward_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)

FM_API int PUB(fm_layernorm_forward_)(T *y, T *mean, T *rstd, const T *x, const T *w,
                                      const T *b, int64_t rows, int64_t n, double eps,
                                      int nthreads) {
    if (rows < 0 || n < 1) return FM_EINVAL;
    void (*fn)(T *, T *, T *, const T *, const T *, const T *, int64_t, int64_t, double) =
        K->TBL(ln_fwd_);
    int64_t rb = ln_row_block(n), nb = (rows + rb - 1) / rb;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 4.0 * rows * n))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        fn(y + s * n, mean + s, rstd + s, x + s * n, w, b, e - s, n, eps);
    }
    return FM_OK;
}

FM_API int PUB(fm_layernorm_backward_)(T *dx, T *dw, T *db, const T *dy, const T *x,
                                       const T *mean, const T *rstd, const T *w, int64_t rows,
                                       int64_t n, int nthreads) {
    if (rows < 0 || n < 1) return FM_EINVAL;
    void (*fn)(T *, T *, T *, const T *, const T *, const T *, const T *, const T *, int64_t,
               int64_t) = K->TBL(ln_bwd_);
    int64_t nb = (rows + 3) / 4;
    if (nb > LN_MAX_BLOCKS) nb = LN_MAX_BLOCKS;
    if (nb < 1) nb = 1;
    int64_t rb = (rows + nb - 1) / nb;
    nb = rows > 0 ? (rows + rb - 1) / rb : 0;
    T *part = NULL; /* nb x (dw | db) partials */
    int64_t pw = (dw ? n : 0) + (db ? n : 0);
    if (pw && nb) {
        part = (T *)calloc((size_t)(nb * pw), sizeof(T));
        if (!part) return FM_ENOMEM;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_team_size(nthreads, 8.0 * rows * n))
    for (int64_t q = 0; q < nb; q++) {
        int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;
        T *pdw = dw ? part + q * pw : NULL;
        T *pdb = db ? part + q * pw + (dw ? n : 0) : NULL;
        fn(dx ? dx + s * n : NULL, pdw, pdb, dy + s * n, x + s * n, mean + s, rstd + s, w, e - s,
           n);
    }
    if (dw) memset(dw, 0, (size_t)n * sizeof(T));
    if (db) memset(db, 0, (size_t)n * sizeof(T));
    for (int64_t q = 0; q < nb; q++) {
        const T *p = part + q * pw;
        if (dw) {
            for (int64_t j = 0; j < n; j++) dw[j] += p[j];
            p += n;
        }
        if (db)
            for (int64_t j = 0; j < n; j++) db[j] += p[j];
    }
    free(part);
    return FM_OK;
}

FM_API int PUB(fm_groupnorm_forward_)(T *y, T *mean, T *rstd, const T *x, const T *w,
                                      const T *b, int64_t N, int64_t C, int64_t L, int64_t G,
                                      double eps, int nthreads) {
    if (N < 0 || C < 1 || L < 1 || G < 1 || C % G) return FM_EINVAL;
    int64_t cpg = C / G, m = cpg * L, rows = N * G;
    void (*stats)(T *, T *, const T *, int64_t, double) = K->TBL(row_stats_);
    void (*axpc)(T *, const T *, int64_t, T, T, T) = K->TBL(axpc_);
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_team_size(nthreads, 4.0 * rows * m))
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * m;
        T *yr = y + r * m;
        stats(mean + r, rstd + r, xr, m, eps);
        T mu = mean[r], rs = rstd[r];
        int64_t c0 = (r % G) * cpg;
        for (int64_t k = 0; k < cpg; k++) {
            T a = w ? rs * w[c0 + k] : rs;
            axpc(yr + k * L, xr + k * L, L, a, mu, b ? b[c0 + k] : (T)0);
        }
    }
    return FM_OK;
}

/* dx = a_k dy + bx (x - mean) + c over row r (sample, group) of group norm,
 * a_k = rstd w[k]: bx and c from the row's per-channel sums sr (s0, s1 pairs). */
static inline void PUB(gn_dx_coefs_)(T *bx, T *c, const double *sr, const T *w, int64_t c0,
                                     int64_t cpg, int64_t m, double rs) {
    double sg = 0, sgx = 0;
    for (int64_t k = 0; k < cpg; k++) {
        double wc = w ? (double)w[c0 + k] : 1.0;
        sg += wc * sr[2 * k];
        sgx += wc * sr[2 * k + 1];
    }
    /* dx = rs w dy - rs^2 mean(g xhat) (x - mu) - rs mean(g), g = w dy */
    *bx = (T)(-rs * rs * rs * sgx / (double)m);
    *c = (T)(-rs * sg / (double)m);
}

/* The per-channel sums s0 = sum(dy), s1 = sum(dy * (x - mean)) (s, 2 per
 * (sample, channel)) and dx. With enough (sample, group) rows for the team,
 * one task per row of m = cpg * L contiguous values: its sums in one pass over
 * dy and x, then its dx while those values are still in cache (a row is a few
 * hundred KB at most for the usual shapes), so dy and x come from memory
 * once. Few rows: sums, then dx, each split over (sample, channel) segments. */
static void PUB(gn_bwd_rows_)(T *dx, double *s, const T *dy, const T *x, const T *mean,
                              const T *rstd, const T *w, int64_t N, int64_t C, int64_t L,
                              int64_t G, int team) {
    const int64_t cpg = C / G, m = cpg * L, rows = N * G, segs = N * C;
    void (*dsums)(double *, const T *, const T *, int64_t, T) = K->TBL(dsums_);
    void (*axbyc)(T *, const T *, const T *, int64_t, T, T, T, T) = K->TBL(axbyc_);
    if (rows >= 2 * team) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
        for (int64_t r = 0; r < rows; r++) {
            const int64_t c0 = (r % G) * cpg, off = r * m;
            double *sr = s + 2 * (r / G * C + c0);
            for (int64_t k = 0; k < cpg; k++)
                dsums(sr + 2 * k, dy + off + k * L, x + off + k * L, L, mean[r]);
            if (!dx) continue;
            T bx, c;
            PUB(gn_dx_coefs_)(&bx, &c, sr, w, c0, cpg, m, (double)rstd[r]);
            for (int64_t k = 0; k < cpg; k++) {
                T a = w ? (T)((double)rstd[r] * (double)w[c0 + k]) : rstd[r];
                axbyc(dx + off + k * L, dy + off + k * L, x + off + k * L, L, a, bx, mean[r], c);
            }
        }
        return;
    }
#pragma omp parallel num_threads(team)
    {
#pragma omp for schedule(dynamic, 4)
        for (int64_t q = 0; q < segs; q++)
            dsums(s + 2 * q, dy + q * L, x + q * L, L, mean[(q / C) * G + (q % C) / cpg]);
        if (dx) {
#pragma omp for schedule(dynamic, 4)
            for (int64_t q = 0; q < segs; q++) {
                const int64_t r = (q / C) * G + (q % C) / cpg, c0 = (r % G) * cpg;
                T bx, c;
                PUB(gn_dx_coefs_)(&bx, &c, s + 2 * (r / G * C + c0), w, c0, cpg, m,
                                  (double)rstd[r]);
                T a = w ? (T)((double)rstd[r] * (double)w[q % C]) : rstd[r];
                axbyc(dx + q * L, dy + q * L, x + q * L, L, a, bx, mean[r], c);
            }
        }
    }
}

FM_API int PUB(fm_groupnorm_backward_)(T *dx, T *dw, T *db, const T *dy, const T *x,
                                       const T *mean, const T *rstd, const T *w, int64_t N,
                                       int64_t C, int64_t L, int64_t G, int nthreads) {
    if (N < 0 || C < 1 || L < 1 || G < 1 || C % G) return FM_EINVAL;
    const int64_t cpg = C / G, segs = N * C;
    double *s = (double *)malloc((size_t)(segs > 0 ? segs : 1) * 2 * sizeof(double));
    if (!s) return FM_ENOMEM;
    int team = fm_team_size(nthreads, (dx ? 5.0 : 3.0) * (double)segs * L);
    PUB(gn_bwd_rows_)(dx, s, dy, x, mean, rstd, w, N, C, L, G, team);
    for (int64_t c = 0; c < C && (dw || db); c++) { /* samples in order */
        double aw = 0, ab = 0;
        for (int64_t nn = 0; nn < N; nn++) {
            const double *sq = s + 2 * (nn * C + c);
            aw += sq[1] * (double)rstd[nn * G + c / cpg];
            ab += sq[0];
        }
        if (dw) dw[c] = (T)aw;
        if (db) db[c] = (T)ab;
    }
    free(s);
    return FM_OK;
}

#undef PUB
#undef TBL
