/* gram_tmpl.h -- gram entry points for one input type (T, SUF), included by gram.c. */
FM_API int FM_CAT(fm_gram_shifted_, SUF)(double *S, const T *X, int64_t ldx, const double *Y,
                                         int64_t k, const double *w, const double *shift,
                                         int64_t n, int64_t p, int nthreads) {
    const int64_t m = p + k + 1;
    if (m > FM_GRAM_MAX_M) return FM_EINVAL;
    const int64_t mp = (m + GRAM_J - 1) / GRAM_J * GRAM_J;
    const size_t per_lane = (size_t)mp * mp + (size_t)GRAM_R * mp + GRAM_R;
    double *buf = calloc(per_lane * FM_GRAM_LANES, sizeof(double));
    if (!buf) return FM_ENOMEM;
    double *Sl = buf, *Zb = buf + (size_t)FM_GRAM_LANES * mp * mp;
    double *wb = Zb + (size_t)FM_GRAM_LANES * GRAM_R * mp;
#pragma omp parallel for schedule(static) \
    num_threads(fm_team_size(nthreads, (double)n * (double)m * (double)m))
    for (int l = 0; l < FM_GRAM_LANES; l++) {
        const int64_t lo = n * l / FM_GRAM_LANES, hi = n * (l + 1) / FM_GRAM_LANES;
        K->FM_CAT(lane_, SUF)(Sl + (size_t)l * mp * mp, Zb + (size_t)l * GRAM_R * mp,
                              wb + (size_t)l * GRAM_R, X, ldx, Y, k, w, shift, lo, hi, p, mp);
    }
    gram_reduce(S, Sl, m, mp);
    free(buf);
    return FM_OK;
}
