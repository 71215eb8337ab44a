/* topk_tmpl.h -- the k-best structure shared by the tree and brute force, for
 * one dtype: include with T and SUF defined (names get the _SUF suffix).
 *
 * Pairs (distance D, training index I) are ordered lexicographically, so among
 * equal distances the lower index is better: the package's tie rule. k slots
 * start as (+inf, INT64_MAX). For k <= TOPK_SMALL they form a sorted buffer
 * (worst in slot k-1; an insertion shifts at most k entries, and almost every
 * candidate is rejected by one compare with the last slot); beyond, a binary
 * max-heap (worst in slot 0), heap-sorted by topk_finish. */
#ifndef TOPK_SMALL
#define TOPK_SMALL 32
/* (da, ia) worse than (db, ib); NaN never reaches a kernel, so !(da < db) with
 * !(da > db) is equality, written without == to spare the unordered branch */
#define TOPK_WORSE(da, ia, db, ib) ((da) > (db) || (!((da) < (db)) && (ia) > (ib)))
#endif
#define TK_CAT_(a, b) a##_##b
#define TK_CAT(a, b) TK_CAT_(a, b)
#define TK(name) TK_CAT(name, SUF)

static inline __attribute__((always_inline)) void TK(topk_init)(T *D, int64_t *I, int64_t k) {
    for (int64_t j = 0; j < k; j++) {
        D[j] = (T)INFINITY;
        I[j] = INT64_MAX;
    }
}

/* max-heap sift-down of (v, id) from slot j within n slots */
static inline __attribute__((always_inline)) void TK(topk_sift)(T *D, int64_t *I, int64_t n,
                                                                 int64_t j, T v, int64_t id) {
    for (;;) {
        int64_t l = 2 * j + 1;
        if (l >= n) break;
        int64_t r = l + 1, ch = (r < n && TOPK_WORSE(D[r], I[r], D[l], I[l])) ? r : l;
        if (!TOPK_WORSE(D[ch], I[ch], v, id)) break;
        D[j] = D[ch];
        I[j] = I[ch];
        j = ch;
    }
    D[j] = v;
    I[j] = id;
}

/* sorts n pairs ascending by (D, I): heapify + heapsort, in place */
static inline void TK(topk_sort_pairs)(T *D, int64_t *I, int64_t n) {
    for (int64_t j = n / 2 - 1; j >= 0; j--) TK(topk_sift)(D, I, n, j, D[j], I[j]);
    for (int64_t e = n - 1; e > 0; e--) {
        const T v = D[e];
        const int64_t id = I[e];
        D[e] = D[0];
        I[e] = I[0];
        TK(topk_sift)(D, I, e, 0, v, id);
    }
}

static inline __attribute__((always_inline)) T TK(topk_worst)(const T *D, int64_t k) {
    return k <= TOPK_SMALL ? D[k - 1] : D[0];
}

static inline __attribute__((always_inline)) void TK(topk_push)(T *D, int64_t *I, int64_t k,
                                                                 T v, int64_t id) {
    if (k <= TOPK_SMALL) {
        if (!TOPK_WORSE(D[k - 1], I[k - 1], v, id)) return;
        int64_t j = k - 1;
        while (j > 0 && D[j - 1] > v) { /* ties (rare) are settled by index below */
            D[j] = D[j - 1];
            I[j] = I[j - 1];
            j--;
        }
        while (j > 0 && !(D[j - 1] < v) && I[j - 1] > id) {
            D[j] = D[j - 1];
            I[j] = I[j - 1];
            j--;
        }
        D[j] = v;
        I[j] = id;
    } else {
        if (!TOPK_WORSE(D[0], I[0], v, id)) return;
        TK(topk_sift)(D, I, k, 0, v, id);
    }
}

/* leaves the k slots sorted ascending */
static inline void TK(topk_finish)(T *D, int64_t *I, int64_t k) {
    if (k <= TOPK_SMALL) return;
    for (int64_t e = k - 1; e > 0; e--) {
        const T v = D[e];
        const int64_t id = I[e];
        D[e] = D[0];
        I[e] = I[0];
        TK(topk_sift)(D, I, e, 0, v, id);
    }
}

#undef TK_CAT_
#undef TK_CAT
#undef TK
