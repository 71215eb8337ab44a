/* sparse_tmpl.h -- the sparse kernels for one (value, index) type pair;
 * included by sparse.c with T (float/double), IDX (int32_t/int64_t), SUF
 * (f32_i32, ...), EPS, SQRT and FABS defined. See sparse.h for contracts. */
#include "topk_tmpl.h"

#define SP(name) FM_CAT3(name, _, SUF)
#define SPK(name) FM_CAT3(name, _, SUF) /* topk_tmpl.h names: topk_init_<SUF> */

FM_API int SP(fm_sparse_row_norms)(T *out, const T *data, const IDX *indptr, int64_t n,
                                   int kind, int nthreads) {
    if (kind < 0 || kind > 2 || n < 0) return FM_EINVAL;
    (void)nthreads;
    const double work = n ? (double)(indptr[n] - indptr[0]) : 0.0;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, work))
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t t = indptr[i]; t < indptr[i + 1]; t++) {
            const double v = (double)data[t];
            if (kind == 0)
                s += v * v;
            else if (kind == 1)
                s += fabs(v);
            else
                s = fabs(v) > s ? fabs(v) : s;
        }
        out[i] = (T)s;
    }
    return FM_OK;
}

FM_API int SP(fm_sparse_csr_dense)(T *out, const T *qd, const IDX *qi, const IDX *qp, int64_t nq,
                                   const T *B, int64_t m, int nthreads) {
    if (nq < 0 || m < 0) return FM_EINVAL;
    (void)nthreads;
    const double work = nq ? (double)(qp[nq] - qp[0]) * (double)m : 0.0;
    if (m == 1) { /* a matrix-vector product (the linear models): one register sum a row */
#pragma omp parallel for schedule(dynamic, 256) num_threads(fm_team_size(nthreads, work))
        for (int64_t i = 0; i < nq; i++) {
            double s = 0;
            for (int64_t t = qp[i]; t < qp[i + 1]; t++) s += (double)qd[t] * (double)B[qi[t]];
            out[i] = (T)s;
        }
        return FM_OK;
    }
#pragma omp parallel for schedule(dynamic, 64) num_threads(fm_team_size(nthreads, work))
    for (int64_t i = 0; i < nq; i++) {
        T *restrict o = out + i * m;
        for (int64_t j = 0; j < m; j++) o[j] = 0;
        for (int64_t t = qp[i]; t < qp[i + 1]; t++) {
            const T v = qd[t];
            const T *restrict b = B + (int64_t)qi[t] * m;
            for (int64_t j = 0; j < m; j++) o[j] += v * b[j];
        }
    }
    return FM_OK;
}

/* o[j] += v * (column f of X) for every entry (v, f) of query row [a, b) */
static inline void SP(sp_scatter_dot)(T *restrict o, const T *qd, const IDX *qi, int64_t a,
                                      int64_t b, const T *cd, const IDX *ci, const IDX *cp) {
    for (int64_t t = a; t < b; t++) {
        const T v = qd[t];
        const int64_t f = (int64_t)qi[t];
        for (int64_t s = cp[f]; s < cp[f + 1]; s++) o[ci[s]] += v * cd[s];
    }
}

FM_API int SP(fm_sparse_gram)(T *out, const T *qd, const IDX *qi, const IDX *qp, int64_t nq,
                              const T *cd, const IDX *ci, const IDX *cp, int64_t n, int nthreads) {
    if (nq < 0 || n < 0) return FM_EINVAL;
    (void)nthreads;
#pragma omp parallel for schedule(dynamic, 16) num_threads(fm_team_size(nthreads, (double)nq * n))
    for (int64_t i = 0; i < nq; i++) {
        T *o = out + i * n;
        memset(o, 0, (size_t)n * sizeof(T));
        SP(sp_scatter_dot)(o, qd, qi, qp[i], qp[i + 1], cd, ci, cp);
    }
    return FM_OK;
}

/* Distance (reduced: squared for sqeuclidean) between two sorted sparse rows
 * by a merge of their index lists, in float64. metric: FM_METRIC_SQEUCLIDEAN,
 * _MANHATTAN, _CHEBYSHEV, or _COSINE (then 1 - q.x). */
static double SP(sp_merge)(const T *qd, const IDX *qi, int64_t a, int64_t b, const T *xd,
                           const IDX *xi, int64_t c, int64_t e, int metric) {
    double s = 0, dot = 0;
    while (a < b || c < e) {
        double u;
        if (c >= e || (a < b && qi[a] < xi[c])) {
            u = (double)qd[a++];
        } else if (a >= b || xi[c] < qi[a]) {
            u = -(double)xd[c++];
        } else {
            dot += (double)qd[a] * (double)xd[c];
            u = (double)qd[a++] - (double)xd[c++];
        }
        if (metric == FM_METRIC_MANHATTAN)
            s += fabs(u);
        else if (metric == FM_METRIC_CHEBYSHEV)
            s = fabs(u) > s ? fabs(u) : s;
        else
            s += u * u;
    }
    return metric == FM_METRIC_COSINE ? 1.0 - dot : s;
}

