/* kdtree_build_tmpl.h -- k-d tree build for one dtype; included by kdtree.c
 * with T and SUF defined. The algorithm is described in kdtree.c. */
#define KB_CAT_(a, b) a##_##b
#define KB_CAT(a, b) KB_CAT_(a, b)
#define KB(name) KB_CAT(name, SUF)

#define KB_TASK_MIN 32768 /* smaller subtrees are built inline by their task */

typedef struct {
    T *data;          /* out: points in tree order, leaves feature-major */
    int64_t *idx;     /* out: tree position -> training row */
    int64_t *nodes;   /* out: [nnodes, 4] start, end, right child (0: leaf), dim */
    T *splits;        /* out: [nnodes, 2] left child's max, right child's min */
    T *keys;          /* work: [n] split-dimension keys of the current range */
    int64_t *perm;    /* work: [n] local permutation from the selection */
    int64_t *idx2;    /* work: [n] */
    T *W, *W2;        /* work: (n, d) rows in the current order, and a scratch copy */
    int64_t d, L;
} KB(kd_build);

/* Reorders key[0..n) (and id alongside) so that key[kth] is the value a full
 * sort would put there, smaller-or-equal before it, larger-or-equal after.
 * Hoare partitioning around the median of three, or for long ranges a sample
 * element of the target's relative rank (moved to the front): few
 * mispredicted branches, sorted input is the best case, and runs of equal keys
 * are split evenly (both scans stop on keys equal to the pivot), so heavily
 * duplicated data stays O(n) per level. */
#define KB_SWAP(a, b)                                                                       \
    do {                                                                                    \
        T tk_ = key[a]; key[a] = key[b]; key[b] = tk_;                                     \
        int64_t ti_ = id[a]; id[a] = id[b]; id[b] = ti_;                                   \
    } while (0)
static void KB(kd_select)(T *key, int64_t *id, int64_t n, int64_t kth) {
    int64_t lo = 0, hi = n;
    while (hi - lo > 16) {
        int64_t med;
        if (hi - lo > 2048) {
            /* pivot of the same relative rank in an evenly spaced sample of 63:
             * one pass usually leaves a range ~1/8 as long (Floyd-Rivest idea) */
            T sv[63];
            int64_t sp[63];
            for (int i = 0; i < 63; i++) {
                const int64_t pos = lo + (int64_t)(((double)(hi - lo - 1) * i) / 62.0);
                const T v = key[pos];
                int j = i;
                while (j > 0 && sv[j - 1] > v) {
                    sv[j] = sv[j - 1];
                    sp[j] = sp[j - 1];
                    j--;
                }
                sv[j] = v;
                sp[j] = pos;
            }
            int r = (int)(((double)(kth - lo) * 63.0) / (double)(hi - lo));
            med = sp[r < 0 ? 0 : (r > 62 ? 62 : r)];
        } else {
            const int64_t m = lo + (hi - lo) / 2, l = hi - 1;
            const T a = key[lo], b = key[m], c = key[l];
            med = a < b ? (b < c ? m : (a < c ? l : lo)) : (a < c ? lo : (b < c ? l : m));
        }
        KB_SWAP(lo, med);
        const T piv = key[lo];
        int64_t i = lo - 1, j = hi;
        for (;;) {
            do i++; while (key[i] < piv);
            do j--; while (key[j] > piv);
            if (i >= j) break;
            KB_SWAP(i, j);
        }
        /* [lo, j] <= piv <= [j+1, hi), lo <= j < hi - 1 */
        if (kth <= j) hi = j + 1;
        else lo = j + 1;
    }
    for (int64_t i = lo + 1; i < hi; i++) { /* insertion sort of the last few */
        T v = key[i];
        int64_t vi = id[i], j = i;
        while (j > lo && key[j - 1] > v) {
            key[j] = key[j - 1];
            id[j] = id[j - 1];
            j--;
        }
        key[j] = v;
        id[j] = vi;
    }
}
#undef KB_SWAP

/* tight box of the contiguous rows W[s..e) */
static void KB(kd_bbox)(T *lo, T *hi, const T *W, int64_t s, int64_t e, int64_t d) {
    const T *x0 = W + s * d;
    for (int64_t k = 0; k < d; k++) lo[k] = hi[k] = x0[k];
    for (int64_t j = s + 1; j < e; j++) {
        const T *x = W + j * d;
        for (int64_t k = 0; k < d; k++) {
            const T v = x[k];
            lo[k] = v < lo[k] ? v : lo[k];
            hi[k] = v > hi[k] ? v : hi[k];
        }
    }
}

/* Node over tree positions [s, e). Its rows are W[s..e) of buffer `src`
 * (current order, with training ids in `isrc`), lo/hi its tight box. The rows
 * are moved along with the selection into the other buffer (`dst`, `idst`),
 * and the children's tight boxes are taken in that same pass, so every pass
 * over a node's points is sequential and there is no separate box pass. */
