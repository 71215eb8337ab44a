/* gram_simd_tmpl.h -- one lane of the shifted Gram for one input type (T, SUF)
 * at one ISA level; included by gram_simd.c. Products and sums are float64.
 *
 * Rows come in blocks of GRAM_R: a block's shifted rows z_r are written once
 * to the lane's scratch Zb (row-major, mp columns, zero padded), then every
 * tile of S -- VL rows i0.. of S (one vector) by GRAM_J columns j0.. at or
 * right of the tile's diagonal -- sweeps the block with GRAM_J accumulators:
 * acc[jj] += (w_r z_r[i0:i0+VL]) * z_r[j0+jj], one FMA per (row, column) with
 * the column value broadcast from memory. The accumulators are added to Sl
 * once per block, so S's traffic is per block, not per row.
 */
#define FN(name) FM_ISA_FN(FM_CAT(name, SUF))
#define IN(name) FM_CAT3(name, SUF, FM_ISA_NAME)

static void IN(gram_fill_)(double *restrict Zb, double *restrict wb, const T *restrict X,
                           int64_t ldx, const double *restrict Y, int64_t k,
                           const double *restrict w, const double *restrict shift, int64_t r0,
                           int64_t nr, int64_t p, int64_t mp) {
    for (int64_t r = 0; r < nr; r++) {
        const T *x = X + (r0 + r) * ldx;
        double *z = Zb + r * mp;
        for (int64_t j = 0; j < p; j++) z[j] = (double)x[j] - shift[j];
        for (int64_t j = 0; j < k; j++) z[p + j] = Y[(r0 + r) * k + j] - shift[p + j];
        z[p + k] = 1.0;
        for (int64_t j = p + k + 1; j < mp; j++) z[j] = 0.0;
        wb[r] = w ? w[r0 + r] : 1.0;
    }
}

static inline __attribute__((always_inline)) void IN(gram_block_)(
    double *restrict Sl, const double *restrict Zb, const double *restrict wb, int64_t nr,
    int64_t mp, const int weighted) {
    const int VLD = FM_VL_f64;
    for (int64_t i0 = 0; i0 < mp; i0 += VLD) {
        for (int64_t j0 = i0 / GRAM_J * GRAM_J; j0 < mp; j0 += GRAM_J) {
            fm_vf64 acc[GRAM_J];
#pragma GCC unroll 8
            for (int jj = 0; jj < GRAM_J; jj++) acc[jj] = (fm_vf64){0};
            for (int64_t r = 0; r < nr; r++) {
                const double *z = Zb + r * mp;
                const fm_vf64 u = weighted ? fm_vload_f64(z + i0) * wb[r] : fm_vload_f64(z + i0);
#pragma GCC unroll 8
                for (int jj = 0; jj < GRAM_J; jj++) acc[jj] += u * z[j0 + jj];
            }
#pragma GCC unroll 8
            for (int jj = 0; jj < GRAM_J; jj++) {
                double *s = Sl + (j0 + jj) * mp + i0;
                fm_vstore_f64(s, fm_vload_f64(s) + acc[jj]);
            }
        }
    }
}

void FN(fm_gram_lane_)(double *Sl, double *Zb, double *wb, const T *X, int64_t ldx,
                       const double *Y, int64_t k, const double *w, const double *shift,
                       int64_t lo, int64_t hi, int64_t p, int64_t mp) {
    for (int64_t r0 = lo; r0 < hi; r0 += GRAM_R) {
        const int64_t nr = hi - r0 < GRAM_R ? hi - r0 : GRAM_R;
        IN(gram_fill_)(Zb, wb, X, ldx, Y, k, w, shift, r0, nr, p, mp);
        if (w)
            IN(gram_block_)(Sl, Zb, wb, nr, mp, 1);
        else /* unweighted: no multiply by 1 per row and tile */
            IN(gram_block_)(Sl, Zb, wb, nr, mp, 0);
    }
}

#undef FN
#undef IN
