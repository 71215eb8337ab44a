/* loss.c -- fused cross-entropy rows (SIMD row kernels from activation_simd.c,
 * blocks of fm_row_block(c) rows per task) and element-wise losses in one vectorised pass each (loss_simd.c): dispatch,
 * OpenMP over fixed chunks / blocks.
 *
 * Element-wise loss ids (x = input, y = target, param as noted):
 *   0 mse (x-y)^2          1 l1 |x-y|             2 huber (param = delta)
 *   3 bce on probabilities, logs clamped at -100 (PyTorch)
 *   4 bce with logits: max(x,0) - x y + log1p(exp(-|x|))
 *   5 hinge max(0, param - y x)          6 hinge embedding (PyTorch)
 *   7 kl_div y (log y - x), 0 where y == 0     8 kl_div, log target: e^y (y - x)
 * Sums are accumulated in double over fixed blocks of BLOCK elements, then
 * the block sums in order: the result does not depend on the thread count.
 * Element-wise loops give each thread one contiguous block of chunks
 * (schedule(static); see activation.c: 1M floats, 2 threads, mse / l1 / huber
 * forward+backward 0.14-0.17 -> 0.12-0.135 ms); cross-entropy row blocks stay
 * dynamic.
 */
#include <stdlib.h>

#include "loss.h"
#include "activation_isa.h"

#define BLOCK 4096

#define CHUNK 16384 /* elements per task (a multiple of BLOCK) */

#define DEFINE_LOSS(SUF, T)                                                                    \
    FM_API int fm_loss_pointwise_##SUF(T *out, const T *x, const T *y, int64_t n, int kind,    \
                                       double param) {                                         \
        if (kind < 0 || kind > 8) return FM_EINVAL;                                            \
        void (*fn)(T *, const T *, const T *, int64_t, int, T) = FM_ACT_PICK(fm_loss_el_##SUF); \
        int64_t nc = (n + CHUNK - 1) / CHUNK;                                                  \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(8.0 * n))")      \
        for (int64_t c = 0; c < nc; c++) {                                                     \
            int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;                          \
            fn(out + s, x + s, y + s, e - s, kind, (T)param);                                  \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_loss_pointwise_sum_##SUF(double *out, const T *x, const T *y, int64_t n,     \
                                           int kind, double param) {                           \
        if (kind < 0 || kind > 8) return FM_EINVAL;                                            \
        double (*fn)(const T *, const T *, int64_t, int, T) = FM_ACT_PICK(fm_loss_sum_##SUF);   \
        int64_t nb = (n + BLOCK - 1) / BLOCK;                                                  \
        double stackbuf[64];                                                                   \
        double *part = nb <= 64 ? stackbuf : (double *)malloc((size_t)nb * sizeof(double));    \
        if (!part) return FM_ENOMEM;                                                           \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(8.0 * n))")      \
        for (int64_t b = 0; b < nb; b++) {                                                     \
            int64_t s = b * BLOCK, e = s + BLOCK < n ? s + BLOCK : n;                          \
            part[b] = fn(x + s, y + s, e - s, kind, (T)param);                                 \
        }                                                                                      \
        double total = 0;                                                                      \
        for (int64_t b = 0; b < nb; b++) total += part[b];                                     \
        if (part != stackbuf) free(part);                                                      \
        *out = total;                                                                          \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    /* dx[i] = dloss/dx(x[i], y[i]) * dout[i * dstride] (dstride 0: one scalar). */            \
    FM_API int fm_loss_pointwise_backward_##SUF(T *dx, const T *dout, int64_t dstride,         \
                                                const T *x, const T *y, int64_t n, int kind,   \
                                                double param) {                                \
        if (kind < 0 || kind > 8) return FM_EINVAL;                                            \
        void (*fn)(T *, const T *, int64_t, const T *, const T *, int64_t, int, T) =           \
            FM_ACT_PICK(fm_loss_grad_##SUF);                                                   \
        int64_t nc = (n + CHUNK - 1) / CHUNK;                                                  \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(8.0 * n))")      \
        for (int64_t c = 0; c < nc; c++) {                                                     \
            int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;                          \
            fn(dx + s, dout + s * dstride, dstride, x + s, y + s, e - s, kind, (T)param);      \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_cross_entropy_forward_##SUF(T *loss, T *lse, const T *x, const int64_t *t,  \
                                              int64_t rows, int64_t c) {                       \
        void (*fn)(T *, T *, const T *, const int64_t *, int64_t, int64_t) =                   \
            FM_ACT_PICK(fm_ce_rows_##SUF);                                                     \
        int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;                               \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 12.0))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;                             \
            fn(loss + s, lse + s, x + s * c, t + s, e - s, c);                                 \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_cross_entropy_backward_##SUF(T *dx, const T *dloss, int64_t dstride,         \
                                               const T *x, const T *lse, const int64_t *t,     \
                                               int64_t rows, int64_t c) {                      \
        void (*fn)(T *, const T *, int64_t, const T *, const T *, const int64_t *, int64_t,    \
                   int64_t) = FM_ACT_PICK(fm_ce_bwd_rows_##SUF);                               \
        int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;                               \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 12.0))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;                             \
            fn(dx + s * c, dloss + s * dstride, dstride, x + s * c, lse + s, t + s, e - s, c); \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_cross_entropy_forward_ex_##SUF(T *loss, T *lse, T *wlp, const T *x,          \
                                                 const int64_t *t, const T *w, int64_t rows,   \
                                                 int64_t c) {                                  \
        void (*fn)(T *, T *, const T *, const int64_t *, int64_t, int64_t) =                   \
            FM_ACT_PICK(fm_ce_rows_##SUF);                                                     \
        void (*wlogp)(T *, const T *, const T *, const T *, int64_t, int64_t) =                \
            FM_ACT_PICK(fm_ce_wlogp_rows_##SUF);                                               \
        int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;                               \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 14.0))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;                             \
            fn(loss + s, lse + s, x + s * c, t + s, e - s, c);                                 \
            if (wlp) wlogp(wlp + s, x + s * c, lse + s, w, e - s, c);                          \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_cross_entropy_backward_ex_##SUF(T *dx, const T *alpha, const T *beta,       \
                                                  const T *gamma, const T *w, const T *x,      \
                                                  const T *lse, const int64_t *t,              \
                                                  int64_t rows, int64_t c) {                   \
        void (*fn)(T *, const T *, const T *, const T *, const T *, const T *, const T *,      \
                   const int64_t *, int64_t, int64_t) = FM_ACT_PICK(fm_ce_bwd_ex_rows_##SUF);  \
        int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;                               \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 14.0))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;                             \
            fn(dx + s * c, alpha + s, beta + s, gamma + s, w, x + s * c, lse + s, t + s,       \
               e - s, c);                                                                      \
        }                                                                                      \
        return FM_OK;                                                                          \
    }

DEFINE_LOSS(f32, float)
DEFINE_LOSS(f64, double)
