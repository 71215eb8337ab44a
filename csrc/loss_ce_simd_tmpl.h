/* loss_ce_simd_tmpl.h -- fused cross-entropy rows for one element type (T, SUF)
 * at one ISA level; included at the end of loss_simd_tmpl.h (the vector math
 * and the row helpers of activation_rows_tmpl.h are already in scope). Rows of
 * few classes (c <= FM_SMALL_C) run VL rows at a time, one vector per column. */

static inline __attribute__((always_inline)) void F(ce_cols)(T *loss, T *lse, const T *x,
                                                              const int64_t *t, int64_t c,
                                                              int nr) {
    V m, s;
    F(cols_maxsum)(x, c, nr, &m, &s);
    V ls = F(vlog)(s);
    T xt[VL] = {0};
    for (int r = 0; r < nr; r++) xt[r] = x[r * c + t[r]];
    F(part_st)(lse, m + ls, nr);
    /* (m - x_t) + log s, not lse - x_t: a confident row keeps its tiny loss */
    F(part_st)(loss, (m - FM_CAT(fm_vload_, SUF)(xt)) + ls, nr);
}

/* d holds dr * p_j for every class of one row; subtract dr at the target.
 * When p_t > 1/2, p_t - 1 is formed as -sum_{j != t} p_j: 1 - p_t rounds to
 * 0 in float32 for a confident row whose true gradient is tiny but nonzero. */
static inline void F(ce_target_grad)(T *d, int64_t t, int64_t c, T dr) {
    if (dr != 0 && d[t] / dr > (T)0.5) {
        T rest = 0;
        for (int64_t j = 0; j < c; j++) rest += j == t ? 0 : d[j];
        d[t] = -rest;
    } else {
        d[t] -= dr;
    }
}

static inline __attribute__((always_inline)) void F(ce_bwd_cols)(T *dx, const T *dloss,
                                                                  int64_t dstride, const T *x,
                                                                  const T *lse,
                                                                  const int64_t *t, int64_t c,
                                                                  int nr) {
    V l = F(part_ld)(lse, nr);
    V dr = dstride ? F(part_ld)(dloss, nr) : (V){0} + dloss[0];
    /* lane r's target as a number (-1 past nr); per column, is_t = 1 at the
     * target and 0 elsewhere, so p_t and sum_{j != t} p_j build without a
     * branch (ce_target_grad's rule, vectorised over the rows) */
    V tv = (V){0} - 1;
    for (int r = 0; r < nr; r++) tv[r] = (T)t[r];
    V pt = (V){0}, rest = (V){0};
    for (int64_t j = 0; j < c; j++) {
        V p = F(vexp_le0)(F(col_ld)(x, c, j, nr) - l);
        V is_t = -__builtin_convertvector(tv == (V){0} + (T)j, V);
        pt += p * is_t;
        rest += p - p * is_t;
        F(col_st)(dx, c, j, p * dr, nr);
    }
    V conf = -__builtin_convertvector(pt > (V){0} + (T)0.5, V);
    V g = (conf * -rest + ((V){0} + 1 - conf) * (pt - 1)) * dr;
    for (int r = 0; r < nr; r++) dx[r * c + t[r]] = g[r];
}

/* loss[r] = lse_r - x[r, t[r]], lse[r] = log sum exp(x[r, :]), computed as
 * (max - x[r, t[r]]) + log sum exp(x[r, :] - max). */
void IF_(fm_ce_rows)(T *loss, T *lse, const T *x, const int64_t *t, int64_t rows, int64_t c) {
    if (c <= FM_SMALL_C) {
#define B_(NR) F(ce_cols)(loss + r, lse + r, x + r * c, t + r, c, NR)
        FM_COL_BLOCKS(rows, B_);
#undef B_
        return;
    }
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        T m, s;
        F(row_maxsum)(xr, c, NULL, &m, &s);
        T ls = (T)log((double)s);
        lse[r] = m + ls;
        loss[r] = (m - xr[t[r]]) + ls;
    }
}

