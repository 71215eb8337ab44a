/* dense.c -- fully connected layer: y = x w^T + b (+ fused relu), backward.
 *
 * Tiny weights (in * out <= TINY_W) use direct row loops (below); otherwise
 * batches of at most SMALL_N rows use the small-batch kernels of
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

#include "dense.h"
#include "blas.h"

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

/* Tiny weights (in * out <= TINY_W, e.g. 2 -> 5 -> 3): a GEMM call plus a separate
 * bias/ReLU pass costs several times the ~in*out FMAs per row. These loops do one
 * pass over the rows with the whole weight in registers/L1. Threads take blocks
 * of TINY_RB rows; dW / db are summed per block (rows in order), then the block
 * partials in block order, so results do not depend on the thread count. */
#define TINY_W 64
#define TINY_RB 1024

/* IN_SWITCH(in, CALL): CALL(literal) for in = 1..8 so the per-row loops over
 * the input features unroll into registers; CALL(in) otherwise. */
#define IN_SWITCH(in, CALL)                                                                    \
    switch (in) {                                                                              \
    case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break;                    \
    case 4: CALL(4); break; case 5: CALL(5); break; case 6: CALL(6); break;                    \
    case 7: CALL(7); break; case 8: CALL(8); break; default: CALL(in); break;                  \
    }

/* Same policy as the small-batch kernels: one thread below SMALL_PAR_WORK
 * flops (the tiny loops run ~4 flops/ns, so that is ~0.5 ms of work). */
static int tiny_threads(double work) { return work >= SMALL_PAR_WORK ? fm_threads_for(work) : 1; }

