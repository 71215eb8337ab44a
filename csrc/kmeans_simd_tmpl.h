/* kmeans_simd_tmpl.h -- nearest-centre search for k-means, one ISA level.
 * Included by kmeans_simd.c with T (float/double) and SUF (f32/f64) defined.
 *
 * Centres are packed in panels of P = VL centres stored transposed
 * (packed[p*P*d + j*P + lane] = C[p*P + lane, j], zero-padded), so each vector
 * lane accumulates one (x, c) squared distance sum_j (x_j - c_j)^2 in plain
 * sequential order over j -- the same order as the scalar reference, and no
 * cancellation (unlike the |x|^2 - 2x.c + |c|^2 expansion). This direct form
 * wins for the small d typical of k-means (d=16: one FMA + one sub per lane
 * per feature, all in registers). Ties keep the lowest centre index.
 */
#define V FM_CAT(fm_v, SUF)
#define VL FM_CAT(FM_VL_, SUF)
#define VLOAD FM_CAT(fm_vload_, SUF)
#define VSET1 FM_CAT(fm_vset1_, SUF)
#define P VL

/* labels[i], mind[i] for rows [0, nr) of X (row stride d). */
void FM_ISA_FN(FM_CAT(fm_kmeans_assign_, SUF))(int32_t *restrict labels, T *restrict mind,
                                                const T *restrict X, int64_t nr,
                                                const T *restrict packed, int64_t k, int64_t d) {
    const int64_t npanels = (k + P - 1) / P;
    for (int64_t r0 = 0; r0 < nr; r0 += KM_MR) {
        const int64_t rows = nr - r0 < KM_MR ? nr - r0 : KM_MR;
        const T *xr[KM_MR];
        for (int r = 0; r < KM_MR; r++) xr[r] = X + (r0 + (r < rows ? r : 0)) * d;
        T best[KM_MR];
        int32_t arg[KM_MR];
        for (int r = 0; r < KM_MR; r++) {
            best[r] = (T)INFINITY;
            arg[r] = 0;
        }
        for (int64_t pnl = 0; pnl < npanels; pnl++) {
            const T *panel = packed + pnl * P * d;
            V acc[KM_MR];
            for (int r = 0; r < KM_MR; r++) acc[r] = VSET1(0);
            for (int64_t j = 0; j < d; j++) {
                const V c = VLOAD(panel + j * P);
                for (int r = 0; r < KM_MR; r++) {
                    const V t = VSET1(xr[r][j]) - c;
                    acc[r] += t * t;
                }
            }
            const int64_t nc = k - pnl * P < P ? k - pnl * P : P;
            for (int r = 0; r < KM_MR; r++) {
                T a[P];
                memcpy(a, &acc[r], sizeof a);
                for (int64_t l = 0; l < nc; l++) {
                    if (a[l] < best[r]) {
                        best[r] = a[l];
                        arg[r] = (int32_t)(pnl * P + l);
                    }
                }
            }
        }
        for (int64_t r = 0; r < rows; r++) {
            labels[r0 + r] = arg[r];
            mind[r0 + r] = best[r];
        }
    }
}

int FM_ISA_FN(FM_CAT(fm_kmeans_panel_width_, SUF))(void) { return P; }

#undef V
#undef VL
#undef VLOAD
#undef VSET1
#undef P
