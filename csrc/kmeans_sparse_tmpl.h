/* kmeans_sparse_tmpl.h -- sparse Lloyd step and loop for one (value, index)
 * type pair (T, IDX, SUF), included four times by kmeans_sparse.c. */
#define PUB(name) FM_CAT(name, SUF)
#define IN(name) FM_CAT(name, SUF)

#include "kmeans_relocate_tmpl.h"

/* sums/wsum from the labels: rows grouped by centre (counting sort, row
 * order kept), each centre summed by one thread. */
static int IN(kms_sums_)(double *sums, double *wsum, const int32_t *labels, const T *data,
                         const IDX *ind, const IDX *ptr, const T *sw, int64_t n, int64_t d,
                         int64_t k, int nthreads) {
    int64_t *start = (int64_t *)calloc((size_t)(k + 1), sizeof(int64_t));
    int64_t *order = (int64_t *)malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    if (!start || !order) {
        free(start);
        free(order);
        return FM_ENOMEM;
    }
    for (int64_t i = 0; i < n; i++) start[labels[i] + 1]++;
    for (int64_t c = 0; c < k; c++) start[c + 1] += start[c];
    {
        int64_t *fill = (int64_t *)malloc((size_t)k * sizeof(int64_t));
        if (!fill) {
            free(start);
            free(order);
            return FM_ENOMEM;
        }
        memcpy(fill, start, (size_t)k * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) order[fill[labels[i]]++] = i;
        free(fill);
    }
    const int nt = fm_team_size(nthreads, 2.0 * (double)ptr[n] + (double)(k * d));
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (int64_t c = 0; c < k; c++) {
        double *s = sums + c * d;
        memset(s, 0, (size_t)d * sizeof(double));
        double ws = 0;
        for (int64_t q = start[c]; q < start[c + 1]; q++) {
            const int64_t i = order[q];
            const double w = sw ? (double)sw[i] : 1.0;
            ws += w;
            for (int64_t p = (int64_t)ptr[i]; p < (int64_t)ptr[i + 1]; p++)
                s[ind[p]] += w * (double)data[p];
        }
        wsum[c] = ws;
    }
    free(start);
    free(order);
    return FM_OK;
}

FM_API int PUB(fm_kmeans_sparse_step_)(double *sums, double *wsum, double *inertia,
                                       int32_t *labels, T *mind, const T *data, const IDX *ind,
                                       const IDX *ptr, const T *sw, const T *C, int64_t n,
                                       int64_t d, int64_t k, int update, int nthreads) {
    const int64_t nchunks = (n + KMS_CHUNK - 1) / KMS_CHUNK;
    const fm_kmeans_sparse_impl *impl = K;
    const int64_t nb = (k + KMS_BLOCK - 1) / KMS_BLOCK, kp = nb * KMS_BLOCK;
    /* blocked transpose (see kmeans_sparse_impl.h) and |c|^2, padding lanes 0 */
    T *CTb = (T *)calloc((size_t)(d * kp + kp), sizeof(T));
    double *part = (double *)malloc((size_t)(nchunks > 0 ? nchunks : 1) * sizeof(double));
    if (!CTb || !part) {
        free(CTb);
        free(part);
        return FM_ENOMEM;
    }
    T *cn = CTb + d * kp;
    for (int64_t c = 0; c < k; c++) {
        const int64_t b = c / KMS_BLOCK, l = c % KMS_BLOCK;
        T s = 0;
        for (int64_t j = 0; j < d; j++) {
            const T v = C[c * d + j];
            CTb[(b * d + j) * KMS_BLOCK + l] = v;
            s += v * v;
        }
        cn[c] = s;
    }
    const double work = 2.0 * (double)ptr[n] * (double)k + (double)n * (double)k;
    const int nt = fm_team_size(nthreads, work);
    int nomem = 0;
#pragma omp parallel num_threads(nt)
    {
        T *acc = (T *)malloc((size_t)kp * sizeof(T));
        if (!acc) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t ch = 0; ch < nchunks; ch++) {
            if (!acc) continue;
            const int64_t i0 = ch * KMS_CHUNK, i1 = i0 + KMS_CHUNK < n ? i0 + KMS_CHUNK : n;
            part[ch] = impl->FM_CAT(assign_, SUF)(labels, mind, data, ind, ptr, sw, C, CTb, cn,
                                                  i0, i1, d, k, acc);
        }
        free(acc);
    }
    int st = nomem ? FM_ENOMEM : FM_OK;
    if (st == FM_OK) {
        double tot = 0;
        for (int64_t ch = 0; ch < nchunks; ch++) tot += part[ch];
        *inertia = tot;
        if (update) st = IN(kms_sums_)(sums, wsum, labels, data, ind, ptr, sw, n, d, k, nthreads);
    }
    free(CTb);
    free(part);
    return st;
}