FM_API int SP(fm_sparse_pairwise)(T *out, const T *qd, const IDX *qi, const IDX *qp, int64_t nq,
                                  const T *xd, const IDX *xi, const IDX *xp, int64_t n, int metric,
                                  int nthreads) {
    if (nq < 0 || n < 0) return FM_EINVAL;
    if (metric != FM_METRIC_MANHATTAN && metric != FM_METRIC_CHEBYSHEV &&
        metric != FM_METRIC_SQEUCLIDEAN)
        return FM_EINVAL;
    (void)nthreads;
    const double work =
        (double)nq * n * (1.0 + (nq && n ? (double)(qp[nq] + xp[n]) / (nq + n) : 0.0));
#pragma omp parallel for schedule(dynamic, 4) num_threads(fm_team_size(nthreads, work))
    for (int64_t i = 0; i < nq; i++)
        for (int64_t j = 0; j < n; j++)
            out[i * n + j] =
                (T)SP(sp_merge)(qd, qi, qp[i], qp[i + 1], xd, xi, xp[j], xp[j + 1], metric);
    return FM_OK;
}

/* One query of fm_sparse_knn (see sparse.h). key (n) is the thread's work
 * row; E, J (k) scratch for the candidates' exact values. */
static void SP(sp_knn_row)(T *D, int64_t *Ix, T *restrict key, T *E, int64_t *J, const T *qd,
                           const IDX *qi, int64_t a, int64_t b, const T *xd, const IDX *xi,
                           const IDX *xp, const T *cd, const IDX *ci, const IDX *cp,
                           const T *restrict xs, int64_t n, int64_t k, int metric, T gam0) {
    const int manh = metric == FM_METRIC_MANHATTAN, cosm = metric == FM_METRIC_COSINE;
    const int rmetric = manh ? FM_METRIC_MANHATTAN : cosm ? FM_METRIC_COSINE
                                                          : FM_METRIC_SQEUCLIDEAN;
    double qs = 0;
    for (int64_t t = a; t < b; t++) qs += manh ? fabs((double)qd[t]) : (double)qd[t] * qd[t];
    memset(key, 0, (size_t)n * sizeof(T));
    if (manh) {
        for (int64_t t = a; t < b; t++) {
            const T v = qd[t];
            const int64_t f = (int64_t)qi[t];
            for (int64_t s = cp[f]; s < cp[f + 1]; s++)
                key[ci[s]] += FABS(v) + FABS(cd[s]) - FABS(v - cd[s]);
        }
        for (int64_t j = 0; j < n; j++) key[j] = xs[j] - key[j];
    } else {
        SP(sp_scatter_dot)(key, qd, qi, a, b, cd, ci, cp);
        if (cosm)
            for (int64_t j = 0; j < n; j++) key[j] = -key[j];
        else
            for (int64_t j = 0; j < n; j++) key[j] = xs[j] - 2 * key[j];
    }
    /* the best k by key */
    SPK(topk_init)(D, Ix, k);
    T w = SPK(topk_worst)(D, k);
    for (int64_t j = 0; j < n; j++)
        if (key[j] <= w) {
            SPK(topk_push)(D, Ix, k, key[j], j);
            w = SPK(topk_worst)(D, k);
        }
    /* their exact distances; a recomputed row is marked by key = +inf */
    for (int64_t c = 0; c < k; c++) {
        J[c] = Ix[c];
        E[c] = (T)SP(sp_merge)(qd, qi, a, b, xd, xi, xp[J[c]], xp[J[c] + 1], rmetric);
        key[J[c]] = (T)INFINITY;
    }
    SPK(topk_init)(D, Ix, k);
    for (int64_t c = 0; c < k; c++) SPK(topk_push)(D, Ix, k, E[c], J[c]);
    w = SPK(topk_worst)(D, k);
    /* every other row whose key, less its rounding bound, could still reach
     * the k-th exact value (exact = base + key up to gam (qs + xs[j])) */
    const T base = cosm ? (T)1 : (T)qs, gam = gam0 * (T)(b - a + 1);
    for (int64_t j = 0; j < n; j++) {
        const T kj = key[j];
        if (kj == (T)INFINITY || base + kj - gam * ((T)qs + xs[j]) > w) continue;
        const T e = (T)SP(sp_merge)(qd, qi, a, b, xd, xi, xp[j], xp[j + 1], rmetric);
        if (e <= w) {
            SPK(topk_push)(D, Ix, k, e, j);
            w = SPK(topk_worst)(D, k);
        }
    }
    SPK(topk_finish)(D, Ix, k);
    for (int64_t c = 0; c < k; c++) {
        if (metric == FM_METRIC_EUCLIDEAN)
            D[c] = SQRT(D[c]);
        else if (cosm)
            D[c] = D[c] < 0 ? (T)0 : (D[c] > 2 ? (T)2 : D[c]);
    }
}

