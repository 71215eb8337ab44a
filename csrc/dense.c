/* dense.c -- fully connected layer: y = x w^T + b (+ fused relu), backward.
 *
 * Batches of at most SMALL_N rows use the small-batch kernels of
 * dense_simd.c (no packing; weights streamed once; threads split output
 * features), larger ones BLAS.
 *
 * Shapes: x (n, in), w (out, in), b (out) or NULL, y (n, out), dy (n, out).
 * The products go to BLAS (fm_gemm_*, SciPy's OpenBLAS); the epilogue adds
 * the bias and applies the activation in the same pass over y. act: -1 none,
 * 0 relu. Backward writes (not accumulates) dx (n, in), dw (out, in),
 * db (out); any of them may be NULL when not needed. With act == relu, y is
 * the forward output and dy is masked by y > 0 first. db sums rows in order,
 * so it does not depend on the thread count.
 */
#include <stdlib.h>
#include <string.h>

#include "fastml.h"

#define SMALL_N 16
#define SPLIT 64 /* feature-slice granularity for threads (multiple of any VL) */
/* Small-batch kernels run ~50 flops/ns on one core; below ~2 MFLOP (~40 us) a
 * parallel region's wake-up and barrier cost more than the second core saves.
 * (MLP 784-256 at batch 8, 3.2 MFLOP: 2 threads measured slightly faster.) */
#define SMALL_PAR_WORK 2.0e6

#define DECLARE_SMALL(SUF, T, ISA)                                                             \
    void fm_dense_small_fwd_##SUF##_##ISA(T *y, const T *x, const T *w, const T *b, int64_t n, \
                                          int64_t in, int64_t out, int64_t j0, int64_t j1,     \
                                          int act);                                            \
    void fm_dense_small_dx_##SUF##_##ISA(T *dx, const T *g, const T *w, int64_t n, int64_t in, \
                                         int64_t out, int64_t k0, int64_t k1);                 \
    void fm_dense_small_dw_##SUF##_##ISA(T *dw, const T *g, const T *x, int64_t n, int64_t in, \
                                         int64_t out, int64_t j0, int64_t j1);
