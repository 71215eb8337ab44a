/* knn_tmpl.h -- exact brute-force k nearest neighbours for one dtype; included
 * by knn.c with T, SUF, SQRT, POW, FABS and EPS defined. See knn.c. */
#include "topk_tmpl.h"

#define KN_CAT_(a, b) a##_##b
#define KN_CAT(a, b) KN_CAT_(a, b)
#define KN(name) KN_CAT(name, SUF)

/* The reduced distance by the direct formula (sequential sum over features):
 * the value every brute-force answer is ranked by. */
static inline T KN(knn_direct)(const T *q, const T *x, int64_t d, int metric, T p) {
    T s = 0;
    switch (metric) {
    case FM_METRIC_MANHATTAN:
        for (int64_t k = 0; k < d; k++) s += FABS(q[k] - x[k]);
        break;
    case FM_METRIC_CHEBYSHEV:
        for (int64_t k = 0; k < d; k++) {
            const T t = FABS(q[k] - x[k]);
            s = t > s ? t : s;
        }
        break;
    case FM_METRIC_MINKOWSKI:
        for (int64_t k = 0; k < d; k++) s += POW(FABS(q[k] - x[k]), p);
        break;
    default:
        for (int64_t k = 0; k < d; k++) {
            const T t = q[k] - x[k];
            s += t * t;
        }
    }
    return s;
}

static inline void KN(knn_final_row)(T *D, int64_t k, int metric, T p) {
    if (metric == FM_METRIC_EUCLIDEAN)
        for (int64_t j = 0; j < k; j++) D[j] = SQRT(D[j]);
    else if (metric == FM_METRIC_MINKOWSKI)
        for (int64_t j = 0; j < k; j++) D[j] = POW(D[j], (T)1 / p);
}

/* one query against all n points, direct formula */
static void KN(knn_scan_row)(T *D, int64_t *I, int64_t k, const T *q, const T *X, int64_t n,
                             int64_t d, int rmetric, T p) {
    TK_NAME(topk_init)(D, I, k);
    T w = TK_NAME(topk_worst)(D, k);
    for (int64_t j = 0; j < n; j++) {
        const T v = KN(knn_direct)(q, X + j * d, d, rmetric, p);
        if (v <= w) {
            TK_NAME(topk_push)(D, I, k, v, j);
            w = TK_NAME(topk_worst)(D, k);
        }
    }
    TK_NAME(topk_finish)(D, I, k);
}

/* Direct path: (query tile x database tile) blocks of reduced distances from
 * the SIMD tiles of distance.c (minkowski: scalar), merged into each row's k
 * slots. The tile kernels are parallel over the database, the merge over rows. */
static int KN(knn_direct_path)(T *dist, int64_t *ind, const T *Q, int64_t nq, const T *X,
                               int64_t n, int64_t d, int64_t k, int rmetric, T p,
                               int nthreads) {
    const int64_t nb = n < KNN_NB ? n : KNN_NB;
    const int64_t qb = nq < KNN_QB ? nq : KNN_QB;
    T *buf = (T *)malloc((size_t)(qb * nb) * sizeof(T));
    if (!buf) return FM_ENOMEM;
    for (int64_t i = 0; i < nq; i++) TK_NAME(topk_init)(dist + i * k, ind + i * k, k);
    int st = FM_OK;
    for (int64_t i0 = 0; i0 < nq && st == FM_OK; i0 += qb) {
        const int64_t rows = nq - i0 < qb ? nq - i0 : qb;
        for (int64_t j0 = 0; j0 < n; j0 += nb) {
            const int64_t cols = n - j0 < nb ? n - j0 : nb;
            if (rmetric == FM_METRIC_MINKOWSKI) {
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 20.0 * rows * cols * d))
                for (int64_t r = 0; r < rows; r++)
                    for (int64_t c = 0; c < cols; c++)
                        buf[r * cols + c] =
                            KN(knn_direct)(Q + (i0 + r) * d, X + (j0 + c) * d, d, rmetric, p);
            } else {
                st = KN_CAT(fm_pairwise_direct, SUF)(buf, Q + i0 * d, X + j0 * d, rows, cols, d,
                                                     rmetric, (double)p, nthreads);
                if (st != FM_OK) break;
            }
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 2.0 * rows * cols))
            for (int64_t r = 0; r < rows; r++) {
                T *D = dist + (i0 + r) * k;
                int64_t *I = ind + (i0 + r) * k;
                const T *b = buf + r * cols;
                T w = TK_NAME(topk_worst)(D, k);
                for (int64_t c = 0; c < cols; c++)
                    if (b[c] <= w) {
                        TK_NAME(topk_push)(D, I, k, b[c], j0 + c);
                        w = TK_NAME(topk_worst)(D, k);
                    }
            }
        }
    }
    free(buf);
    if (st != FM_OK) return st;
    for (int64_t i = 0; i < nq; i++) TK_NAME(topk_finish)(dist + i * k, ind + i * k, k);
    return FM_OK;
}

