/* gram_tmpl.h -- gram entry points for one input type (T, SUF), included by gram.c. */

/* The packed SYRK path (m >= FM_GRAM_SYRK_MIN_M): the column panels of S split
 * over the team in contiguous ranges of equal tile counts (the upper triangle:
 * panel q holds about (q + 1) NR / MR tiles), each thread packing its own
 * operands; S zeroed first, its lower triangle mirrored last. */
static int FM_CAT(gram_syrk_, SUF)(double *S, const T *X, int64_t ldx, const double *Y,
                                  int64_t k, const double *w, const double *shift, int64_t n,
                                  int64_t p, int nthreads) {
    const int64_t m = p + k + 1, mr = K->syrk_mr, nr = K->syrk_nr, kc = K->syrk_kc;
    const int64_t panels = (m + nr - 1) / nr;
    memset(S, 0, (size_t)m * m * sizeof(double));
    int nt = fm_team_size(nthreads, 0.5 * (double)n * (double)m * (double)m);
    if (nt > panels) nt = (int)panels;
    if (nt < 1) nt = 1;
    int64_t cut[FM_GRAM_SYRK_MAX_TEAM + 1];
    if (nt > FM_GRAM_SYRK_MAX_TEAM) nt = FM_GRAM_SYRK_MAX_TEAM;
    {
        double total = 0;
        for (int64_t q = 0; q < panels; q++) total += (double)((q + 1) * nr + mr - 1) / mr;
        double acc = 0;
        int t = 1;
        cut[0] = 0;
        for (int64_t q = 0; q < panels && t < nt; q++) {
            acc += (double)((q + 1) * nr + mr - 1) / mr;
            while (t < nt && acc >= total * t / nt) cut[t++] = q + 1;
        }
        while (t <= nt) cut[t++] = panels;
    }
    int st = FM_OK;
#pragma omp parallel for schedule(static, 1) num_threads(nt)
    for (int t = 0; t < nt; t++) {
        const int64_t c0 = cut[t] * nr, c1 = cut[t + 1] * nr;
        if (c1 <= c0) continue;
        const int64_t ra = (c1 + mr - 1) / mr * mr;
        double *ap = malloc(((size_t)kc * ra + (size_t)kc * (c1 - c0)) * sizeof(double));
        if (!ap) {
#pragma omp atomic write
            st = FM_ENOMEM;
            continue;
        }
        K->FM_CAT(syrk_, SUF)(S, ap, ap + (size_t)kc * ra, X, ldx, Y, k, w, shift, n, p, c0, c1);
        free(ap);
    }
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = i + 1; j < m; j++) S[j * m + i] = S[i * m + j];
    return st;
}

FM_API int FM_CAT(fm_gram_shifted_, SUF)(double *S, const T *X, int64_t ldx, const double *Y,
                                         int64_t k, const double *w, const double *shift,
                                         int64_t n, int64_t p, int nthreads) {
    const int64_t m = p + k + 1;
    if (m > FM_GRAM_MAX_M) return FM_EINVAL;
    if (m >= FM_GRAM_SYRK_MIN_M)
        return FM_CAT(gram_syrk_, SUF)(S, X, ldx, Y, k, w, shift, n, p, nthreads);
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
