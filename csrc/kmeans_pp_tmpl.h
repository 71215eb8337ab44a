/* kmeans_pp_tmpl.h -- greedy k-means++ seeding for one dtype (T, SUF),
 * included by kmeans.c after kmeans_tmpl.h (see kmeans.h for the contract).
 *
 * Each new centre: the cumulative weighted potential (float64, row order)
 * turns the caller's uniforms into `trials` candidate rows (first row whose
 * cumulative sum reaches u * potential, as a left binary search); one pass over
 * X in fixed chunks of KM_PP_CHUNK rows computes every candidate's distances
 * (kmeans_simd_tmpl.h, direct, lanes over rows) and its chunk potential; the
 * chunk partials are added in chunk order, so the choice does not depend on the
 * thread count. The candidate with the smallest potential (first on ties) wins.
 */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)

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
            for (int64_t t = 0; t < trials; t++) {
                T *dt = dist + t * n;
                double p = 0;
                for (int64_t i = i0; i < i1; i++) {
                    if (closest && closest[i] < dt[i]) dt[i] = closest[i];
                    p += (sw ? (double)sw[i] : 1.0) * (double)dt[i];
                }
                pots[ch * trials + t] = p;
            }
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
    double *cum = (double *)malloc((size_t)n * sizeof(double));
    double *pots = (double *)malloc((size_t)(nchunks * trials) * sizeof(double));
    int64_t *cid = (int64_t *)malloc((size_t)trials * sizeof(int64_t));
    int st = FM_OK;
    if (!dist || !closest || !cand || !cum || !pots || !cid) {
        st = FM_ENOMEM;
        goto done;
    }
    memcpy(centers, X + first * d, (size_t)d * sizeof(T));
    indices[0] = first;
    st = IN(km_pp_pass_)(closest, pots, NULL, X, sw, X + first * d, 1, n, d, impl, nthreads);
    for (int64_t c = 1; c < k && st == FM_OK; c++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++) {
            s += (sw ? (double)sw[i] : 1.0) * (double)closest[i];
            cum[i] = s;
        }
        for (int64_t t = 0; t < trials; t++) {
            const double rv = uniform[(c - 1) * trials + t] * s;
            int64_t lo = 0, hi = n; /* first i with cum[i] >= rv, n if none */
            while (lo < hi) {
                const int64_t mid = lo + (hi - lo) / 2;
                if (cum[mid] < rv)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            cid[t] = lo < n ? lo : n - 1;
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
        memcpy(centers + c * d, X + cid[best] * d, (size_t)d * sizeof(T));
        indices[c] = cid[best];
    }
done:
    free(dist);
    free(closest);
    free(cand);
    free(cum);
    free(pots);
    free(cid);
    return st;
}

#undef PUB
#undef TBL
#undef IN
