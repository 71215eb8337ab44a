/* activation.c -- element-wise activations and row softmax: dispatch to the
 * ISA range kernels (activation_simd.c) and OpenMP over fixed chunks / rows.
 * Each element or row is computed independently, so results do not depend on
 * the thread count.
 * Element-wise loops give each thread one contiguous block of chunks
 * (schedule(static)): chunks dealt out one by one put neighbouring 32 KB
 * pieces on different cores, whose prefetchers then fetch lines the other
 * core is writing (1M floats, 2 threads: relu 0.062 -> 0.049 ms, tanh
 * forward+backward 0.23-0.25 -> 0.21-0.23 ms). On a busy machine a
 * descheduled thread costs its remaining share after it resumes, small next
 * to the scheduler tick the barrier waits for either way. Row loops keep
 * dynamic blocks (cross-entropy was no faster static).
 * kind: 0 relu, 1 leaky relu (alpha = slope), 2 elu (alpha), 3 sigmoid, 4 tanh. */
#include "activation_isa.h"

#define CHUNK 8192 /* elements per task: fits L1/L2, amortises scheduling */

/* Rough cost in scalar ops per element, for fm_threads_for. */
static double act_cost(int kind) { return kind <= 1 ? 1.0 : 12.0; }

#define DEFINE_ACTIVATION(SUF, T)                                                                \
    FM_API int fm_activation_forward_##SUF(T *y, const T *x, int64_t n, int kind,              \
                                           double alpha) {                                     \
        if (kind < 0 || kind > 4) return FM_EINVAL;                                            \
        void (*fn)(T *, const T *, int64_t, int, T) = FM_ACT_PICK(fm_act_fwd_##SUF);           \
        int64_t nchunks = (n + CHUNK - 1) / CHUNK;                                             \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(n * act_cost(kind)))") \
        for (int64_t c = 0; c < nchunks; c++) {                                                \
            int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;                          \
            fn(y + s, x + s, e - s, kind, (T)alpha);                                           \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_activation_backward_##SUF(T *dx, const T *dy, const T *x, const T *y,        \
                                            int64_t n, int kind, double alpha) {               \
        if (kind < 0 || kind > 4) return FM_EINVAL;                                            \
        void (*fn)(T *, const T *, const T *, const T *, int64_t, int, T) =                    \
            FM_ACT_PICK(fm_act_bwd_##SUF);                                                     \
        int64_t nchunks = (n + CHUNK - 1) / CHUNK;                                             \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(2.0 * n))")      \
        for (int64_t c = 0; c < nchunks; c++) {                                                \
            int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;                          \
            fn(dx + s, dy + s, x ? x + s : NULL, y ? y + s : NULL, e - s, kind, (T)alpha);     \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_softmax_forward_##SUF(T *y, const T *x, int64_t rows, int64_t c, int log_) { \
        void (*fn)(T *, const T *, int64_t, int64_t, int) = FM_ACT_PICK(fm_softmax_rows_##SUF); \
        int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;                               \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 12.0))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;                             \
            fn(y + s * c, x + s * c, e - s, c, log_);                                          \
        }                                                                                      \
        return FM_OK;                                                                          \
    }                                                                                          \
                                                                                               \
    FM_API int fm_softmax_backward_##SUF(T *dx, const T *dy, const T *y, int64_t rows,         \
                                         int64_t c, int log_) {                                \
        void (*fn)(T *, const T *, const T *, int64_t, int64_t, int) =                         \
            FM_ACT_PICK(fm_softmax_bwd_rows_##SUF);                                            \
        int64_t rb = fm_row_block(c), nb = (rows + rb - 1) / rb;                               \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_row_threads(rows, c, 4.0))") \
        for (int64_t q = 0; q < nb; q++) {                                                     \
            int64_t s = q * rb, e = s + rb < rows ? s + rb : rows;                             \
            fn(dx + s * c, dy + s * c, y + s * c, e - s, c, log_);                             \
        }                                                                                      \
        return FM_OK;                                                                          \
    }

DEFINE_ACTIVATION(f32, float)
DEFINE_ACTIVATION(f64, double)