/* dx[r, j] = d_r (exp(x[r, j] - lse[r]) - [j == t[r]]), d_r = dloss[r * dstride]. */
void IF_(fm_ce_bwd_rows)(T *dx, const T *dloss, int64_t dstride, const T *x, const T *lse,
                         const int64_t *t, int64_t rows, int64_t c) {
    if (c <= FM_SMALL_C) {
#define B_(NR) F(ce_bwd_cols)(dx + r * c, dloss + r * dstride, dstride, x + r * c, lse + r, t + r, c, NR)
        FM_COL_BLOCKS(rows, B_);
#undef B_
        return;
    }
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        T *d = dx + r * c;
        T dr = dloss[r * dstride], l = lse[r];
        int64_t i = 0;
        for (; i + VL <= c; i += VL)
            FM_CAT(fm_vstore_, SUF)(d + i, F(vexp_le0)(FM_CAT(fm_vload_, SUF)(xr + i) - l) * dr);
        if (i < c) { /* tail through the vector code on a padded copy */
            T buf[VL] = {0};
            memcpy(buf, xr + i, (size_t)(c - i) * sizeof(T));
            V r = F(vexp_le0)(FM_CAT(fm_vload_, SUF)(buf) - l) * dr;
            memcpy(d + i, &r, (size_t)(c - i) * sizeof(T));
        }
        F(ce_target_grad)(d, t[r], c, dr);
    }
}

/* out[r] = sum_j w[j] (x[r, j] - lse[r]) (w NULL: weights 1), the weighted sum
 * of log-probabilities for label smoothing: every term has one sign, so no
 * cancellation. Lane sums, then lanes in order, then the tail (fixed order). */
void IF_(fm_ce_wlogp_rows)(T *out, const T *x, const T *lse, const T *w, int64_t rows,
                           int64_t c) {
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        const T l = lse[r];
        V acc = {0};
        int64_t i = 0;
        if (w)
            for (; i + VL <= c; i += VL)
                acc += (FM_CAT(fm_vload_, SUF)(xr + i) - l) * FM_CAT(fm_vload_, SUF)(w + i);
        else
            for (; i + VL <= c; i += VL) acc += FM_CAT(fm_vload_, SUF)(xr + i) - l;
        T s = 0;
        for (int k = 0; k < VL; k++) s += acc[k];
        for (; i < c; i++) s += w ? (xr[i] - l) * w[i] : xr[i] - l;
        out[r] = s;
    }
}

/* dx[r, j] = alpha[r] exp(x[r, j] - lse[r]) - gamma[r] w[j] (w NULL: 1), then
 * dx[r, t[r]] -= beta[r]: cross-entropy with class weights, ignored rows
 * (alpha = beta = gamma = 0, t[r] any index in [0, c)) and label smoothing. */
void IF_(fm_ce_bwd_ex_rows)(T *dx, const T *alpha, const T *beta, const T *gamma, const T *w,
                            const T *x, const T *lse, const int64_t *t, int64_t rows,
                            int64_t c) {
    const V one = (V){0} + (T)1;
    for (int64_t r = 0; r < rows; r++) {
        const T *xr = x + r * c;
        T *d = dx + r * c;
        const T a = alpha[r], g = gamma[r], l = lse[r];
        int64_t i = 0;
        for (; i + VL <= c; i += VL) {
            V wv = w ? FM_CAT(fm_vload_, SUF)(w + i) : one;
            FM_CAT(fm_vstore_, SUF)(d + i, F(vexp_le0)(FM_CAT(fm_vload_, SUF)(xr + i) - l) * a - wv * g);
        }
        if (i < c) { /* tail through the vector code on padded copies */
            T bx[VL] = {0}, bw[VL];
            for (int k = 0; k < VL; k++) bw[k] = (T)1;
            memcpy(bx, xr + i, (size_t)(c - i) * sizeof(T));
            if (w) memcpy(bw, w + i, (size_t)(c - i) * sizeof(T));
            V v = F(vexp_le0)(FM_CAT(fm_vload_, SUF)(bx) - l) * a - FM_CAT(fm_vload_, SUF)(bw) * g;
            memcpy(d + i, &v, (size_t)(c - i) * sizeof(T));
        }
        if (g == 0 && beta[r] == a)  /* class weights only: a (p_t - 1) as above */
            F(ce_target_grad)(d, t[r], c, a);
        else
            d[t[r]] -= beta[r];
    }
}

