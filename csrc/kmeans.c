/* kmeans.c -- one Lloyd iteration for k-means: nearest-centre assignment
 * (kmeans_simd.c, dispatched per ISA level) fused with the centroid sums.
 *
 * Determinism: rows are cut into chunks whose size depends only on (n, k, d),
 * never on the thread count; each chunk accumulates its own partial sums
 * (float64) sequentially, and the partials are added in chunk order. So the
 * sums, weights and inertia are bitwise identical for any number of threads.
 *
 * Two assignment paths (measured, n=20k-100k, 1 thread, vs scikit-learn's
 * GEMM-based Lloyd): for small d the direct SIMD search (kmeans_simd_tmpl.h)
 * is 2x faster at d=16 and 4.7x at d=4, k=100, but only 0.85x at d >= 64; so
 * from KM_GEMM_MIN_D features on, each L2-sized piece of rows first gets its
 * dot products G = X C^T from BLAS (outside any OpenMP region: BLAS has its
 * own threads), then the argmin of |c|^2 - 2 g over centres runs in parallel
 * and the chosen centre's squared distance is recomputed directly (no
 * cancellation in mind/inertia). That path is at parity (1.0x) at d=64-256.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans.h"
#include "blas.h"

#define KM_CHUNK_MIN 2048            /* rows per chunk at least */
#define KM_PARTIAL_BUDGET (1 << 22)  /* doubles of partial sums at most (32 MiB) */
#define KM_GEMM_MIN_D 48             /* BLAS dot products from this many features on */
#define KM_GEMM_PIECE (1 << 18)      /* elements of G = X C^T per BLAS call (~L2) */

#define DECLARE_ASSIGN(SUF, T, ISA)                                                          \
    void fm_kmeans_assign_##SUF##_##ISA(int32_t *labels, T *mind, const T *X, const T *XT,   \
                                        int64_t ldt, int64_t nr, const T *C, int64_t k,      \
                                        int64_t d, T *scratch);                              \
    void fm_kmeans_accum_##SUF##_##ISA(double *ps, double *pw, double *pin,                  \
                                       const int32_t *labels, const T *mind, const T *X,     \
                                       const T *sw, int64_t nr, int64_t d, int update);      \
    int fm_kmeans_scratch_##SUF##_##ISA(void);