static void KB(kd_build_node)(const KB(kd_build) *c, int64_t node, int64_t s, int64_t e,
                              T *src, T *dst, int64_t *isrc, int64_t *idst, const T *lo,
                              const T *hi) {
    const int64_t cnt = e - s, d = c->d;
    int64_t *nd = c->nodes + 4 * node;
    if (cnt <= c->L) { /* leaf: copy its points feature-major */
        nd[0] = s;
        nd[1] = e;
        nd[2] = 0;
        nd[3] = 0;
        c->splits[2 * node] = c->splits[2 * node + 1] = 0;
        T *out = c->data + s * d;
        const T *w = src + s * d;
        for (int64_t j = 0; j < cnt; j++)
            for (int64_t k = 0; k < d; k++) out[k * cnt + j] = w[j * d + k];
        if (isrc != c->idx) memcpy(c->idx + s, isrc + s, (size_t)cnt * sizeof(int64_t));
        return;
    }
    int64_t dim = 0; /* widest spread (first dimension on ties) */
    T best = hi[0] - lo[0];
    for (int64_t k = 1; k < d; k++)
        if (hi[k] - lo[k] > best) {
            best = hi[k] - lo[k];
            dim = k;
        }
    T *key = c->keys + s;
    int64_t *pm = c->perm + s;
    const T *w = src + s * d;
    for (int64_t j = 0; j < cnt; j++) {
        key[j] = w[j * d + dim];
        pm[j] = j;
    }
    const int64_t half = cnt / 2, mid = s + half;
    KB(kd_select)(key, pm, cnt, half);
    T buf[4 * 32];
    T *box = d <= 32 ? buf : (T *)malloc((size_t)(4 * d) * sizeof(T));
    if (!box) box = NULL;
    T *w2 = dst + s * d;
    const int64_t *is = isrc + s;
    int64_t *id2 = idst + s;
    for (int h = 0; h < 2; h++) { /* permute rows and ids; tight boxes of both halves */
        const int64_t j0 = h ? half : 0, j1 = h ? cnt : half;
        T *blo = box ? box + 2 * h * d : NULL, *bhi = box ? blo + d : NULL;
        if (box)
            for (int64_t k = 0; k < d; k++) {
                blo[k] = w[pm[j0] * d + k];
                bhi[k] = blo[k];
            }
        for (int64_t j = j0; j < j1; j++) {
            const T *x = w + pm[j] * d;
            T *y = w2 + j * d;
            for (int64_t k = 0; k < d; k++) y[k] = x[k];
            if (box)
                for (int64_t k = 0; k < d; k++) {
                    blo[k] = x[k] < blo[k] ? x[k] : blo[k];
                    bhi[k] = x[k] > bhi[k] ? x[k] : bhi[k];
                }
            id2[j] = is[pm[j]];
        }
    }
    if (!box) { /* out of memory for the boxes: reuse the parent's (still valid) */
        box = (T *)lo; /* never written below */
    }
    const T *llo = box == lo ? lo : box, *lhi_ = box == lo ? hi : box + d;
    const T *rlo_ = box == lo ? lo : box + 2 * d, *rhi = box == lo ? hi : box + 3 * d;
    T lmax = key[0];
    for (int64_t j = 1; j < half; j++) lmax = key[j] > lmax ? key[j] : lmax;
    const int64_t right = node + 1 + fm_kdtree_node_count(half, c->L);
    nd[0] = s;
    nd[1] = e;
    nd[2] = right;
    nd[3] = dim;
    c->splits[2 * node] = lmax;
    c->splits[2 * node + 1] = key[half];
    if (cnt > KB_TASK_MIN) {
        _Pragma("omp task firstprivate(c, node, s, mid, dst, src, idst, isrc, llo, lhi_)")
        KB(kd_build_node)(c, node + 1, s, mid, dst, src, idst, isrc, llo, lhi_);
        KB(kd_build_node)(c, right, mid, e, dst, src, idst, isrc, rlo_, rhi);
        _Pragma("omp taskwait")
    } else {
        KB(kd_build_node)(c, node + 1, s, mid, dst, src, idst, isrc, llo, lhi_);
        KB(kd_build_node)(c, right, mid, e, dst, src, idst, isrc, rlo_, rhi);
    }
    if (box != buf && box != lo) free(box);
}

/* data (n*d), idx (n), nodes (nnodes*4), splits (nnodes*2), bounds (2*d: lo row,
 * hi row) are outputs; nnodes = fm_kdtree_node_count(n, leaf_size). */
FM_API int KB(fm_kdtree_build)(T *data, int64_t *idx, int64_t *nodes, T *splits, T *bounds,
                               const T *X, int64_t n, int64_t d, int64_t leaf_size) {
    if (n < 1 || d < 1) return FM_EINVAL;
    if (leaf_size < 1) leaf_size = 1;
    T *keys = (T *)malloc((size_t)n * sizeof(T));
    int64_t *perm = (int64_t *)malloc((size_t)(2 * n) * sizeof(int64_t));
    T *W = (T *)malloc((size_t)(2 * n * d) * sizeof(T));
    if (!keys || !perm || !W) {
        free(keys);
        free(perm);
        free(W);
        return FM_ENOMEM;
    }
    memcpy(W, X, (size_t)(n * d) * sizeof(T));
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    KB(kd_bbox)(bounds, bounds + d, W, 0, n, d);
    KB(kd_build) c = {data, idx, nodes, splits, keys, perm, perm + n, W, W + n * d, d, leaf_size};
    double lg = 1;
    for (int64_t m = n; m > 1; m >>= 1) lg += 1;
    const int nt = n > KB_TASK_MIN ? fm_threads_for((double)n * (double)d * lg) : 1;
    if (nt > 1) {
        _Pragma("omp parallel num_threads(nt)")
        _Pragma("omp single")
        KB(kd_build_node)(&c, 0, 0, n, W, W + n * d, idx, perm + n, bounds, bounds + d);
    } else {
        KB(kd_build_node)(&c, 0, 0, n, W, W + n * d, idx, perm + n, bounds, bounds + d);
    }
    free(keys);
    free(perm);
    free(W);
    return FM_OK;
}

#undef KB_CAT_
#undef KB_CAT
#undef KB
#undef KB_TASK_MIN
