/* kmeans_tmpl.h -- k-means Lloyd step and loop for one dtype (T, SUF), included
 * by kmeans.c; public names are spelled out through FM_CAT (fm_kmeans_step_f32,
 * ...), helpers are <name>_<SUF> (km_step_tile_f64, ...). kmeans.c's header
 * describes the two assignment paths and the determinism rule. */
#define PUB(name) FM_CAT(name, SUF)
#define TBL(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)

#include "kmeans_relocate_tmpl.h"

/* Rows [r0, r0 + nr) from the tile's (best, second, arg): a row whose gap
 * second - best exceeds the rounding bound keeps arg (no other centre can be
 * nearer by the direct distance); any other row (near-ties, overflow) is
 * re-decided by direct distances to every centre, lowest index on ties.
 * Bound: |err(v_c)| <= 2 gamma_d |x||c| + 2u(|c|^2 + |x||c|) for v_c = |c|^2 -
 * 2 x.c, plus gamma_{d+2} |x - c|^2 for each direct distance, both below
 * (3d + 10) u (|x| + cmax)^2; twice that covers two centres. |x| is bounded
 * through the winner's direct distance: |x| <= |x - c_arg| + cmax. */
static void IN(km_tile_finish_)(int32_t *labels, T *mind, const T *best, const T *second,
                                const int32_t *arg, const T *X, const T *C,
                                int64_t nr, int64_t d, int64_t k, double coef, double cmax,
                                const fm_kmeans_impl *impl) {
    for (int64_t r = 0; r < nr; r++) {
        const T *x = X + r * d;
        const T m = impl->TBL(dist2_)(x, C + (int64_t)arg[r] * d, d);
        /* |x| + cmax <= |x - c_arg| + 2 cmax (slack for the rounding of m) */
        const double xn = sqrt((double)m * 1.001) + 2.0 * cmax;
        const double gap = (double)second[r] - (double)best[r];
        if (gap > coef * xn * xn) {
            labels[r] = arg[r];
            mind[r] = m;
            continue;
        }
        T bd = (T)INFINITY;
        int32_t bc = 0;
        for (int64_t c = 0; c < k; c++) {
            const T v = impl->TBL(dist2_)(x, C + c * d, d);
            if (v < bd) {
                bd = v;
                bc = (int32_t)c;
            }
        }
        labels[r] = bc;
        mind[r] = bd;
    }
}

/* The dot-product path (see kmeans.c); same outputs and chunking as the direct one. */
static int IN(km_step_tile_)(double *part, int64_t per, int64_t chunk, int64_t nchunks,
                             int32_t *labels, T *mind, const T *X, const T *sw, const T *C,
                             int64_t n, int64_t d, int64_t k, int update,
                             const fm_kmeans_impl *impl, int nthreads) {
    const int64_t plen = impl->TBL(packed_len_)(k, d), hlen = impl->TBL(packed_len_)(k, 1);
    T *cp = (T *)km_aligned((size_t)(plen + hlen) * sizeof(T));
    if (!cp) return FM_ENOMEM;
    T *hp = cp + plen;
    impl->TBL(pack_centres_)(cp, hp, C, k, d);
    double cmax = 0;
    for (int64_t c = 0; c < k; c++) cmax = (double)hp[c] > cmax ? (double)hp[c] : cmax;
    cmax = sqrt(cmax);
    const double coef = (6.0 * (double)d + 20.0) * (sizeof(T) == 4 ? 0x1p-24 : 0x1p-53);
    const int64_t rt = impl->TBL(tile_rows_)(), scr = impl->TBL(tile_scratch_)(d);
    const int nt = fm_team_size(nthreads, 2.0 * (double)n * (double)k * (double)d);
    int nomem = 0;
#pragma omp parallel num_threads(nt)
    {
        T *scratch = (T *)km_aligned((size_t)(scr + 2 * rt) * sizeof(T));
        int32_t *arg = (int32_t *)malloc((size_t)rt * sizeof(int32_t));
        if (!scratch || !arg) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t ch = 0; ch < nchunks; ch++) {
            if (!scratch || !arg) continue;
            const int64_t i0 = ch * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;
            T *best = scratch + scr, *second = best + rt;
            for (int64_t r0 = i0; r0 < i1; r0 += rt) {
                const int64_t nr = i1 - r0 < rt ? i1 - r0 : rt;
                impl->TBL(tile_assign_)(best, second, arg, X + r0 * d, nr, cp, hp, k, d,
                                        scratch);
                IN(km_tile_finish_)(labels + r0, mind + r0, best, second, arg, X + r0 * d,
                                    C, nr, d, k, coef, cmax, impl);
            }
            double *ps = part + ch * per;
            double *pw = ps + k * d, *pin = update ? pw + k : ps;
            impl->TBL(accum_)(ps, pw, pin, labels + i0, mind + i0, X + i0 * d,
                              sw ? sw + i0 : NULL, i1 - i0, d, update);
        }
        free(scratch);
        free(arg);
    }
    free(cp);
    return nomem ? FM_ENOMEM : FM_OK;
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
    if (d >= KM_GEMM_MIN_D)
        st = IN(km_step_tile_)(part, per, chunk, nchunks, labels, mind, X, sw, C, n, d, k,
                               update, impl, nthreads);
    else
        st = IN(km_step_direct_)(part, per, chunk, nchunks, labels, mind, X, XT, sw, C, n, d, k,
                                 update, impl, nthreads);
    if (st == FM_OK)
        IN(km_reduce_)(sums, wsum, inertia, part, per, nchunks, d, k, update, nthreads);
    free(part);
    return st;
}

/* Empty clusters take, in increasing cluster order, the points farthest from
 * their centres (kmeans_relocate_tmpl.h); those points leave their old
 * cluster's sums. Nothing moves when every point sits on a centre (more
 * centres than distinct points, as scikit-learn). taken (2k) is work space. */
static void IN(km_relocate_empty_)(double *sums, double *wsum, int64_t *taken,
                                   const int32_t *labels, const T *mind, const T *X,
                                   const T *sw, int64_t n, int64_t d, int64_t k) {
    const int64_t got = IN(km_relocation_plan_)(taken, taken + k, wsum, k, mind, n);
    for (int64_t t = 0; t < got; t++) {
        const int64_t c = taken[k + t], far = taken[t];
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
    int64_t *taken = (int64_t *)malloc((size_t)(2 * k) * sizeof(int64_t));
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