DECLARE_ASSIGN(f32, float, baseline)
DECLARE_ASSIGN(f64, double, baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_ASSIGN(f32, float, avx2)
DECLARE_ASSIGN(f64, double, avx2)
DECLARE_ASSIGN(f32, float, avx512)
DECLARE_ASSIGN(f64, double, avx512)
#define IF_X86(...) __VA_ARGS__
#else
#define IF_X86(...)
#endif

/* Chunk length for n rows: >= KM_CHUNK_MIN, and few enough chunks that the
 * per-chunk partial sums (k*d + k + 1 doubles each) fit the budget. */
static int64_t km_chunk(int64_t n, int64_t k, int64_t d) {
    int64_t per = k * d + k + 1;
    int64_t max_chunks = KM_PARTIAL_BUDGET / (per > 0 ? per : 1);
    if (max_chunks < 1) max_chunks = 1;
    int64_t c = (n + max_chunks - 1) / max_chunks;
    return c < KM_CHUNK_MIN ? KM_CHUNK_MIN : c;
}

/* The BLAS path (see the header); same outputs and chunking as the direct one. */
#define DEFINE_KMEANS_GEMM(SUF, T)                                                             \
    static int kmeans_gemm_##SUF(double *part, int64_t per, int64_t chunk, int64_t nchunks,    \
                                 int32_t *labels, T *mind, const T *X, const T *sw,            \
                                 const T *C, int64_t n, int64_t d, int64_t k, int update,      \
                                 accum_fn_##SUF accum) {                                       \
        int64_t cpp = KM_GEMM_PIECE / (chunk * k); /* chunks per BLAS piece */                \
        if (cpp < 1) cpp = 1;                                                                  \
        if (cpp > nchunks) cpp = nchunks;                                                      \
        T *G = (T *)malloc((size_t)(cpp * chunk * k) * sizeof(T));                             \
        double *hc = (double *)malloc((size_t)k * sizeof(double));                             \
        if (!G || !hc) {                                                                       \
            free(G);                                                                           \
            free(hc);                                                                          \
            return FM_ENOMEM;                                                                  \
        }                                                                                      \
        for (int64_t c = 0; c < k; c++) {                                                      \
            double s = 0;                                                                      \
            for (int64_t j = 0; j < d; j++) s += (double)C[c * d + j] * (double)C[c * d + j];  \
            hc[c] = s;                                                                         \
        }                                                                                      \
        int st = FM_OK;                                                                        \
        for (int64_t p0 = 0; p0 < nchunks && st == FM_OK; p0 += cpp) {                        \
            const int64_t p1 = p0 + cpp < nchunks ? p0 + cpp : nchunks;                        \
            const int64_t r0 = p0 * chunk, r1 = p1 * chunk < n ? p1 * chunk : n;               \
            st = fm_gemm_##SUF(0, 1, r1 - r0, k, d, (T)1, X + r0 * d, d, C, d, (T)0, G, k, FM_LEGACY_NTHREADS);    \
            if (st != FM_OK) break;                                                            \
            const int nt = fm_threads_for(4.0 * (double)(r1 - r0) * (double)(k + d));          \
            _Pragma("omp parallel for schedule(dynamic, 1) num_threads(nt)")                   \
            for (int64_t ch = p0; ch < p1; ch++) {                                             \
                const int64_t i0 = ch * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;           \
                for (int64_t i = i0; i < i1; i++) {                                            \
                    const T *g = G + (i - r0) * k;                                             \
                    double best = INFINITY;                                                    \
                    int32_t arg = 0;                                                           \
                    for (int64_t c = 0; c < k; c++) {                                          \
                        const double v = hc[c] - 2.0 * (double)g[c];                           \
                        if (v < best) {                                                        \
                            best = v;                                                          \
                            arg = (int32_t)c;                                                  \
                        }                                                                      \
                    }                                                                          \
                    const T *x = X + i * d, *cc = C + (int64_t)arg * d;                        \
                    T a0 = 0, a1 = 0, a2 = 0, a3 = 0; /* 4 chains: latency */                 \
                    int64_t j = 0;                                                             \
                    for (; j + 4 <= d; j += 4) {                                               \
                        const T t0 = x[j] - cc[j], t1 = x[j + 1] - cc[j + 1];                  \
                        const T t2 = x[j + 2] - cc[j + 2], t3 = x[j + 3] - cc[j + 3];          \
                        a0 += t0 * t0;                                                         \
                        a1 += t1 * t1;                                                         \
                        a2 += t2 * t2;                                                         \
                        a3 += t3 * t3;                                                         \
                    }                                                                          \
                    for (; j < d; j++) a0 += (x[j] - cc[j]) * (x[j] - cc[j]);                  \
                    labels[i] = arg;                                                           \
                    mind[i] = (a0 + a1) + (a2 + a3);                                           \
                }                                                                              \
                double *ps = part + ch * per;                                                  \
                double *pw = ps + k * d, *pin = update ? pw + k : ps;                          \
                accum(ps, pw, pin, labels + i0, mind + i0, X + i0 * d, sw ? sw + i0 : NULL,     \
                      i1 - i0, d, update);                                                     \
            }                                                                                  \
        }                                                                                      \
        free(G);                                                                               \
        free(hc);                                                                              \
        return st;                                                                             \
    }

