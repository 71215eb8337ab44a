/* kmeans.c -- one Lloyd iteration for k-means: nearest-centre assignment
 * (kmeans_simd.c, dispatched per ISA level) fused with the centroid sums.
 *
 * Determinism: rows are cut into chunks whose size depends only on (n, k, d),
 * never on the thread count; each chunk accumulates its own partial sums
 * (float64) sequentially, and the partials are added in chunk order. So the
 * sums, weights and inertia are bitwise identical for any number of threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fastml.h"

#define KM_CHUNK_MIN 2048            /* rows per chunk at least */
#define KM_PARTIAL_BUDGET (1 << 22)  /* doubles of partial sums at most (32 MiB) */

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

#define DEFINE_KMEANS(SUF, T)                                                                  \
    typedef void (*assign_fn_##SUF)(int32_t *, T *, const T *, const T *, int64_t, int64_t,    \
                                    const T *, int64_t, int64_t, T *);                         \
    typedef void (*accum_fn_##SUF)(double *, double *, double *, const int32_t *, const T *,   \
                                   const T *, const T *, int64_t, int64_t, int);               \
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
