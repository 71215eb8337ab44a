/* gmm_tmpl.h -- gmm entry points for one dtype (T, SUF), included by gmm.c. */
/* Rows in blocks of FM_GMM_ROWS over the team; rows are independent. tri
 * selects the whitening kernel (P, ldp) instead of the precomputed rows (Y). */
static int FM_CAT(gmm_run_, SUF)(T *resp, T *lse, const T *Y, int64_t ldy, int64_t ks,
                                 const T *S, const T *P, int64_t ldp, int tri, const T *B,
                                 const T *c, int64_t n, int64_t k, int64_t d, int nthreads) {
    if (n <= 0 || k <= 0) return FM_OK;
    const int64_t nb = (n + FM_GMM_ROWS - 1) / FM_GMM_ROWS;
    const size_t bufn = (size_t)FM_GMM_ROWS * (size_t)k + 64;
    const double per_row = tri ? (double)k * (double)d * (double)d * 0.75 : (double)k * d;
    int err = 0;
#pragma omp parallel num_threads(fm_team_size(nthreads, (double)n * (per_row + 24.0 * k)))
    {
        T *buf = malloc(bufn * sizeof(T));
        if (!buf) {
#pragma omp atomic write
            err = 1;
        }
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nb; b++) {
            if (!buf) continue;
            const int64_t lo = b * FM_GMM_ROWS;
            const int64_t hi = lo + FM_GMM_ROWS < n ? lo + FM_GMM_ROWS : n;
            if (tri)
                K->FM_CAT(rows_tri_, SUF)(resp, lse, Y, ldy, P, ldp, B, c, lo, hi, k, d, buf);
            else
                K->FM_CAT(rows_, SUF)(resp, lse, Y, ldy, ks, S, B, c, lo, hi, k, d, buf);
        }
        free(buf);
    }
    return err ? FM_ENOMEM : FM_OK;
}

FM_API int FM_CAT(fm_gmm_estep_tri_, SUF)(T *resp, T *lse, const T *X, int64_t ldx, const T *P,
                                          int64_t ldp, const T *B, const T *c, int64_t n,
                                          int64_t k, int64_t d, int nthreads) {
    if (ldp < d || ldp % FM_GMM_LDP) return FM_EINVAL;
    return FM_CAT(gmm_run_, SUF)(resp, lse, X, ldx, 0, NULL, P, ldp, 1, B, c, n, k, d,
                                 nthreads);
}

FM_API int FM_CAT(fm_gmm_estep_, SUF)(T *resp, T *lse, const T *Y, int64_t ldy, int64_t ks,
                                      const T *S, const T *B, const T *c, int64_t n, int64_t k,
                                      int64_t d, int nthreads) {
    return FM_CAT(gmm_run_, SUF)(resp, lse, Y, ldy, ks, S, NULL, 0, 0, B, c, n, k, d, nthreads);
}