#ifdef KNN_OWN_PATH /* the own float32 path's merge */
/* Merges keys b[c] + xn[c] (c < cols, index j0 + c; xn NULL: keys b[c]) into
 * the kk slots. Blocks of 16 are first tested branch-free (the compiler
 * vectorises the OR of the compares); almost every block has no candidate
 * once the slots are full. */
static inline __attribute__((always_inline)) void KN(knn_select_row_)(
    T *D, int64_t *I, int64_t kk, const T *restrict b, const T *restrict xn, int64_t cols,
    int64_t j0, int add) {
#define KEY(c) (add ? b[c] + xn[c] : b[c])
    T w = TK_NAME(topk_worst)(D, kk);
    int64_t c = 0;
    for (; c + 16 <= cols; c += 16) {
        int any = 0;
        for (int l = 0; l < 16; l++) any |= (KEY(c + l) <= w);
        if (!any) continue;
        for (int l = 0; l < 16; l++) {
            const T v = KEY(c + l);
            if (v <= w) {
                TK_NAME(topk_push)(D, I, kk, v, j0 + c + l);
                w = TK_NAME(topk_worst)(D, kk);
            }
        }
    }
    for (; c < cols; c++) {
        const T v = KEY(c);
        if (v <= w) {
            TK_NAME(topk_push)(D, I, kk, v, j0 + c);
            w = TK_NAME(topk_worst)(D, kk);
        }
    }
#undef KEY
}

static void KN(knn_select_row)(T *D, int64_t *I, int64_t kk, const T *restrict b,
                               const T *restrict xn, int64_t cols, int64_t j0) {
    if (xn)
        KN(knn_select_row_)(D, I, kk, b, xn, cols, j0, 1);
    else
        KN(knn_select_row_)(D, I, kk, b, NULL, cols, j0, 0);
}

#endif

/* Final answer of one query from its kk candidates CDr/CIr (ranking keys):
 * recompute with the direct formula, keep the best k by (distance, index),
 * rescan directly when the expansion's error bound cannot exclude a dropped
 * neighbour (see knn_scan_path). A: the worst candidate key (every other
 * point's key is >= A); qn = |q - mu|^2, xmax = max |x - mu|^2. */
static void KN(knn_refine_row)(T *D, int64_t *I, int64_t k, const T *q, const T *X, int64_t n,
                               int64_t d, const T *CDr, const int64_t *CIr, int64_t kk, T A,
                               T qn, T xmax, int metric) {
    const T gam = (T)(2 * d + 16) * EPS, dgam = (T)(2 * d + 4) * EPS;
    TK_NAME(topk_init)(D, I, k);
    T w = TK_NAME(topk_worst)(D, k);
    for (int64_t j = 0; j < kk; j++) {
        const T v = KN(knn_direct)(q, X + CIr[j] * d, d, FM_METRIC_SQEUCLIDEAN, 2);
        if (v <= w) {
            TK_NAME(topk_push)(D, I, k, v, CIr[j]);
            w = TK_NAME(topk_worst)(D, k);
        }
    }
    TK_NAME(topk_finish)(D, I, k);
    if (kk < n && !(A + qn - gam * (qn + xmax) > D[k - 1] * (1 + dgam)))
        KN(knn_scan_row)(D, I, k, q, X, n, d, FM_METRIC_SQEUCLIDEAN, 2);
    KN(knn_final_row)(D, k, metric, 2);
}