#define DEFINE_DENSE_TINY(SUF, T)                                                              \
    static inline __attribute__((always_inline)) void tiny_fwd_rows_##SUF(                     \
        T *y, const T *x, const T *w, const T *b, int64_t i0, int64_t i1, const int64_t in,    \
        int64_t out, int act) {                                                                \
        for (int64_t i = i0; i < i1; i++) {                                                    \
            T xr[TINY_W];                                                                      \
            for (int64_t k = 0; k < in; k++) xr[k] = x[i * in + k];                            \
            T *yr = y + i * out;                                                               \
            for (int64_t j = 0; j < out; j++) {                                                \
                const T *wj = w + j * in;                                                      \
                T s = 0;                                                                       \
                for (int64_t k = 0; k < in; k++) s += xr[k] * wj[k];                           \
                s += b[j];                                                                     \
                yr[j] = (act == 0 && s < 0) ? (T)0 : s;                                        \
            }                                                                                  \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    /* b: out zeros when the layer has no bias. */                                            \
    static void tiny_fwd_##SUF(T *y, const T *x, const T *w, const T *b, int64_t n,           \
                               int64_t in, int64_t out, int act) {                             \
        int64_t nb = (n + TINY_RB - 1) / TINY_RB;                                              \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(tiny_threads(2.0 * n * in * out))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t i0 = q * TINY_RB, i1 = i0 + TINY_RB < n ? i0 + TINY_RB : n;                \
            if (act == 0) {                                                                    \
                IN_SWITCH(in, TINY_FWD_CALL_##SUF##_RELU)                                      \
            } else {                                                                           \
                IN_SWITCH(in, TINY_FWD_CALL_##SUF##_NONE)                                      \
            }                                                                                  \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    /* One block of rows: dx rows, and dW / db partial sums into acc (out*in + out). */       \
    static inline __attribute__((always_inline)) void tiny_bwd_rows_##SUF(                     \
        T *dx, T *acc, const T *dy, const T *x, const T *w, const T *y, int64_t i0,           \
        int64_t i1, const int64_t in, int64_t out, int act) {                                  \
        for (int64_t i = i0; i < i1; i++) {                                                    \
            T xr[TINY_W], d[TINY_W];                                                           \
            for (int64_t k = 0; k < in; k++) {                                                 \
                xr[k] = x[i * in + k];                                                         \
                d[k] = 0;                                                                      \
            }                                                                                  \
            for (int64_t j = 0; j < out; j++) {                                                \
                T gj = dy[i * out + j];                                                        \
                if (act == 0 && !(y[i * out + j] > 0)) gj = 0;                                 \
                for (int64_t k = 0; k < in; k++) {                                             \
                    d[k] += gj * w[j * in + k];                                                \
                    acc[j * in + k] += gj * xr[k];                                             \
                }                                                                              \
                acc[out * in + j] += gj;                                                       \
            }                                                                                  \
            if (dx)                                                                            \
                for (int64_t k = 0; k < in; k++) dx[i * in + k] = d[k];                        \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    /* part: nb * (out * in + out) scratch. */                                                \
    static void tiny_bwd_##SUF(T *dx, T *dw, T *db, const T *dy, const T *x, const T *w,      \
                               const T *y, int64_t n, int64_t in, int64_t out, int act,        \
                               T *part) {                                                      \
        int64_t nb = (n + TINY_RB - 1) / TINY_RB, pw = out * in + out;                         \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(tiny_threads(6.0 * n * in * out))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t i0 = q * TINY_RB, i1 = i0 + TINY_RB < n ? i0 + TINY_RB : n;                \
            T acc[TINY_W + TINY_W] = {0}; /* local: cannot alias dx, stays in L1 */        \
            if (act == 0) {                                                                    \
                IN_SWITCH(in, TINY_BWD_CALL_##SUF##_RELU)                                      \
            } else {                                                                           \
                IN_SWITCH(in, TINY_BWD_CALL_##SUF##_NONE)                                      \
            }                                                                                  \
            memcpy(part + q * pw, acc, (size_t)pw * sizeof(T));                                \
        }                                                                                      \
        for (int64_t u = 0; u < pw; u++) {                                                     \
            T s = 0;                                                                           \
            for (int64_t q = 0; q < nb; q++) s += part[q * pw + u];                            \
            if (u < out * in) {                                                                \
                if (dw) dw[u] = s;                                                             \
            } else if (db) {                                                                   \
                db[u - out * in] = s;                                                          \
            }                                                                                  \
        }                                                                                      \
    }

#define TINY_FWD_CALL_f32_RELU(IN) tiny_fwd_rows_f32(y, x, w, b, i0, i1, IN, out, 0)
#define TINY_FWD_CALL_f32_NONE(IN) tiny_fwd_rows_f32(y, x, w, b, i0, i1, IN, out, -1)
#define TINY_FWD_CALL_f64_RELU(IN) tiny_fwd_rows_f64(y, x, w, b, i0, i1, IN, out, 0)
#define TINY_FWD_CALL_f64_NONE(IN) tiny_fwd_rows_f64(y, x, w, b, i0, i1, IN, out, -1)
#define TINY_BWD_CALL_f32_RELU(IN) tiny_bwd_rows_f32(dx, acc, dy, x, w, y, i0, i1, IN, out, 0)
#define TINY_BWD_CALL_f32_NONE(IN) tiny_bwd_rows_f32(dx, acc, dy, x, w, y, i0, i1, IN, out, -1)
#define TINY_BWD_CALL_f64_RELU(IN) tiny_bwd_rows_f64(dx, acc, dy, x, w, y, i0, i1, IN, out, 0)
#define TINY_BWD_CALL_f64_NONE(IN) tiny_bwd_rows_f64(dx, acc, dy, x, w, y, i0, i1, IN, out, -1)

DEFINE_DENSE_TINY(f32, float)
DEFINE_DENSE_TINY(f64, double)

#define DEFINE_DENSE(SUF, T)                                                                   \
    FM_API int fm_linear_forward_##SUF(T *y, const T *x, const T *w, const T *b, int64_t n,    \
                                       int64_t in, int64_t out, int act) {                     \
        if (act < -1 || act > 0) return FM_EINVAL;                                             \
        if (n == 0 || out == 0) return FM_OK;                                                  \
        if (in * out <= TINY_W && n > SMALL_N) {                                               \
            T zb[TINY_W] = {0};                                                                \
            tiny_fwd_##SUF(y, x, w, b ? b : zb, n, in, out, act);                              \
            return FM_OK;                                                                      \
        }                                                                                      \
        if (n <= SMALL_N) {                                                                    \
            void (*fn)(T *, const T *, const T *, const T *, int64_t, int64_t, int64_t,        \
                       int64_t, int64_t, int) = PICK(fm_dense_small_fwd_##SUF);                \
            FOR_SLICES(out, 2.0 * n * in * out, fn(y, x, w, b, n, in, out, s, e, act));        \
            return FM_OK;                                                                      \
        }                                                                                      \
        int st = in ? fm_gemm_##SUF(0, 1, n, out, in, (T)1, x, in, w, in, (T)0, y, out, FM_LEGACY_NTHREADS)        \
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
        if (in * out <= TINY_W && n > SMALL_N && in && out) {                                  \
            int64_t nb = (n + TINY_RB - 1) / TINY_RB;                                          \
            T *part = (T *)malloc((size_t)(nb * (out * in + out)) * sizeof(T));                \
            if (!part) return FM_ENOMEM;                                                       \
            tiny_bwd_##SUF(dx, dw, db, dy, x, w, y, n, in, out, act, part);                    \
            free(part);                                                                        \
            return FM_OK;                                                                      \
        }                                                                                      \
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
                st = fm_gemm_##SUF(0, 0, n, in, out, (T)1, g, out, w, in, (T)0, dx, in, FM_LEGACY_NTHREADS);       \
            else                                                                               \
                memset(dx, 0, (size_t)(n * in) * sizeof(T));                                   \
        }                                                                                      \
        if (dw && st == FM_OK) {                                                               \
            if (n && out)                                                                      \
                st = fm_gemm_##SUF(1, 0, out, in, n, (T)1, g, out, x, in, (T)0, dw, in, FM_LEGACY_NTHREADS);       \
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
