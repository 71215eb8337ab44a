/* gram_syrk_tmpl.h -- the packed SYRK path of the shifted Gram for one input
 * type (T, SUF) at one ISA level; included by gram_simd.c after
 * gram_syrk_tile.h (SYRK_MR, SYRK_NRV, SYRK_NR, SYRK_KC, syrk_bcast).
 *
 * For wide z (m = p + k + 1 in the hundreds or more) the Gram is a GEMM-shaped
 * product Z^T W Z computed one triangle at a time with a register-blocked
 * micro-kernel: an MR x NR tile of S (NR = NRV vectors) stays in registers
 * while KC rows of z stream through it, one broadcast and NRV FMAs per tile row
 * and row of z. Per block of KC rows, one thread packs
 *   A: w_r z_r[i] for rows i < c1 in MR-row panels   ap[(i/MR) KC MR + r MR + i%MR]
 *   B:     z_r[j] for its columns [c0, c1) in NR-column panels
 *                                                    bp[((j-c0)/NR) KC NR + r NR + j%NR]
 * straight from X / Y with the shift subtracted (no centred copy of X), then
 * runs the tiles of its columns that touch the upper triangle (i <= j). The
 * tile's sums are added to S once per block. Each S element sums its rows in
 * the same order (blocks in order, rows in order inside a block) whichever
 * thread owns its column, so the result does not depend on the thread count.
 */
#define FN(name) FM_ISA_FN(FM_CAT(name, SUF))
#define IN(name) FM_CAT3(name, SUF, FM_ISA_NAME)

/* z_r[j] for row r (0 past m = p + k + 1). */
static inline __attribute__((always_inline)) double IN(syrk_z_)(const T *x, const double *y,
                                                              const double *shift, int64_t j,
                                                              int64_t p, int64_t k) {
    if (j < p) return (double)x[j] - shift[j];
    if (j < p + k) return y[j - p] - shift[j];
    return j == p + k ? 1.0 : 0.0;
}

/* Panels of columns [j0, j1) (j0 a multiple of `width`) of rows [r0, r0 + kc),
 * each value times the row's weight when w is given. */
static void IN(syrk_pack_)(double *restrict dst, int width, const T *restrict X, int64_t ldx,
                           const double *restrict Y, int64_t k, const double *restrict w,
                           const double *restrict shift, int64_t r0, int64_t kc, int64_t j0,
                           int64_t j1, int64_t p) {
    const int64_t jx = p < j1 ? p : j1; /* columns below jx come straight from X */
    for (int64_t r = 0; r < kc; r++) {
        const T *x = X + (r0 + r) * ldx;
        const double *y = Y ? Y + (r0 + r) * k : NULL;
        const double wr = w ? w[r0 + r] : 1.0;
        for (int64_t jp = j0; jp < j1; jp += width) {
            double *d = dst + (jp - j0) * kc + r * width;
            const int64_t je = jp + width;
            if (je <= jx) {
                for (int64_t j = jp; j < je; j++) d[j - jp] = wr * ((double)x[j] - shift[j]);
            } else {
                for (int64_t j = jp; j < je; j++)
                    d[j - jp] = wr * IN(syrk_z_)(x, y, shift, j, p, k);
            }
        }
    }
}

/* S[i0:i0+MR, j0:j0+NR] += A panel (MR x kc) . B panel (kc x NR); rows >= mr
 * and columns >= nr of the tile lie outside S and are dropped. */
static void IN(syrk_tile_)(double *restrict S, int64_t lds, const double *restrict a,
                           const double *restrict b, int64_t kc, int64_t mr, int64_t nr) {
    fm_vf64 acc[SYRK_MR][SYRK_NRV];
#pragma GCC unroll 16
    for (int i = 0; i < SYRK_MR; i++)
#pragma GCC unroll 4
        for (int v = 0; v < SYRK_NRV; v++) acc[i][v] = (fm_vf64){0};
    for (int64_t r = 0; r < kc; r++) {
        fm_vf64 bv[SYRK_NRV];
#pragma GCC unroll 4
        for (int v = 0; v < SYRK_NRV; v++) bv[v] = fm_vload_f64(b + r * SYRK_NR + v * FM_VL_f64);
#pragma GCC unroll 16
        for (int i = 0; i < SYRK_MR; i++) {
            const fm_vf64 ai = syrk_bcast(a + r * SYRK_MR + i);
#pragma GCC unroll 4
            for (int v = 0; v < SYRK_NRV; v++) acc[i][v] += ai * bv[v];
        }
    }
    if (mr == SYRK_MR && nr == SYRK_NR) {
#pragma GCC unroll 16
        for (int i = 0; i < SYRK_MR; i++)
#pragma GCC unroll 4
            for (int v = 0; v < SYRK_NRV; v++) {
                double *s = S + i * lds + v * FM_VL_f64;
                fm_vstore_f64(s, fm_vload_f64(s) + acc[i][v]);
            }
        return;
    }
    double t[SYRK_MR * SYRK_NR];
    for (int i = 0; i < SYRK_MR; i++)
        for (int v = 0; v < SYRK_NRV; v++) fm_vstore_f64(t + i * SYRK_NR + v * FM_VL_f64, acc[i][v]);
    for (int64_t i = 0; i < mr; i++)
        for (int64_t j = 0; j < nr; j++) S[i * lds + j] += t[i * SYRK_NR + j];
}

/* One thread's share: S[i, j] (row-major, m x m, zeroed by the caller) for
 * its columns [c0, c1) (multiples of NR; c1 may pass m) and every row i of a
 * tile touching i <= j, summed over all n rows. ap holds SYRK_KC x (c1 rounded
 * up to MR) doubles, bp SYRK_KC x (c1 - c0). */
void FN(fm_gram_syrk_)(double *S, double *ap, double *bp, const T *X, int64_t ldx,
                       const double *Y, int64_t k, const double *w, const double *shift,
                       int64_t n, int64_t p, int64_t c0, int64_t c1) {
    const int64_t m = p + k + 1;
    const int64_t ra = (c1 + SYRK_MR - 1) / SYRK_MR * SYRK_MR; /* A rows packed */
    for (int64_t r0 = 0; r0 < n; r0 += SYRK_KC) {
        const int64_t kc = n - r0 < SYRK_KC ? n - r0 : SYRK_KC;
        IN(syrk_pack_)(ap, SYRK_MR, X, ldx, Y, k, w, shift, r0, kc, 0, ra, p);
        IN(syrk_pack_)(bp, SYRK_NR, X, ldx, Y, k, NULL, shift, r0, kc, c0, c1, p);
        for (int64_t j0 = c0; j0 < c1 && j0 < m; j0 += SYRK_NR) {
            const int64_t nr = m - j0 < SYRK_NR ? m - j0 : SYRK_NR;
            const double *b = bp + (j0 - c0) * kc;
            const int64_t jend = j0 + nr; /* tiles with a row i < jend touch i <= j */
            for (int64_t i0 = 0; i0 < jend; i0 += SYRK_MR) {
                const int64_t mr = m - i0 < SYRK_MR ? m - i0 : SYRK_MR;
                IN(syrk_tile_)(S + i0 * m + j0, m, ap + i0 * kc, b, kc, mr, nr);
            }
        }
    }
}

#undef FN
#undef IN
