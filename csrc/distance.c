/* distance.c -- pairwise distances: dispatch, Y packing, threading, the BLAS
 * path for euclidean/sqeuclidean/cosine and the scalar minkowski kernel.
 *
 * Paths (fm_pairwise_*):
 *   euclidean, sqeuclidean with d >= gemm_min_d(): out = -2 X Y^T by BLAS
 *     straight into `out` (no extra memory), then a threaded epilogue adds the
 *     squared norms, and recomputes the pair directly wherever the expansion
 *     may have cancelled: d2 < FM_CANCEL_TAU * (|x|^2 + |y|^2). There the
 *     expansion's absolute error (~ c*eps*(|x|^2+|y|^2)) would be a large
 *     relative error, e.g. for near-duplicates. Clamped at 0.
 *   cosine: BLAS dot products, 1 - x.y / (|x||y|), zero vectors have
 *     similarity 0 (distance 1), clipped to [0, 2].
 *   manhattan, chebyshev, hamming, small-d euclidean: SIMD tiles
 *     (distance_simd.c), parallel over (row chunk, panel chunk) tasks.
 *   minkowski: scalar pow loop.
 * `same` marks X is Y: the diagonal is set to exactly 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distance.h"
#include "blas.h"

/* Smallest d at which the BLAS expansion beats the direct SIMD kernel for
 * euclidean (measured, 2000 x 2000, one thread, thread CPU time): with AVX-512
 * float32 from d = 32 (1.12x; 1.25x at 128), float64 from d = 96 (1.05x;
 * 0.79-0.91x below). The narrower AVX2/baseline direct kernels lose earlier. */
static int gemm_min_d(int is_f64) {
    if (fm_family_level(FM_FAM_DISTANCE) == FM_LEVEL_AVX512) return is_f64 ? 96 : 32;
    return is_f64 ? 32 : 16;
}
#define FM_CANCEL_TAU (1.0 / 4096.0)
#define ROW_CHUNK 64   /* x rows per task */
#define PANEL_CHUNK 8  /* panels per task */

/* ISA variants of the tile kernel (distance_simd.c). */
#define DECLARE_TILE(SUF, T, ISA)                                                            \
    void fm_dist_tile_##SUF##_##ISA(T *out, int64_t ldo, const T *X, int64_t ldx, int64_t nr, \
                                    const T *packed, int64_t m, int64_t pa, int64_t pb,       \
                                    int64_t d, int metric);                                   \
    int fm_dist_panel_width_##SUF##_##ISA(void);
