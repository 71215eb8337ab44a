/* kmeans_pp_tmpl.h -- greedy k-means++ seeding for one dtype (T, SUF),
 * included by kmeans.c after kmeans_tmpl.h (see kmeans.h for the contract).
 *
 * Each new centre: the caller's uniforms become `trials` candidate rows, the
 * first row whose cumulative weighted potential (float64, row order) reaches
 * u * potential; the previous pass's chunk potentials locate the chunk, so only
 * that chunk's rows are summed (no O(n) prefix sum per centre). One pass over X
 * in fixed chunks of KM_PP_CHUNK rows computes every candidate's distances
 * (kmeans_simd_tmpl.h, direct, lanes over rows), their minimum with the current
 * closest distances and the chunk potentials (KM_PP_ACC fixed partial sums, so
 * the loop is not bound by one add chain); chunk partials are added in chunk
 * order, so the choice does not depend on the thread count. The candidate with
 * the smallest potential (first on ties) wins.
 */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)

#ifndef KM_PP_ACC
#define KM_PP_ACC 8 /* fixed partial sums of a chunk potential (row i -> i % KM_PP_ACC) */
#endif

/* dt[i] = min(dt[i], closest[i]) (closest may be NULL); returns sum_i w_i dt[i]
 * (w = 1 without sw) over KM_PP_ACC partial sums added in a fixed order. */
static double IN(km_pp_min_pot_)(T *restrict dt, const T *restrict closest,
                                 const T *restrict sw, int64_t m) {
    double acc[KM_PP_ACC] = {0};
    int64_t i = 0;
    for (; i + KM_PP_ACC <= m; i += KM_PP_ACC) {
        if (closest)
            for (int l = 0; l < KM_PP_ACC; l++)
                dt[i + l] = closest[i + l] < dt[i + l] ? closest[i + l] : dt[i + l];
        if (sw)
            for (int l = 0; l < KM_PP_ACC; l++) acc[l] += (double)sw[i + l] * (double)dt[i + l];
        else
            for (int l = 0; l < KM_PP_ACC; l++) acc[l] += (double)dt[i + l];
    }
    for (int l = 0; i < m; i++, l++) {
        if (closest && closest[i] < dt[i]) dt[i] = closest[i];
        acc[l] += (sw ? (double)sw[i] : 1.0) * (double)dt[i];
    }
    double s = 0;
    for (int l = 0; l < KM_PP_ACC; l++) s += acc[l];
    return s;
}

/* The first row i whose running sum of w_i closest[i] (row order) reaches rv:
 * the chunk comes from the chunk potentials csum[ch * cstride] (nchunks, in
 * chunk order), then that chunk's rows are summed from the chunk's prefix. If
 * rounding leaves rv unreached, the scan continues into later chunks and
 * finally returns the last row of positive weight (n - 1 if none). */
static int64_t IN(km_pp_pick_)(const T *closest, const T *sw, const double *csum,
                               int64_t cstride, int64_t nchunks, int64_t n, double rv) {
    double s = 0;
    int64_t ch = 0;
    for (; ch + 1 < nchunks; ch++) {
        const double c = csum[ch * cstride];
        if (s + c >= rv) break;
        s += c;
    }
    int64_t last = -1;
    for (int64_t i = ch * KM_PP_CHUNK; i < n; i++) {
        const double v = (sw ? (double)sw[i] : 1.0) * (double)closest[i];
        s += v;
        if (v > 0) last = i;
        if (s >= rv && v > 0) return i;
    }
    return last >= 0 ? last : n - 1;
}

/* dist[t*n + i] = min(closest[i], |x_i - cand_t|^2); pots[ch*trials + t] = the
 * chunk's sum of w_i dist[t*n + i]. */