#define DEFINE_KMEANS(SUF, T)                                                                  \
    typedef void (*assign_fn_##SUF)(int32_t *, T *, const T *, const T *, int64_t, int64_t,    \
                                    const T *, int64_t, int64_t, T *);                         \
    typedef void (*accum_fn_##SUF)(double *, double *, double *, const int32_t *, const T *,   \
                                   const T *, const T *, int64_t, int64_t, int);               \
    DEFINE_KMEANS_GEMM(SUF, T)                                                                 \
    static void pick_assign_##SUF(assign_fn_##SUF *fn, accum_fn_##SUF *acc, int *P) {          \
        switch (fm_family_level(FM_FAM_KMEANS)) {                                              \
        IF_X86(case FM_LEVEL_AVX512: *fn = fm_kmeans_assign_##SUF##_avx512;                    \
               *acc = fm_kmeans_accum_##SUF##_avx512;                                          \
               *P = fm_kmeans_scratch_##SUF##_avx512(); return;                                \
               case FM_LEVEL_AVX2: *fn = fm_kmeans_assign_##SUF##_avx2;                        \
               *acc = fm_kmeans_accum_##SUF##_avx2;                                            \
               *P = fm_kmeans_scratch_##SUF##_avx2(); return;)                                 \
        default: *fn = fm_kmeans_assign_##SUF##_baseline;                                      \
            *acc = fm_kmeans_accum_##SUF##_baseline;                                           \
            *P = fm_kmeans_scratch_##SUF##_baseline(); return;                                 \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    FM_API int fm_kmeans_step_##SUF(double *sums, double *wsum, double *inertia,               \
                                    int32_t *labels, T *mind, const T *X, const T *XT,         \
                                    const T *sw, const T *C, int64_t n, int64_t d, int64_t k,  \
                                    int update) {                                              \
        assign_fn_##SUF assign;                                                                \
        accum_fn_##SUF accum;                                                                  \
        int P;                                                                                 \
        pick_assign_##SUF(&assign, &accum, &P);                                                \
        const int64_t chunk = km_chunk(n, k, d);                                               \
        const int64_t nchunks = (n + chunk - 1) / chunk;                                       \
        const int64_t per = update ? k * d + k + 1 : 1; /* partial: sums | wsum | inertia */  \
        const int64_t scr = (int64_t)P * d; /* transposed row block per thread */             \
        double *part = (double *)calloc((size_t)(nchunks * per), sizeof(double));              \
        int nomem = part == NULL;                                                              \
        const int nt = fm_threads_for(3.0 * (double)n * (double)(k + 2) * (double)d);          \
        if (nomem) return FM_ENOMEM;                                                           \
        if (d >= KM_GEMM_MIN_D && fm_have_blas()) {                                            \
            const int sg = kmeans_gemm_##SUF(part, per, chunk, nchunks, labels, mind, X, sw, C, \
                                             n, d, k, update, accum);                          \
            if (sg != FM_OK) {                                                                 \
                free(part);                                                                    \
                return sg;                                                                     \
            }                                                                                  \
            goto reduce;                                                                       \
        }                                                                                      \
        _Pragma("omp parallel num_threads(nt)")                                                \
        {                                                                                      \
        T *scratch = (T *)malloc((size_t)scr * sizeof(T));                                     \
        if (!scratch) {                                                                        \
            _Pragma("omp atomic write")                                                        \
            nomem = 1;                                                                         \
        }                                                                                      \
        _Pragma("omp for schedule(dynamic, 1)")                                                \
        for (int64_t ch = 0; ch < nchunks; ch++) {                                             \
            if (!scratch) continue;                                                            \
            const int64_t i0 = ch * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;               \
            assign(labels + i0, mind + i0, X + i0 * d, XT ? XT + i0 : NULL, n, i1 - i0, C, k, d, \
                   scratch);                                                                   \
            double *ps = part + ch * per;                                                      \
            double *pw = ps + k * d, *pin = update ? pw + k : ps;                              \
            accum(ps, pw, pin, labels + i0, mind + i0, X + i0 * d, sw ? sw + i0 : NULL,         \
                  i1 - i0, d, update);                                                         \
        }                                                                                      \
        free(scratch);                                                                         \
        }                                                                                      \
        if (nomem) {                                                                           \
            free(part);                                                                        \
            return FM_ENOMEM;                                                                  \
        }                                                                                      \
    reduce:;                                                                                   \
        double tot = 0;                                                                        \
        for (int64_t ch = 0; ch < nchunks; ch++) tot += part[ch * per + per - 1];              \
        *inertia = tot;                                                                        \
        if (update) { /* fixed chunk order per output element */                              \
            const int64_t m = k * d + k;                                                       \
            const int ntr = fm_threads_for((double)m * (double)nchunks);                       \
            _Pragma("omp parallel for schedule(static) num_threads(ntr)")                      \
            for (int64_t e = 0; e < m; e++) {                                                  \
                double s = 0;                                                                  \
                for (int64_t ch = 0; ch < nchunks; ch++) s += part[ch * per + e];              \
                if (e < k * d)                                                                 \
                    sums[e] = s;                                                               \
                else                                                                           \
                    wsum[e - k * d] = s;                                                       \
            }                                                                                  \
        }                                                                                      \
        free(part);                                                                            \
        return FM_OK;                                                                          \
    }