DECLARE_TILE(f32, float, baseline)
DECLARE_TILE(f64, double, baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_TILE(f32, float, avx2)
DECLARE_TILE(f64, double, avx2)
DECLARE_TILE(f32, float, avx512)
DECLARE_TILE(f64, double, avx512)
#endif

#define DEFINE_DISTANCE(SUF, T, SQRT, POW, FABS)                                               \
    typedef void (*tile_fn_##SUF)(T *, int64_t, const T *, int64_t, int64_t, const T *,        \
                                  int64_t, int64_t, int64_t, int64_t, int);                    \
                                                                                               \
    static void pick_tile_##SUF(tile_fn_##SUF *fn, int *P) {                                   \
        switch (fm_family_level(FM_FAM_DISTANCE)) {                                            \
        IF_X86(case FM_LEVEL_AVX512: *fn = fm_dist_tile_##SUF##_avx512;                        \
               *P = fm_dist_panel_width_##SUF##_avx512(); return;                              \
               case FM_LEVEL_AVX2: *fn = fm_dist_tile_##SUF##_avx2;                            \
               *P = fm_dist_panel_width_##SUF##_avx2(); return;)                               \
        default: *fn = fm_dist_tile_##SUF##_baseline;                                          \
            *P = fm_dist_panel_width_##SUF##_baseline(); return;                               \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    FM_API void fm_sqnorms_##SUF(T *out, const T *X, int64_t n, int64_t d) {                   \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for((double)n * d))") \
        for (int64_t i = 0; i < n; i++) {                                                      \
            const T *x = X + i * d;                                                            \
            T s = 0;                                                                           \
            for (int64_t k = 0; k < d; k++) s += x[k] * x[k];                                  \
            out[i] = s;                                                                        \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    static int direct_simd_##SUF(T *out, const T *X, const T *Y, int64_t n, int64_t m,        \
                                 int64_t d, int metric) {                                      \
        tile_fn_##SUF tile;                                                                    \
        int P;                                                                                 \
        pick_tile_##SUF(&tile, &P);                                                            \
        const int64_t npanels = (m + P - 1) / P;                                               \
        T *packed = (T *)malloc((size_t)(npanels * P * d) * sizeof(T));                       \
        if (!packed) return FM_ENOMEM;                                                         \
        const int nt = fm_threads_for((double)n * m * d);                                      \
        (void)nt; /* unused in a serial build */                                             \
        _Pragma("omp parallel num_threads(nt)")                                                \
        {                                                                                      \
            _Pragma("omp for schedule(static)")                                                \
            for (int64_t pnl = 0; pnl < npanels; pnl++) {                                      \
                T *dst = packed + pnl * P * d;                                                 \
                for (int64_t l = 0; l < P; l++) {                                              \
                    const int64_t j = pnl * P + l;                                             \
                    if (j < m) {                                                               \
                        const T *y = Y + j * d;                                                \
                        for (int64_t k = 0; k < d; k++) dst[k * P + l] = y[k];                 \
                    } else {                                                                   \
                        for (int64_t k = 0; k < d; k++) dst[k * P + l] = 0;                    \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
            const int64_t nrc = (n + ROW_CHUNK - 1) / ROW_CHUNK;                               \
            const int64_t npc = (npanels + PANEL_CHUNK - 1) / PANEL_CHUNK;                     \
            _Pragma("omp for schedule(dynamic, 1)")                                            \
            for (int64_t task = 0; task < nrc * npc; task++) {                                 \
                const int64_t rc = task / npc, pc = task % npc;                                \
                const int64_t i0 = rc * ROW_CHUNK;                                             \
                const int64_t nr = n - i0 < ROW_CHUNK ? n - i0 : ROW_CHUNK;                    \
                const int64_t pa = pc * PANEL_CHUNK;                                           \
                const int64_t pb = pa + PANEL_CHUNK < npanels ? pa + PANEL_CHUNK : npanels;    \
                tile(out + i0 * m, m, X + i0 * d, d, nr, packed, m, pa, pb, d, metric);        \
            }                                                                                  \
        }                                                                                      \
        free(packed);                                                                          \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    static void minkowski_##SUF(T *out, const T *X, const T *Y, int64_t n, int64_t m,          \
                                int64_t d, double p) {                                         \
        const T tp = (T)p, inv = (T)(1.0 / p);                                                 \
        _Pragma("omp parallel for schedule(dynamic, 16) num_threads(fm_threads_for(20.0 * n * m * d))") \
        for (int64_t i = 0; i < n; i++) {                                                      \
            const T *x = X + i * d;                                                            \
            for (int64_t j = 0; j < m; j++) {                                                  \
                const T *y = Y + j * d;                                                        \
                T s = 0;                                                                       \
                for (int64_t k = 0; k < d; k++) s += POW(FABS(x[k] - y[k]), tp);               \
                out[i * m + j] = POW(s, inv);                                                  \
            }                                                                                  \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    FM_API int fm_pairwise_direct_##SUF(T *out, const T *X, const T *Y, int64_t n, int64_t m,  \
                                        int64_t d, int metric, double p) {                     \
        if (metric == FM_METRIC_MINKOWSKI) {                                                   \
            minkowski_##SUF(out, X, Y, n, m, d, p);                                            \
            return FM_OK;                                                                      \
        }                                                                                      \
        if (metric == FM_METRIC_COSINE) return FM_EINVAL;                                      \
        return direct_simd_##SUF(out, X, Y, n, m, d, metric);                                  \
    }                                                                                          \
                                                                                               \
    /* out holds -2 x.y (euclidean) or -x.y (cosine) on entry. */                              \
    static void gemm_epilogue_##SUF(T *out, const T *X, const T *Y, const T *xn, const T *yn,  \
                                    int64_t n, int64_t m, int64_t d, int metric, int same) {   \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(4.0 * n * m))")  \
        for (int64_t i = 0; i < n; i++) {                                                      \
            T *o = out + i * m;                                                                \
            const T a = xn[i];                                                                 \
            if (metric == FM_METRIC_COSINE) {                                                  \
                const T na = SQRT(a);                                                          \
                for (int64_t j = 0; j < m; j++) {                                              \
                    const T den = na * SQRT(yn[j]);                                            \
                    T v = den > 0 ? (T)1 + o[j] / den : (T)1;                                  \
                    o[j] = v < 0 ? 0 : (v > 2 ? 2 : v);                                        \
                }                                                                              \
            } else {                                                                           \
                /* pass 1 (vectorisable): expand, flag possible cancellation */                \
                int need = 0;                                                                  \
                for (int64_t j = 0; j < m; j++) {                                              \
                    const T s = a + yn[j];                                                     \
                    const T v = o[j] + s;                                                      \
                    need |= v < (T)FM_CANCEL_TAU * s;                                          \
                    o[j] = v < 0 ? 0 : v;                                                      \
                }                                                                              \
                /* pass 2 (rare): recompute flagged pairs with the direct formula */          \
                if (need) {                                                                    \
                    const T *x = X + i * d;                                                    \
                    for (int64_t j = 0; j < m; j++) {                                          \
                        if (o[j] < (T)FM_CANCEL_TAU * (a + yn[j])) {                           \
                            const T *y = Y + j * d;                                            \
                            T v = 0;                                                           \
                            for (int64_t k = 0; k < d; k++) {                                  \
                                const T t = x[k] - y[k];                                       \
                                v += t * t;                                                    \
                            }                                                                  \
                            o[j] = v;                                                          \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
                if (metric == FM_METRIC_EUCLIDEAN)                                             \
                    for (int64_t j = 0; j < m; j++) o[j] = SQRT(o[j]);                         \
            }                                                                                  \
            if (same && i < m) o[i] = 0;                                                       \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    FM_API int fm_pairwise_##SUF(T *out, const T *X, const T *Y, int64_t n, int64_t m,         \
                                 int64_t d, int metric, double p, int same) {                  \
        const int euclid = metric == FM_METRIC_EUCLIDEAN || metric == FM_METRIC_SQEUCLIDEAN;   \
        if (metric == FM_METRIC_COSINE || (euclid && d >= gemm_min_d(sizeof(T) == 8) && fm_have_blas())) {  \
            T *xn = (T *)malloc((size_t)(n + m) * sizeof(T));                                  \
            if (!xn) return FM_ENOMEM;                                                         \
            T *yn = xn + n;                                                                    \
            fm_sqnorms_##SUF(xn, X, n, d);                                                     \
            fm_sqnorms_##SUF(yn, Y, m, d);                                                     \
            int st = fm_gemm_##SUF(0, 1, n, m, d, euclid ? (T)-2 : (T)-1, X, d, Y, d, (T)0,    \
                                   out, m, FM_LEGACY_NTHREADS);                                                    \
            if (st == FM_OK) gemm_epilogue_##SUF(out, X, Y, xn, yn, n, m, d, metric, same);    \
            free(xn);                                                                          \
            return st;                                                                         \
        }                                                                                      \
        int st = fm_pairwise_direct_##SUF(out, X, Y, n, m, d, metric, p);                      \
        if (st == FM_OK && same)                                                               \
            for (int64_t i = 0; i < n && i < m; i++) out[i * m + i] = 0;                       \
        return st;                                                                             \
    }

#ifdef FM_HAVE_X86_ISA
#define IF_X86(...) __VA_ARGS__
#else
#define IF_X86(...)
#endif

DEFINE_DISTANCE(f32, float, sqrtf, powf, fabsf)
DEFINE_DISTANCE(f64, double, sqrt, pow, fabs)