/* Empty clusters take, in increasing cluster order, the rows farthest from
 * their centres (kmeans_relocate_tmpl.h); a taken row leaves its old
 * cluster's sums; nothing moves when every row sits on a centre. taken (2k) is
 * work space. */
static void IN(kms_relocate_empty_)(double *sums, double *wsum, int64_t *taken,
                                    const int32_t *labels, const T *mind, const T *data,
                                    const IDX *ind, const IDX *ptr, const T *sw, int64_t n,
                                    int64_t d, int64_t k) {
    const int64_t got = IN(km_relocation_plan_)(taken, taken + k, wsum, k, mind, n);
    for (int64_t t = 0; t < got; t++) {
        const int64_t c = taken[k + t], far = taken[t];
        const double w = sw ? (double)sw[far] : 1.0;
        const int64_t o = labels[far];
        for (int64_t p = (int64_t)ptr[far]; p < (int64_t)ptr[far + 1]; p++) {
            const double xv = (double)data[p];
            sums[o * d + ind[p]] -= w * xv;
            sums[c * d + ind[p]] = w * xv; /* cluster c was empty: its sums are 0 */
        }
        wsum[o] -= w;
        wsum[c] = w;
    }
}

FM_API int PUB(fm_kmeans_sparse_lloyd_)(T *centers, int32_t *labels, T *mind, double *inertia,
                                        int64_t *n_iter, const T *data, const IDX *ind,
                                        const IDX *ptr, const T *sw, int64_t n, int64_t d,
                                        int64_t k, int64_t max_iter, double tol, int nthreads) {
    double *sums = (double *)malloc((size_t)(k * d) * sizeof(double));
    double *wsum = (double *)malloc((size_t)k * sizeof(double));
    int32_t *old = (int32_t *)malloc((size_t)(n > 0 ? n : 1) * sizeof(int32_t));
    int64_t *taken = (int64_t *)malloc((size_t)(2 * k) * sizeof(int64_t));
    int st = FM_OK;
    int64_t it = 0;
    double inert = 0;
    if (!sums || !wsum || !old || !taken) {
        st = FM_ENOMEM;
        goto done;
    }
    for (it = 0; it < max_iter; it++) {
        st = PUB(fm_kmeans_sparse_step_)(sums, wsum, &inert, labels, mind, data, ind, ptr, sw,
                                         centers, n, d, k, 1, nthreads);
        if (st != FM_OK) goto done;
        IN(kms_relocate_empty_)(sums, wsum, taken, labels, mind, data, ind, ptr, sw, n, d, k);
        double shift = 0;
        for (int64_t e = 0; e < k * d; e++) {
            const int64_t c = e / d;
            const T nc = wsum[c] > 0 ? (T)(sums[e] / wsum[c]) : centers[e];
            const double delta = (double)nc - (double)centers[e];
            shift += delta * delta;
            centers[e] = nc;
        }
        if (it > 0 && memcmp(labels, old, (size_t)n * sizeof(int32_t)) == 0) break;
        if (shift <= tol) break;
        memcpy(old, labels, (size_t)n * sizeof(int32_t));
    }
    if (it == max_iter) it = max_iter - 1;
    *n_iter = it + 1;
    st = PUB(fm_kmeans_sparse_step_)(sums, wsum, &inert, labels, mind, data, ind, ptr, sw,
                                     centers, n, d, k, 0, nthreads);
    *inertia = inert;
done:
    free(sums);
    free(wsum);
    free(old);
    free(taken);
    return st;
}

#undef PUB
#undef IN
