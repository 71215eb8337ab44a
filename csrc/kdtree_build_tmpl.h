/* kdtree_build_tmpl.h -- k-d tree build for one dtype; included by kdtree.c
 * with T and SUF defined. The algorithm is described in kdtree.c. */
#define KB_CAT_(a, b) a##_##b
#define KB_CAT(a, b) KB_CAT_(a, b)
#define KB(name) KB_CAT(name, SUF)

#define KB_TASK_MIN 32768 /* smaller subtrees are built inline by their task */

typedef struct {
    T *data;        /* out: points in tree order, leaves feature-major */
    int64_t *idx;   /* out: tree position -> training row */
    int64_t *nodes; /* out: [nnodes, 4] start, end, right child (0: leaf), dim */
    T *splits;      /* out: [nnodes, 2] left child's max, right child's min */
    T *boxes;       /* out: [nnodes, 2, d] tight box of each node (lo row, hi row) */
    T *W;           /* work: (n, d) rows, reordered in place as the tree is built */
    int64_t d, L;
} KB(kd_build);

/* Reorders rows W[0..n) (and id alongside) so that row kth has the key (column
 * dim) a full sort would put there, keys <= before it and >= after it.
 * Hoare partitioning on the rows themselves (a swap moves d + 1 values, and
 * there is no separate gather or permutation pass), around the median of three
 * or, for long ranges, a sample element of the target's relative rank (the
 * Floyd-Rivest idea: one pass usually leaves ~1/8 of the range). Both scans
 * stop on keys equal to the pivot, so runs of equal keys are split evenly and
 * heavily duplicated data stays O(n) per level; sorted input is the best case. */
static void KB(kd_select)(T *W, int64_t *id, int64_t d, int64_t dim, int64_t n, int64_t kth) {
#define KEY(i) W[(i) * d + dim]
#define SWAP_ROWS(a, b)                                                                     \
    do {                                                                                    \
        T *ra_ = W + (a) * d, *rb_ = W + (b) * d;                                          \
        for (int64_t c_ = 0; c_ < d; c_++) {                                               \
            const T t_ = ra_[c_];                                                          \
            ra_[c_] = rb_[c_];                                                             \
            rb_[c_] = t_;                                                                  \
        }                                                                                  \
        const int64_t ti_ = id[a];                                                         \
        id[a] = id[b];                                                                     \
        id[b] = ti_;                                                                       \
    } while (0)
    int64_t lo = 0, hi = n;
    while (hi - lo > 16) {
        int64_t med;
        if (hi - lo > 2048) {
            T sv[63];
            int64_t sp[63];
            for (int i = 0; i < 63; i++) {
                const int64_t pos = lo + (int64_t)(((double)(hi - lo - 1) * i) / 62.0);
                const T v = KEY(pos);
                int j = i;
                while (j > 0 && sv[j - 1] > v) {
                    sv[j] = sv[j - 1];
                    sp[j] = sp[j - 1];
                    j--;
                }
                sv[j] = v;
                sp[j] = pos;
            }
            const int r = (int)(((double)(kth - lo) * 63.0) / (double)(hi - lo));
            med = sp[r < 0 ? 0 : (r > 62 ? 62 : r)];
        } else {
            const int64_t m = lo + (hi - lo) / 2, l = hi - 1;
            const T a = KEY(lo), b = KEY(m), c = KEY(l);
            med = a < b ? (b < c ? m : (a < c ? l : lo)) : (a < c ? lo : (b < c ? l : m));
        }
        if (med != lo) SWAP_ROWS(lo, med);
        const T piv = KEY(lo);
        int64_t i = lo - 1, j = hi;
        for (;;) {
            do i++; while (KEY(i) < piv);
            do j--; while (KEY(j) > piv);
            if (i >= j) break;
            SWAP_ROWS(i, j);
        }
        /* [lo, j] <= piv <= [j+1, hi), lo <= j < hi - 1 */
        if (kth <= j) hi = j + 1;
        else lo = j + 1;
    }
    for (int64_t i = lo + 1; i < hi; i++) /* insertion sort of the last few */
        for (int64_t j = i; j > lo && KEY(j - 1) > KEY(j); j--) SWAP_ROWS(j - 1, j);
#undef KEY
#undef SWAP_ROWS
}

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

/* Node over tree positions [s, e): rows W[s..e), training ids idx[s..e). Its
 * box (boxes[node]) was written by the parent: the parent's box narrowed to
 * the child's extent along the split dimension, so no pass over the rows is
 * needed to choose the split. A leaf replaces it by its exact tight box, taken
 * in the same pass that copies its points out, and an inner node by the union
 * of its children's once they are built: every stored box ends up tight. */
