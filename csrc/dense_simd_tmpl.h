/* dense_simd_tmpl.h -- small-batch dense kernels for one element type at one
 * ISA level; included by dense_simd.c with T, SUF, V (vector type) and VL
 * defined (fm_dense_small_fwd_f32_avx2, ...). */
#define FN(name) FM_ISA_FN(FM_CAT(name, SUF))
#define IN(name) FM_CAT3(name, SUF, FM_ISA_NAME)
#define VLOAD FM_CAT(fm_vload_, SUF)
#define VSTORE FM_CAT(fm_vstore_, SUF)


/* Finish output y[r, j] of a block: lane sum, scalar tail, bias, activation. */
static inline __attribute__((always_inline)) T IN(fwd_out_)(V acc, const T *wj,
                                                             const T *xr, int64_t k,
                                                             int64_t in, const T *b,
                                                             int64_t j, int act) {
    T s = FM_CAT(fm_vhsum_, SUF)(acc) /* pairwise lane sum */;
    for (; k < in; k++) s += wj[k] * xr[k];
    if (b) s += b[j];
    return (act == 0 && s < 0) ? (T)0 : s;
}

/* One block of nr <= MAXR rows, two weight rows at a time (each x load feeds two
 * FMAs); called with a literal nr for full blocks so the accumulators live in
 * registers. */
static inline __attribute__((always_inline)) void IN(fwd_block_)(
    T *y, const T *xb, const T *w, const T *b, int64_t in, int64_t out, int64_t j0,
    int64_t j1, int act, const int nr) {
    int64_t j = j0;
    for (; j + 2 <= j1; j += 2) {
        const T *w0 = w + j * in, *w1 = w0 + in;
        V a0[MAXR], a1[MAXR];
        for (int r = 0; r < nr; r++) a0[r] = a1[r] = (V){0};
        int64_t k = 0;
        for (; k + VL <= in; k += VL) {
            V v0 = VLOAD(w0 + k), v1 = VLOAD(w1 + k);
            for (int r = 0; r < nr; r++) {
                V xv = VLOAD(xb + r * in + k);
                a0[r] += v0 * xv;
                a1[r] += v1 * xv;
            }
        }
        for (int r = 0; r < nr; r++) {
            y[r * out + j] = IN(fwd_out_)(a0[r], w0, xb + r * in, k, in, b, j, act);
            y[r * out + j + 1] = IN(fwd_out_)(a1[r], w1, xb + r * in, k, in, b, j + 1, act);
        }
    }
    if (j < j1) {
        const T *w0 = w + j * in;
        V a0[MAXR];
        for (int r = 0; r < nr; r++) a0[r] = (V){0};
        int64_t k = 0;
        for (; k + VL <= in; k += VL) {
            V v0 = VLOAD(w0 + k);
            for (int r = 0; r < nr; r++) a0[r] += v0 * VLOAD(xb + r * in + k);
        }
        for (int r = 0; r < nr; r++)
            y[r * out + j] = IN(fwd_out_)(a0[r], w0, xb + r * in, k, in, b, j, act);
    }
}

/* y[i, j] = act(b[j] + x[i, :] . w[j, :]) for j in [j0, j1), all rows. */
void FN(fm_dense_small_fwd_)(T *y, const T *x, const T *w, const T *b,
                                          int64_t n, int64_t in, int64_t out, int64_t j0,
                                          int64_t j1, int act) {
    for (int64_t r0 = 0; r0 < n; r0 += MAXR) {
        int nr = (int)(n - r0 < MAXR ? n - r0 : MAXR);
        if (nr == MAXR)
            IN(fwd_block_)(y + r0 * out, x + r0 * in, w, b, in, out, j0, j1, act, MAXR);
        else
            IN(fwd_block_)(y + r0 * out, x + r0 * in, w, b, in, out, j0, j1, act, nr);
    }
}

static inline __attribute__((always_inline)) void IN(dx_block_)(
    T *dxb, const T *gb, const T *w, int64_t in, int64_t out, int64_t k0, int64_t k1,
    const int nr) {
    int64_t k = k0;
    for (; k + VL <= k1; k += VL) {
        V acc[MAXR];
        for (int r = 0; r < nr; r++) acc[r] = (V){0};
        for (int64_t j = 0; j < out; j++) {
            V wv = VLOAD(w + j * in + k);
            for (int r = 0; r < nr; r++) acc[r] += wv * gb[r * out + j];
        }
        for (int r = 0; r < nr; r++) VSTORE(dxb + r * in + k, acc[r]);
    }
    for (; k < k1; k++)
        for (int r = 0; r < nr; r++) {
            T s = 0;
            for (int64_t j = 0; j < out; j++) s += gb[r * out + j] * w[j * in + k];
            dxb[r * in + k] = s;
        }
}

/* dx[i, k] = sum_j g[i, j] w[j, k] for k in [k0, k1); dx rows stay in registers per
 * k vector while j runs (one fixed order). */
void FN(fm_dense_small_dx_)(T *dx, const T *g, const T *w, int64_t n,
                                         int64_t in, int64_t out, int64_t k0, int64_t k1) {
    for (int64_t r0 = 0; r0 < n; r0 += MAXR) {
        int nr = (int)(n - r0 < MAXR ? n - r0 : MAXR);
        if (nr == MAXR)
            IN(dx_block_)(dx + r0 * in, g + r0 * out, w, in, out, k0, k1, MAXR);
        else
            IN(dx_block_)(dx + r0 * in, g + r0 * out, w, in, out, k0, k1, nr);
    }
}

/* dw[j, :] = sum_i g[i, j] x[i, :] for j in [j0, j1) (rows summed in order).
 * Four output rows share each x load; independent accumulators hide the FMA
 * latency of the short sum over i. */
static inline __attribute__((always_inline)) void IN(dw_rows_)(
    T *dw, const T *g, const T *x, int64_t n, int64_t in, int64_t out, int64_t j,
    const int nj) {
    int64_t k = 0;
    for (; k + VL <= in; k += VL) {
        V acc[4] = {{0}};
        for (int64_t i = 0; i < n; i++) {
            V xv = VLOAD(x + i * in + k);
            const T *gi = g + i * out + j;
            for (int q = 0; q < nj; q++) acc[q] += xv * gi[q];
        }
        for (int q = 0; q < nj; q++) VSTORE(dw + (j + q) * in + k, acc[q]);
    }
    for (; k < in; k++)
        for (int q = 0; q < nj; q++) {
            T s = 0;
            for (int64_t i = 0; i < n; i++) s += x[i * in + k] * g[i * out + j + q];
            dw[(j + q) * in + k] = s;
        }
}

void FN(fm_dense_small_dw_)(T *dw, const T *g, const T *x, int64_t n,
                                         int64_t in, int64_t out, int64_t j0, int64_t j1) {
    int64_t j = j0;
    for (; j + 4 <= j1; j += 4) IN(dw_rows_)(dw, g, x, n, in, out, j, 4);
    if (j < j1) IN(dw_rows_)(dw, g, x, n, in, out, j, (int)(j1 - j));
}

#undef FN
#undef IN
#undef VLOAD
#undef VSTORE