/* mu = column means of X (n, d), summed in float64. FM_ENOMEM or FM_OK. */
static int KN(knn_mean)(T *mu, const T *X, int64_t n, int64_t d) {
    double *acc = (double *)calloc((size_t)d, sizeof(double));
    if (!acc) return FM_ENOMEM;
    for (int64_t j = 0; j < n; j++)
        for (int64_t c = 0; c < d; c++) acc[c] += X[j * d + c];
    for (int64_t c = 0; c < d; c++) mu[c] = (T)(acc[c] / (double)n);
    free(acc);
    return FM_OK;
}

/* out = x - mu (out may be NULL: not stored); returns |x - mu|^2. */
static inline T KN(knn_centre)(T *out, const T *x, const T *mu, int64_t d) {
    T s = 0;
    for (int64_t c = 0; c < d; c++) {
        const T v = x[c] - mu[c];
        if (out) out[c] = v;
        s += v * v;
    }
    return s;
}

/* Scan path (every metric but minkowski): the fused candidate scan of
 * knn_simd.c (keys in registers, only those at or below a query's current
 * kk-th leave them) over the database packed once into panels.
 * manhattan, chebyshev and, for d < KNN_GEMM_MIN_D, the euclidean metrics scan
 * the direct formula: the kept keys are the distances and kk = k.
 * Euclidean with d >= KNN_GEMM_MIN_D scans the norm expansion: data and
 * queries are centred on the data mean (distances unchanged, rounding
 * smaller), a point is extended by |x - mu|^2 and a query row is
 * (-2 (q - mu), 1), so the key is |q - x|^2 - |q - mu|^2 at one multiply-add
 * per feature; the kk = k + max(margin, 8) best keys are recomputed by the direct
 * formula, and an error bound decides whether a dropped point could be a
 * neighbour (then the query is rescanned directly, knn_refine_row). Queries
 * go in chunks of KNN_SCAN_CHUNK (memory bounded by the chunk, not by nq);
 * ties and results as everywhere: by (distance, index), at any thread count. */