static void KB(kd_build_node)(const KB(kd_build) *c, int64_t node, int64_t s, int64_t e) {
    const int64_t cnt = e - s, d = c->d;
    int64_t *nd = c->nodes + 4 * node;
    T *lo = c->boxes + 2 * d * node, *hi = lo + d;
    if (cnt <= c->L) { /* leaf: copy its points feature-major, tight box */
        nd[0] = s;
        nd[1] = e;
        nd[2] = 0;
        nd[3] = 0;
        c->splits[2 * node] = c->splits[2 * node + 1] = 0;
        T *out = c->data + s * d;
        const T *w = c->W + s * d;
        for (int64_t k = 0; k < d; k++) {
            T a = w[k], b = w[k];
            for (int64_t j = 0; j < cnt; j++) {
                const T v = w[j * d + k];
                out[k * cnt + j] = v;
                a = v < a ? v : a;
                b = v > b ? v : b;
            }
            lo[k] = a;
            hi[k] = b;
        }
        return;
    }
    int64_t dim = 0; /* widest spread (first dimension on ties) */
    T best = hi[0] - lo[0];
    for (int64_t k = 1; k < d; k++)
        if (hi[k] - lo[k] > best) {
            best = hi[k] - lo[k];
            dim = k;
        }
    const int64_t half = cnt / 2, mid = s + half;
    T *w = c->W + s * d;
    KB(kd_select)(w, c->idx + s, d, dim, cnt, half);
    T lmax = w[dim];
    for (int64_t j = 1; j < half; j++) lmax = w[j * d + dim] > lmax ? w[j * d + dim] : lmax;
    const T rmin = w[half * d + dim];
    const int64_t right = node + 1 + fm_kdtree_node_count(half, c->L);
    nd[0] = s;
    nd[1] = e;
    nd[2] = right;
    nd[3] = dim;
    c->splits[2 * node] = lmax;
    c->splits[2 * node + 1] = rmin;
    T *bl = c->boxes + 2 * d * (node + 1), *br = c->boxes + 2 * d * right;
    memcpy(bl, lo, (size_t)(2 * d) * sizeof(T));
    memcpy(br, lo, (size_t)(2 * d) * sizeof(T));
    bl[d + dim] = lmax;
    br[dim] = rmin;
    if (cnt > KB_TASK_MIN) {
        _Pragma("omp task firstprivate(c, node, s, mid)")
        KB(kd_build_node)(c, node + 1, s, mid);
        KB(kd_build_node)(c, right, mid, e);
        _Pragma("omp taskwait")
    } else {
        KB(kd_build_node)(c, node + 1, s, mid);
        KB(kd_build_node)(c, right, mid, e);
    }
    /* now the children's boxes are tight: so is their union */
    for (int64_t k = 0; k < 2 * d; k++) {
        const T a = bl[k], b = br[k];
        lo[k] = k < d ? (a < b ? a : b) : (a > b ? a : b);
    }
}

/* data (n*d), idx (n), nodes (nnodes*4), splits (nnodes*2), boxes (nnodes*2*d)
 * are outputs; nnodes = fm_kdtree_node_count(n, leaf_size). */
FM_API int KB(fm_kdtree_build)(T *data, int64_t *idx, int64_t *nodes, T *splits, T *boxes,
                               const T *X, int64_t n, int64_t d, int64_t leaf_size,
                               int nthreads) {
    if (n < 1 || d < 1) return FM_EINVAL;
    if (leaf_size < 1) leaf_size = 1;
    T *W = (T *)malloc((size_t)(n * d) * sizeof(T));
    if (!W) return FM_ENOMEM;
    memcpy(W, X, (size_t)(n * d) * sizeof(T));
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    KB(kd_bbox)(boxes, boxes + d, W, 0, n, d); /* the root's tight box */
    KB(kd_build) c = {data, idx, nodes, splits, boxes, W, d, leaf_size};
    double lg = 1;
    for (int64_t m = n; m > 1; m >>= 1) lg += 1;
    const int nt = n > KB_TASK_MIN ? fm_team_size(nthreads, (double)n * (double)d * lg) : 1;
    if (nt > 1) {
        _Pragma("omp parallel num_threads(nt)")
        _Pragma("omp single")
        KB(kd_build_node)(&c, 0, 0, n);
    } else {
        KB(kd_build_node)(&c, 0, 0, n);
    }
    free(W);
    return FM_OK;
}

#undef KB_CAT_
#undef KB_CAT
#undef KB
#undef KB_TASK_MIN
