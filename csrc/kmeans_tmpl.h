/* kmeans_tmpl.h -- k-means Lloyd step and loop for one dtype (T, SUF), included
 * by kmeans.c; public names are spelled out through FM_CAT (fm_kmeans_step_f32,
 * ...), helpers are <name>_<SUF> (km_step_gemm_f64, ...). kmeans.c's header
 * describes the two assignment paths and the determinism rule. */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)

typedef void (*IN(km_accum_fn_))(double *, double *, double *, const int32_t *, const T *,
                                  const T *, const T *, int64_t, int64_t, int);

/* Squared distance of row x to centre c (4 chains: latency). */
static inline T IN(km_dist2_)(const T *x, const T *cc, int64_t d) {
    T a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int64_t j = 0;
    for (; j + 4 <= d; j += 4) {
        const T t0 = x[j] - cc[j], t1 = x[j + 1] - cc[j + 1];
        const T t2 = x[j + 2] - cc[j + 2], t3 = x[j + 3] - cc[j + 3];
        a0 += t0 * t0;
        a1 += t1 * t1;
        a2 += t2 * t2;
        a3 += t3 * t3;
    }
    for (; j < d; j++) a0 += (x[j] - cc[j]) * (x[j] - cc[j]);
    return (a0 + a1) + (a2 + a3);
}

/* Rows [i0, i1) from their dot products G (row i at G + (i - r0) * k): argmin
 * over centres of |c|^2 - 2 g (hc = |c|^2), then the direct distance. */
static void IN(km_gemm_rows_)(int32_t *labels, T *mind, const T *G, const double *hc,
                              const T *X, const T *C, int64_t r0, int64_t i0, int64_t i1,
                              int64_t d, int64_t k) {
    for (int64_t i = i0; i < i1; i++) {
        const T *g = G + (i - r0) * k;
        double best = INFINITY;
        int32_t arg = 0;
        for (int64_t c = 0; c < k; c++) {
            const double v = hc[c] - 2.0 * (double)g[c];
            if (v < best) {
                best = v;
                arg = (int32_t)c;
            }
        }
        labels[i] = arg;
        mind[i] = IN(km_dist2_)(X + i * d, C + (int64_t)arg * d, d);
    }
}

/* The BLAS path (see kmeans.c); same outputs and chunking as the direct one. */
static int IN(km_step_gemm_)(double *part, int64_t per, int64_t chunk, int64_t nchunks,
                             int32_t *labels, T *mind, const T *X, const T *sw, const T *C,
                             int64_t n, int64_t d, int64_t k, int update,
                             IN(km_accum_fn_) accum, int nthreads) {
    int64_t cpp = KM_GEMM_PIECE / (chunk * k); /* chunks per BLAS piece */
    if (cpp < 1) cpp = 1;
    if (cpp > nchunks) cpp = nchunks;
    T *G = (T *)malloc((size_t)(cpp * chunk * k) * sizeof(T));
    double *hc = (double *)malloc((size_t)k * sizeof(double));
    if (!G || !hc) {
        free(G);
        free(hc);
        return FM_ENOMEM;
    }
    for (int64_t c = 0; c < k; c++) {
        double s = 0;
        for (int64_t j = 0; j < d; j++) s += (double)C[c * d + j] * (double)C[c * d + j];
        hc[c] = s;
    }
    int st = FM_OK;
    for (int64_t p0 = 0; p0 < nchunks && st == FM_OK; p0 += cpp) {
        const int64_t p1 = p0 + cpp < nchunks ? p0 + cpp : nchunks;
        const int64_t r0 = p0 * chunk, r1 = p1 * chunk < n ? p1 * chunk : n;
        st = FM_CAT(fm_gemm_, SUF)(0, 1, r1 - r0, k, d, (T)1, X + r0 * d, d, C, d, (T)0, G, k,
                                   nthreads);
        if (st != FM_OK) break;
        const int nt = fm_team_size(nthreads, 4.0 * (double)(r1 - r0) * (double)(k + d));
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
        for (int64_t ch = p0; ch < p1; ch++) {
            const int64_t i0 = ch * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;
            IN(km_gemm_rows_)(labels, mind, G, hc, X, C, r0, i0, i1, d, k);
            double *ps = part + ch * per;
            double *pw = ps + k * d, *pin = update ? pw + k : ps;
            accum(ps, pw, pin, labels + i0, mind + i0, X + i0 * d, sw ? sw + i0 : NULL, i1 - i0,
                  d, update);
        }
    }
    free(G);
    free(hc);
    return st;
}