DECLARE_SMALL(f32, float, baseline)
DECLARE_SMALL(f64, double, baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_SMALL(f32, float, avx2)
DECLARE_SMALL(f64, double, avx2)
DECLARE_SMALL(f32, float, avx512)
DECLARE_SMALL(f64, double, avx512)
#define PICK(NAME)                                                                             \
    (fm_family_level(FM_FAM_DENSE) == FM_LEVEL_AVX512 ? NAME##_avx512                          \
     : fm_family_level(FM_FAM_DENSE) == FM_LEVEL_AVX2 ? NAME##_avx2                            \
                                                      : NAME##_baseline)
#else
#define PICK(NAME) (NAME##_baseline)
#endif

/* Run fn over slices [s, e) of [0, total) in SPLIT-multiples, threaded by work. */
#define FOR_SLICES(total, work, BODY)                                                          \
    do {                                                                                       \
        int64_t nsl_ = ((total) + SPLIT - 1) / SPLIT;                                          \
        int nt_ = (work) >= SMALL_PAR_WORK ? fm_threads_for(work) : 1;                          \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(nt_)")                          \
        for (int64_t q_ = 0; q_ < nsl_; q_++) {                                                \
            int64_t s = q_ * SPLIT, e = s + SPLIT < (total) ? s + SPLIT : (total);             \
            BODY;                                                                              \
        }                                                                                      \
    } while (0)

#define DEFINE_DENSE(SUF, T)                                                                   \
    FM_API int fm_linear_forward_##SUF(T *y, const T *x, const T *w, const T *b, int64_t n,    \
                                       int64_t in, int64_t out, int act) {                     \
        if (act < -1 || act > 0) return FM_EINVAL;                                             \
        if (n == 0 || out == 0) return FM_OK;                                                  \
        if (n <= SMALL_N) {                                                                    \
            void (*fn)(T *, const T *, const T *, const T *, int64_t, int64_t, int64_t,        \
                       int64_t, int64_t, int) = PICK(fm_dense_small_fwd_##SUF);                \
            FOR_SLICES(out, 2.0 * n * in * out, fn(y, x, w, b, n, in, out, s, e, act));        \
            return FM_OK;                                                                      \
        }                                                                                      \
        int st = in ? fm_gemm_##SUF(0, 1, n, out, in, (T)1, x, in, w, in, (T)0, y, out)        \
                    : (memset(y, 0, (size_t)(n * out) * sizeof(T)), FM_OK);                    \
        if (st != FM_OK) return st;                                                            \
        if (!b && act < 0) return FM_OK;                                                       \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_threads_for(2.0 * n * out))") \
        for (int64_t i = 0; i < n; i++) {                                                      \
            T *yr = y + i * out;                                                               \
            if (b)                                                                             \
                for (int64_t j = 0; j < out; j++) yr[j] += b[j];                               \
            if (act == 0)                                                                      \
                for (int64_t j = 0; j < out; j++) yr[j] = yr[j] < 0 ? (T)0 : yr[j];            \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_linear_backward_##SUF(T *dx, T *dw, T *db, const T *dy, const T *x,          \
                                        const T *w, const T *y, int64_t n, int64_t in,         \
                                        int64_t out, int act) {                                \
        if (act < -1 || act > 0) return FM_EINVAL;                                             \
        const T *g = dy;                                                                       \
        T *tmp = NULL;                                                                         \
        if (act == 0) {                                                                        \
            tmp = (T *)malloc((size_t)(n * out) * sizeof(T) + 1);                              \
            if (!tmp) return FM_ENOMEM;                                                        \
            _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_threads_for((double)n * out))") \
            for (int64_t i = 0; i < n * out; i++) tmp[i] = y[i] > 0 ? dy[i] : (T)0;            \
            g = tmp;                                                                           \
        }                                                                                      \
        int st = FM_OK;                                                                        \
        if (n <= SMALL_N && n && out && in) {                                                  \
            if (dx) {                                                                          \
                void (*fx)(T *, const T *, const T *, int64_t, int64_t, int64_t, int64_t,      \
                           int64_t) = PICK(fm_dense_small_dx_##SUF);                           \
                FOR_SLICES(in, 2.0 * n * in * out, fx(dx, g, w, n, in, out, s, e));            \
            }                                                                                  \
            if (dw) {                                                                          \
                void (*fw)(T *, const T *, const T *, int64_t, int64_t, int64_t, int64_t,      \
                           int64_t) = PICK(fm_dense_small_dw_##SUF);                           \
                FOR_SLICES(out, 2.0 * n * in * out, fw(dw, g, x, n, in, out, s, e));           \
            }                                                                                  \
            dx = NULL;                                                                         \
            dw = NULL;                                                                         \
        }                                                                                      \
        if (dx && st == FM_OK) {                                                               \
            if (out && n)                                                                      \
                st = fm_gemm_##SUF(0, 0, n, in, out, (T)1, g, out, w, in, (T)0, dx, in);       \
            else                                                                               \
                memset(dx, 0, (size_t)(n * in) * sizeof(T));                                   \
        }                                                                                      \
        if (dw && st == FM_OK) {                                                               \
            if (n && out)                                                                      \
                st = fm_gemm_##SUF(1, 0, out, in, n, (T)1, g, out, x, in, (T)0, dw, in);       \
            else                                                                               \
                memset(dw, 0, (size_t)(out * in) * sizeof(T));                                 \
        }                                                                                      \
        if (db && st == FM_OK) {                                                               \
            memset(db, 0, (size_t)out * sizeof(T));                                            \
            for (int64_t i = 0; i < n; i++) {                                                  \
                const T *gr = g + i * out;                                                     \
                for (int64_t j = 0; j < out; j++) db[j] += gr[j];                              \
            }                                                                                  \
        }                                                                                      \
        free(tmp);                                                                             \
        return st;                                                                             \
    }

DEFINE_DENSE(f32, float)
DEFINE_DENSE(f64, double)
