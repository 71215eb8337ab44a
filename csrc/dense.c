/* dense.c -- fully connected layer: y = x w^T + b (+ fused relu), backward.
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

#define DEFINE_DENSE(SUF, T)                                                                   \
    FM_API int fm_linear_forward_##SUF(T *y, const T *x, const T *w, const T *b, int64_t n,    \
                                       int64_t in, int64_t out, int act) {                     \
        if (act < -1 || act > 0) return FM_EINVAL;                                             \
        if (n == 0 || out == 0) return FM_OK;                                                  \
        int st = in ? fm_gemm_##SUF(0, 1, n, out, in, (T)1, x, in, w, in, (T)0, y, out)        \
                    : (memset(y, 0, (size_t)(n * out) * sizeof(T)), FM_OK);                    \
        if (st != FM_OK) return st;                                                            \
        if (!b && act < 0) return FM_OK;                                                       \
        _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(2.0 * n * out))") \
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
            _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for((double)n * out))") \
            for (int64_t i = 0; i < n * out; i++) tmp[i] = y[i] > 0 ? dy[i] : (T)0;            \
            g = tmp;                                                                           \
        }                                                                                      \
        int st = FM_OK;                                                                        \
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