FM_API int SP(fm_sparse_knn)(T *dist, int64_t *ind, const T *qd, const IDX *qi, const IDX *qp,
                             int64_t nq, const T *xd, const IDX *xi, const IDX *xp, const T *cd,
                             const IDX *ci, const IDX *cp, const T *xs, int64_t n, int64_t k,
                             int metric, int nthreads) {
    if (k < 1 || k > n || nq < 0) return FM_EINVAL;
    if (metric != FM_METRIC_EUCLIDEAN && metric != FM_METRIC_SQEUCLIDEAN &&
        metric != FM_METRIC_MANHATTAN && metric != FM_METRIC_COSINE)
        return FM_EINVAL;
    if (nq == 0) return FM_OK;
    /* rounding bound per unit of norm: the keys' sums run over at most
     * nnz(q) + the longest train row terms; 4x that, plus slack */
    int64_t xmax = 0;
    for (int64_t j = 0; j < n; j++) xmax = xp[j + 1] - xp[j] > xmax ? xp[j + 1] - xp[j] : xmax;
    const T gam0 = (T)4 * EPS, gam_x = (T)(4 * xmax + 16) * EPS;
    (void)nthreads;
    int st = FM_OK;
    const double work = (double)nq * (n + (double)(qp[nq] - qp[0]) / (nq ? nq : 1) * 64);
#pragma omp parallel num_threads(fm_team_size(nthreads, work))
    {
        T *key = (T *)malloc((size_t)(n + k) * sizeof(T));
        int64_t *J = (int64_t *)malloc((size_t)k * sizeof(int64_t));
        if (!key || !J) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
#pragma omp for schedule(dynamic, 8)
        for (int64_t i = 0; i < nq; i++) {
            if (!key || !J) continue;
            /* bound gam0 (nnz(q) + 1) + gam_x, folded into one factor */
            const int64_t nnz = qp[i + 1] - qp[i];
            const T g = gam0 + gam_x / (T)(nnz + 1);
            SP(sp_knn_row)(dist + i * k, ind + i * k, key, key + n, J, qd, qi, qp[i],
                           qp[i + 1], xd, xi, xp, cd, ci, cp, xs, n, k, metric, g);
        }
        free(key);
        free(J);
    }
    return st;
}

/* Rows [a, b) into o (nc x d). */
static void SP(class_sums_rows)(double *restrict o, const T *xd, const IDX *xi, const IDX *xp,
                                int64_t a, int64_t b, const int64_t *cls, const double *w,
                                int64_t d) {
    for (int64_t i = a; i < b; i++) {
        double *restrict oc = o + cls[i] * d;
        const double wi = w ? w[i] : 1.0;
        for (int64_t t = xp[i]; t < xp[i + 1]; t++) oc[xi[t]] += wi * (double)xd[t];
    }
}

/* out (classes x d, zeroed by the caller) += the rows' weighted sums. Large
 * inputs (nnz at least 16x the lanes' buffers) run as SP_SUM_LANES fixed row
 * ranges of equal nnz, each summed in row order into its own buffer (lane 0
 * into out) on fastml's threads and added in lane order: the result depends
 * on the shapes only, never on the thread count. */
#define SP_SUM_LANES 4
FM_API int SP(fm_sparse_class_sums)(double *out, const T *xd, const IDX *xi, const IDX *xp,
                                    int64_t n, const int64_t *cls, const double *w, int64_t d,
                                    int nthreads) {
    (void)nthreads;
    if (n < 0 || d < 0) return FM_EINVAL;
    int64_t nc = 0;
    for (int64_t i = 0; i < n; i++) nc = cls[i] + 1 > nc ? cls[i] + 1 : nc;
    const int64_t nnz = n ? (int64_t)(xp[n] - xp[0]) : 0;
    const int64_t buf = nc * d;
    if (n < 4 * SP_SUM_LANES || 16 * (SP_SUM_LANES - 1) * buf > nnz) {
        SP(class_sums_rows)(out, xd, xi, xp, 0, n, cls, w, d);
        return FM_OK;
    }
    int64_t cut[SP_SUM_LANES + 1];
    cut[0] = 0;
    cut[SP_SUM_LANES] = n;
    for (int l = 1; l < SP_SUM_LANES; l++) { /* first row at nnz * l / LANES */
        const int64_t target = (int64_t)xp[0] + nnz * l / SP_SUM_LANES;
        int64_t lo = cut[l - 1], hi = n;
        while (lo < hi) {
            const int64_t mid = lo + (hi - lo) / 2;
            if ((int64_t)xp[mid] < target) lo = mid + 1;
            else hi = mid;
        }
        cut[l] = lo;
    }
    double *lanes = (double *)calloc((size_t)((SP_SUM_LANES - 1) * buf), sizeof(double));
    if (!lanes) return FM_ENOMEM;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_team_size(nthreads, 4.0 * nnz))
    for (int l = 0; l < SP_SUM_LANES; l++)
        SP(class_sums_rows)(l ? lanes + (l - 1) * buf : out, xd, xi, xp, cut[l], cut[l + 1], cls,
                            w, d);
    for (int l = 1; l < SP_SUM_LANES; l++) {
        const double *restrict src = lanes + (l - 1) * buf;
        for (int64_t q = 0; q < buf; q++) out[q] += src[q];
    }
    free(lanes);
    return FM_OK;
}
#undef SP_SUM_LANES

#undef SP
#undef SPK
