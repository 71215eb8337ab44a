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
    const T *X;       /* in: (n, d) row-major */
    int64_t d, L;
} KB(kd_build);

/* Reorders key[0..n) (and id alongside) so that key[kth] is the value a full
 * sort would put there, smaller-or-equal before it, larger-or-equal after.
 * Median-of-three pivot, three-way partition: O(n) expected, one pass for a
 * run of equal keys, no degradation on sorted input. */
static void KB(kd_select)(T *key, int64_t *id, int64_t n, int64_t kth) {
    int64_t lo = 0, hi = n;
    while (hi - lo > 16) {
        T a = key[lo], b = key[lo + (hi - lo) / 2], c = key[hi - 1];
        T piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int64_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            T v = key[i];
            if (v < piv) {
                T tk = key[lt]; key[lt] = v; key[i] = tk;
                int64_t ti = id[lt]; id[lt] = id[i]; id[i] = ti;
                lt++;
                i++;
            } else if (v > piv) {
                gt--;
                T tk = key[gt]; key[gt] = v; key[i] = tk;
                int64_t ti = id[gt]; id[gt] = id[i]; id[i] = ti;
            } else {
                i++;
            }
        }
        if (kth < lt) hi = lt;
        else if (kth >= gt) lo = gt;
        else return;
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

static void KB(kd_bbox)(T *lo, T *hi, const T *X, const int64_t *idx, int64_t s, int64_t e,
                        int64_t d) {
    const T *x0 = X + idx[s] * d;
    for (int64_t k = 0; k < d; k++) lo[k] = hi[k] = x0[k];
    for (int64_t j = s + 1; j < e; j++) {
        const T *x = X + idx[j] * d;
        for (int64_t k = 0; k < d; k++) {
            const T v = x[k];
            lo[k] = v < lo[k] ? v : lo[k];
            hi[k] = v > hi[k] ? v : hi[k];
        }
    }
}

static void KB(kd_build_node)(const KB(kd_build) *c, int64_t node, int64_t s, int64_t e) {
    const int64_t cnt = e - s, d = c->d;
    int64_t *nd = c->nodes + 4 * node;
    if (cnt <= c->L) { /* leaf: copy its points feature-major */
        nd[0] = s;
        nd[1] = e;
        nd[2] = 0;
        nd[3] = 0;
        c->splits[2 * node] = c->splits[2 * node + 1] = 0;
        T *dst = c->data + s * d;
        for (int64_t j = 0; j < cnt; j++) {
            const T *x = c->X + c->idx[s + j] * d;
            for (int64_t k = 0; k < d; k++) dst[k * cnt + j] = x[k];
        }
        return;
    }
    /* widest spread of the tight box (first dimension on ties) */
    T buf[128];
    T *lo = d <= 64 ? buf : (T *)malloc((size_t)(2 * d) * sizeof(T));
    int64_t dim = 0;
    if (lo) {
        T *hi = lo + d;
        KB(kd_bbox)(lo, hi, c->X, c->idx, s, e, d);
        T best = hi[0] - lo[0];
        for (int64_t k = 1; k < d; k++)
            if (hi[k] - lo[k] > best) {
                best = hi[k] - lo[k];
                dim = k;
            }
        if (lo != buf) free(lo);
    } /* (allocation failure: split along dimension 0, still a valid tree) */
    T *key = c->keys + s;
    int64_t *id = c->idx + s;
    for (int64_t j = 0; j < cnt; j++) key[j] = c->X[id[j] * d + dim];
    const int64_t half = cnt / 2, mid = s + half;
    KB(kd_select)(key, id, cnt, half);
    T lhi = key[0];
    for (int64_t j = 1; j < half; j++) lhi = key[j] > lhi ? key[j] : lhi;
    const int64_t right = node + 1 + fm_kdtree_node_count(half, c->L);
    nd[0] = s;
    nd[1] = e;
    nd[2] = right;
    nd[3] = dim;
    c->splits[2 * node] = lhi;
    c->splits[2 * node + 1] = key[half];
    if (cnt > KB_TASK_MIN) {
        _Pragma("omp task firstprivate(c, node, s, mid)")
        KB(kd_build_node)(c, node + 1, s, mid);
        KB(kd_build_node)(c, right, mid, e);
    } else {
        KB(kd_build_node)(c, node + 1, s, mid);
        KB(kd_build_node)(c, right, mid, e);
    }
}

/* data (n*d), idx (n), nodes (nnodes*4), splits (nnodes*2), bounds (2*d: lo row,
 * hi row) are outputs; nnodes = fm_kdtree_node_count(n, leaf_size). */
FM_API int KB(fm_kdtree_build)(T *data, int64_t *idx, int64_t *nodes, T *splits, T *bounds,
                               const T *X, int64_t n, int64_t d, int64_t leaf_size) {
    if (n < 1 || d < 1) return FM_EINVAL;
    if (leaf_size < 1) leaf_size = 1;
    T *keys = (T *)malloc((size_t)n * sizeof(T));
    if (!keys) return FM_ENOMEM;
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    KB(kd_bbox)(bounds, bounds + d, X, idx, 0, n, d);
    KB(kd_build) c = {data, idx, nodes, splits, keys, X, d, leaf_size};
    double lg = 1;
    for (int64_t m = n; m > 1; m >>= 1) lg += 1;
    const int nt = n > KB_TASK_MIN ? fm_threads_for((double)n * (double)d * lg) : 1;
    if (nt > 1) {
        _Pragma("omp parallel num_threads(nt)")
        _Pragma("omp single")
        KB(kd_build_node)(&c, 0, 0, n);
    } else {
        KB(kd_build_node)(&c, 0, 0, n);
    }
    free(keys);
    return FM_OK;
}

#undef KB_CAT_
#undef KB_CAT
#undef KB
#undef KB_TASK_MIN
