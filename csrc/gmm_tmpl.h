/* gmm_tmpl.h -- gmm entry points for one dtype (T, SUF), included by gmm.c. */
FM_API int FM_CAT(fm_gmm_estep_, SUF)(T *resp, T *lse, const T *Y, int64_t ldy, int64_t ks,
                                      const T *S, const T *B, const T *c, int64_t n, int64_t k,
                                      int64_t d, int nthreads) {
    if (n <= 0 || k <= 0) return FM_OK;
    const int64_t nb = (n + FM_GMM_ROWS - 1) / FM_GMM_ROWS;
    const size_t bufn = (size_t)FM_GMM_ROWS * (size_t)k + 64;
    int err = 0;
#pragma omp parallel num_threads(fm_team_size(nthreads, (double)n * (double)k * (double)(d + 24)))
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
            K->FM_CAT(rows_, SUF)(resp, lse, Y, ldy, ks, S, B, c, lo, hi, k, d, buf);
        }
        free(buf);
    }
    return err ? FM_ENOMEM : FM_OK;
}