static int IN(km_pp_pass_)(T *dist, double *pots, const T *closest, const T *X, const T *sw,
                           const T *cand, int64_t trials, int64_t n, int64_t d,
                           const fm_kmeans_impl *impl, int nthreads) {
    const int64_t nchunks = (n + KM_PP_CHUNK - 1) / KM_PP_CHUNK;
    const int64_t scr = (int64_t)impl->TBL(scratch_)() * d;
    const int nt = fm_team_size(nthreads, 3.0 * (double)n * (double)trials * (double)d);
    int nomem = 0;
#pragma omp parallel num_threads(nt)
    {
        T *scratch = (T *)malloc((size_t)scr * sizeof(T));
        if (!scratch) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t ch = 0; ch < nchunks; ch++) {
            if (!scratch) continue;
            const int64_t i0 = ch * KM_PP_CHUNK;
            const int64_t i1 = i0 + KM_PP_CHUNK < n ? i0 + KM_PP_CHUNK : n;
            impl->TBL(cand_dist_)(dist + i0, n, X + i0 * d, i1 - i0, cand, trials, d, scratch);
            for (int64_t t = 0; t < trials; t++)
                pots[ch * trials + t] = IN(km_pp_min_pot_)(dist + t * n + i0,
                                                           closest ? closest + i0 : NULL,
                                                           sw ? sw + i0 : NULL, i1 - i0);
        }
        free(scratch);
    }
    return nomem ? FM_ENOMEM : FM_OK;
}

FM_API int PUB(fm_kmeans_plusplus_)(T *centers, int64_t *indices, const T *X, const T *sw,
                                    const double *uniform, int64_t first, int64_t n, int64_t d,
                                    int64_t k, int64_t trials, int nthreads) {
    const fm_kmeans_impl *impl = K;
    const int64_t nchunks = (n + KM_PP_CHUNK - 1) / KM_PP_CHUNK;
    T *dist = (T *)malloc((size_t)(trials * n) * sizeof(T));
    T *closest = (T *)malloc((size_t)n * sizeof(T));
    T *cand = (T *)malloc((size_t)(trials * d) * sizeof(T));
    double *pots = (double *)malloc((size_t)(nchunks * trials) * sizeof(double));
    double *cpot = (double *)malloc((size_t)nchunks * sizeof(double));
    int64_t *cid = (int64_t *)malloc((size_t)trials * sizeof(int64_t));
    int st = FM_OK;
    if (!dist || !closest || !cand || !cpot || !pots || !cid) {
        st = FM_ENOMEM;
        goto done;
    }
    memcpy(centers, X + first * d, (size_t)d * sizeof(T));
    indices[0] = first;
    st = IN(km_pp_pass_)(closest, cpot, NULL, X, sw, X + first * d, 1, n, d, impl, nthreads);
    double s = 0; /* the potential of closest: its chunk potentials cpot, in chunk order */
    for (int64_t ch = 0; ch < nchunks; ch++) s += cpot[ch];
    for (int64_t c = 1; c < k && st == FM_OK; c++) {
        for (int64_t t = 0; t < trials; t++) {
            const double rv = uniform[(c - 1) * trials + t] * s;
            cid[t] = IN(km_pp_pick_)(closest, sw, cpot, 1, nchunks, n, rv);
            memcpy(cand + t * d, X + cid[t] * d, (size_t)d * sizeof(T));
        }
        st = IN(km_pp_pass_)(dist, pots, closest, X, sw, cand, trials, n, d, impl, nthreads);
        if (st != FM_OK) break;
        int64_t best = 0;
        double bpot = INFINITY;
        for (int64_t t = 0; t < trials; t++) {
            double p = 0;
            for (int64_t ch = 0; ch < nchunks; ch++) p += pots[ch * trials + t];
            if (p < bpot) {
                bpot = p;
                best = t;
            }
        }
        memcpy(closest, dist + best * n, (size_t)n * sizeof(T));
        for (int64_t ch = 0; ch < nchunks; ch++) cpot[ch] = pots[ch * trials + best];
        s = bpot;
        memcpy(centers + c * d, X + cid[best] * d, (size_t)d * sizeof(T));
        indices[c] = cid[best];
    }
done:
    free(dist);
    free(closest);
    free(cand);
    free(cpot);
    free(pots);
    free(cid);
    return st;
}

#undef PUB
#undef TBL
#undef IN