/* The direct SIMD search, chunk by chunk, each thread with its own scratch. */
static int IN(km_step_direct_)(double *part, int64_t per, int64_t chunk, int64_t nchunks,
                               int32_t *labels, T *mind, const T *X, const T *XT, const T *sw,
                               const T *C, int64_t n, int64_t d, int64_t k, int update,
                               const fm_kmeans_impl *impl, int nthreads) {
    const int64_t scr = (int64_t)impl->TBL(scratch_)() * d; /* transposed row block */
    const int nt = fm_team_size(nthreads, 3.0 * (double)n * (double)(k + 2) * (double)d);
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
            const int64_t i0 = ch * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;
            impl->TBL(assign_)(labels + i0, mind + i0, X + i0 * d, XT ? XT + i0 : NULL, n,
                               i1 - i0, C, k, d, scratch);
            double *ps = part + ch * per;
            double *pw = ps + k * d, *pin = update ? pw + k : ps;
            impl->TBL(accum_)(ps, pw, pin, labels + i0, mind + i0, X + i0 * d,
                              sw ? sw + i0 : NULL, i1 - i0, d, update);
        }
        free(scratch);
    }
    return nomem ? FM_ENOMEM : FM_OK;
}

/* Chunk partials -> inertia, sums, wsum, in fixed chunk order per element. */
static void IN(km_reduce_)(double *sums, double *wsum, double *inertia, const double *part,
                           int64_t per, int64_t nchunks, int64_t d, int64_t k, int update,
                           int nthreads) {
    double tot = 0;
    for (int64_t ch = 0; ch < nchunks; ch++) tot += part[ch * per + per - 1];
    *inertia = tot;
    if (!update) return;
    const int64_t m = k * d + k;
    const int ntr = fm_team_size(nthreads, (double)m * (double)nchunks);
#pragma omp parallel for schedule(static) num_threads(ntr)
    for (int64_t e = 0; e < m; e++) {
        double s = 0;
        for (int64_t ch = 0; ch < nchunks; ch++) s += part[ch * per + e];
        if (e < k * d)
            sums[e] = s;
        else
            wsum[e - k * d] = s;
    }
}

FM_API int PUB(fm_kmeans_step_)(double *sums, double *wsum, double *inertia, int32_t *labels,
                                T *mind, const T *X, const T *XT, const T *sw, const T *C,
                                int64_t n, int64_t d, int64_t k, int update, int nthreads) {
    const fm_kmeans_impl *impl = K;
    const int64_t chunk = km_chunk(n, k, d);
    const int64_t nchunks = (n + chunk - 1) / chunk;
    const int64_t per = update ? k * d + k + 1 : 1; /* partial: sums | wsum | inertia */
    double *part = (double *)calloc((size_t)(nchunks * per), sizeof(double));
    if (!part) return FM_ENOMEM;
    int st;
    if (d >= KM_GEMM_MIN_D && fm_have_blas())
        st = IN(km_step_gemm_)(part, per, chunk, nchunks, labels, mind, X, sw, C, n, d, k,
                               update, impl->TBL(accum_), nthreads);
    else
        st = IN(km_step_direct_)(part, per, chunk, nchunks, labels, mind, X, XT, sw, C, n, d, k,
                                 update, impl, nthreads);
    if (st == FM_OK)
        IN(km_reduce_)(sums, wsum, inertia, part, per, nchunks, d, k, update, nthreads);
    free(part);
    return st;
}