#define KNN_SCAN_CHUNK 8192
#define KNN_SCAN_SERIAL 4.0e6
static int KN(knn_scan_path)(T *dist, int64_t *ind, const T *Q, int64_t nq, const T *X,
                             int64_t n, int64_t d, int64_t k, int metric, int nthreads) {
    /* a scan under KNN_SCAN_SERIAL multiply-adds (about a millisecond) runs on
     * the calling thread: the team's start-up and joins would cost as much, and
     * far more on a loaded machine (measured: 1 query x 100k points, d = 8,
     * 1.2 ms on one thread, 200 ms with two on a machine shared 15 ways) */
    if ((double)nq * (double)n * (double)d < KNN_SCAN_SERIAL) nthreads = 1;
    const int euclid = metric == FM_METRIC_EUCLIDEAN || metric == FM_METRIC_SQEUCLIDEAN;
    const int dot = euclid && d >= KNN_GEMM_MIN_D;
    const int mode = dot                               ? KNN_SCAN_DOT
                     : metric == FM_METRIC_MANHATTAN   ? KNN_SCAN_L1
                     : metric == FM_METRIC_CHEBYSHEV   ? KNN_SCAN_LINF
                                                       : KNN_SCAN_L2;
    /* candidates: a margin of k (float32) or k / 4 (float64: the expansion's
     * error is far below any gap between the k-th and the kk-th distance, so
     * a small margin rarely forces a rescan) and at least 8 */
    const int64_t margin = sizeof(T) == 4 ? k : k / 4;
    int64_t kk = dot ? k + (margin > 8 ? margin : 8) : k;
    kk = kk < n ? kk : n;
    const int64_t P = K->KN(scan_p), dd = dot ? d + 1 : d;
    const int64_t panels = (n + P - 1) / P, qc = nq < KNN_SCAN_CHUNK ? nq : KNN_SCAN_CHUNK;
    T *packed = (T *)malloc((size_t)(panels * P * dd + (dot ? n + d + qc * dd + qc : 0) +
                                     qc * kk) * sizeof(T));
    int64_t *CI = (int64_t *)malloc((size_t)(qc * kk) * sizeof(int64_t));
    if (!packed || !CI) {
        free(packed);
        free(CI);
        return FM_ENOMEM;
    }
    T *CD = packed + panels * P * dd;
    T *xn = CD + qc * kk, *mu = xn + n, *Qc = mu + d, *qn = Qc + qc * dd;
    T xmax = 0;
    if (dot) {
        if (KN(knn_mean)(mu, X, n, d) != FM_OK) {
            free(packed);
            free(CI);
            return FM_ENOMEM;
        }
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 2.0 * n * d))
        for (int64_t j = 0; j < n; j++) xn[j] = KN(knn_centre)(NULL, X + j * d, mu, d);
        for (int64_t j = 0; j < n; j++) xmax = xn[j] > xmax ? xn[j] : xmax;
    }
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 2.0 * n * dd))
    for (int64_t pn = 0; pn < panels; pn++) {
        T *dst = packed + pn * P * dd;
        for (int64_t l = 0; l < P; l++) {
            const int64_t j = pn * P + l;
            const T *x = X + j * d;
            for (int64_t c = 0; c < dd; c++)
                dst[c * P + l] = j >= n ? (T)0 : c == d ? xn[j] : dot ? x[c] - mu[c] : x[c];
        }
    }
    int st = FM_OK;
    for (int64_t i0 = 0; i0 < nq && st == FM_OK; i0 += qc) {
        const int64_t rows = nq - i0 < qc ? nq - i0 : qc;
        if (dot)
            for (int64_t r = 0; r < rows; r++) {
                T *qr = Qc + r * dd;
                qn[r] = KN(knn_centre)(qr, Q + (i0 + r) * d, mu, d);
                for (int64_t c = 0; c < d; c++) qr[c] *= -2; /* exact */
                qr[d] = 1;
            }
        st = K->KN(scan)(CD, CI, dot ? Qc : Q + i0 * d, rows, dd, packed, n, dd, kk, mode,
                         nthreads);
        if (st != FM_OK) break;
#pragma omp parallel for schedule(dynamic, 16) num_threads(fm_team_size(nthreads, 4.0 * rows * kk * (dot ? d : 4)))
        for (int64_t r = 0; r < rows; r++) {
            T *cd = CD + r * kk;
            int64_t *ci = CI + r * kk;
            if (dot) {
                T A = cd[0];
                for (int64_t j = 1; j < kk; j++) A = cd[j] > A ? cd[j] : A;
                KN(knn_refine_row)(dist + (i0 + r) * k, ind + (i0 + r) * k, k,
                                   Q + (i0 + r) * d, X, n, d, cd, ci, kk, A, qn[r], 2 * xmax,
                                   metric);
            } else {
                TK_NAME(topk_sort_pairs)(cd, ci, kk);
                memcpy(dist + (i0 + r) * k, cd, (size_t)k * sizeof(T));
                memcpy(ind + (i0 + r) * k, ci, (size_t)k * sizeof(int64_t));
                KN(knn_final_row)(dist + (i0 + r) * k, k, metric, 2);
            }
        }
    }
    free(packed);
    free(CI);
    return st;
}

FM_API int KN(fm_knn_brute)(T *dist, int64_t *ind, const T *Q, int64_t nq, const T *X,
                            int64_t n, int64_t d, int64_t k, int metric, double p,
                            int nthreads) {
    if (k < 1 || k > n || d < 1) return FM_EINVAL;
    if (nq <= 0) return FM_OK;
    const int euclid = metric == FM_METRIC_EUCLIDEAN || metric == FM_METRIC_SQEUCLIDEAN;
    if (!euclid && metric != FM_METRIC_MANHATTAN && metric != FM_METRIC_CHEBYSHEV &&
        metric != FM_METRIC_MINKOWSKI)
        return FM_EINVAL;
#ifdef KNN_OWN_PATH
    if (euclid && d >= KNN_GEMM_MIN_D && nq >= KNN_OWN_QT * (int64_t)nthreads)
        return KNN_OWN_PATH(dist, ind, Q, nq, X, n, d, k, metric, nthreads);
#endif
    if (metric != FM_METRIC_MINKOWSKI)
        return KN(knn_scan_path)(dist, ind, Q, nq, X, n, d, k, metric, nthreads);
    int st = KN(knn_direct_path)(dist, ind, Q, nq, X, n, d, k, metric, (T)p, nthreads);
    if (st == FM_OK)
        for (int64_t i = 0; i < nq; i++) KN(knn_final_row)(dist + i * k, k, metric, (T)p);
    return st;
}

#undef KN_CAT_
#undef KN_CAT
#undef KN
