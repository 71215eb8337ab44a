/* dense_tiny_tmpl.h -- the tiny-weight dense loops for one dtype (T, SUF),
 * included by dense.c before dense_tmpl.h (dense_tiny_fwd_f32, ...).
 *
 * Tiny weights (in * out <= TINY_W, e.g. 2 -> 5 -> 3): a GEMM call plus a separate
 * bias/ReLU pass costs several times the ~in*out FMAs per row. These loops do one
 * pass over the rows with the whole weight in registers/L1. Threads take blocks
 * of TINY_RB rows; dW / db are summed per block (rows in order), then the block
 * partials in block order, so results do not depend on the thread count. */
#define IN(name) FM_CAT(name, SUF)

static inline __attribute__((always_inline)) void IN(dense_tiny_fwd_rows_)(
    T *y, const T *x, const T *w, const T *b, int64_t i0, int64_t i1, const int64_t in,
    int64_t out, int act) {
    for (int64_t i = i0; i < i1; i++) {
        T xr[TINY_W];
        for (int64_t k = 0; k < in; k++) xr[k] = x[i * in + k];
        T *yr = y + i * out;
        for (int64_t j = 0; j < out; j++) {
            const T *wj = w + j * in;
            T s = 0;
            for (int64_t k = 0; k < in; k++) s += xr[k] * wj[k];
            s += b[j];
            yr[j] = (act == 0 && s < 0) ? (T)0 : s;
        }
    }
}

/* b: out zeros when the layer has no bias. */
static void IN(dense_tiny_fwd_)(T *y, const T *x, const T *w, const T *b, int64_t n, int64_t in,
                                int64_t out, int act, int nthreads) {
    int64_t nb = (n + TINY_RB - 1) / TINY_RB;
#define RELU_(IN_) IN(dense_tiny_fwd_rows_)(y, x, w, b, i0, i1, IN_, out, 0)
#define NONE_(IN_) IN(dense_tiny_fwd_rows_)(y, x, w, b, i0, i1, IN_, out, -1)
#pragma omp parallel for schedule(dynamic, 1) \
    num_threads(tiny_threads(2.0 * n * in * out, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t i0 = q * TINY_RB, i1 = i0 + TINY_RB < n ? i0 + TINY_RB : n;
        if (act == 0) {
            IN_SWITCH(in, RELU_)
        } else {
            IN_SWITCH(in, NONE_)
        }
    }
#undef RELU_
#undef NONE_
}

/* One block of rows: dx rows, and dW / db partial sums into acc (out*in + out).
 * The relu mask zeroes the gradient where y <= 0 (a NaN output passes it, as torch). */
static inline __attribute__((always_inline)) void IN(dense_tiny_bwd_rows_)(
    T *dx, T *acc, const T *dy, const T *x, const T *w, const T *y, int64_t i0, int64_t i1,
    const int64_t in, int64_t out, int act) {
    for (int64_t i = i0; i < i1; i++) {
        T xr[TINY_W], d[TINY_W];
        for (int64_t k = 0; k < in; k++) {
            xr[k] = x[i * in + k];
            d[k] = 0;
        }
        for (int64_t j = 0; j < out; j++) {
            T gj = dy[i * out + j];
            if (act == 0 && y[i * out + j] <= 0) gj = 0;
            for (int64_t k = 0; k < in; k++) {
                d[k] += gj * w[j * in + k];
                acc[j * in + k] += gj * xr[k];
            }
            acc[out * in + j] += gj;
        }
        if (dx)
            for (int64_t k = 0; k < in; k++) dx[i * in + k] = d[k];
    }
}

/* part: nb * (out * in + out) scratch. */
static void IN(dense_tiny_bwd_)(T *dx, T *dw, T *db, const T *dy, const T *x, const T *w,
                                const T *y, int64_t n, int64_t in, int64_t out, int act, T *part,
                                int nthreads) {
    int64_t nb = (n + TINY_RB - 1) / TINY_RB, pw = out * in + out;
#define RELU_(IN_) IN(dense_tiny_bwd_rows_)(dx, acc, dy, x, w, y, i0, i1, IN_, out, 0)
#define NONE_(IN_) IN(dense_tiny_bwd_rows_)(dx, acc, dy, x, w, y, i0, i1, IN_, out, -1)
#pragma omp parallel for schedule(dynamic, 1) \
    num_threads(tiny_threads(6.0 * n * in * out, nthreads))
    for (int64_t q = 0; q < nb; q++) {
        int64_t i0 = q * TINY_RB, i1 = i0 + TINY_RB < n ? i0 + TINY_RB : n;
        T acc[TINY_W + TINY_W] = {0}; /* local: cannot alias dx, stays in L1 */
        if (act == 0) {
            IN_SWITCH(in, RELU_)
        } else {
            IN_SWITCH(in, NONE_)
        }
        memcpy(part + q * pw, acc, (size_t)pw * sizeof(T));
    }
#undef RELU_
#undef NONE_
    for (int64_t u = 0; u < pw; u++) {
        T s = 0;
        for (int64_t q = 0; q < nb; q++) s += part[q * pw + u];
        if (u < out * in) {
            if (dw) dw[u] = s;
        } else if (db) {
            db[u - out * in] = s;
        }
    }
}

#undef IN