/* Empty clusters take, in increasing cluster order, the points farthest from
 * their centres (largest mind first, lowest row on ties); those points leave
 * their old cluster's sums. taken (k) is work space. */
static void IN(km_relocate_empty_)(double *sums, double *wsum, int64_t *taken,
                                   const int32_t *labels, const T *mind, const T *X,
                                   const T *sw, int64_t n, int64_t d, int64_t k) {
    int64_t ntaken = 0;
    for (int64_t c = 0; c < k; c++) {
        if (wsum[c] != 0) continue;
        int64_t far = -1;
        for (int64_t i = 0; i < n; i++) {
            if (far >= 0 && !(mind[i] > mind[far])) continue;
            int64_t u = 0;
            while (u < ntaken && taken[u] != i) u++;
            if (u == ntaken) far = i;
        }
        if (far < 0) break;
        taken[ntaken++] = far;
        const double w = sw ? (double)sw[far] : 1.0;
        const int64_t o = labels[far];
        for (int64_t j = 0; j < d; j++) {
            const double xv = (double)X[far * d + j];
            sums[o * d + j] -= w * xv;
            sums[c * d + j] = w * xv;
        }
        wsum[o] -= w;
        wsum[c] = w;
    }
}

/* centers = sums / wsum (unchanged where wsum == 0); returns the squared shift. */
static double IN(km_move_centers_)(T *centers, const double *sums, const double *wsum,
                                   int64_t d, int64_t k) {
    double shift = 0;
    for (int64_t c = 0; c < k; c++) {
        for (int64_t j = 0; j < d; j++) {
            const T nc = wsum[c] > 0 ? (T)(sums[c * d + j] / wsum[c]) : centers[c * d + j];
            const double delta = (double)nc - (double)centers[c * d + j];
            shift += delta * delta;
            centers[c * d + j] = nc;
        }
    }
    return shift;
}

/* Whole Lloyd loop (scikit-learn's semantics; see kmeans.h). */
FM_API int PUB(fm_kmeans_lloyd_)(T *centers, int32_t *labels, T *mind, double *inertia,
                                 int64_t *n_iter, const T *X, const T *XT, const T *sw,
                                 int64_t n, int64_t d, int64_t k, int64_t max_iter, double tol,
                                 int nthreads) {
    double *sums = (double *)malloc((size_t)(k * d) * sizeof(double));
    double *wsum = (double *)malloc((size_t)k * sizeof(double));
    int32_t *old = (int32_t *)malloc((size_t)n * sizeof(int32_t));
    int64_t *taken = (int64_t *)malloc((size_t)k * sizeof(int64_t));
    int st = FM_OK;
    int64_t it = 0;
    double inert = 0;
    if (!sums || !wsum || !old || !taken) {
        st = FM_ENOMEM;
        goto done;
    }
    for (it = 0; it < max_iter; it++) {
        st = PUB(fm_kmeans_step_)(sums, wsum, &inert, labels, mind, X, XT, sw, centers, n, d, k,
                                  1, nthreads);
        if (st != FM_OK) goto done;
        IN(km_relocate_empty_)(sums, wsum, taken, labels, mind, X, sw, n, d, k);
        const double shift = IN(km_move_centers_)(centers, sums, wsum, d, k);
        if (it > 0 && memcmp(labels, old, (size_t)n * sizeof(int32_t)) == 0) break;
        if (shift <= tol) break;
        memcpy(old, labels, (size_t)n * sizeof(int32_t));
    }
    if (it == max_iter) it = max_iter - 1;
    *n_iter = it + 1;
    st = PUB(fm_kmeans_step_)(sums, wsum, &inert, labels, mind, X, XT, sw, centers, n, d, k, 0,
                              nthreads);
    *inertia = inert;
done:
    free(sums);
    free(wsum);
    free(old);
    free(taken);
    return st;
}

#undef PUB
#undef TBL
#undef IN