DEFINE_KMEANS(f32, float)
DEFINE_KMEANS(f64, double)

/* Whole Lloyd loop (scikit-learn's semantics; see fastml.h). Empty clusters
 * take, in increasing cluster order, the points farthest from their centres
 * (largest mind first, lowest row on ties); those points leave their old
 * cluster's sums. */
#define DEFINE_LLOYD(SUF, T)                                                                   \
    FM_API int fm_kmeans_lloyd_##SUF(T *centers, int32_t *labels, T *mind, double *inertia,    \
                                     int64_t *n_iter, const T *X, const T *XT, const T *sw,    \
                                     int64_t n, int64_t d, int64_t k, int64_t max_iter,        \
                                     double tol) {                                             \
        double *sums = (double *)malloc((size_t)(k * d) * sizeof(double));                    \
        double *wsum = (double *)malloc((size_t)k * sizeof(double));                           \
        int32_t *old = (int32_t *)malloc((size_t)n * sizeof(int32_t));                         \
        int64_t *taken = (int64_t *)malloc((size_t)k * sizeof(int64_t));                       \
        int st = FM_OK;                                                                        \
        int64_t it = 0;                                                                        \
        double inert = 0;                                                                      \
        if (!sums || !wsum || !old || !taken) {                                                \
            st = FM_ENOMEM;                                                                    \
            goto done;                                                                         \
        }                                                                                      \
        for (it = 0; it < max_iter; it++) {                                                    \
            st = fm_kmeans_step_##SUF(sums, wsum, &inert, labels, mind, X, XT, sw, centers, n,  \
                                      d, k, 1);                                                \
            if (st != FM_OK) goto done;                                                        \
            int64_t ntaken = 0;                                                                \
            for (int64_t c = 0; c < k; c++) {                                                  \
                if (wsum[c] != 0) continue;                                                    \
                int64_t far = -1;                                                              \
                for (int64_t i = 0; i < n; i++) {                                              \
                    if (far >= 0 && !(mind[i] > mind[far])) continue;                          \
                    int64_t u = 0;                                                             \
                    while (u < ntaken && taken[u] != i) u++;                                   \
                    if (u == ntaken) far = i;                                                  \
                }                                                                              \
                if (far < 0) break;                                                            \
                taken[ntaken++] = far;                                                         \
                const double w = sw ? (double)sw[far] : 1.0;                                   \
                const int64_t o = labels[far];                                                 \
                for (int64_t j = 0; j < d; j++) {                                              \
                    const double xv = (double)X[far * d + j];                                  \
                    sums[o * d + j] -= w * xv;                                                 \
                    sums[c * d + j] = w * xv;                                                  \
                }                                                                              \
                wsum[o] -= w;                                                                  \
                wsum[c] = w;                                                                   \
            }                                                                                  \
            double shift = 0;                                                                  \
            for (int64_t c = 0; c < k; c++) {                                                  \
                for (int64_t j = 0; j < d; j++) {                                              \
                    const T nc = wsum[c] > 0 ? (T)(sums[c * d + j] / wsum[c]) : centers[c * d + j]; \
                    const double delta = (double)nc - (double)centers[c * d + j];              \
                    shift += delta * delta;                                                    \
                    centers[c * d + j] = nc;                                                   \
                }                                                                              \
            }                                                                                  \
            if (it > 0 && memcmp(labels, old, (size_t)n * sizeof(int32_t)) == 0) break;        \
            if (shift <= tol) break;                                                           \
            memcpy(old, labels, (size_t)n * sizeof(int32_t));                                  \
        }                                                                                      \
        if (it == max_iter) it = max_iter - 1;                                                 \
        *n_iter = it + 1;                                                                      \
        st = fm_kmeans_step_##SUF(sums, wsum, &inert, labels, mind, X, XT, sw, centers, n, d,  \
                                  k, 0);                                                       \
        *inertia = inert;                                                                      \
    done:                                                                                      \
        free(sums);                                                                            \
        free(wsum);                                                                            \
        free(old);                                                                             \
        free(taken);                                                                           \
        return st;                                                                             \
    }
DEFINE_LLOYD(f32, float)
DEFINE_LLOYD(f64, double)
